#!/usr/bin/env python3
"""The evaluation protocol: how the analysis model does on a DAO it never saw, and how far one
training round on that DAO's annotations takes it, without forgetting the others.

    venv/bin/python evaluate.py [--node PATH] [--data DIR] [--seeds 3] [--write-manifest]
    (the node built by the README's commands; ORT_DYLIB_PATH defaults to this venv's wheel)
    venv/bin/python evaluate.py --tune        # the plan grid the runtime's defaults come from

**Leave-one-DAO-out.** The dataset's sources form sixteen DAOs (`daos.py`; `protocol.py` scores
every one of them at k = 0). The few-shot curve runs on the first release's four (Ethereum: EIPs
and ERCs; Synthetix: SIPs, SCCPs, STPs; MakerDAO; Bitcoin). For each, a base model is trained on
the other fifteen DAOs' training rows exactly as `train.py` trains the shipped one (`train.fit`,
same export, its own reference examples), and scored on all of the held-out DAO's rows (k = 0).

**The few-shot curve.** Then k = 10, 25 and 50 of the held-out DAO's proposals are annotated (a
seeded draw; `--seeds` draws per k), and one training round adapts the base on them. The round is
**the chain's own code**: `daollm-node simulate-round`, which runs the engine's training step for
every drawn trainer (the runtime's `DefaultTrainingParameters`: its plan, trainer count and robust
rule) and the aggregators' deterministic build, fixed-point arithmetic included. The candidate is
scored on the held-out DAO's remaining rows, and — to show forgetting — on the dev rows of the
other fifteen DAOs, beside the base on the same rows.

The round holds back the runtime plan's `validationPercent` of the k annotations (a fifth: 5 of
25) to validate the candidate on, as the chain does, so k counts annotations, not training rows;
each run also reports what the aggregators would record (`assessment`: base and candidate right
on the held-back and the reference examples).

`--write-manifest` puts the figures into `manifest.json` (key `evaluation`). `--write-fixture
DIR` writes the base trained without MakerDAO and the first k = 25 draw of its proposals to DIR,
for the end-to-end test on a real chain (`node/tests/polkadot-js/training.test.mjs`).
Reproducible: the draws are seeded, the models and the rounds deterministic.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import train
from daos import sources_of

DEFAULT_NODE = os.path.expanduser("~/.cache/daollm/target/release/daollm-node")
# The DAOs the few-shot curve runs on.
DAOS = ["ethereum", "synthetix", "makerdao", "bitcoin"]
SHOTS = [10, 25, 50]
# The end-to-end fixture: the DAO the chain's test adapts to, its annotations and the proposals
# its committee analyses before and after the round.
FIXTURE_DAO, FIXTURE_K, FIXTURE_EVAL = "makerdao", 25, 60
# The plans `--tune` compares (each on top of the runtime's defaults): learning rate (ppm),
# epochs, replay of the reference examples, a round example's weight against a reference one,
# class balance. The first is the plan before this protocol (plain SGD on the new examples).
PLAIN = {"learningRatePpm": 500_000, "epochs": 5, "replay": False, "roundWeight": 1,
         "balanceLabels": False}
REPLAY = {**PLAIN, "replay": True, "balanceLabels": True}
GRID = [PLAIN, {**PLAIN, "replay": True}] + [
    {**REPLAY, "learningRatePpm": rate, "epochs": epochs, "roundWeight": weight}
    for rate, epochs, weight in [(500_000, 5, 3), (1_000_000, 5, 3), (1_000_000, 5, 6),
                                 (2_000_000, 5, 6), (1_000_000, 10, 6), (1_000_000, 10, 3),
                                 (500_000, 20, 6), (1_000_000, 20, 6), (1_000_000, 10, 10),
                                 (500_000, 20, 10), (2_000_000, 10, 6)]
]
FLAGS = {"learningRatePpm": "--learning-rate-ppm", "epochs": "--epochs", "replay": "--replay",
         "roundWeight": "--round-weight", "balanceLabels": "--balance-labels",
         "trainers": "--trainers"}


def load(data):
    rows = []
    for split in ("train", "dev"):
        _, _, split_rows = train.load(os.path.join(data, f"{split}.jsonl"))
        for row in split_rows:
            row["split"] = split
            rows.append(row)
    return rows


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "label": r["label"], "text": r["text"]}) + "\n")


def base_model(rows, dao, work):
    """The base trained without `dao`, as train.py trains the shipped model; its file path."""
    training = [r for r in rows if r["dao"] != dao and r["split"] == "train"]
    model = train.fit(training)
    path = os.path.join(work, f"without-{dao}.onnx")
    model_bytes, _ = train.export(model, path)
    train.write_reference(path.replace(".onnx", ".reference.json"), model_bytes,
                          train.reference_set(training))
    return path


def simulate(node, model, annotated, evals, plan, work):
    """One training round through the node's own code; its JSON answer."""
    train_path = os.path.join(work, "annotated.jsonl")
    write_jsonl(train_path, annotated)
    command = [node, "simulate-round", "--model", model, "--train", train_path]
    for name, rows in evals.items():
        path = os.path.join(work, f"{name}.jsonl")
        write_jsonl(path, rows)
        command += ["--eval", f"{name}={path}"]
    for key, value in (plan or {}).items():
        command += [FLAGS[key], str(value).lower() if isinstance(value, bool) else str(value)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"simulate-round failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def score(node, model, rows, work):
    """A model's accuracy and macro-F1 on `rows`, by the node's engine."""
    path = os.path.join(work, "scored.jsonl")
    write_jsonl(path, rows)
    done = subprocess.run([node, "evaluate-model", "--model", model, "--data", path],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"evaluate-model failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def draw(pool, seed, k):
    """Draw `seed` of `k` annotated proposals from `pool`: (annotated, the rest)."""
    order = np.random.RandomState(1000 + seed).permutation(len(pool))
    return [pool[i] for i in order[:k]], [pool[i] for i in order[k:]]


def write_fixture(node, rows, bases, summary_entry, out, work):
    """The end-to-end test's fixture: the base without FIXTURE_DAO (its file and reference
    examples), the ids of draw 0's FIXTURE_K annotations and of FIXTURE_EVAL proposals of the
    rest, and the protocol's figures for that DAO and k."""
    import shutil
    os.makedirs(out, exist_ok=True)
    base = bases[FIXTURE_DAO]
    for suffix in (".onnx", ".reference.json"):
        shutil.copy(base.replace(".onnx", suffix),
                    os.path.join(out, f"without-{FIXTURE_DAO}{suffix}"))
    pool = [r for r in rows if r["dao"] == FIXTURE_DAO]
    annotated, rest = draw(pool, 0, FIXTURE_K)
    evaluated = rest[:FIXTURE_EVAL]
    offline = simulate(node, base, annotated, {"evaluated": evaluated}, None, work)
    fixture = {
        "dao": FIXTURE_DAO,
        "sources": sources_of(FIXTURE_DAO),
        "model": f"without-{FIXTURE_DAO}.onnx",
        "sha256": offline["base"],
        "annotate": [r["id"] for r in annotated],
        "evaluate": [r["id"] for r in evaluated],
        "protocol": summary_entry,
        "offlineRound": {"candidate": offline["candidate"], "assessment": offline["assessment"],
                         "evaluated": offline["evaluations"]["evaluated"]},
    }
    path = os.path.join(out, "new-dao.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    print(f"wrote {path}")


def held(run, model):
    """`model`'s accuracy on a run's held-back annotations."""
    v = run["assessment"]["validation"]
    return v[model] / max(v["examples"], 1)


def protocol(node, rows, bases, seeds, plan, work, log=print):
    """Per DAO: the base at k = 0 and, per k, the mean over the draws of the candidate on the
    DAO's remaining rows and the change of macro-F1 on the other DAOs' dev rows."""
    table, used = {}, None
    for dao in DAOS:
        pool = [r for r in rows if r["dao"] == dao]
        others = [r for r in rows if r["dao"] != dao and r["split"] == "dev"]
        entry = {}
        for k in SHOTS:
            runs = []
            for seed in range(seeds):
                annotated, rest = draw(pool, seed, k)
                answer = simulate(node, bases[dao], annotated, {"dao": rest, "others": others},
                                  plan, work)
                runs.append({**answer["evaluations"], "assessment": answer["assessment"]})
                used = {"trainers": answer["trainers"], **answer["plan"]}
            if "k0" not in entry:
                # The base on all of the DAO's rows (it saw none of them), and on the others.
                whole, rest = score(node, bases[dao], pool, work), score(node, bases[dao], others, work)
                entry["k0"] = {"accuracy": round(whole["accuracy"], 4),
                               "macroF1": round(whole["macroF1"], 4),
                               "othersMacroF1": round(rest["macroF1"], 4)}
            mean = lambda f: round(float(np.mean([f(r) for r in runs])), 4)
            entry[f"k{k}"] = {
                "accuracy": mean(lambda r: r["dao"]["candidate"]["accuracy"]),
                "macroF1": mean(lambda r: r["dao"]["candidate"]["macroF1"]),
                "baseAccuracyOnTheSameRows": mean(lambda r: r["dao"]["base"]["accuracy"]),
                "othersMacroF1Change": mean(lambda r: r["others"]["candidate"]["macroF1"]
                                            - r["others"]["base"]["macroF1"]),
                "othersAccuracyChange": mean(lambda r: r["others"]["candidate"]["accuracy"]
                                             - r["others"]["base"]["accuracy"]),
                # What the aggregators would record: the candidate's and the base's accuracy on
                # the held-back annotations, and how many draws' candidates it flags as
                # forgetting on the reference examples.
                "heldBackAccuracy": mean(lambda r: held(r, "candidate")),
                "heldBackBaseAccuracy": mean(lambda r: held(r, "base")),
                "flaggedForgetting": sum(r["assessment"]["forgets"] for r in runs),
                "worstOthersMacroF1Change": round(min(
                    r["others"]["candidate"]["macroF1"] - r["others"]["base"]["macroF1"]
                    for r in runs), 4),
            }
            log(f"  {dao:10} k={k:2}: {entry[f'k{k}']}")
        table[dao] = entry
    summary = {"plan": used}
    for k in [0] + SHOTS:
        accuracies = [table[d][f"k{k}"]["accuracy"] for d in DAOS]
        summary[f"k{k}"] = {"meanAccuracy": round(float(np.mean(accuracies)), 4),
                            "lowestAccuracy": round(float(min(accuracies)), 4)}
        if k:
            summary[f"k{k}"]["worstOthersMacroF1Change"] = min(
                table[d][f"k{k}"]["worstOthersMacroF1Change"] for d in DAOS)
    return table, summary


def print_table(table, summary):
    print("\n| DAO held out | k=0 | k=10 | k=25 | k=50 | others' macro-F1 change at k=25 |")
    print("|---|---|---|---|---|---|")
    for dao in DAOS:
        t = table[dao]
        print(f"| {dao} | " + " | ".join(f"{t[f'k{k}']['accuracy']:.3f}" for k in [0] + SHOTS)
              + f" | {t['k25']['othersMacroF1Change']:+.4f} |")
    print("| **mean** | " + " | ".join(f"{summary[f'k{k}']['meanAccuracy']:.3f}"
                                     for k in [0] + SHOTS) + " | |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/proposals"))
    ap.add_argument("--node", default=os.environ.get("DAOLLM_NODE", DEFAULT_NODE),
                    help="the daollm-node binary (default: the one scripts/env.sh builds)")
    ap.add_argument("--seeds", type=int, default=3, help="annotation draws per DAO and k")
    ap.add_argument("--tune", action="store_true", help="compare the plans of GRID")
    ap.add_argument("--write-manifest", action="store_true")
    ap.add_argument("--write-fixture", metavar="DIR",
                    help="write the end-to-end test's fixture (base without MakerDAO) to DIR")
    args = ap.parse_args()

    if not os.path.isfile(args.node):
        sys.exit(f"no daollm-node at {args.node}: build it (README's commands) or pass --node")
    # The node's engine loads ONNX Runtime from ORT_DYLIB_PATH: this venv's onnxruntime wheel
    # (requirements.txt) has the library the node is built for.
    if "ORT_DYLIB_PATH" not in os.environ:
        import glob
        import onnxruntime
        capi = os.path.join(os.path.dirname(onnxruntime.__file__), "capi")
        found = sorted(glob.glob(os.path.join(capi, "libonnxruntime.so.*")))
        if not found:
            sys.exit(f"no libonnxruntime.so.* in {capi}: set ORT_DYLIB_PATH")
        os.environ["ORT_DYLIB_PATH"] = found[0]
    rows = load(args.data)
    with tempfile.TemporaryDirectory(prefix="daollm-evaluate-") as work:
        bases = {dao: base_model(rows, dao, work) for dao in DAOS}
        if args.tune:
            for plan in GRID:
                # Honest trainers of a round send the same update, which the robust rule keeps
                # whole: one trainer's round builds the same model, eight times faster.
                table, summary = protocol(args.node, rows, bases, args.seeds,
                                          {**plan, "trainers": 1}, work, log=lambda *_: None)
                print(json.dumps({"plan": plan, "summary": summary}), flush=True)
            return
        print("the runtime's plan (DefaultTrainingParameters):", flush=True)
        table, summary = protocol(args.node, rows, bases, args.seeds, None, work)
        if args.write_fixture:
            write_fixture(args.node, rows, bases, table[FIXTURE_DAO][f"k{FIXTURE_K}"],
                          args.write_fixture, work)
    print_table(table, summary)
    if args.write_manifest:
        path = os.path.join(here, "manifest.json")
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
        manifest["evaluation"] = {
            "protocol": "evaluate.py: leave-one-DAO-out; k annotated proposals of the held-out "
                        "DAO adapted by one training round (daollm-node simulate-round, the "
                        "runtime's DefaultTrainingParameters); candidate scored on the DAO's "
                        "remaining rows and, for forgetting, on the other DAOs' dev rows",
            "draws": args.seeds,
            "perDao": table,
            "summary": summary,
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
