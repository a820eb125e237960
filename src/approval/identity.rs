//! Who a browser may act for: an identity the operator's server vouches for. Authenticator apps (and, later,
//! passkeys) are enrolled and challenged for an identity, and a browser is the one party that must not be able to
//! name it: it proves it with a token instead, one of two kinds:
//!
//! - an **approval token this Worker issued** (a phone number or an email address it verified minutes ago;
//!   [`super::Approvals::check`]), or
//! - an **operator's identity token**: an ES256 JWT the operator's server signs for its signed-in user, with a key
//!   the Worker is configured to trust (`IDENTITY_TOKEN_KEYS`), from the issuer it names (`IDENTITY_TOKEN_ISSUER`),
//!   for this Worker (`aud` is the Worker's issuer), valid for at most [`MAX_OPERATOR_TOKEN_S`].
//!
//! Either way the identity is the token's `iss` and `sub`; the Verify Entity that holds its factors is named by a
//! hash of both ([`Vouched::entity_identity`]), so two issuers' subjects never meet, and no phone number or email
//! address becomes an Entity's name upstream.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::keys::{KeyError, PublicKey};
use super::token::{self, check_times, KidRule, TokenError};
use super::Approvals;

/// The longest an operator's identity token may be valid (`exp - iat`): 10 minutes. A leaked one is good for no
/// longer.
pub const MAX_OPERATOR_TOKEN_S: u64 = 600;

/// Longest `sub` accepted, in bytes.
const MAX_SUBJECT: usize = 256;

/// Every setting [`TrustedIssuer::from_settings`] reads.
pub const SETTINGS: [&str; 2] = ["IDENTITY_TOKEN_KEYS", "IDENTITY_TOKEN_ISSUER"];

/// The operator's server, as a vouching issuer: its public keys and its `iss`.
#[derive(Debug, Clone)]
pub struct TrustedIssuer {
    /// `IDENTITY_TOKEN_KEYS`: P-256 public keys (PEM), any of which may sign.
    pub keys: Vec<PublicKey>,
    /// `IDENTITY_TOKEN_ISSUER`: the `iss` its tokens carry.
    pub issuer: String,
}

/// Why the identity-token settings cannot be used (never quoting them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuerSetupError {
    /// `IDENTITY_TOKEN_KEYS` holds something other than P-256 keys.
    #[error("IDENTITY_TOKEN_KEYS {0}")]
    Keys(KeyError),
    /// Keys without `IDENTITY_TOKEN_ISSUER`, or an issuer without keys.
    #[error("IDENTITY_TOKEN_KEYS and IDENTITY_TOKEN_ISSUER are set together or not at all")]
    Incomplete,
}

impl TrustedIssuer {
    /// Reads `IDENTITY_TOKEN_KEYS` and `IDENTITY_TOKEN_ISSUER`: `None` when neither is set (only this Worker's
    /// approval tokens vouch).
    pub fn from_settings(
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, IssuerSetupError> {
        match (get("IDENTITY_TOKEN_KEYS"), get("IDENTITY_TOKEN_ISSUER")) {
            (None, None) => Ok(None),
            (Some(keys), Some(issuer)) => Ok(Some(Self {
                keys: PublicKey::all_from_pem(&keys).map_err(IssuerSetupError::Keys)?,
                issuer,
            })),
            _ => Err(IssuerSetupError::Incomplete),
        }
    }
}

/// An identity a token vouched for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Vouched {
    /// Who vouched: this Worker's issuer, or the operator's.
    pub issuer: String,
    /// Whom for: the token's `sub`.
    pub subject: String,
    /// Which kind of token it was.
    pub by: VouchedBy,
}

/// The kind of token that vouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VouchedBy {
    /// An approval token of this Worker: `sub` is a verified phone number or email address.
    Approval,
    /// The operator's identity token: `sub` is the operator's user.
    Operator,
}

impl Vouched {
    /// The Verify `Identity` of the Entity that holds this identity's factors: the first 128 bits of
    /// SHA-256(`iss` NUL `sub`), in hex (32 characters, within Twilio's 8 to 64 letters and digits). The same
    /// identity always lands on the same Entity; an operator finds it with the same hash.
    pub fn entity_identity(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.issuer.as_bytes());
        hash.update([0]);
        hash.update(self.subject.as_bytes());
        hash.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// What an operator's identity token says (the claims checked; others are ignored).
#[derive(Deserialize)]
struct OperatorClaims {
    iss: String,
    aud: Audience,
    sub: String,
    iat: u64,
    exp: u64,
}

/// `aud`: one string, or a list (RFC 7519).
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn names(&self, audience: &str) -> bool {
        match self {
            Self::One(one) => one == audience,
            Self::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

#[derive(Deserialize)]
struct IssuerOnly {
    iss: Option<String>,
}

/// Checks `token` as proof of identity for the Worker at `origin`, at `now_ms`: an approval token of this
/// Worker ([`Approvals::check`]), or an operator's identity token from `operator`. Which check applies is chosen
/// by the unverified `iss`, and then everything is verified by that issuer's rules: a token that names neither
/// issuer is [`TokenError::Issuer`].
pub fn vouch(
    token: &str,
    approvals: &Approvals,
    operator: Option<&TrustedIssuer>,
    origin: &str,
    now_ms: u64,
) -> Result<Vouched, TokenError> {
    let own_issuer = approvals.expected(origin).issuer;
    let claimed = unverified_issuer(token)?;
    if claimed.as_deref() == Some(own_issuer) {
        let claims = approvals.check(token, origin, now_ms)?;
        return Ok(Vouched {
            issuer: claims.iss,
            subject: claims.sub,
            by: VouchedBy::Approval,
        });
    }
    let operator = operator
        .filter(|operator| claimed.as_deref() == Some(operator.issuer.as_str()))
        .ok_or(TokenError::Issuer)?;
    let payload = token::verify_signature(token, &operator.keys, KidRule::Optional)?;
    let claims: OperatorClaims =
        serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    if claims.iss != operator.issuer {
        return Err(TokenError::Issuer);
    }
    if !claims.aud.names(own_issuer) {
        return Err(TokenError::Audience);
    }
    check_times(claims.iat, claims.exp, now_ms / 1000)?;
    if claims.exp.saturating_sub(claims.iat) > MAX_OPERATOR_TOKEN_S {
        return Err(TokenError::Lifetime);
    }
    if claims.sub.is_empty() || claims.sub.len() > MAX_SUBJECT {
        return Err(TokenError::Malformed);
    }
    Ok(Vouched {
        issuer: claims.iss,
        subject: claims.sub,
        by: VouchedBy::Operator,
    })
}

/// The `iss` a token claims, before anything is verified (only to choose whose rules check it).
fn unverified_issuer(token: &str) -> Result<Option<String>, TokenError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let payload = token.split('.').nth(1).ok_or(TokenError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| TokenError::Malformed)?;
    let claims: IssuerOnly = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
    Ok(claims.iss)
}
