//! The engine's rules and the Verify model it speaks, natively, in one test binary (`cargo test --test engine`).

/// Entities, TOTP Factors and Challenges: Twilio's rules, and a code that is good once.
mod entities_factors_challenges;
/// Programmable Rate Limits, buckets and SafeList numbers.
mod rate_limits_and_safe_list;
/// Verify's `To` for each channel: email addresses and phone numbers.
mod recipients;
/// TOTP factors: RFC 6238 codes, the skew window, base32 secrets and the otpauth:// URI, judged by pyotp too.
mod totp;
/// The Verify model against Twilio's wire format (`tests/data/twilio-examples.json`), SIDs, enums and errors.
mod twilio_wire_format;
/// Verifications: codes, starts, checks, SNA, expiry, with a fixed clock and deterministic bytes.
mod verifications;
/// Passkeys: WebAuthn's registration and authentication procedures, each step's refusal.
mod webauthn_ceremonies;
/// Passkeys: the WebAuthn Level 3 specification's test vectors (§16), verbatim, through both procedures.
mod webauthn_spec_vectors;
