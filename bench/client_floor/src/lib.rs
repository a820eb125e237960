//! The core's start readers behind one export: a JS object's properties into `StartParams::from_values`, the
//! recipient through `to_upstream_with` (the phone engine borrowed from JS), the form out, a 60200 thrown as a
//! plain object. Nothing of HTTP or Silent Network Auth: the least a client that reads parameters with the core's
//! code can download.
//!
//! With the `base` feature, the same export reads `to` and `channel` as two plain strings and nothing of the core
//! is linked: the wasm-bindgen glue, the allocator, `Vec`/`String` and the form encoder that any client of this
//! shape carries, so the difference between the two builds is what the core's readers themselves cost.

#[cfg(feature = "base")]
mod base;
#[cfg(not(feature = "base"))]
mod readers;
