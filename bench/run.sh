#!/usr/bin/env bash
# The phone-normalization benchmark in one command: build the npm package as it ships, then measure it.
# Prints the report and writes it into BENCHMARKS.md; pass --no-write to only print it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-package.sh >/dev/null
VERIFY_EDGE_BENCH_COMMAND="bash bench/run.sh" exec node bench/phone.mjs "$@"
