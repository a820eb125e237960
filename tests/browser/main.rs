//! The npm package's wasm in headless Chromium and Firefox, one test binary for `wasm-pack test --features
//! browser,browser-phone --test browser` (the main entry's code and the phone entry's, whose engine the client
//! borrows), run through `node tests/js/browser-harness.mjs chrome|firefox` (which starts the servers `client`
//! talks to). Natively, or without both features, it holds no tests.
#![cfg(all(target_arch = "wasm32", feature = "browser", feature = "browser-phone"))]

// Once per test binary, as wasm-bindgen-test requires.
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `VerifyClient`, `invokeSnaUrl` and `verifySna` against the Worker and a carrier stand-in.
mod client;
/// The phone entry's Rust door: what JS receives (`tests/data/phone_table_cases.rs` included).
mod phone_entry;
