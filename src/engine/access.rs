//! Who may call the engine's REST API: HTTP Basic with the engine's account SID and auth token, or an API key SID
//! and its secret, as Twilio accepts. Compared in constant time; wrong or missing gets Twilio's 20003 (401).

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::verify::model::TwilioError;

/// A username and password the engine accepts.
#[derive(Clone)]
pub struct Credential {
    /// `AC...` or `SK...`.
    pub username: String,
    /// The auth token or the API key's secret.
    pub password: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password.
        f.debug_struct("Credential")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Checks an `Authorization` header against the accepted credentials.
pub fn authenticate(header: Option<&str>, accepted: &[Credential]) -> Result<(), TwilioError> {
    let given = header
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(given) = given else {
        return Err(TwilioError::authenticate());
    };
    let (user, password) = given.split_once(':').unwrap_or((given.as_str(), ""));
    // Check every credential, so the time taken does not say which username exists; compare SHA-256 digests, so
    // it does not say a secret's length either (`ct_eq` on slices returns at once when the lengths differ).
    let mut ok = subtle::Choice::from(0);
    for credential in accepted {
        ok |= same_secret_choice(&credential.username, user)
            & same_secret_choice(&credential.password, password);
    }
    if bool::from(ok) && !accepted.is_empty() {
        Ok(())
    } else {
        Err(TwilioError::authenticate())
    }
}

/// Whether two secrets are equal, compared in constant time, lengths included (both are hashed first).
pub fn same_secret(given: &str, expected: &str) -> bool {
    same_secret_choice(given, expected).into()
}

fn same_secret_choice(given: &str, expected: &str) -> subtle::Choice {
    Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(expected.as_bytes()))
}
