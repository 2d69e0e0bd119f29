#!/usr/bin/env python3
"""Trains DAOLLM's proposal classifier and exports it to ONNX.

    python3 -m venv venv && venv/bin/pip install -r requirements.txt
    venv/bin/python train.py [--data ../../../shared/data/proposals] [--out .]

Reads train.jsonl (fitted with `RECIPE`, the recipe `protocol.py` chose by leave-one-DAO-out) and
dev.jsonl (the figures in the manifest) of the governance-proposal dataset, and writes:

* `proposal-classifier.onnx` — raw (normalised) text in, per-class probabilities out; the graph is
  TF-IDF over word uni- and bigrams (ONNX `Tokenizer` + `TfIdfVectorizer`) and a multinomial
  logistic regression (`LinearClassifier`). It has no locale-dependent operator: lower-casing is
  done by `preprocess.normalise`, which the node's engine reproduces byte for byte
  (`offchain-workers/src/input.rs`, tested against `fixtures.json`).
* `manifest.json` — label names, input format, sha256 of the model file, dev-set accuracy and
  macro-F1 (and the TF-IDF + logistic-regression floor's for comparison), per-class F1.
* `proposal-classifier.reference.json` — the model's reference examples: 20 training rows of every
  (DAO, label) with their ids and licence ids, which training rounds replay beside a new DAO's
  annotations so that the model keeps what it knew (`offchain-workers/src/reference.rs`).
* `fixtures.json` — normalisation cases, readable-share cases (other scripts, no words, one
  endless token), and 20 dev-set proposals (4 per label, with their licence ids; see NOTICE.md)
  with the quantised outputs ONNX Runtime gives them from Python and their readable share: the
  Rust engine's tests must give the same bytes.

Reproducible: fixed seeds, pinned packages (requirements.txt), deterministic solver; two runs write
identical files.
"""
import argparse
import collections
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from skl2onnx import to_onnx
from skl2onnx.common.data_types import StringTensorType
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import Pipeline

from daos import UnknownSource, dao_of
from preprocess import MAX_CHARS, normalise, quantise, readable_share

SEED = 20261125
# Labels in the order of the model's outputs and of the chain's label indices.
LABELS = [
    "protocol-upgrade",
    "standard-interface",
    "parameter-change",
    "process-meta",
    "treasury-funding",
]
MODEL_FILE = "proposal-classifier.onnx"
REFERENCE_FILE = "proposal-classifier.reference.json"
# Reference examples kept per (DAO, label): what a training round replays.
REFERENCE_PER_GROUP_AND_LABEL = 20
INPUT_NAME = "text"
OUTPUT_NAME = "probabilities"


