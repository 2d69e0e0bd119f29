#!/usr/bin/env bash
# Runs the whole test suite: the static checks (format, lints, docs); runtime, pallets and chain
# specs in their own test runtimes, with the benchmark suites and try-runtime's checks; the real
# node (dev chain, bad input); the real polkadot.js client against the real node; the app in a
# real headless browser against the real node; real four-validator networks under zombienet.
# Each step prints its wall time (README.md, "What CI runs", lists them).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup

# The cheap guard first, so that a formatting slip fails in seconds, not after an hour.
step "rustfmt: the tree is formatted" \
	cargo fmt --all --manifest-path "$ROOT/Cargo.toml" -- --check

# `cargo test` builds daollm-node too (the node's integration tests run the binary), with the
# features the test build unifies; the client tests below use that same binary. Building it
# separately first (`build_node`) would compile and link it twice. Libraries, binaries and
# integration tests, not doc tests: the workspace's doc comments hold diagrams and shell lines
# (`text`, `sh`), no Rust example, and rustdoc's pass over twenty crates would test nothing.
step "cargo test (release profile; builds daollm-node for the node and client tests)" \
	cargo test --release --locked --workspace --lib --bins --tests --manifest-path "$ROOT/Cargo.toml"

# The CPU-bound checks, at the lowest priority (nice 19) beside the client and app tests, which
# wait on six-second blocks far more than they compute: the nodes get the CPU whenever they
# want it, the compiler the rest.
#  - clippy on every target with every feature (runtime-benchmarks and try-runtime code is
#    compiled nowhere else), warnings as errors, without the runtime's Wasm; in the release
#    profile, so that the build scripts and proc macros the test build compiled serve again;
#  - rustdoc, reusing clippy's checked dependencies, refusing a broken intra-doc link;
#  - the pallets' benchmarks, once each in their mocks, and try-runtime's checks on the
#    runtime's presets: both need features no production build has;
#  - the upgrade runtime zombienet's 0003 enacts.
#
# The two features are linted in two passes: together they do not compile in polkadot-sdk
# stable2609, where `frame-benchmarking-cli` (the node's runtime-benchmarks) pulls in
# `pallet-staking` without try-runtime while the runtime's try-runtime turns on
# `pallet-session`'s, whose `MigrateDisabledValidators` then asks staking for `peek_disabled`.
clippy() {
	local features
	for features in runtime-benchmarks try-runtime; do
		SKIP_WASM_BUILD=1 cargo clippy --release --locked --workspace --all-targets \
			--features "$features" --manifest-path "$ROOT/Cargo.toml" -- -D warnings
	done
}
rustdoc() {
	SKIP_WASM_BUILD=1 RUSTDOCFLAGS="-D warnings" cargo doc --release --locked --workspace \
		--no-deps --features runtime-benchmarks --manifest-path "$ROOT/Cargo.toml"
}
checks() {
	renice -n 19 -p "$BASHPID" >/dev/null
	step "clippy: all targets, every feature, warnings are errors" clippy
	step "rustdoc: the workspace's docs build, every intra-doc link resolves" rustdoc
	step "benchmark test suites and try-runtime checks (features runtime-benchmarks, try-runtime)" \
		benchmark_and_try_runtime_tests
	step "the upgrade runtime (zombienet 0003)" build_upgrade_runtime
}
client_tests() { (cd "$ROOT/node/tests/polkadot-js" && npm test); }
app_tests() { build_app && (cd "$ROOT/app" && npm test); }

# Three client test files at a time, each against its own dev node (port 0, read back from its
# log), the app's end-to-end test against a fourth, and the checks: the nodes mostly wait on
# six-second blocks, so four share two cores; each writes its own log, printed when all are
# done (a failure names the one that failed).
step "in parallel: polkadot.js client tests (three files at a time), the app's tests, the checks" \
	in_parallel client_tests app_tests checks

step "zombienet: four-validator networks (consensus, inference agreement, a wrong model, an outage, a runtime upgrade, a training round)" \
	bash "$ROOT/scripts/zombienet.sh"
