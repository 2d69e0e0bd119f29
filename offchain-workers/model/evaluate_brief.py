#!/usr/bin/env python3
"""Offline evaluation of the analysis brief's deterministic parts (issue 18).

    venv/bin/python evaluate_brief.py [--data ../../../shared/data/proposals] [--split dev]
                                      [--brief CMD] [--write-manifest]

**Key sentences.** For every proposal that carries its own summary section (`Abstract`, `Simple
Summary`, `Paragraph Summary`, `Sentence Summary`, `Summary`, `TL;DR`), every such section is
removed from the body, and the sentences picked from what remains are scored against the first
of them (in that order of preference) by ROUGE-1, ROUGE-2 and ROUGE-L F1 (lower-cased
alphanumeric tokens, no stemming). Beside the chain's method (`daollm_brief::summary`, run through
the crate's `brief` example) two baselines pick from the same sentences (`daollm_brief::sentences`):
the first three (lead-3), and TF-IDF centroid selection (the three sentences nearest in cosine to
the body's TF-IDF centroid, IDF over the split's bodies).

**Similar proposals.** Over the whole dataset (train and dev, every DAO), each proposal's
signature (`daollm_brief::signature`) is compared with every other's by the chain's
`similarity` (integer cosine, parts per million; ties to the earlier row). Reported: precision@5
of same-label neighbours among the five nearest of the same DAO, and for every proposal that has
a revision (another proposal of its DAO whose title has the same stem: lower-cased, version
markers and numbers removed) how often one of them is among its five nearest. Beside it, the
same over the full, unsketched word vectors (the signature's weights over every word).

With `--write-manifest` the figures go into `manifest.json` under `brief`.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SUMMARY_SECTIONS = ["abstract", "simple summary", "paragraph summary", "sentence summary",
                    "summary", "tl;dr", "tldr"]
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$", re.M)
TOKEN = re.compile(r"[a-z0-9]+")


def without_summaries(text):
    """The body without its summary sections, and the preferred section's text (or None)."""
    headings = [(m.start(), m.end(), len(m.group(1)), m.group(2).strip().lower().rstrip(":"))
                for m in HEADING.finditer(text)]
    cut, found = [], {}
    for i, (start, end, level, name) in enumerate(headings):
        if name not in SUMMARY_SECTIONS:
            continue
        stop = next((s for s, _, lv, _ in headings[i + 1:] if lv <= level), len(text))
        cut.append((start, stop))
        found.setdefault(name, text[end:stop].strip())
    if not cut:
        return text, None
    reference = next((found[n] for n in SUMMARY_SECTIONS if found.get(n)), None)
    kept, at = [], 0
    for start, stop in cut:
        kept.append(text[at:start])
        at = stop
    kept.append(text[at:])
    return "".join(kept), reference


def tokens(text):
    return TOKEN.findall(text.lower())


def lcs(a, b):
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def f1(overlap, candidate, reference):
    if overlap == 0 or candidate == 0 or reference == 0:
        return 0.0
    p, r = overlap / candidate, overlap / reference
    return 2 * p * r / (p + r)


def rouge(candidate, reference):
    c, r = tokens(candidate), tokens(reference)
    scores = []
    for n in (1, 2):
        cg = Counter(tuple(c[i:i + n]) for i in range(len(c) - n + 1))
        rg = Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1))
        scores.append(f1(sum((cg & rg).values()), sum(cg.values()), sum(rg.values())))
    scores.append(f1(lcs(c, r), len(c), len(r)))
    return scores


def centroid_pick(sentences, idf, k=3):
    vectors = []
    for s in sentences:
        tf = Counter(tokens(s))
        vectors.append({t: (1 + math.log(n)) * idf.get(t, 0.0) for t, n in tf.items()})
    centroid = Counter()
    for v in vectors:
        centroid.update(v)

    def cosine(v):
        dot = sum(w * centroid[t] for t, w in v.items())
        norm = math.sqrt(sum(w * w for w in v.values())) * math.sqrt(
            sum(w * w for w in centroid.values()))
        return dot / norm if norm else 0.0

    ranked = sorted(range(len(sentences)), key=lambda i: (-cosine(vectors[i]), i))
    return sorted(ranked[:k])


def run_brief(command, rows):
    lines = "".join(json.dumps({"id": r["id"], "title": r["title"], "text": r["input"]}) + "\n"
                    for r in rows)
    out = subprocess.run(command, input=lines.encode(), capture_output=True, shell=True, cwd=REPO)
    if out.returncode != 0:
        sys.exit(f"{command}: {out.stderr.decode()[-2000:]}")
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def evaluate(rows, command):
    rows = [dict(r) for r in rows]
    for r in rows:
        r["input"], r["reference"] = without_summaries(r["text"])
    rows = [r for r in rows if r["reference"] and len(tokens(r["reference"])) >= 5]
    briefs = run_brief(command, rows)
    documents = Counter()
    for r in rows:
        documents.update(set(tokens(r["input"])))
    idf = {t: math.log(len(rows) / n) + 1 for t, n in documents.items()}
    totals = {"lead-3": [0.0] * 3, "centroid": [0.0] * 3, "chain": [0.0] * 3}
    for r, b in zip(rows, briefs):
        body = r["input"].encode()
        sentences = [body[s:e].decode() for s, e in b["sentences"]]
        picks = {"lead-3": list(range(min(3, len(sentences)))),
                 "centroid": centroid_pick(sentences, idf), "chain": b["key"]}
        for method, picked in picks.items():
            summary = " ".join(sentences[i] for i in picked)
            for i, score in enumerate(rouge(summary, r["reference"])):
                totals[method][i] += score
    return len(rows), {m: {"rouge1": round(t[0] / len(rows), 4), "rouge2": round(t[1] / len(rows), 4),
                           "rougeL": round(t[2] / len(rows), 4)} for m, t in totals.items()}


