#!/usr/bin/env python3
"""Fits the brief's key-sentence scorer (`daollm_brief::summary`) on the training split.

    python3 fit_summary.py [--data ../../../shared/data/proposals] [--brief CMD]

It writes `primitives/brief/src/summary/fitted.rs` (through rustfmt): the weights of the
features, the lexicon, and how many sentences are picked. Same data, same file: the fit has no
randomness. About 5 minutes.

1. Rows: the training split's proposals that carry their own summary section, with every such
   section removed from the body (`evaluate_brief.without_summaries`); the first of them is the
   reference. The development split is not read.
2. Features: every sentence's `summary::features` and lexicon tokens, from the crate's `brief`
   example (`--features`), so the fit reads exactly what the chain computes.
3. Lexicon: per token, (bodies whose summary holds it + ALPHA x the overall share) / (bodies
   holding it + ALPHA), kept for tokens in at least MIN_BODIES bodies, per mille. The training
   rows' lexicon feature is recomputed from a lexicon of the other four of five folds, so that no
   row's feature saw its own summary; the lexicon written out is the whole split's.
4. Weights: least squares of each sentence's own ROUGE-L F1 on the standardised features (a
   start), then integer coordinate ascent on the mean ROUGE-L F1 of the picks themselves, for 1,
   2 and 3 picked sentences; the best of the three is written.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import evaluate_brief as eb  # noqa: E402

OUT = os.path.join(REPO, "primitives", "brief", "src", "summary", "fitted.rs")
FEATURES = ["Centrality", "Title", "First", "Second", "Third", "Position", "Words", "Short", "Long",
            "SelfReference", "ListItem", "Colon", "SectionStart", "Preamble", "IntroSection",
            "DetailSection", "Digit", "HeadingInTitle", "Lexicon"]
LEXICON = FEATURES.index("Lexicon")
ALPHA = 5
MIN_BODIES = 30
FOLDS = 5
SCALE = 1_000_000
PASSES = 6
STEPS = (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 2.0)


def lexicon(docs):
    """Per token, its smoothed share of bodies whose summary holds it (per mille), and the
    value of any other token."""
    bodies, both = Counter(), Counter()
    for d in docs:
        reference = set(d["ref"])
        for token in set(t for s in d["tokens"] for t in s):
            bodies[token] += 1
            both[token] += token in reference
    share = sum(both.values()) / max(1, sum(bodies.values()))
    table = {t: round(1000 * (both[t] + ALPHA * share) / (n + ALPHA))
             for t, n in bodies.items() if n >= MIN_BODIES}
    return table, round(1000 * share)


def lexicon_feature(tokens, table, default):
    return sum(table.get(t, default) for t in tokens) // (len(tokens) + 4)


class Objective:
    """The mean ROUGE-L F1 of the picks, cached per row and picks."""

    def __init__(self, docs):
        self.docs, self.cache = docs, {}

    def picks(self, doc, weights, k):
        scores = [sum(w * x for w, x in zip(weights, f)) for f in doc["features"]]
        return tuple(sorted(sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]))

    def __call__(self, weights, k):
        total = 0.0
        for j, doc in enumerate(self.docs):
            picks = self.picks(doc, weights, k)
            value = self.cache.get((j, picks))
            if value is None:
                c = [t for i in picks for t in doc["rouge"][i]]
                value = eb.f1(eb.lcs(c, doc["ref"]), len(c), len(doc["ref"])) if c else 0.0
                self.cache[(j, picks)] = value
            total += value
        return total / len(self.docs)


def solve(a, b):
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def least_squares(docs, ridge=1.0):
    """Weights (per feature unit) of a ridge regression of each sentence's ROUGE-L F1, each
    row weighing one in all."""
    columns = list(zip(*[f for d in docs for f in d["features"]]))
    mean = [sum(c) / len(c) for c in columns]
    sd = [max(1e-9, (sum((x - mean[i]) ** 2 for x in c) / len(c)) ** 0.5)
          for i, c in enumerate(columns)]
    m = len(FEATURES) + 1
    a = [[0.0] * m for _ in range(m)]
    b = [0.0] * m
    for d in docs:
        share = 1.0 / max(1, len(d["features"]))
        for f, tokens in zip(d["features"], d["rouge"]):
            y = eb.f1(eb.lcs(tokens, d["ref"]), len(tokens), len(d["ref"])) if tokens else 0.0
            x = [(v - mean[i]) / sd[i] for i, v in enumerate(f)] + [1.0]
            for p in range(m):
                b[p] += share * x[p] * y
                for q in range(m):
                    a[p][q] += share * x[p] * x[q]
    for p in range(m - 1):
        a[p][p] += ridge
    beta = solve(a, b)
    return [beta[i] / sd[i] for i in range(len(FEATURES))]


def ascend(objective, weights, k):
    best = objective(weights, k)
    for _ in range(PASSES):
        for i in range(len(weights)):
            scale = abs(weights[i]) or 1000
            for step in STEPS:
                candidate = list(weights)
                candidate[i] = weights[i] + round(step * scale)
                value = objective(candidate, k)
                if value > best + 1e-6:
                    best, weights = value, candidate
    return weights, best


def write(weights, k, table, default, score, count):
    names = "\n".join(f"\t{w}, // {n}" for n, w in zip(FEATURES, weights))
    entries = "\n".join(f"\t(\"{t}\", {v})," for t, v in sorted(table.items()))
    text = f"""//! The key-sentence scorer's fitted constants. Generated by
