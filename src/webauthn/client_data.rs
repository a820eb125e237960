//! `clientDataJSON` (WebAuthn §5.8.1): what the browser says of the ceremony. Read as JSON, not matched as text.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

use super::WebAuthnError;

/// The members the relying party checks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientData {
    /// `webauthn.create` or `webauthn.get`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The challenge, base64url as the client encoded it.
    pub challenge: String,
    /// The page's origin.
    pub origin: String,
    /// Whether the ceremony ran in a cross-origin frame.
    #[serde(default)]
    pub cross_origin: Option<bool>,
    /// The top-level origin, when it differs (Level 3).
    #[serde(default)]
    pub top_origin: Option<String>,
}

impl ClientData {
    /// Reads `clientDataJSON`'s bytes.
    pub fn parse(json: &[u8]) -> Result<Self, WebAuthnError> {
        serde_json::from_slice(json).map_err(|_| WebAuthnError::ClientData)
    }

    /// The challenge's bytes (base64url without padding, as clients write it; padding tolerated).
    pub fn challenge_bytes(&self) -> Result<Vec<u8>, WebAuthnError> {
        URL_SAFE_NO_PAD
            .decode(self.challenge.trim_end_matches('='))
            .map_err(|_| WebAuthnError::Challenge)
    }
}
