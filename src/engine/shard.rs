//! Where a verification lives. Each `To` has its own shard (a Durable Object, in the Worker) named by the first 64
//! bits of SHA-256 of the `To`, and a verification's SID starts with its shard: `VE` + 16 hex digits of shard + 16
//! random hex digits. So a start or a check by `To`, and a fetch or check by SID, each reach the one object that
//! holds the verification, without a directory. Busy Services spread across as many objects as they have
//! recipients; all traffic for one `To` is serialized in one object, which is what makes "two checks approve at
//! most once" and "two starts create one verification" hold.

use sha2::{Digest, Sha256};

use super::Randomness;
use crate::verify::recipient::recipient_key;
use crate::verify::sid::VerificationSid;

/// The shard of `to` (E.164 or normalized email, counted as [`recipient_key`] writes it): 16 lowercase hex digits.
pub fn shard_of_recipient(to: &str) -> String {
    let digest = Sha256::digest(recipient_key(to).as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The shard a verification SID names.
pub fn shard_of_sid(sid: &VerificationSid) -> String {
    sid.as_str()[2..18].to_ascii_lowercase()
}

/// A new verification SID in the shard of `to`.
pub fn new_verification_sid(to: &str, random: &mut dyn Randomness) -> VerificationSid {
    let mut bytes = [0u8; 16];
    let shard = Sha256::digest(recipient_key(to).as_bytes());
    bytes[..8].copy_from_slice(&shard[..8]);
    random.fill(&mut bytes[8..]);
    VerificationSid::from_random_bytes(bytes)
}
