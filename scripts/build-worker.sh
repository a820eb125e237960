#!/usr/bin/env bash
# Builds the Worker into build/worker (entry build/worker/index.js, as wrangler.toml says).
# worker-build uses our pinned wasm-bindgen, binaryen's wasm-opt and esbuild (scripts/env.sh), never a download.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
worker-build --release --out-dir build/worker --features worker
