#!/usr/bin/env bash
# The README's run command: builds the npm package, the demo page and the Worker, then serves them all with
# `wrangler dev` on http://127.0.0.1:8787 (the demo at /, the public API at /verify/*, the engine at /v2). Ctrl-C stops it.
#   PORT=9000 scripts/run.sh     another port
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
scripts/build-www.sh
port=${PORT:-8787}
echo "verify-edge: demo on http://127.0.0.1:$port/ , public API on http://127.0.0.1:$port/verify/start (see /openapi.json)" >&2
exec "$NODE22" node_modules/wrangler/bin/wrangler.js dev --ip 127.0.0.1 --port "$port" \
  --persist-to .wrangler/state --show-interactive-dev-session=false
