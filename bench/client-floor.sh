#!/usr/bin/env bash
# Issue 22's floor for the client: builds bench/client_floor twice, as the package builds its entries (wasm-bindgen,
# then binaryen's wasm-opt -Oz), and prints what each ships, wasm and its JS glue (bundled and minified by esbuild):
# - the core's start readers alone behind one export (`StartParams::from_values` and `to_upstream_with`);
# - the same export over none of the core (`--features base`: two strings read, a form written), the least any
#   client wasm of this shape downloads. Beside the page's 80 kB, the phone entry's 70.5 kB leaves the client 9.5 kB.
#
#   bash bench/client-floor.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" # scripts/env.sh names the npm tools (wasm-opt, esbuild) under the current folder
source scripts/env.sh
target=${CARGO_TARGET_DIR:-$root/target}/client-floor
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # measure NAME [cargo flags...]
  local name=$1
  shift
  (cd "$root/bench/client_floor" && CARGO_TARGET_DIR=$target cargo build --quiet --release --target wasm32-unknown-unknown "$@")
  wasm-bindgen --target web --out-dir "$out/$name" "$target/wasm32-unknown-unknown/release/client_floor_wasm.wasm"
  "$WASM_OPT_BIN" -Oz --strip-debug --strip-producers --strip-target-features \
    "$out/$name/client_floor_wasm_bg.wasm" -o "$out/$name/floor.wasm"
  local raw gzip js
  raw=$(stat -c %s "$out/$name/floor.wasm")
  gzip=$(gzip -9 -c "$out/$name/floor.wasm" | wc -c)
  js=$("$ESBUILD_BIN" --bundle --minify --format=esm --log-level=error \
    "$out/$name/client_floor_wasm.js" | gzip -9 | wc -c)
  echo "$name: wasm ${raw} bytes raw, ${gzip} bytes gzip -9; its JS glue ${js} bytes gzip -9"
}
measure "the core's start readers alone"
measure "the same export over none of the core" --features base