def dao(source):
    return "ethereum" if source in ("eip", "erc") else source.split("-")[0]


STEM_NOISE = re.compile(r"\b(v\d+|version \d+|revised|revision|amendments?|updated?|\d+(\.\d+)*)\b")


def title_stem(title):
    return re.sub(r"[^a-z]+", " ", STEM_NOISE.sub(" ", title.lower())).strip()


def cosine_ppm(a, b):
    """The chain's `similarity`: a and b map hash -> weight."""
    dot = sum(w * b[h] for h, w in a.items() if h in b)
    denominator = math.isqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return min(dot * 1_000_000 // denominator, 1_000_000) if denominator else 0


def neighbour_figures(rows, vectors):
    """precision@5 of same-label neighbours within the DAO, and revisions found in the top 5."""
    n = len(rows)
    daos = [dao(r["source"]) for r in rows]
    stems = [(daos[i], title_stem(r["title"])) for i, r in enumerate(rows)]
    index = {}
    for i, v in enumerate(vectors):
        for h in v:
            index.setdefault(h, []).append(i)
    precision, found, with_revision = 0.0, 0, 0
    for i in range(n):
        scores = {}
        for h in vectors[i]:
            for j in index[h]:
                if j != i and j not in scores:
                    scores[j] = cosine_ppm(vectors[i], vectors[j])
        ranked = sorted(scores, key=lambda j: (-scores[j], j))
        same = [j for j in ranked if daos[j] == daos[i]][:5]
        precision += sum(rows[j]["label"] == rows[i]["label"] for j in same) / 5
        mates = {j for j in range(n) if j != i and stems[j] == stems[i]}
        if mates:
            with_revision += 1
            found += bool(mates & set(ranked[:5]))
    return {"precisionAt5SameLabelSameDao": round(precision / n, 4),
            "revisionFoundInTop5": round(found / with_revision, 4),
            "proposals": n, "proposalsWithRevision": with_revision}


WORD = re.compile(r"[A-Za-z0-9]+")


def full_vector(row, stop):
    counts = Counter(w for w in (m.lower() for m in WORD.findall(row["title"] + " " + row["text"]))
                     if len(w) >= 3 and w not in stop)
    return {w: 1 + int(math.log2(c)) for w, c in counts.items()}


def evaluate_similarity(rows, command):
    briefs = run_brief(command, [dict(r, input=r["text"]) for r in rows])
    sketches = [{h: w for h, w in b["signature"]} for b in briefs]
    flag = "-- --stop-words" if command.split()[0] == "cargo" else "--stop-words"
    stop = set(json.loads(subprocess.run(f"{command} {flag}", shell=True, capture_output=True,
                                         cwd=REPO, check=True).stdout))
    return {"signature": neighbour_figures(rows, sketches),
            "fullWordVectors": neighbour_figures(rows, [full_vector(r, stop) for r in rows])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "proposals"))
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--brief", default="cargo run --release --locked -q -p daollm-brief --example brief")
    parser.add_argument("--write-manifest", action="store_true")
    args = parser.parse_args()
    with open(os.path.join(args.data, f"{args.split}.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    count, scores = evaluate(rows, args.brief)
    print(f"{args.split}: {count} proposals with a summary section")
    print("method    ROUGE-1  ROUGE-2  ROUGE-L")
    for method, s in scores.items():
        print(f"{method:9} {s['rouge1']:.4f}   {s['rouge2']:.4f}   {s['rougeL']:.4f}")
    corpus = []
    for split in ("train", "dev"):
        with open(os.path.join(args.data, f"{split}.jsonl"), encoding="utf-8") as f:
            corpus += [json.loads(line) for line in f]
    similar = evaluate_similarity(corpus, args.brief)
    print(f"similar proposals over train + dev ({len(corpus)}):")
    for method, s in similar.items():
        print(f"{method:16} precision@5 same label, same DAO {s['precisionAt5SameLabelSameDao']:.4f}; "
              f"revision in top 5 {s['revisionFoundInTop5']:.4f} of {s['proposalsWithRevision']}")
    if args.write_manifest:
        path = os.path.join(HERE, "manifest.json")
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
        manifest.setdefault("brief", {})["keySentences"] = {
            "split": args.split, "proposals": count, "rouge": scores,
            "protocol": "summary sections removed from the body; the first (Abstract, Simple "
                        "Summary, Paragraph Summary, Sentence Summary, Summary, TL;DR) is the "
                        "reference; ROUGE F1 on lower-cased alphanumeric tokens"}
        manifest["brief"]["similarity"] = dict(similar, protocol=(
            "train + dev, every DAO; precision@5 of same-label neighbours among the five nearest "
            "of the same DAO; revisions: same DAO and title stem, one in the five nearest"))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
