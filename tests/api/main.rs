//! The public API's core (the contract and abuse protection), natively, in one test binary (`cargo test --test api`).

/// Configuration, geo permissions, number types and the pumping detector.
mod abuse_protection;
/// Parameters, the upstream's form, the safe views and the mapping of upstream errors.
mod public_contract;
