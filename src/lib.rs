//! verify-edge: Twilio Verify's model at the edge.
//!
//! The core modules ([`phone`]) are plain Rust with no WebAssembly code; `browser` and `worker` (behind the features
//! of those names) are thin doors onto them for the npm package and the Cloudflare Worker.

pub mod abuse;
pub mod api;
pub mod approval;
pub mod authy;
pub mod engine;
pub mod limits;
pub mod phone;
pub mod qr;
pub mod webauthn;

#[cfg(all(
    any(feature = "browser-phone", feature = "browser-http"),
    target_arch = "wasm32"
))]
pub mod browser;

/// The npm package's allocator (single-threaded wasm): talc, where dlmalloc would add its larger code to every
/// page's download.
#[cfg(all(
    any(feature = "browser-phone", feature = "browser-http"),
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
/// Twilio Verify v2: the resources, their SIDs and who a verification is sent to.
pub mod verify;
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
mod worker;
