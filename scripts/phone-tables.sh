#!/usr/bin/env bash
# Regenerates src/phone/tables.rs (libphonenumber's metadata as static tables and pattern bytecode) from the
# PhoneNumberMetadata.xml the phonenumber crate ships, or from the file given as the first argument (a newer
# libphonenumber release's resources/PhoneNumberMetadata.xml). `cargo test --test phone generated_tables_are_fresh`
# checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [[ $# -gt 0 ]]; then
  export PHONE_METADATA_XML="$(realpath "$1")"
fi
# Only that test of the phone binary (tests/phone/generated_tables_are_fresh.rs): the others need not run to write.
PHONE_TABLES_WRITE=1 cargo test --quiet --test phone -- generated_tables_are_fresh:: --nocapture
