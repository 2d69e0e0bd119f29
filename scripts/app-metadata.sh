#!/usr/bin/env bash
# Regenerates the app's typed chain descriptors from the runtime this checkout builds: run it
# after any change to the runtime's calls, storage, events, errors or their docs (the app's
# end-to-end test fails until the committed metadata matches the runtime it runs against).
#
#   scripts/app-metadata.sh     # or: (cd app && npm run metadata)
#
# Writes app/.papi/metadata/daollm.scale (committed) and the generated descriptors package
# (app/.papi/descriptors/dist, rebuilt by `npm ci` from the committed metadata).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup
build_node
WASM="$CARGO_TARGET_DIR/release/wbuild/daollm-runtime/daollm_runtime.compact.compressed.wasm"
cd "$ROOT/app"
# Replaces the metadata of the existing `daollm` entry (the config keeps naming only the
# committed file) and regenerates the descriptors.
npx papi add daollm --wasm "$WASM"
log "app/.papi/metadata/daollm.scale regenerated from $WASM"
