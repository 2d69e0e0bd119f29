#!/usr/bin/env bash
# Brings up a one-validator DAOLLM development chain on this machine, and the app beside it.
#
#   scripts/dev.sh              # installs what it needs, builds the node and the app, runs
#                               # `daollm-node --dev` with the shipped model (so Alice's node
#                               # analyses proposals) and serves the app on loopback
#   RPC_PORT=9955 APP_PORT=5180 scripts/dev.sh
#
# The chain's state is temporary (--tmp): every start is a fresh chain.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

RPC_PORT="${RPC_PORT:-9944}"
APP_PORT="${APP_PORT:-5173}"
setup
build_node
build_app

APP_URL="http://127.0.0.1:${APP_PORT}/"
[ "$RPC_PORT" = 9944 ] || APP_URL="${APP_URL}?rpc=ws%3A%2F%2F127.0.0.1%3A${RPC_PORT}"

cat >&2 <<MSG

==> DAOLLM dev chain
    The app:           $APP_URL
                       (app/dist is a static folder: any web server can host it; ?rpc=ws://… picks the node)
    RPC endpoint (WebSocket and HTTP): ws://127.0.0.1:${RPC_PORT}
    polkadot.js apps:  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A${RPC_PORT}#/explorer
                       (or any self-hosted copy of apps, pointed at the endpoint above)
    Prometheus:        http://127.0.0.1:9615/metrics  (daollm_inference_* for the model)
    Model:             $DAOLLM_MODEL
    ONNX Runtime:      $ORT_DYLIB_PATH
    Stop with Ctrl-C.

MSG
# The app's static server (Vite's preview server, loopback only) lives as long as the node.
(cd "$ROOT/app" && exec npx vite preview --port "$APP_PORT" --strictPort) &
APP_PID=$!
trap 'kill "$APP_PID" 2>/dev/null || true' EXIT INT TERM
"$DAOLLM_NODE" --dev --tmp --rpc-port "$RPC_PORT" --rpc-cors all \
	--inference-model "$DAOLLM_MODEL" --onnxruntime "$ORT_DYLIB_PATH" "$@"
