#!/usr/bin/env bash
# Brings up a one-validator DAOLLM development chain on this machine.
#
#   scripts/dev.sh              # installs what it needs, builds, runs `daollm-node --dev`
#                               # with the shipped model, so Alice's node analyses proposals
#   RPC_PORT=9955 scripts/dev.sh
#
# The chain's state is temporary (--tmp): every start is a fresh chain.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

RPC_PORT="${RPC_PORT:-9944}"
setup
build_node

cat >&2 <<MSG

==> DAOLLM dev chain
    RPC endpoint (WebSocket and HTTP): ws://127.0.0.1:${RPC_PORT}
    polkadot.js apps:  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A${RPC_PORT}#/explorer
                       (or any self-hosted copy of apps, pointed at the endpoint above)
    Prometheus:        http://127.0.0.1:9615/metrics  (daollm_inference_* for the model)
    Model:             $DAOLLM_MODEL
    ONNX Runtime:      $ORT_DYLIB_PATH
    Stop with Ctrl-C.

MSG
exec "$DAOLLM_NODE" --dev --tmp --rpc-port "$RPC_PORT" --rpc-cors all \
	--inference-model "$DAOLLM_MODEL" --onnxruntime "$ORT_DYLIB_PATH" "$@"
