#!/usr/bin/env python3
"""Python onnxruntime's latency on the same model and inputs as the Rust engine's benchmark.

    latency.py MODEL DEV_JSONL THREADS PASSES

Per proposal, times what the engine times: normalise (train.normalise), build the input, run the
session, quantise. Prints one JSON object: p50/p99 in milliseconds and the samples' count.
"""
import json
import math
import os
import sys
import time

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model"))
from preprocess import normalise, quantise  # noqa: E402  (what training used)


def main():
    model, data, threads, passes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(data, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def classify(text):
        x = np.array([[normalise(text)]], dtype=object)
        return quantise(session.run(["probabilities"], {name: x})[0][0])

    for text in texts[:10]:
        classify(text)
    samples = []
    for _ in range(passes):
        for text in texts:
            start = time.perf_counter()
            classify(text)
            samples.append(time.perf_counter() - start)
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, math.ceil(q * len(samples)) - 1)] * 1e3
    print(json.dumps({"p50_ms": pick(0.50), "p99_ms": pick(0.99), "samples": len(samples)}))


if __name__ == "__main__":
    main()
