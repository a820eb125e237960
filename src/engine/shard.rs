//! Where a verification lives. Each `To` has its own shard (a Durable Object, in the Worker) named by the first 64
//! bits of HMAC-SHA256 of the `To` under the engine's secret shard key, and a verification's SID starts with its
//! shard: `VE` + 16 hex digits of shard + 16 random hex digits. So a start or a check by `To`, and a fetch or check
//! by SID, each reach the one object that holds the verification, without a directory. Busy Services spread across
//! as many objects as they have recipients; all traffic for one `To` is serialized in one object, which is what
//! makes "two checks approve at most once" and "two starts create one verification" hold.
//!
//! The hash is keyed so that a SID says nothing of its number: unkeyed, anyone holding a SID could hash candidate
//! numbers offline until one matched its 64 bits.
//!
//! An Entity (one user of a Service, with its Factors and Challenges) lives in its own object too, named by the
//! first 128 bits of HMAC-SHA256 of the Service and the `Identity` under the same key: every Entity request names
//! both, so no index is consulted, and without the key no one can choose identities that land in one object.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::Randomness;
use crate::verify::recipient::recipient_key;
use crate::verify::sid::{ServiceSid, VerificationSid};

/// The secret the shard hash is keyed with (`SHARD_KEY`).
pub struct ShardKey(Vec<u8>);

impl ShardKey {
    /// The key, from its configured text; `None` when it is shorter than 16 bytes (too guessable to hide a SID's
    /// number).
    pub fn new(secret: &str) -> Option<Self> {
        (secret.len() >= 16).then(|| Self(secret.as_bytes().to_vec()))
    }

    /// HMAC-SHA256 of `message` under the key.
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The first 8 bytes of HMAC-SHA256 of `to` (as [`recipient_key`] writes it).
    fn digest(&self, to: &str) -> [u8; 8] {
        let full = self.mac(recipient_key(to).as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&full[..8]);
        first
    }

    /// The object of the Entity `identity` of `service_sid`: `entity:` and 32 hex digits, the first 128 bits of
    /// HMAC-SHA256 of `entity:{service_sid}:{identity}` (an identity never holds a `:`).
    pub fn shard_of_entity(&self, service_sid: &ServiceSid, identity: &str) -> String {
        let full = self.mac(format!("entity:{service_sid}:{identity}").as_bytes());
        let hex: String = full[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("entity:{hex}")
    }

    /// The object that holds a passkey ceremony of `service_sid` in flight: named by the keyed hash of the Service
    /// and the challenge, so an answer finds its ceremony by the challenge it carries, and no one can aim two
    /// ceremonies at one object.
    pub fn shard_of_ceremony(&self, service_sid: &ServiceSid, challenge: &[u8]) -> String {
        let mut message = format!("passkey:{service_sid}:").into_bytes();
        message.extend_from_slice(challenge);
        let full = self.mac(&message);
        let hex: String = full[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("passkey:{hex}")
    }

    /// The shard of `to` (E.164 or normalized email): 16 lowercase hex digits.
    pub fn shard_of_recipient(&self, to: &str) -> String {
        self.digest(to).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A new verification SID in the shard of `to`.
    pub fn new_verification_sid(&self, to: &str, random: &mut dyn Randomness) -> VerificationSid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.digest(to));
        random.fill(&mut bytes[8..]);
        VerificationSid::from_random_bytes(bytes)
    }
}

/// The shard a verification SID names.
pub fn shard_of_sid(sid: &VerificationSid) -> String {
    sid.as_str()[2..18].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SystemRandomness;

    #[test]
    fn a_sid_names_its_shard_and_the_key_decides_both() {
        let key = ShardKey::new("0123456789abcdef0123456789abcdef").unwrap();
        let sid = key.new_verification_sid("+447400123456", &mut SystemRandomness);
        assert_eq!(shard_of_sid(&sid), key.shard_of_recipient("+447400123456"));
        // Another key puts the number elsewhere: the shard is not a function of the number alone.
        let other = ShardKey::new("fedcba9876543210fedcba9876543210").unwrap();
        assert_ne!(
            other.shard_of_recipient("+447400123456"),
            key.shard_of_recipient("+447400123456")
        );
        // Email addresses are one shard whatever their case.
        assert_eq!(
            key.shard_of_recipient("Victim@Example.com"),
            key.shard_of_recipient("victim@example.com")
        );
        assert!(ShardKey::new("short").is_none());
    }

    #[test]
    fn an_entity_is_one_object_per_service_and_identity_under_the_key() {
        let key = ShardKey::new("0123456789abcdef0123456789abcdef").unwrap();
        let service = ServiceSid::from_random_bytes([1; 16]);
        let other_service = ServiceSid::from_random_bytes([2; 16]);
        let name = key.shard_of_entity(&service, "user-00000001");
        assert_eq!(name, key.shard_of_entity(&service, "user-00000001"));
        assert!(name.starts_with("entity:") && name.len() == "entity:".len() + 32);
        assert_ne!(name, key.shard_of_entity(&service, "user-00000002"));
        assert_ne!(name, key.shard_of_entity(&other_service, "user-00000001"));
        let other_key = ShardKey::new("fedcba9876543210fedcba9876543210").unwrap();
        assert_ne!(name, other_key.shard_of_entity(&service, "user-00000001"));
    }
}
