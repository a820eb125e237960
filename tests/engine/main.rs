//! The engine's rules and the Verify model it speaks, natively, in one test binary (`cargo test --test engine`).

/// Programmable Rate Limits, buckets and SafeList numbers.
mod rate_limits_and_safe_list;
/// Verify's `To` for each channel: email addresses and phone numbers.
mod recipients;
/// The Verify model against Twilio's wire format (`tests/data/twilio-examples.json`), SIDs, enums and errors.
mod twilio_wire_format;
/// Verifications: codes, starts, checks, SNA, expiry, with a fixed clock and deterministic bytes.
mod verifications;
