#!/usr/bin/env bash
# Issue 22's floor for the client: builds bench/client_floor (the core's start readers alone behind one export),
# as the package builds its entries (wasm-bindgen, then binaryen's wasm-opt -Oz), and prints its shipped size.
#
#   bash bench/client-floor.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/env.sh"
target=${CARGO_TARGET_DIR:-$root/target}/client-floor
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$root/bench/client_floor" && CARGO_TARGET_DIR=$target cargo build --quiet --release --target wasm32-unknown-unknown)
wasm-bindgen --target web --out-dir "$out" "$target/wasm32-unknown-unknown/release/client_floor_wasm.wasm"
"$WASM_OPT_BIN" -Oz --strip-debug --strip-producers --strip-target-features "$out/client_floor_wasm_bg.wasm" -o "$out/floor.wasm"
raw=$(stat -c %s "$out/floor.wasm")
gzip=$(gzip -9 -c "$out/floor.wasm" | wc -c)
echo "the core's start readers alone: wasm ${raw} bytes raw, ${gzip} bytes gzip -9"
