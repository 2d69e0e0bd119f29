#!/usr/bin/env python3
"""Leave-one-DAO-out: how the proposal classifier does on a DAO it never saw, the figure models are
chosen by.

    venv/bin/python protocol.py [--data ../../../shared/data/proposals] [--candidates NAME,...]

For each of the dataset's sixteen DAOs (`daos.py`), a model is fitted on the *other* fifteen DAOs'
training rows and scored on *all* of the held-out DAO's rows (train and dev): a new DAO's first
day, with zero annotations. Per DAO the table gives its rows, accuracy, macro-F1 over the classes
it has, and the confusion of its main class (what its most frequent label was predicted as); the
summary gives the mean and the lowest accuracy over the DAOs. Beside it stays the random-split
figure: fitted on every training row, macro-F1 on the dev rows.

Without `--candidates`, every recipe of `CANDIDATES` is compared (about a minute each on one
core); the held-back splits of the dataset are neither shipped nor needed. The learned encoder's
candidates need its weights (`encoder.py` says how to install them) and embed every row first
(about six minutes on one core).
"""
import argparse
import collections
import json
import os
import re
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

import train
from daos import DAOS
from preprocess import normalise

# A reference to a numbered proposal of some process (`cgp-12`, `sip-2000`, `mip40c3`, `eip-1559`)
# and a token that starts with a digit: they name who wrote a proposal, not what it asks.
REFERENCE = re.compile(r"\b[a-z]{2,10}[-_#]?[0-9]+[a-z0-9]*\b")
NUMBER = re.compile(r"\b[0-9][0-9a-z]*\b")

# The recipes compared: TF-IDF word n-grams and a balanced logistic regression (`train.RECIPE`'s
# keys: `c` inverse regularisation, `features` vocabulary size, `weigh` "dao" for every DAO weighing
# the same within a label), and `mask`: blank proposal references and number tokens before
# fitting (offline only: the engine's normaliser would have to mask the same before such a model
# ships); `encoder`: all-MiniLM-L6-v2's embedding of the first 256 word pieces (`encoder.py`)
# as the features ("alone") or beside the TF-IDF ones ("beside"). "before" is the recipe of the
# model fitted on the first release alone (scikit-learn's default word pattern, which drops
# one-letter words); the others read every word as the graph does (`train.TOKEN`).
BEFORE = {**train.RECIPE, "weigh": "none", "mask": False, "encoder": None}
CANDIDATES = {
    "before": {**BEFORE, "token": r"(?u)\b\w\w+\b"},
    "unweighted": BEFORE,
    "C=1": {**BEFORE, "c": 1.0},
    "DAO-weighted (shipped)": {**BEFORE, "weigh": "dao"},
    "DAO-weighted, C=1": {**BEFORE, "weigh": "dao", "c": 1.0},
    "DAO-weighted, C=3, 50 000 features": {**BEFORE, "weigh": "dao", "c": 3.0, "features": 50_000},
    "DAO-weighted, masked": {**BEFORE, "weigh": "dao", "mask": True},
    "DAO-weighted, masked, C=1": {**BEFORE, "weigh": "dao", "mask": True, "c": 1.0},
    "MiniLM embedding, C=1": {**BEFORE, "encoder": "alone", "c": 1.0},
    "MiniLM embedding, DAO-weighted, C=1": {**BEFORE, "encoder": "alone", "weigh": "dao", "c": 1.0},
    "MiniLM embedding beside TF-IDF, DAO-weighted": {**BEFORE, "encoder": "beside", "weigh": "dao"},
}


def mask(text):
    """`text` (normalised) without proposal references and number tokens."""
    return NUMBER.sub(" ", REFERENCE.sub(" ", text))


def load(data):
    """Both splits' rows, each with its DAO (`dao`), split, label index (`y`) and model input."""
    rows = []
    for split in ("train", "dev"):
        _, labels, raw = train.load(os.path.join(data, f"{split}.jsonl"))
        for row, y in zip(raw, labels):
            rows.append({**row, "split": split, "y": y, "x": normalise(row["text"])})
    return rows


def fit(recipe, rows):
    """The recipe fitted on `rows`: a function from rows to predicted label indices."""
    if recipe["encoder"] is None:
        model = train.fit(rows, recipe, lambda row: inputs(recipe, row))
        return lambda held: model.predict([inputs(recipe, r) for r in held])
    tfidf = None
    if recipe["encoder"] == "beside":
        tfidf = train.pipeline(recipe["ngrams"], recipe["features"], recipe["c"], True,
                               recipe.get("token", train.TOKEN))
        tfidf = tfidf.named_steps["tfidf"].fit([inputs(recipe, r) for r in rows])

    def features(some):
        embedded = np.array([r["embedding"] for r in some])
        if tfidf is None:
            return embedded
        return sp.hstack([tfidf.transform([inputs(recipe, r) for r in some]),
                          sp.csr_matrix(embedded)]).tocsr()

    weights = train.dao_weights(rows) if recipe["weigh"] == "dao" else None
    model = LogisticRegression(C=recipe["c"], max_iter=5000, random_state=train.SEED,
                               class_weight="balanced")
    model.fit(features(rows), [r["y"] for r in rows], sample_weight=weights)
    return lambda held: model.predict(features(held))


def inputs(recipe, row):
    return mask(row["x"]) if recipe["mask"] else row["x"]


