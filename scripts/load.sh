#!/usr/bin/env bash
# Block-execution load: 10 000 pre-signed `balances.transferKeepAlive` from 100 accounts against
# a fresh `daollm-node --dev` with the `scripts/dev.sh` configuration (the shipped model, the
# validator's offchain workers); prints each block's transfers and authoring time, and the
# full-block summary (see node/tests/polkadot-js/load.mjs).
#
#   scripts/load.sh                                # 100 accounts × 100 transfers
#   scripts/load.sh --accounts 50 --per-account 40 # a smaller run
#   scripts/load.sh --offchain-worker never        # node flags go to the node
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup
build_node
cd "$ROOT/node/tests/polkadot-js"
exec node load.mjs "$@"