//! `offchain-workers/model/fit_summary.py` from the training split ({count} proposals with a
//! summary section; ROUGE-L F1 of the picks {score:.4f}); do not edit by hand.

/// How many key sentences a brief picks (at most [`crate::MAX_KEY_SENTENCES`]).
pub const KEY_SENTENCES: usize = {k};

/// Each [`super::Feature`]'s weight, in [`super::Feature::ALL`]'s order.
pub const WEIGHTS: [i64; super::FEATURES] = [
{names}
];

/// The [`super::Feature::Lexicon`] value of a token not in [`LEXICON`] (per mille).
pub const LEXICON_DEFAULT: u16 = {default};

/// Per token, sorted: the smoothed share (per mille) of the training bodies holding it whose
/// own summary holds it too.
pub const LEXICON: &[(&str, u16)] = &[
{entries}
];
"""
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    # The tree's format (`cargo fmt --check` in CI): the file as committed.
    subprocess.run(["rustfmt", "--edition", "2021", OUT], check=True, cwd=REPO)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "proposals"))
    parser.add_argument("--brief", default="cargo run --release --locked -q -p daollm-brief "
                                           "--example brief -- --features")
    args = parser.parse_args()
    with open(os.path.join(args.data, "train.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    for r in rows:
        r["input"], r["reference"] = eb.without_summaries(r["text"])
    rows = [r for r in rows if r["reference"] and len(eb.tokens(r["reference"])) >= 5]
    docs = []
    for r, out in zip(rows, eb.run_brief(args.brief, rows)):
        if any(len(f) != len(FEATURES) for f in out["features"]):
            sys.exit(f"{r['id']}: the crate reads {len(out['features'][0])} features, this script "
                     f"names {len(FEATURES)}: keep FEATURES in `summary::Feature::ALL`'s order")
        body = r["input"].encode()
        docs.append({"features": out["features"], "tokens": out["tokens"], "ref": eb.tokens(r["reference"]),
                     "rouge": [eb.tokens(body[s:e].decode()) for s, e in out["sentences"]]})
    for fold in range(FOLDS):
        table, default = lexicon([d for j, d in enumerate(docs) if j % FOLDS != fold])
        for d in docs[fold::FOLDS]:
            for f, tokens in zip(d["features"], d["tokens"]):
                f[LEXICON] = lexicon_feature(tokens, table, default)
    objective = Objective(docs)
    start = [round(w * SCALE) for w in least_squares(docs)]
    fits = []
    for k in (1, 2, 3):
        weights, score = ascend(objective, start, k)
        print(f"{k} sentences: ROUGE-L {score:.4f}", flush=True)
        fits.append((score, -k, weights))
    score, k, weights = max(fits)
    table, default = lexicon(docs)
    write(weights, -k, table, default, score, len(docs))
    print(f"wrote {os.path.relpath(OUT, REPO)}: {-k} sentences, {len(table)} lexicon tokens")


if __name__ == "__main__":
    main()
