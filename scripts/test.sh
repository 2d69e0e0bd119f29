#!/usr/bin/env bash
# Runs the whole test suite: the static checks (format, lints, docs); runtime, pallets and chain
# specs in their own test runtimes, with the benchmark suites and try-runtime's checks; the real
# node (dev chain, bad input); the real polkadot.js client against the real node; the app in a
# real headless browser against the real node; real four-validator networks under zombienet.
# Each step prints its wall time; README.md ("CI") lists them.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup

# The cheap guards first, so that a formatting slip fails in seconds, not after an hour.
step "rustfmt: the tree is formatted" \
	cargo fmt --all --manifest-path "$ROOT/Cargo.toml" -- --check

# Clippy on every target with every feature (runtime-benchmarks and try-runtime code is compiled
# nowhere else), warnings as errors; the runtime's Wasm is not built for it. rustdoc then reuses
# clippy's checked dependencies, and refuses a broken intra-doc link.
step "clippy: all targets, all features, warnings are errors" \
	env SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets --all-features \
	--manifest-path "$ROOT/Cargo.toml" -- -D warnings
step "rustdoc: the workspace's docs build, every intra-doc link resolves" \
	env SKIP_WASM_BUILD=1 RUSTDOCFLAGS="-D warnings" cargo doc --locked --workspace --no-deps \
	--all-features --manifest-path "$ROOT/Cargo.toml"

# `cargo test` builds daollm-node too (the node's integration tests run the binary), with the
# features the test build unifies; the client tests below use that same binary. Building it
# separately first (`build_node`) would compile and link it twice.
step "cargo test (release profile; builds daollm-node for the node and client tests)" \
	cargo test --release --locked --workspace --manifest-path "$ROOT/Cargo.toml"

# The pallets' benchmarks run once each in their mock runtimes (`impl_benchmark_test_suite!`),
# and try-runtime's checks on the runtime's presets: both need their features, which no
# production build has.
step "benchmark test suites and try-runtime checks (features runtime-benchmarks, try-runtime)" \
	benchmark_and_try_runtime_tests

# Two test files at a time, each against its own dev node on its own ports: the tests wait on
# six-second blocks far more than they compute, so two halve the wall time on two cores.
client_tests() { (cd "$ROOT/node/tests/polkadot-js" && npm test); }
step "polkadot.js client tests against daollm-node (two files at a time)" client_tests

app_tests() { build_app && (cd "$ROOT/app" && npm test); }
step "the app: build, formatting unit tests, end to end in headless Chromium against daollm-node --dev" \
	app_tests

step "zombienet: four-validator networks (consensus, inference agreement, a wrong model, an outage, a runtime upgrade, a training round)" \
	bash "$ROOT/scripts/zombienet.sh"
