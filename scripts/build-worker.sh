#!/usr/bin/env bash
# Builds the Worker into build/worker (entry build/worker/index.js, as wrangler.toml says).
# worker-build uses our pinned wasm-bindgen, binaryen's wasm-opt and esbuild (scripts/env.sh), never a download.
#
# Then binaryen strips the wasm's function names (the `name` section, about a quarter of the gzip the Worker
# uploads): a stack trace names `wasm-function[N]` instead, and the panic message still says where. The build with
# names stays beside it in build/worker-names.wasm (never uploaded: wrangler takes build/worker), for
# `bench/wasm-breakdown.mjs` and for reading a production trace's function numbers back into names.
# VERIFY_EDGE_WORKER_NAMES=keep ships the names (bench/worker-names.mjs measures both builds side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# With scripts/env.sh's wasm flags, as the package's entries: no build machine's paths in the wasm.
RUSTFLAGS=$VERIFY_EDGE_WASM_RUSTFLAGS worker-build --release --out-dir build/worker --features worker
wasm=build/worker/index_bg.wasm
cp "$wasm" build/worker-names.wasm
if [[ "${VERIFY_EDGE_WORKER_NAMES:-strip}" != keep ]]; then
  # The Worker's wasm has no target_features section (wasm-bindgen's exception-handling catch wrappers need
  # `--enable-exception-handling`): -all lets binaryen read every feature; stripping rewrites nothing else.
  "$WASM_OPT_BIN" -all --strip-debug --strip-producers "$wasm" -o "$wasm.stripped"
  mv "$wasm.stripped" "$wasm"
fi
