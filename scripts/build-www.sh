#!/usr/bin/env bash
# Builds the demo page into build/www: www/ plus the npm package it imports (under pkg/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-package.sh >/dev/null
rm -rf build/www
mkdir -p build/www
cp -r www/. build/www/
cp -r dist/npm build/www/pkg