def load(path):
    """The rows of a JSONL split, each with its DAO (`dao`): (model inputs, label indices, rows).
    A label or a source this file does not know stops with a message naming it."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    unknown = {r["label"] for r in rows} - set(LABELS)
    if unknown:
        sys.exit(f"{path}: unknown labels {sorted(unknown)}")
    try:
        for r in rows:
            r["dao"] = dao_of(r["source"])
    except UnknownSource as e:
        sys.exit(f"{path}: {e}")
    return [normalise(r["text"]) for r in rows], [LABELS.index(r["label"]) for r in rows], rows


# A word of the model: a run of ASCII letters, digits and `_` in the normalised text, one letter
# included. The graph's `Tokenizer` splits by the same expression, so its bigrams are the ones
# scikit-learn counted (its default pattern drops one-letter words, which joins "add a new" into
# "add new"; the graph would not).
TOKEN = r"[a-zA-Z0-9_]+"


def pipeline(ngrams, max_features, c, balanced, token=TOKEN):
    return Pipeline([
        ("tfidf", TfidfVectorizer(lowercase=False, token_pattern=token, sublinear_tf=True,
                                  ngram_range=(1, ngrams),
                                  min_df=2 if ngrams > 1 else 1, max_features=max_features)),
        ("clf", LogisticRegression(C=c, max_iter=5000, random_state=SEED,
                                   class_weight="balanced" if balanced else None)),
    ])


# The recipe the shipped model is fitted with, chosen by leave-one-DAO-out (`protocol.py`):
# TF-IDF over word `ngrams`, the `features` most frequent, a balanced logistic regression with
# inverse regularisation `c`; `weigh` "dao" weighs every training row so that, within each label,
# every DAO that has the label weighs the same in all ("none": rows alike).
RECIPE = {"ngrams": 2, "features": 20_000, "c": 10.0, "weigh": "dao"}


def dao_weights(rows):
    """Per row, a weight under which, within each label, every DAO weighs the same in all; mean
    one. A label that comes mostly from one DAO then no longer teaches the model that DAO's
    style instead of the label."""
    per_dao_label = collections.Counter((r["dao"], r["label"]) for r in rows)
    per_label = collections.Counter(r["label"] for r in rows)
    daos_per_label = collections.Counter(label for _, label in per_dao_label)
    w = np.array([per_label[r["label"]]
                  / (daos_per_label[r["label"]] * per_dao_label[(r["dao"], r["label"])])
                  for r in rows])
    return w / w.mean()


def fit(rows, recipe=RECIPE, inputs=lambda row: normalise(row["text"])):
    """`recipe`'s model fitted on `rows` (each with its `dao` and `label`), reading `inputs(row)`."""
    model = pipeline(recipe["ngrams"], recipe["features"], recipe["c"], True,
                     recipe.get("token", TOKEN))
    weights = dao_weights(rows) if recipe["weigh"] == "dao" else None
    return model.fit([inputs(r) for r in rows], [LABELS.index(r["label"]) for r in rows],
                     clf__sample_weight=weights)


def export(model, path):
    """Writes the fitted pipeline as ONNX to `path`, byte for byte the same on every run; returns
    the bytes and the graph's operators."""
    onx = to_onnx(model, initial_types=[(INPUT_NAME, StringTensorType([None, 1]))],
                  options={id(model): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    sublinear_as_fitted(onx.graph)
    # Name the outputs for the engine and drop what makes bytes differ between runs.
    for output in onx.graph.output:
        if output.name not in ("label", OUTPUT_NAME):
            sys.exit(f"unexpected output {output.name}")
    onx.producer_name, onx.producer_version, onx.doc_string = "daollm-train", "1", ""
    # The converter collects opset domains in a set: their order follows Python's string hash
    # seed. Sort them so that every run writes the same bytes.
    opsets = sorted((o.domain, o.version) for o in onx.opset_import)
    del onx.opset_import[:]
    for domain, version in opsets:
        onx.opset_import.add(domain=domain, version=version)
    ops = sorted({n.op_type for n in onx.graph.node})
    if "StringNormalizer" in ops:
        sys.exit("the graph contains StringNormalizer (locale-dependent); lower-case in normalise()")
    model_bytes = onx.SerializeToString(deterministic=True)
    with open(path, "wb") as f:
        f.write(model_bytes)
    return model_bytes, ops


# Bodies the model cannot read, each with its readable share in the fixtures: other scripts,
# nothing but figures, whitespace, invisible characters or emoji, one endless token.
UNREADABLE = [
    "## 资助申请\n\n申请 25 000 USDC，分三期每月发放，用于开发跨链桥，收款地址为多签钱包 "
    "0x7a16fF8270133F063aAb6C9977183D9e72835428。",
    "## Предложение\n\nВыделить 25 000 USDC команде на разработку моста, тремя ежемесячными "
    "траншами, на мультиподпись 0x7a16fF8270133F063aAb6C9977183D9e72835428.",
    "25 000 000 — 0x7a16fF8270133F063aAb6C9977183D9e72835428",
    " \t\n\u3000 ",
    "\u200b\u200c\u200d\u2060",
    "🚀🌕🚀🌕",
    "a" * 64 * 1024,
]


def vocabulary(model):
    """The words a fitted pipeline knows: its single-word n-grams (what the engine reads back
    from the ONNX graph's `TfIdfVectorizer`, `offchain-workers/src/onnx.rs`)."""
    return {term for term in model.named_steps["tfidf"].vocabulary_ if " " not in term}


def sublinear_as_fitted(graph):
    """Makes the graph's sublinear term frequency scikit-learn's `1 + log(tf)` (0 where tf is 0).

    The converter writes `log(tf + 1)` (`Add(counts, ones)`, `Log`), a different function: the
    exported model's scores then differ from the fitted one's by up to 0.04. The two nodes become
    `Where(counts > 0, Log(counts) + ones, 0)`, under the same output name."""
    nodes = list(graph.node)
    add = next((i for i, n in enumerate(nodes) if n.op_type == "Add"
                and nodes[i + 1].op_type == "Log" and nodes[i + 1].input[0] == n.output[0]), None)
    if add is None:
        sys.exit("the graph has no Add + Log of the term frequencies")
    counts, ones = nodes[add].input
    logged = nodes[add + 1].output[0]
    graph.initializer.append(onnx.helper.make_tensor("zero", onnx.TensorProto.FLOAT, [], [0.0]))
    replacement = [
        onnx.helper.make_node("Log", [counts], ["log_counts"], name="log_counts"),
        onnx.helper.make_node("Add", ["log_counts", ones], ["one_plus_log"], name="one_plus_log"),
        onnx.helper.make_node("Greater", [counts, "zero"], ["present"], name="present"),
        onnx.helper.make_node("Where", ["present", "one_plus_log", "zero"], [logged],
                              name="sublinear_tf"),
    ]
    del graph.node[:]
    graph.node.extend(nodes[:add] + replacement + nodes[add + 2:])


def reference_set(rows, per=REFERENCE_PER_GROUP_AND_LABEL):
    """The model's reference examples: up to `per` training rows of every (DAO, label), drawn
    with the seed. Training rounds replay them so the model keeps what it knew."""
    rng = np.random.RandomState(SEED)
    picked = []
    for group in sorted({r["dao"] for r in rows}):
        for label in LABELS:
            candidates = [r for r in rows if r["dao"] == group and r["label"] == label]
            picked += [candidates[i] for i in sorted(rng.permutation(len(candidates))[:per])]
    return picked


def write_reference(path, model_bytes, rows):
    """Writes `rows` as the reference examples of the model `model_bytes` (the engine's format,
    `offchain-workers/src/reference.rs`)."""
    examples = [{"id": r["id"], "license": r["license"], "label": LABELS.index(r["label"]),
                 "text": r["text"]} for r in rows]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"model": hashlib.sha256(model_bytes).hexdigest(), "examples": examples}, f,
                  ensure_ascii=False, indent=0)
        f.write("\n")


