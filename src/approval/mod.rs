//! Signed proof of each approval, for the operator's server: when a verification is approved through the public
//! API, the answer carries an ES256 JWT ([`token`]) that any JWT library checks against the public keys this
//! Worker publishes as a JWKS ([`keys`]). Plain Rust: the Worker supplies the settings, the clock and the
//! request's origin.

pub mod identity;
pub mod keys;
pub mod token;

use self::keys::{Jwks, KeyError, PublicKey, SigningKey};
use self::token::{Approval, Claims, Expected, FactorApproval, TokenError};
use crate::verify::model::TwilioError;
use crate::verify::Reason;

/// How long a token is valid unless `APPROVAL_TOKEN_TTL_SECONDS` says otherwise: 5 minutes.
pub const DEFAULT_TTL_S: u64 = 300;
/// The longest validity `APPROVAL_TOKEN_TTL_SECONDS` may set: one hour.
pub const MAX_TTL_S: u64 = 3600;

/// Every setting [`Approvals::from_settings`] reads.
pub const SETTINGS: [&str; 5] = [
    "APPROVAL_SIGNING_KEY",
    "APPROVAL_PREVIOUS_KEYS",
    "APPROVAL_AUDIENCE",
    "APPROVAL_ISSUER",
    "APPROVAL_TOKEN_TTL_SECONDS",
];

/// How approval tokens are made and checked: the settings `APPROVAL_*`.
#[derive(Debug, Clone)]
pub struct Approvals {
    /// `APPROVAL_SIGNING_KEY`: the private key every new token is signed with.
    pub signing_key: SigningKey,
    /// `APPROVAL_PREVIOUS_KEYS`: keys that signed before a rotation, still published and accepted.
    pub previous_keys: Vec<PublicKey>,
    /// `APPROVAL_ISSUER`; the Worker's origin when unset.
    pub issuer: Option<String>,
    /// `APPROVAL_AUDIENCE`: the operator's app, which must check it.
    pub audience: String,
    /// `APPROVAL_TOKEN_TTL_SECONDS`.
    pub ttl_s: u64,
}

/// Why approval tokens cannot be issued: a setting missing or unreadable (never quoting it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// No `APPROVAL_SIGNING_KEY`.
    #[error("APPROVAL_SIGNING_KEY is not set: generate a P-256 key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`) and `wrangler secret put APPROVAL_SIGNING_KEY`")]
    NoSigningKey,
    /// `APPROVAL_SIGNING_KEY` is not a P-256 private key.
    #[error("APPROVAL_SIGNING_KEY {0}")]
    SigningKey(KeyError),
    /// `APPROVAL_PREVIOUS_KEYS` holds something other than P-256 keys.
    #[error("APPROVAL_PREVIOUS_KEYS {0}")]
    PreviousKeys(KeyError),
    /// No `APPROVAL_AUDIENCE`.
    #[error("APPROVAL_AUDIENCE is not set: name the app that checks the tokens (e.g. its origin)")]
    NoAudience,
    /// `APPROVAL_TOKEN_TTL_SECONDS` is not a number of seconds from 1 to 3600.
    #[error("APPROVAL_TOKEN_TTL_SECONDS must be a number of seconds from 1 to 3600")]
    Ttl,
}

impl Approvals {
    /// Reads the `APPROVAL_*` settings from `get` (a setting's value, `None` when unset).
    pub fn from_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Self, SetupError> {
        let signing_key =
            SigningKey::from_pem(&get("APPROVAL_SIGNING_KEY").ok_or(SetupError::NoSigningKey)?)
                .map_err(SetupError::SigningKey)?;
        let previous_keys = match get("APPROVAL_PREVIOUS_KEYS") {
            Some(text) => PublicKey::all_from_pem(&text).map_err(SetupError::PreviousKeys)?,
            None => Vec::new(),
        };
        let audience = get("APPROVAL_AUDIENCE").ok_or(SetupError::NoAudience)?;
        let ttl_s = match get("APPROVAL_TOKEN_TTL_SECONDS") {
            Some(ttl) => ttl
                .parse::<u64>()
                .ok()
                .filter(|ttl| (1..=MAX_TTL_S).contains(ttl))
                .ok_or(SetupError::Ttl)?,
            None => DEFAULT_TTL_S,
        };
        Ok(Self {
            signing_key,
            previous_keys,
            issuer: get("APPROVAL_ISSUER"),
            audience,
            ttl_s,
        })
    }

    /// What tokens are issued for, when the Worker's own origin is `origin`.
    pub fn expected<'a>(&'a self, origin: &'a str) -> Expected<'a> {
        Expected {
            issuer: self.issuer.as_deref().unwrap_or(origin),
            audience: &self.audience,
        }
    }

    /// The signed token for `approval`, issued at `now_ms` by the Worker at `origin`.
    pub fn mint(&self, approval: &Approval, origin: &str, now_ms: u64) -> String {
        let claims =
            Claims::for_approval(approval, &self.expected(origin), now_ms / 1000, self.ttl_s);
        token::sign(&claims, &self.signing_key)
    }

    /// The signed token for a factor's `approval`, issued at `now_ms` by the Worker at `origin`.
    pub fn mint_factor(&self, approval: &FactorApproval<'_>, origin: &str, now_ms: u64) -> String {
        let claims =
            Claims::for_factor(approval, &self.expected(origin), now_ms / 1000, self.ttl_s);
        token::sign(&claims, &self.signing_key)
    }

    /// Every key a token may be signed with: the current one, then the previous ones.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        std::iter::once(self.signing_key.public_key().clone())
            .chain(
                self.previous_keys
                    .iter()
                    .filter(|k| k.kid() != self.signing_key.kid())
                    .cloned(),
            )
            .collect()
    }

    /// The JWKS to publish.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.public_keys().iter().map(PublicKey::jwk).collect(),
        }
    }

    /// Checks a token this Worker (at `origin`) issued, at `now_ms`.
    pub fn check(&self, token: &str, origin: &str, now_ms: u64) -> Result<Claims, TokenError> {
        token::verify(
            token,
            &self.public_keys(),
            &self.expected(origin),
            now_ms / 1000,
        )
    }
}

impl From<TokenError> for TwilioError {
    /// 60200 naming `token`, with the step that refused it.
    fn from(error: TokenError) -> Self {
        error.as_twilio_error("token")
    }
}

impl TokenError {
    /// 60200 naming the parameter that carried the token, with the step that refused it.
    pub fn as_twilio_error(self, parameter: &str) -> TwilioError {
        let error = self;
        let reason = match error {
            TokenError::Malformed => Reason::TokenMalformed,
            TokenError::Algorithm => Reason::TokenAlgorithm,
            TokenError::UnknownKey => Reason::TokenUnknownKey,
            TokenError::Signature => Reason::TokenSignature,
            TokenError::Issuer => Reason::TokenIssuer,
            TokenError::Audience => Reason::TokenAudience,
            TokenError::Expired => Reason::TokenExpired,
            TokenError::NotYetValid => Reason::TokenNotYetValid,
            TokenError::Lifetime => Reason::TokenLifetime,
        };
        TwilioError::invalid_parameter(parameter).with_reason(reason, &error.to_string())
    }
}
