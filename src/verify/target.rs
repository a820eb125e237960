//! Which verification a request names: its SID, or (as Twilio allows for fetches, updates and checks) its
//! recipient in its place. The public API's checks, the engine's `/v2` paths and the engine's Durable Objects all
//! name a verification with this one type.

use serde::{Deserialize, Serialize};

use super::sid::VerificationSid;

/// A verification named by its SID, or by its recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `VE...`.
    Sid(VerificationSid),
    /// The recipient: an E.164 number or a normalized email address.
    To(String),
}

impl Target {
    /// How the target is written in a Verify v2 path segment: the SID, or the recipient percent-encoded (`%2B`
    /// for `+`), as Twilio's SDKs write it.
    pub fn path_segment(&self) -> String {
        match self {
            Self::Sid(sid) => sid.to_string(),
            Self::To(to) => {
                percent_encoding::utf8_percent_encode(to, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            }
        }
    }
}