def scores(y, predicted):
    return {
        "accuracy": round(accuracy_score(y, predicted), 4),
        "macro_f1": round(f1_score(y, predicted, average="macro"), 4),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/proposals"))
    ap.add_argument("--out", default=here)
    args = ap.parse_args()

    x_train, y_train, train_rows = load(os.path.join(args.data, "train.jsonl"))
    x_dev, y_dev, dev_rows = load(os.path.join(args.data, "dev.jsonl"))

    # The floor the issue names: plain TF-IDF over words + logistic regression, defaults.
    floor = pipeline(1, None, 1.0, False).fit(x_train, y_train)
    floor_dev = scores(y_dev, floor.predict(x_dev))
    print(f"floor (word TF-IDF + LR): dev {floor_dev}", flush=True)

    model = fit(train_rows)
    dev_predicted = model.predict(x_dev)
    chosen_dev = scores(y_dev, dev_predicted)
    per_class = f1_score(y_dev, dev_predicted, average=None, labels=range(len(LABELS)))
    print(f"recipe {RECIPE}: dev {chosen_dev}", flush=True)

    model_path = os.path.join(args.out, MODEL_FILE)
    model_bytes, ops = export(model, model_path)
    reference = reference_set(train_rows)
    write_reference(os.path.join(args.out, REFERENCE_FILE), model_bytes, reference)

    # The exported graph must agree with scikit-learn on every dev proposal.
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probabilities = session.run([OUTPUT_NAME], {INPUT_NAME: np.array(x_dev).reshape(-1, 1)})[0]
    onnx_labels = [quantise(p)[0] for p in probabilities]
    agreement = float(np.mean(np.array(onnx_labels) == dev_predicted))
    onnx_dev = scores(y_dev, onnx_labels)
    print(f"onnx: dev {onnx_dev}, agreement with scikit-learn {agreement:.4f}; ops {ops}")
    if agreement < 1.0:
        sys.exit("ONNX and scikit-learn disagree")

    manifest = {
        "name": "daollm-proposal-classifier",
        "version": "1.0.0",
        "file": MODEL_FILE,
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "bytes": len(model_bytes),
        "labels": LABELS,
        # The trainable linear layer (one row of weights per label): the shape the chain's
        # model registry records, and every training round's updates must have.
        "layer": {"labels": len(LABELS), "features": len(model.named_steps["tfidf"].vocabulary_)},
        "input": {
            "name": INPUT_NAME,
            "type": "tensor(string)[1,1]",
            "text": "UTF-8 proposal body; first max_chars code points, A-Z lower-cased, non-ASCII code points replaced by spaces",
            "max_chars": MAX_CHARS,
        },
        "output": {"name": OUTPUT_NAME, "type": "tensor(float)[1,%d]" % len(LABELS),
                   "quantisation": "basis points: floor(p * 10000 + 0.5); label = first maximum"},
        "architecture": f"TF-IDF word 1-{RECIPE['ngrams']}-grams (sublinear tf, min_df 2,"
                        f" {RECIPE['features']} features) + multinomial logistic regression"
                        f" (C={RECIPE['c']}, balanced class weights, every DAO weighing the same"
                        " within a label)",
        "onnx_ops": ops,
        "training": {"seed": SEED, "train_rows": len(x_train), "dev_rows": len(x_dev),
                     "daos": len({r["dao"] for r in train_rows}), "recipe": RECIPE,
                     "chosen_by": "protocol.py (leave-one-DAO-out)",
                     "requirements": "requirements.txt"},
        "dev": {**onnx_dev,
                "per_class_f1": {l: round(float(f), 4) for l, f in zip(LABELS, per_class)}},
        "floor_dev": {"model": "TF-IDF word unigrams + logistic regression (defaults)", **floor_dev},
        "data": "../shared/data/proposals (see its README for sources and licences)",
    }
    # The protocols' figures (evaluate.py, protocol.py) stay while they are about this file.
    manifest_path = os.path.join(args.out, "manifest.json")
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            previous = json.load(f)
        if previous.get("sha256") == manifest["sha256"]:
            for key in ("evaluation", "leaveOneDaoOut"):
                if key in previous:
                    manifest[key] = previous[key]
        # The brief's figures (evaluate_brief.py) are not about the model file.
        if "brief" in previous:
            manifest["brief"] = previous["brief"]
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    # Fixtures for the engine's tests: normalisation and quantised outputs on raw dev bodies.
    cases = ["Hello WORLD", "ÄÖÜ straße İstanbul ǅ Σ", "MiXeD 123 _Under_Score", "x" * 9000,
             "é" * 8001 + "TAIL", "\u0000\tTab\r\nCRLF"]
    picks = []
    for label in range(len(LABELS)):
        picks += [i for i, y in enumerate(y_dev) if y == label][:4]
    words = vocabulary(model)
    expected = []
    for i in picks:
        raw = dev_rows[i]["text"]
        p = session.run([OUTPUT_NAME], {INPUT_NAME: np.array([[normalise(raw)]])})[0][0]
        label, quantised = quantise(p)
        expected.append({"id": dev_rows[i]["id"], "license": dev_rows[i]["license"],
                         "text": raw, "label": label, "scores": quantised,
                         "readable": readable_share(raw, words)})
    fixtures = {
        "normalise": [{"raw": s, "normalised": normalise(s)} for s in cases],
        "readable": [{"text": s, "readable": readable_share(s, words)} for s in UNREADABLE],
        "dev": expected,
    }
    with open(os.path.join(args.out, "fixtures.json"), "w", encoding="utf-8") as f:
        json.dump(fixtures, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {model_path} ({len(model_bytes)} bytes, sha256 {manifest['sha256']})")


if __name__ == "__main__":
    main()
