#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every check and test, and ends with one
# summary line. Stops at the first failing step, naming it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

passed=0
failed=0
step() {
  local name=$1; shift
  printf '\n==> %s\n' "$name" >&2
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '<== %s: ok (%ss)\n' "$name" $((SECONDS - started)) >&2
  else
    failed=$((failed + 1))
    printf '<== %s: FAILED\n' "$name" >&2
    printf '\n%d passed, %d failed\n' "$passed" "$failed"
    exit 1
  fi
}

# The generated test data must be what the generators make from Google's libphonenumber today.
fresh() {
  local file=$1; shift
  "$@" 2>/dev/null | cmp -s - "$file" || { echo "$file is stale: run $* > $file" >&2; return 1; }
}

step "rustfmt" cargo fmt --check
step "clippy (native)" cargo clippy --quiet --all-targets -- -D warnings
step "clippy (wasm32, browser)" cargo clippy --quiet --target wasm32-unknown-unknown --features browser --lib -- -D warnings
step "clippy (wasm32, browser tests)" cargo clippy --quiet --target wasm32-unknown-unknown --features browser,browser-phone --all-targets -- -D warnings
step "clippy (wasm32, browser-phone)" cargo clippy --quiet --target wasm32-unknown-unknown --features browser-phone --lib -- -D warnings
step "clippy (wasm32, browser-totp)" cargo clippy --quiet --target wasm32-unknown-unknown --features browser-totp --lib -- -D warnings
step "clippy (wasm32, browser-passkey)" cargo clippy --quiet --target wasm32-unknown-unknown --features browser-passkey --lib -- -D warnings
step "clippy (wasm32, worker)" cargo clippy --quiet --target wasm32-unknown-unknown --features worker --lib -- -D warnings
step "phone oracle corpus is fresh" fresh tests/data/phone-oracle.json node scripts/phone-oracle.mjs
step "phone table is fresh" fresh tests/data/phone_table_cases.rs node scripts/phone-table.mjs
if [[ -f ../shared/reference/twilio_verify_v2.json ]]; then
  step "Twilio examples are fresh" fresh tests/data/twilio-examples.json python3 scripts/extract-twilio-examples.py --stdout
  step "Twilio schemas are fresh" fresh tests/data/twilio-schemas.json node scripts/extract-twilio-schemas.mjs
else
  echo "(not run, not counted: Twilio's spec is not at ../shared/reference, so tests/data/twilio-{examples,schemas}.json cannot be re-extracted)" >&2
fi
step "cargo test (native)" cargo test --quiet
step "build the npm package and its tarball" scripts/build-package.sh --pack
step "phone corpus against the built npm package in Node" node scripts/phone-corpus-node.mjs
step "phone corpus against the package's phone entry in Node" node scripts/phone-corpus-node.mjs --phone
step "build the demo page" scripts/build-www.sh
step "build the Worker" scripts/build-worker.sh
# wasm-pack tests (phone parsing, VerifyClient, invokeSnaUrl, verifySna) against `wrangler dev` and a carrier stand-in.
step "browser build in headless Chromium" node tests/js/browser-harness.mjs chrome
step "browser build in headless Firefox" node tests/js/browser-harness.mjs firefox
step "npm package, Worker and engine under workerd (Twilio's SDK), demo in Chromium" node --test --test-concurrency=1 tests/js/

printf '\n%d passed, %d failed\n' "$passed" "$failed"
