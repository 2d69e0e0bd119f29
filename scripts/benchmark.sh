#!/usr/bin/env bash
# Measures this runtime with polkadot-sdk's own benchmark tools and writes what they measure
# into the code that charges for it.
#
#   scripts/benchmark.sh                         # every pallet, overhead and storage
#   scripts/benchmark.sh pallet_proposals        # one pallet
#   scripts/benchmark.sh overhead storage machine
#
# Targets:
#  - `pallet_<name>`: the pallet's benchmarks in the Wasm runtime. Our pallets' weights go to
#    `pallets/<name>/src/weights.rs` (through `.maintain/frame-weight-template.hbs`), the
#    polkadot-sdk pallets' to `runtime/src/weights/<pallet>.rs` (the CLI's runtime template).
#  - `overhead`: an empty block and a `System::remark` on the dev chain, into
#    `runtime/src/weights/{block,extrinsic}_weights.rs` (`BlockExecutionWeight`,
#    `ExtrinsicBaseWeight`).
#  - `storage`: reads and writes of ParityDB, the node's database, on a state as large as a
#    busy chain's (the dev genesis with `STORAGE_ACCOUNTS` more funded accounts), the writes
#    committed `STORAGE_BATCH` at a time with their storage root (a block full of transfers
#    writes some 5 000 keys), into `runtime/src/weights/paritydb_weights.rs` (`ParityDbWeight`,
#    the runtime's `DbWeight`; through `.maintain/storage-weight-template.hbs`).
#  - `machine`: this machine's CPU, memory and disk beside the reference hardware polkadot-sdk
#    asks of a validator (printed; README.md, "Benchmarks", keeps the figures).
#
# Builds daollm-node with the `runtime-benchmarks` feature first (the benchmark subcommand and the
# benchmarks in the runtime).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
STORAGE_ACCOUNTS="${STORAGE_ACCOUNTS:-100000}"
STORAGE_BATCH="${STORAGE_BATCH:-5000}"
OURS=(pallet_proposals pallet_spaces pallet_compute_nodes pallet_inference pallet_model_registry pallet_rewards pallet_training)
FRAME=(pallet_preimage pallet_scheduler pallet_referenda pallet_conviction_voting pallet_collective pallet_whitelist)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${OURS[@]}" "${FRAME[@]}" overhead storage)

setup
# frame-benchmarking-cli pulls in a test runtime for `benchmark storage`, whose Wasm build cannot
# find itself in this workspace's metadata (it is an optional dependency); we benchmark storage
# with our own runtime.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
log "building daollm-node with runtime-benchmarks"
cargo build --release --locked -p daollm-node --features runtime-benchmarks \
	--manifest-path "$ROOT/Cargo.toml"

# Chain specs and databases of the storage and machine benchmarks, inside the clone's ignored
# `target/` under a workspace-relative name (the command a generated file records names no
# temporary path); removed when the script ends.
SCRATCH=target/benchmark
rm -rf "${ROOT:?}/$SCRATCH"
mkdir -p "$ROOT/$SCRATCH"
trap 'rm -rf "${ROOT:?}/$SCRATCH"' EXIT

# Runs the node as `daollm-node`, with paths relative to the workspace: the command each
# generated file records names no machine and no target directory.
node() { (cd "$ROOT" && exec -a daollm-node "$DAOLLM_NODE" "$@"); }

# The CLI's templates open with the (empty) header's line: rustfmt gives the files the tree's
# format, as `cargo fmt --check` in CI expects.
formatted() { (cd "$ROOT" && rustfmt --edition 2021 "$@"); }

benchmark_pallet() {
	local pallet="$1" crate dir output
	crate="${pallet#pallet_}"
	dir="pallets/${crate//_/-}"
	if [ -d "$ROOT/$dir" ]; then
		output=(--template .maintain/frame-weight-template.hbs --output "$dir/src/weights.rs")
	else
		output=(--output "runtime/src/weights/$pallet.rs")
	fi
	log "benchmarking $pallet ($STEPS steps, $REPEAT repeats) into ${output[-1]}"
	node benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "$STEPS" --repeat "$REPEAT" --wasm-execution compiled --heap-pages 4096 \
		"${output[@]}"
}

benchmark_overhead() {
	log "benchmarking block and extrinsic overhead into runtime/src/weights"
	# `--dev`: the dev chain in a temporary database.
	node benchmark overhead --dev --wasm-execution compiled --weight-path runtime/src/weights
	formatted runtime/src/weights/block_weights.rs runtime/src/weights/extrinsic_weights.rs
}

# The dev chain spec, with `STORAGE_ACCOUNTS` more accounts in its genesis balances: random
# account ids, SS58-encoded (prefix 42), each with the existential deposit a hundredfold.
storage_chain_spec() {
	node build-spec --chain dev > "$ROOT/$SCRATCH/dev.json" 2>/dev/null
	python3 - "$ROOT/$SCRATCH/dev.json" "$STORAGE_ACCOUNTS" > "$ROOT/$SCRATCH/storage.json" <<-'EOF'
		import hashlib, json, random, sys
		ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
		def base58(data):
		    n, out = int.from_bytes(data, "big"), ""
		    while n:
		        n, r = divmod(n, 58)
		        out = ALPHABET[r] + out
		    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out
		def ss58(account):
		    payload = bytes([42]) + account
		    checksum = hashlib.blake2b(b"SS58PRE" + payload, digest_size=64).digest()[:2]
		    return base58(payload + checksum)
		spec = json.load(open(sys.argv[1]))
		patch = spec["genesis"]["runtimeGenesis"]["patch"]
		rng = random.Random(42)
		patch["balances"]["balances"] += [
		    [ss58(rng.randbytes(32)), 100 * 10**12] for _ in range(int(sys.argv[2]))
		]
		json.dump(spec, sys.stdout)
	EOF
}

benchmark_storage() {
	log "benchmarking ParityDB reads and writes (dev genesis + $STORAGE_ACCOUNTS accounts) into runtime/src/weights"
	storage_chain_spec
	node benchmark storage --chain "$SCRATCH/storage.json" --base-path "$SCRATCH/storage" \
		--database paritydb --state-version 1 --batch-size "$STORAGE_BATCH" \
		--template-path .maintain/storage-weight-template.hbs --weight-path runtime/src/weights
	formatted runtime/src/weights/paritydb_weights.rs
}

benchmark_machine() {
	log "benchmarking this machine against polkadot-sdk's reference hardware"
	node benchmark machine --base-path "$SCRATCH/machine" --allow-fail
}

for target in "${TARGETS[@]}"; do
	case "$target" in
		pallet_*) benchmark_pallet "$target" ;;
		overhead) benchmark_overhead ;;
		storage) benchmark_storage ;;
		machine) benchmark_machine ;;
		*)
			echo "unknown target '$target' (pallet_<name>, overhead, storage, machine)" >&2
			exit 2
			;;
	esac
done
