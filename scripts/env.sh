# Sourced by the other scripts: where the build lives and what the toolchain needs.
#
# The cargo target directory lives outside the clone (~/.cache/daollm/target unless
# CARGO_TARGET_DIR says otherwise), so a fresh clone — CI's, or a second checkout — reuses the
# last build instead of compiling a Substrate node from scratch again.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/daollm/target}"
export DAOLLM_NODE="$CARGO_TARGET_DIR/release/daollm-node"
# The runtime's Wasm build looks for Cargo.lock above the target directory; with the target
# directory outside the clone it must be told where the workspace is, or it resolves its own,
# unpinned, dependency versions.
export WASM_BUILD_WORKSPACE_HINT="$ROOT"
# ONNX Runtime for the inference engine: the shared library of the PyPI `onnxruntime` wheel,
# installed (without its Python dependencies) in a virtualenv beside the target directory.
ORT_VERSION="1.31.1"
export DAOLLM_VENV="${DAOLLM_VENV:-$HOME/.cache/daollm/venv}"
export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$(ls "$DAOLLM_VENV"/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION 2>/dev/null | head -n1)}"
# The proposal classifier the runtime ships with (its sha256 is the chain's default model).
export DAOLLM_MODEL="$ROOT/offchain-workers/model/proposal-classifier.onnx"

log() { printf '\n==> %s\n' "$*" >&2; }

# Runs a command as a named step and prints its wall time (`step "what" command args…`).
step() {
	local what="$1" started=$SECONDS
	shift
	log "$what"
	"$@"
	printf '==> %s: %d s\n' "$what" $((SECONDS - started)) >&2
}

# Runs the functions named at once, each with its output in its own log; prints each log when
# all have ended, and fails if any did (naming which).
in_parallel() {
	local dir pids=() names=() failed=()
	dir="$(mktemp -d "${TMPDIR:-/tmp}/daollm-parallel.XXXXXX")"
	for name in "$@"; do
		("$name") > "$dir/$name.log" 2>&1 &
		pids+=($!)
		names+=("$name")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || failed+=("${names[$i]}")
	done
	for name in "${names[@]}"; do
		log "output of $name"
		cat "$dir/$name.log" >&2
	done
	rm -rf "$dir"
	if [ ${#failed[@]} -gt 0 ]; then
		log "FAILED: ${failed[*]}"
		return 1
	fi
}

# The pallets whose benchmarks run in their mocks (`impl_benchmark_test_suite!`).
BENCHMARKED_PALLETS=(pallet-compute-nodes pallet-inference pallet-model-registry pallet-proposals pallet-spaces
	pallet-rewards pallet-training)

# Runs the pallets' benchmark test suites and the runtime's try-runtime test, natively (no
# Wasm), in one build with both features.
benchmark_and_try_runtime_tests() {
	local packages=()
	for pallet in "${BENCHMARKED_PALLETS[@]}" daollm-runtime; do packages+=(-p "$pallet"); done
	SKIP_WASM_BUILD=1 cargo test --release --locked --manifest-path "$ROOT/Cargo.toml" \
		"${packages[@]}" --features runtime-benchmarks,try-runtime --lib -- bench try_runtime
}

# Installs a Debian package, as root or through sudo.
apt_install() {
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# Installs what building and testing needs. Idempotent: a second run only checks.
setup() {
	if ! command -v protoc >/dev/null 2>&1; then
		log "installing protoc (Debian protobuf-compiler): litep2p's build compiles protobuf"
		apt_install protobuf-compiler
	fi
	if ! rustup target list --installed | grep -qx wasm32v1-none; then
		log "installing the wasm32v1-none target (the runtime's Wasm)"
		rustup target add wasm32v1-none
	fi
	if [ -z "$ORT_DYLIB_PATH" ] || [ ! -f "$ORT_DYLIB_PATH" ]; then
		log "installing ONNX Runtime $ORT_VERSION (PyPI wheel onnxruntime) into $DAOLLM_VENV"
		python3 -m venv "$DAOLLM_VENV"
		"$DAOLLM_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps \
			"onnxruntime==$ORT_VERSION"
		ORT_DYLIB_PATH="$(ls "$DAOLLM_VENV"/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION | head -n1)"
		export ORT_DYLIB_PATH
	fi
	if [ ! -d "$ROOT/node/tests/polkadot-js/node_modules/@polkadot/api" ]; then
		log "installing the polkadot.js client for the client tests (npm ci)"
		(cd "$ROOT/node/tests/polkadot-js" && npm ci --no-audit --no-fund --loglevel=error)
	fi
	if [ ! -d "$ROOT/scripts/import/node_modules/@polkadot/api" ]; then
		log "installing the import tool's polkadot.js client (npm ci)"
		(cd "$ROOT/scripts/import" && npm ci --no-audit --no-fund --loglevel=error)
	fi
	if [ ! -d "$ROOT/app/node_modules/polkadot-api" ]; then
		log "installing the app's packages (npm ci; generates the chain's typed descriptors)"
		(cd "$ROOT/app" && npm ci --no-audit --no-fund --loglevel=error)
	fi
	if [ ! -x /usr/bin/chromium ]; then
		log "installing Chromium (Debian chromium): the app's end-to-end tests drive it headless"
		apt_install chromium
	fi
}

# Builds the app into app/dist: a static folder any web server can host.
build_app() {
	log "building the app (app/dist)"
	(cd "$ROOT/app" && npm run --silent build)
}

# The upgrade runtime of zombienet's 0003: the same code with `spec_version` + 1. Its own target
# directory, so the node's runtime is never rebuilt with the feature. Only its Wasm matters: the
# native crate is a quick debug build, the Wasm a release build (compact and compressed, as a
# real upgrade ships).
UPGRADE_TARGET="$HOME/.cache/daollm/upgrade-target"
UPGRADE_WASM="$UPGRADE_TARGET/debug/wbuild/daollm-runtime/daollm_runtime.compact.compressed.wasm"
build_upgrade_runtime() {
	log "building the upgrade runtime (spec-version-bump) in $UPGRADE_TARGET"
	CARGO_TARGET_DIR="$UPGRADE_TARGET" WASM_BUILD_TYPE=release cargo build --locked \
		-p daollm-runtime --features spec-version-bump --manifest-path "$ROOT/Cargo.toml"
}

build_node() {
	log "building daollm-node (release; target dir $CARGO_TARGET_DIR)"
	cargo build --release --locked -p daollm-node --manifest-path "$ROOT/Cargo.toml"
}
