//! The public API's core (the contract and abuse protection), natively, in one test binary (`cargo test --test api`).

/// Configuration, geo permissions, number types and the pumping detector.
mod abuse_protection;
/// Approval tokens: keys, signing (RFC 6979 and RFC 7515 vectors), every refusal of the check, the settings.
mod approval_tokens;
/// Identity tokens: what vouches for an identity, each refusal, the Entity it lands on, a factor's approval.
mod identity_tokens;
/// Parameters, the upstream's form, the safe views and the mapping of upstream errors.
mod public_contract;