def embed(rows):
    """Adds every row's all-MiniLM-L6-v2 embedding (`embedding`)."""
    import encoder
    model = encoder.Encoder()
    for r in rows:
        r["embedding"] = model.embed(r["text"])


def leave_one_dao_out(recipe, rows):
    """Per DAO: the recipe fitted without it, scored on all of its rows."""
    table = {}
    for dao in DAOS:
        predict = fit(recipe, [r for r in rows if r["dao"] != dao and r["split"] == "train"])
        held = [r for r in rows if r["dao"] == dao]
        y = np.array([r["y"] for r in held])
        predicted = predict(held)
        main = collections.Counter(y.tolist()).most_common(1)[0][0]
        confusion = collections.Counter(predicted[y == main].tolist())
        table[dao] = {
            "rows": len(held),
            "accuracy": round(accuracy_score(y, predicted), 4),
            "macroF1": round(f1_score(y, predicted, average="macro", labels=sorted(set(y))), 4),
            "mainClass": train.LABELS[main],
            "mainClassPredictedAs": {train.LABELS[l]: n for l, n in confusion.most_common()},
        }
    return table


def random_split(recipe, rows):
    """Fitted on every training row, scored on the dev rows."""
    predict = fit(recipe, [r for r in rows if r["split"] == "train"])
    dev = [r for r in rows if r["split"] == "dev"]
    y = [r["y"] for r in dev]
    predicted = predict(dev)
    return {"accuracy": round(accuracy_score(y, predicted), 4),
            "macroF1": round(f1_score(y, predicted, average="macro"), 4)}


def summary(table):
    accuracies = [t["accuracy"] for t in table.values()]
    return {"meanAccuracy": round(float(np.mean(accuracies)), 4),
            "lowestAccuracy": round(float(min(accuracies)), 4),
            "lowestDao": min(table, key=lambda d: table[d]["accuracy"])}


def print_table(name, table, dev):
    print(f"\n### {name}\n")
    print("| DAO held out | rows | accuracy | macro-F1 | main class: predicted as |")
    print("|---|---|---|---|---|")
    for dao, t in table.items():
        confusion = ", ".join(f"{label} {n}" for label, n in t["mainClassPredictedAs"].items())
        print(f"| {dao} | {t['rows']} | {t['accuracy']:.3f} | {t['macroF1']:.3f} |"
              f" {t['mainClass']}: {confusion} |")
    s = summary(table)
    print(f"| **mean** | | **{s['meanAccuracy']:.3f}** (lowest {s['lowestAccuracy']:.3f},"
          f" {s['lowestDao']}) | | random-split dev: accuracy {dev['accuracy']:.3f},"
          f" macro-F1 {dev['macroF1']:.3f} |")


def shipped(name):
    """Whether candidate `name` is the recipe `train.py` ships."""
    recipe = CANDIDATES[name]
    return (not recipe["mask"] and recipe["encoder"] is None
            and all(recipe.get(k) == v for k, v in train.RECIPE.items())
            and recipe.get("token", train.TOKEN) == train.TOKEN)


def write_manifest(path, results):
    """Writes the leave-one-DAO-out tables of "before" and of the shipped recipe (key
    `leaveOneDaoOut`) into the manifest at `path`."""
    wanted = {"before": "before"}
    wanted.update({"shipped": n for n in results if shipped(n)})
    missing = [w for w, n in wanted.items() if n not in results] + ([] if "shipped" in wanted
                                                                    else ["shipped"])
    if missing:
        sys.exit(f"--write-manifest needs the candidates {missing} (see --candidates)")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["leaveOneDaoOut"] = {
        "protocol": "protocol.py: per DAO, fitted on the other fifteen DAOs' training rows, scored"
                    " on all of its rows; dev: fitted on every training row",
        **{key: {"candidate": name, **{k: results[name][k] for k in
                                       ("summary", "dev", "leaveOneDaoOut")}}
           for key, name in wanted.items()},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {path}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/proposals"))
    ap.add_argument("--candidates", help="comma-separated names of CANDIDATES (default: all)")
    ap.add_argument("--json", metavar="FILE", help="also write every table to FILE")
    ap.add_argument("--write-manifest", action="store_true",
                    help="put the tables of \"before\" and of the shipped recipe into manifest.json")
    args = ap.parse_args()
    names = args.candidates.split(",") if args.candidates else list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        sys.exit(f"unknown candidates {unknown}; known: {list(CANDIDATES)}")
    rows = load(args.data)
    if any(CANDIDATES[n]["encoder"] for n in names):
        started = time.time()
        embed(rows)
        print(f"embedded {len(rows)} rows in {time.time() - started:.0f} s", flush=True)
    results = {}
    for name in names:
        started = time.time()
        recipe = CANDIDATES[name]
        table, dev = leave_one_dao_out(recipe, rows), random_split(recipe, rows)
        results[name] = {"recipe": recipe, "leaveOneDaoOut": table, "summary": summary(table),
                         "dev": dev, "seconds": round(time.time() - started)}
        print_table(name, table, dev)
        sys.stdout.flush()
    print("\n| candidate | LODO mean accuracy | lowest DAO | dev macro-F1 |")
    print("|---|---|---|---|")
    for name, r in results.items():
        s = r["summary"]
        print(f"| {name} | {s['meanAccuracy']:.3f} | {s['lowestAccuracy']:.3f} ({s['lowestDao']})"
              f" | {r['dev']['macroF1']:.3f} |")
    if args.write_manifest:
        write_manifest(os.path.join(here, "manifest.json"), results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
