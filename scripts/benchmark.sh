#!/usr/bin/env bash
# Regenerates the weights of DAOLLM's pallets, and of the polkadot-sdk pallets the runtime uses
# for governance, from their benchmarks on this runtime.
#
#   scripts/benchmark.sh                 # every pallet below
#   scripts/benchmark.sh pallet_proposals pallet_referenda
#
# Builds daollm-node with the `runtime-benchmarks` feature (the benchmark subcommand and the
# benchmarks in the runtime), runs each pallet's benchmarks in the Wasm runtime, and writes
# our pallets' `pallets/<name>/src/weights.rs` through `.maintain/frame-weight-template.hbs`,
# and the FRAME pallets' `runtime/src/weights/<pallet>.rs` with the CLI's runtime template.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
PALLETS=("$@")
OURS=(pallet_proposals pallet_compute_nodes pallet_inference pallet_model_registry pallet_rewards pallet_training)
FRAME=(pallet_preimage pallet_scheduler pallet_referenda pallet_conviction_voting pallet_collective pallet_whitelist)
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=("${OURS[@]}" "${FRAME[@]}")

setup
# frame-benchmarking-cli pulls in a test runtime for `benchmark storage`, whose Wasm build cannot
# find itself in this workspace's metadata (it is an optional dependency). Pallet benchmarks do
# not use it.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
log "building daollm-node with runtime-benchmarks"
cargo build --release --locked -p daollm-node --features runtime-benchmarks \
	--manifest-path "$ROOT/Cargo.toml"

# Paths relative to the workspace, so that the command recorded in each file names no machine.
cd "$ROOT"
for pallet in "${PALLETS[@]}"; do
	crate="${pallet#pallet_}"
	dir="pallets/${crate//_/-}"
	if [ -d "$dir" ]; then
		output=("--template" ".maintain/frame-weight-template.hbs" "--output" "$dir/src/weights.rs")
	else
		output=("--output" "runtime/src/weights/$pallet.rs")
	fi
	log "benchmarking $pallet ($STEPS steps, $REPEAT repeats) into ${output[-1]}"
	# `exec -a`: the generated header records the command as `daollm-node benchmark pallet …`,
	# not the target directory's absolute path on this machine.
	(exec -a daollm-node "$DAOLLM_NODE" benchmark pallet \
		--chain dev \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		"${output[@]}")
done
