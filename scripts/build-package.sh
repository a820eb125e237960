#!/usr/bin/env bash
# Builds the publishable npm package into dist/npm (and, with --pack, its tarball into dist/):
# wasm-pack's output, made smaller by binaryen's wasm-opt, plus what pkg-template/ adds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=dist/npm
rm -rf build/browser "$out"
wasm-pack build --quiet --target web --release --no-pack --out-dir build/browser --out-name verify_edge \
  -- --features browser
mkdir -p "$out"
cp build/browser/verify_edge.js build/browser/verify_edge.d.ts "$out/"
# wasm-bindgen types the raw wasm exports in InitOutput (which no user calls) with `any`; the package has none.
sed -i '/^export interface InitOutput {/,/^}/ s/\bany\b/unknown/g' "$out/verify_edge.d.ts"
# `[Symbol.dispose]` needs TypeScript's esnext lib and breaks consumers on es2022 with skipLibCheck off; the method
# stays in the JS where the runtime has the symbol, and `free()` is typed.
sed -i '/^    \[Symbol\.dispose\](): void;$/d' "$out/verify_edge.d.ts"
cp -r build/browser/snippets "$out/"
# -Oz for size; binaryen reads the enabled wasm features from the module's target_features section, then drops it.
"$WASM_OPT_BIN" -Oz --strip-debug --strip-producers --strip-target-features \
  build/browser/verify_edge_bg.wasm -o "$out/verify_edge_bg.wasm"

# The error class is a wasm-bindgen snippet, whose folder name carries a hash: point the loaders at it.
error_module=$(cd "$out" && find snippets -path '*/src/browser/error.js' | head -n 1)
[[ -n "$error_module" ]] || { echo "build-package: the error.js snippet is missing" >&2; exit 1; }
version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
for file in index.js node.js workerd.js index.d.ts README.md; do
  sed "s#__ERROR_MODULE__#./$error_module#" "pkg-template/$file" > "$out/$file"
done
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" pkg-template/package.json > "$out/package.json"

if [[ "${1:-}" == "--pack" ]]; then
  npm pack --silent --pack-destination dist "./$out" >/dev/null
  echo "dist/verify-edge-$version.tgz"
else
  echo "$out"
fi
