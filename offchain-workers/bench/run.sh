#!/usr/bin/env bash
# Inference latency: the Rust engine and Python's onnxruntime on the same model and dev set, in one
# run. Installs Python's side (PyPI: numpy, onnxruntime) into ~/.cache/daollm/bench-venv once.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
setup
BENCH_VENV="${BENCH_VENV:-$HOME/.cache/daollm/bench-venv}"
if [ ! -x "$BENCH_VENV/bin/python" ] || ! "$BENCH_VENV/bin/python" -c 'import onnxruntime, numpy' 2>/dev/null; then
	log "installing the benchmark's Python side into $BENCH_VENV"
	python3 -m venv "$BENCH_VENV"
	"$BENCH_VENV/bin/pip" install --quiet --disable-pip-version-check \
		-r "$ROOT/offchain-workers/bench/requirements.txt"
fi
export DAOLLM_BENCH_PYTHON="$BENCH_VENV/bin/python"
cargo bench --locked -p daollm-inference-engine --bench latency --manifest-path "$ROOT/Cargo.toml"
