"""The model's input and output conventions, shared by training and the Python benchmark.

The node's engine implements the same functions in Rust (`offchain-workers/src/input.rs`,
`offchain-workers/src/quantise.rs`); `fixtures.json` holds cases that all must agree on.
"""
import math
import re

# The dataset truncates documents to 8000 characters; the model sees at most that many.
MAX_CHARS = 8000
# Scores are quantised to basis points: floor(p * 10000 + 0.5), in f64 from the f32 output.
BASIS_POINTS = 10_000
# A word of `readable_share`: a run of letters, digits and `_`.
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """The model's input: the first MAX_CHARS code points, ASCII letters lower-cased, every
    non-ASCII code point replaced by a space.

    The result is pure ASCII, so the tokeniser's word pattern means the same in Python's `re` (which
    fitted the vocabulary) and in ONNX Runtime's RE2, and no locale is involved (the engine does the
    same on the same prefix)."""
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch if ch < "\x80" else " "
                   for ch in text[:MAX_CHARS])


def readable_share(text: str, vocabulary) -> int:
    """How much of `text` a model knowing the words `vocabulary` can read, in basis points: of the
    letters in the words of the first MAX_CHARS code points, the share in words the vocabulary
    holds. A word is a run of letters, digits and `_`; only words of letters alone count; a word
    is looked up with A-Z lower-cased, and one with a non-ASCII letter is never known. No such
    word: 0. (Python's `isalpha` stands for Rust's `is_alphabetic`; they differ only on some
    combining marks.)"""
    known = letters = 0
    for word in _WORD.findall(text[:MAX_CHARS]):
        if word.isalpha():
            letters += len(word)
            if word.isascii() and word.lower() in vocabulary:
                known += len(word)
    return known * BASIS_POINTS // letters if letters else 0


def quantise(probabilities):
    """Per-class basis points and the label (first maximum), exactly as the engine computes them."""
    scores = [int(math.floor(float(p) * BASIS_POINTS + 0.5)) for p in probabilities]
    label = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return label, scores
