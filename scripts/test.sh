#!/usr/bin/env bash
# Runs the whole test suite: runtime, pallets and chain specs in their own test runtimes; the
# real node (dev chain, bad input); the real polkadot.js client against the real node; the app
# in a real headless browser against the real node; real four-validator networks under zombienet.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup

# `cargo test` builds daollm-node too (the node's integration tests run the binary), with the
# features the test build unifies; the client tests below use that same binary. Building it
# separately first (`build_node`) would compile and link it twice.
log "cargo test (release profile; builds daollm-node for the node and client tests)"
cargo test --release --locked --workspace --manifest-path "$ROOT/Cargo.toml"

# Two test files at a time, each against its own dev node on its own ports: the tests wait on
# six-second blocks far more than they compute, so two halve the wall time on two cores.
log "polkadot.js client tests against daollm-node (two files at a time)"
(cd "$ROOT/node/tests/polkadot-js" && npm test)

log "the app: formatting unit tests, and end to end in headless Chromium against daollm-node --dev"
build_app
(cd "$ROOT/app" && npm test)

log "zombienet: four-validator networks (consensus, inference agreement, a wrong model, an outage, a runtime upgrade, a training round)"
bash "$ROOT/scripts/zombienet.sh"
