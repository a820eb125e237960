//! verify-edge: Twilio Verify's model at the edge.
//!
//! The core modules ([`phone`]) are plain Rust with no WebAssembly code; `browser` and `worker` (behind the features
//! of those names) are thin doors onto them for the npm package and the Cloudflare Worker.

pub mod phone;
