#!/usr/bin/env bash
# What the approval-token code adds to the Worker's wasm: the Worker built (scripts/build-worker.sh) at the commit
# that added it and at its parent; then at the commit with each of the speed variants bench/approval.mjs measures
# (opt3: bench/approval_wasm/opt3.toml's profile override; table: p256's precomputed-tables feature). Each wasm is
# stripped (binaryen's wasm-opt --strip-debug) and gzipped at level 9.
#
#   bash bench/approval-size.sh [COMMIT]       (COMMIT defaults to 0fb4178, the approval tokens; compared with COMMIT^)
#   bash bench/approval-size.sh --between A B  (what the commits from A to B add: the Worker's wasm at each, and the
#                                                npm package's main entry as shipped, its files gzipped one by one)
#
# Prints a tab-separated table. Each build is made in a throwaway worktree under .tmp/ (removed afterwards); set
# CARGO_TARGET_DIR to share one target directory between the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
commit=${1:-0fb4178}
work=$root/.tmp/approval-size
mkdir -p "$work"
trap 'for d in "$work"/tree-*; do [ -d "$d" ] && git -C "$root" worktree remove --force "$d"; done' EXIT

# The variants, applied to a throwaway tree: never to a commit.
opt3() { cat "$root/bench/approval_wasm/opt3.toml" >>.cargo/config.toml; }
table() {
  # p256's table needs a lazy cell: primeorder's std (as bench/approval_wasm/Cargo.toml's basepoint-table feature).
  sed -i 's/^p256 = { version = "0.14", default-features = false, features = \["ecdsa", "pem"\] }$/p256 = { version = "0.14", default-features = false, features = ["ecdsa", "pem", "precomputed-tables"] }\nprimeorder = { version = "0.14", default-features = false, features = ["std"] }/' Cargo.toml
  grep -q precomputed-tables Cargo.toml || { echo "table: the p256 line of Cargo.toml has changed" >&2; exit 1; }
}

# size_at NAME REV [VARIANT ...]: builds the Worker at REV with the variants applied.
size_at() {
  local name=$1 rev=$2 tree=$work/tree-$1
  shift 2
  git worktree add --quiet --detach "$tree" "$rev"
  ln -s "$root/node_modules" "$tree/node_modules"
  (cd "$tree" && for variant in "$@"; do "$variant"; done && bash scripts/build-worker.sh >"$work/build-$name.log" 2>&1)
  "$root/node_modules/.bin/wasm-opt" --all-features --strip-debug "$tree/build/worker/index_bg.wasm" -o "$work/$name.wasm"
  local package=""
  if [[ -n ${WITH_PACKAGE:-} ]]; then
    (cd "$tree" && bash scripts/build-package.sh >>"$work/build-$name.log" 2>&1)
    package=$'\t'$(node --input-type=module -e "import { mainEntrySizes } from '$root/bench/size.mjs';
      console.log(mainEntrySizes(process.argv[1]).gzip)" "$tree/dist/npm")
  fi
  printf '%s\t%s\t%s\t%s%s\n' "$name" "$(git rev-parse --short "$rev")" \
    "$(stat -c %s "$tree/build/worker/index_bg.wasm")" "$(gzip -9 -c "$work/$name.wasm" | wc -c)" "$package"
  git worktree remove --force "$tree"
}

if [[ $commit == --between ]]; then
  printf 'build\tcommit\tindex_bg.wasm bytes\tstripped gzip -9 bytes\tmain entry gzip -9 bytes\n'
  WITH_PACKAGE=1 size_at from "$2"
  WITH_PACKAGE=1 size_at to "$3"
  exit
fi
printf 'build\tcommit\tindex_bg.wasm bytes\tstripped gzip -9 bytes\n'
size_at before "$commit^"
size_at core "$commit"
size_at opt3 "$commit" opt3
size_at table "$commit" table
size_at table-opt3 "$commit" table opt3
