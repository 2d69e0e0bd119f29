#!/usr/bin/env bash
# Runs the whole test suite: runtime, pallets and chain specs in their own test runtimes; the
# real node (dev chain, bad input); the real polkadot.js client against the real node.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup
build_node

log "cargo test (release profile: shares the node's build)"
cargo test --release --locked --workspace --manifest-path "$ROOT/Cargo.toml"

log "polkadot.js client tests against daollm-node"
(cd "$ROOT/node/tests/polkadot-js" && npm test)
