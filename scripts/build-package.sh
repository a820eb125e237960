#!/usr/bin/env bash
# Builds the publishable npm package into dist/npm (and, with --pack, its tarball into dist/):
# wasm-pack's output, made smaller by binaryen's wasm-opt, plus what pkg-template/ adds.
#
# The package has four entries, each its own wasm, so a page downloads only what it uses: `verify-edge` (feature
# `browser`: VerifyClient, Silent Network Auth, and the phone entry's functions re-exported) at the top;
# `verify-edge/phone` (feature `browser-phone`: phone numbers only) in phone/, for pages that format a phone field
# and need no HTTP client, and the engine the main entry normalizes with;
# `verify-edge/totp` (feature `browser-totp`: TotpClient, qrCodeSvg) in totp/ and `verify-edge/passkey` (feature
# `browser-passkey`: PasskeyClient and the WebAuthn calls) in passkey/, for pages that use those factors. The same
# templates make all four.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=dist/npm
rm -rf build/browser build/browser-phone build/browser-totp build/browser-passkey "$out"
version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)

# build_entry FEATURE MODULE DIR OPT: one wasm-pack build into DIR of the package, optimised with rustc's and
# wasm-opt's level OPT. The templates' `//main: ` lines are the main entry's alone (it re-exports the phone entry,
# links its engine, and starts its own download first: download.js); `//entry: ` lines are the other entries'.
# Every entry builds with scripts/env.sh's VERIFY_EDGE_WASM_RUSTFLAGS (no build machine's paths in the wasm).
build_entry() {
  local feature=$1 module=$2 dir=$3 opt=$4 build=build/$1
  RUSTFLAGS=$VERIFY_EDGE_WASM_RUSTFLAGS CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt \
    wasm-pack build --quiet --target web --release --no-pack \
    --out-dir "$build" --out-name "$module" -- --features "$feature"
  mkdir -p "$dir"
  cp "$build/$module.js" "$build/$module.d.ts" "$dir/"
  # wasm-bindgen types the raw wasm exports in InitOutput (which no user calls) with `any`; the package has none.
  sed -i '/^export interface InitOutput {/,/^}/ s/\bany\b/unknown/g' "$dir/$module.d.ts"
  # `[Symbol.dispose]` needs TypeScript's esnext lib and breaks consumers on es2022 with skipLibCheck off; the
  # method stays in the JS where the runtime has the symbol, and `free()` is typed.
  sed -i '/^    \[Symbol\.dispose\](): void;$/d' "$dir/$module.d.ts"
  cp -r "$build/snippets" "$dir/"
  # Binaryen reads the enabled wasm features from the module's target_features section, then drops it.
  "$WASM_OPT_BIN" "-O$opt" --strip-debug --strip-producers --strip-target-features \
    "$build/${module}_bg.wasm" -o "$dir/${module}_bg.wasm"

  # The error class is a wasm-bindgen snippet, whose folder name carries a hash: point the loaders at it.
  local error_module
  error_module=$(cd "$dir" && find snippets -path '*/src/browser/error.js' | head -n 1)
  [[ -n "$error_module" ]] || { echo "build-package: the error.js snippet is missing" >&2; exit 1; }
  local main_lines='/^\/\/main: /d' entry_lines='s#^//entry: ##' link_module=""
  if [[ "$feature" == browser ]]; then
    main_lines='s#^//main: ##'
    entry_lines='/^\/\/entry: /d'
    cp pkg-template/download.js "$dir/"
    link_module=$(cd "$dir" && find snippets -path '*/src/browser/phone-link.js' | head -n 1)
    [[ -n "$link_module" ]] || { echo "build-package: the phone-link.js snippet is missing" >&2; exit 1; }
  fi
  for file in index.js node.js workerd.js index.d.ts; do
    sed -e "$main_lines" -e "$entry_lines" -e "s#__ERROR_MODULE__#./$error_module#" -e "s#__PHONE_LINK_MODULE__#./$link_module#" \
      -e "s#__MODULE__#$module#g" "pkg-template/$file" > "$dir/$file"
  done
}

# The main entry is mostly code (the client, serde, JSON), so it is built for size. The phone entry is mostly data
# (the metadata tables) and runs on every keystroke: built for speed it normalizes twice as fast in V8 (Node:
# about 300k numbers/s against 146k at `z`) for 3.7 kB more gzip.
build_entry browser verify_edge "$out" z
build_entry browser-phone verify_edge_phone "$out/phone" 3
build_entry browser-totp verify_edge_totp "$out/totp" z
build_entry browser-passkey verify_edge_passkey "$out/passkey" z
# Every entry's snippets (the error class, the phone answer's unpacker, the phone link) come from the same sources.
# The other entries import the main entry's copies, so a page that loads several has one VerifyEdgeError class: an error from any
# entry is `instanceof` the class any one exports.
for entry in phone totp passkey; do
  (cd "$out/$entry/snippets" && find . -type f) | while read -r file; do
    if [[ ! -e "$out/snippets/$file" ]]; then
      # One the main entry does not use itself (the phone answer's unpacker): it joins the shared folder.
      mkdir -p "$(dirname "$out/snippets/$file")"
      cp "$out/$entry/snippets/$file" "$out/snippets/$file"
    fi
    cmp -s "$out/$entry/snippets/$file" "$out/snippets/$file" \
      || { echo "build-package: the $entry entry's snippet differs from the main entry's: $file" >&2; exit 1; }
  done
  rm -r "$out/$entry/snippets"
  sed -E -i "s#([\"'])\./snippets/#\1../snippets/#g" "$out/$entry"/*.js "$out/$entry"/*.d.ts
  if grep -E -l "[\"']\./snippets/" "$out/$entry"/*; then
    echo "build-package: the files above still import the $entry entry's own snippets" >&2
    exit 1
  fi
done
cp pkg-template/README.md "$out/"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" pkg-template/package.json > "$out/package.json"

if [[ "${1:-}" == "--pack" ]]; then
  npm pack --silent --pack-destination dist "./$out" >/dev/null
  echo "dist/verify-edge-$version.tgz"
else
  echo "$out"
fi
