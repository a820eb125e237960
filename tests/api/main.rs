//! The public API's core (the contract and abuse protection), natively, in one test binary (`cargo test --test api`).

/// Configuration, geo permissions, number types and the pumping detector.
mod abuse_protection;
/// Approval tokens: keys, signing (RFC 6979 and RFC 7515 vectors), every refusal of the check, the settings.
mod approval_tokens;
/// The legacy Authy (v1) API's core: its parameters from query, form and JSON, its answers in JSON and XML, its
/// errors and how v2's map to them, `uuid`s, and the Services by code length.
mod authy_v1;
/// Identity tokens: what vouches for an identity, each refusal, the Entity it lands on, a factor's approval.
mod identity_tokens;
/// Parameters, the upstream's form, the safe views and the mapping of upstream errors.
mod public_contract;
