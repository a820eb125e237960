//! Twilio SIDs: two capital letters naming the kind of resource, then 32 hex digits (`VE` and 32 hex digits is a
//! Verification). Each kind is its own type, so a Service SID can never be passed where a Verification SID belongs.

use std::fmt;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Hex digits after the two-letter prefix.
const DIGITS: usize = 32;

/// Why text is not a SID of the expected kind. Its [`code`](SidError::code) is always `INVALID_SID`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SidError {
    /// The two letters the SID should have started with (`VE` for a Verification).
    pub expected_prefix: &'static str,
    /// What is wrong, in words: names the expected prefix and echoes at most the first two characters of the input.
    pub message: String,
}

impl SidError {
    /// The stable machine code of every SID error.
    pub const CODE: &'static str = "INVALID_SID";

    /// The stable machine code, `INVALID_SID`.
    pub fn code(&self) -> &'static str {
        Self::CODE
    }
}

/// Checks `text` against `^{prefix}[0-9a-fA-F]{32}$`, the pattern Twilio's spec gives every SID.
fn check(text: &str, prefix: &'static str, kind: &str) -> Result<(), SidError> {
    let fail = |why: String| SidError {
        expected_prefix: prefix,
        message: format!("not a {kind} SID ({prefix} and {DIGITS} hex digits): {why}"),
    };
    let Some(digits) = text.strip_prefix(prefix) else {
        // Echoed only when it is letters and digits: no quoting to get wrong, and no Debug formatting (whose
        // Unicode tables would weigh on the npm package's wasm).
        let start: String = text.chars().take(prefix.len()).collect();
        return Err(fail(
            if !start.is_empty() && start.bytes().all(|b| b.is_ascii_alphanumeric()) {
                ["it starts with \"", &start, "\""].concat()
            } else {
                ["it does not start with ", prefix].concat()
            },
        ));
    };
    if digits.len() != DIGITS {
        return Err(fail(format!(
            "it has {} characters after {prefix}",
            digits.chars().count()
        )));
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(fail(
            "it has a character that is not a hex digit".to_owned(),
        ));
    }
    Ok(())
}

/// `prefix` and the 16 bytes as 32 lowercase hex digits.
fn hex_sid(prefix: &str, bytes: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut sid = String::with_capacity(prefix.len() + DIGITS);
    sid.push_str(prefix);
    for byte in bytes {
        sid.push(char::from(HEX[usize::from(byte >> 4)]));
        sid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    sid
}

/// One newtype per kind of SID, each checked against its prefix on the way in.
macro_rules! sid_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The two letters every SID of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// A new SID from 16 random bytes: the prefix, then the bytes as 32 lowercase hex digits.
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(hex_sid($prefix, &bytes))
            }

            /// The SID as text, exactly as it was given (hex digits keep their case).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = SidError;

            fn from_str(text: &str) -> Result<Self, SidError> {
                check(text, $prefix, $kind)?;
                Ok(Self(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                check(&text, $prefix, $kind).map_err(de::Error::custom)?;
                Ok(Self(text))
            }
        }
    };
}

sid_type!(
    /// The SID of a Twilio account: `AC` and 32 hex digits.
    AccountSid, "AC", "Account"
);
sid_type!(
    /// The SID of a Verify Service, the configuration verifications are started under: `VA` and 32 hex digits.
    ServiceSid, "VA", "Service"
);
sid_type!(
    /// The SID of a Verification, one attempt to confirm a phone number or email address: `VE` and 32 hex digits.
    /// A VerificationCheck carries the SID of the Verification it checked.
    VerificationSid, "VE", "Verification"
);
sid_type!(
    /// The SID of one delivery of a code (an SMS sent, a call placed): `VL` and 32 hex digits.
    VerificationAttemptSid, "VL", "Verification Attempt"
);
sid_type!(
    /// The SID of a message template a Service sends its codes with: `HJ` and 32 hex digits.
    TemplateSid, "HJ", "Verification Template"
);
sid_type!(
    /// The SID of a push-notification credential (APN or FCM): `CR` and 32 hex digits.
    CredentialSid, "CR", "Credential"
);
sid_type!(
    /// The SID of a Messaging Service (the WhatsApp senders of a Verify Service): `MG` and 32 hex digits.
    MessagingServiceSid, "MG", "Messaging Service"
);
sid_type!(
    /// The SID of a Programmable Rate Limit of a Service (what `RateLimits` on a start names by its unique name):
    /// `RK` and 32 hex digits.
    RateLimitSid, "RK", "Rate Limit"
);
sid_type!(
    /// The SID of a Bucket of a Rate Limit (at most `max` starts per `interval` seconds for one key): `BL` and 32
    /// hex digits.
    BucketSid, "BL", "Bucket"
);
sid_type!(
    /// The SID of a phone number on the account's SafeList: `GN` and 32 hex digits.
    SafeListSid, "GN", "SafeList"
);
sid_type!(
    /// The SID of an Entity, the user (of a Service) that Factors belong to: `YE` and 32 hex digits.
    EntitySid, "YE", "Entity"
);
sid_type!(
    /// The SID of a Factor, one way an Entity proves itself (an authenticator app's TOTP secret): `YF` and 32 hex
    /// digits.
    FactorSid, "YF", "Factor"
);
sid_type!(
    /// The SID of a Challenge, one attempt of an Entity to prove itself with a Factor: `YC` and 32 hex digits.
    ChallengeSid, "YC", "Challenge"
);

#[cfg(test)]
mod tests {
    use super::VerificationSid;

    fn refusal(text: &str) -> String {
        text.parse::<VerificationSid>().unwrap_err().message
    }

    #[test]
    fn a_wrong_prefix_is_echoed_only_when_it_is_letters_and_digits() {
        assert!(
            refusal("XY0123").ends_with(r#": it starts with "XY""#),
            "{}",
            refusal("XY0123")
        );
        for hidden in ["\"V", "\u{7}E", "é1", "<s", ""] {
            let message = refusal(hidden);
            assert!(
                message.ends_with(": it does not start with VE"),
                "{message}"
            );
        }
    }
}
