//! The approval token: a compact JWS (RFC 7515) JWT (RFC 7519), ES256, saying who proved what, when, and how.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::identity::{Vouched, VouchedBy};
use super::keys::{PublicKey, SigningKey};
use crate::verify::model::Channel;

/// How much a token's `iat` may be ahead of the checker's clock, in seconds.
const IAT_LEEWAY_S: u64 = 60;

/// The claims of an approval token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Who issued it: the Worker's origin, or `APPROVAL_ISSUER`.
    pub iss: String,
    /// Who it is for: `APPROVAL_AUDIENCE`, the operator's app.
    pub aud: String,
    /// What was proven: the E.164 number or the canonical email address; for a factor, the identity it was
    /// enrolled for (the `sub` of the token that vouched for it).
    pub sub: String,
    /// When it was issued (seconds since the epoch).
    pub iat: u64,
    /// When it stops being valid (seconds since the epoch).
    pub exp: u64,
    /// Unique: the SID of the verification (or the factor's Challenge) that was approved.
    pub jti: String,
    /// The channel that proved it: `sms`, `call`, `email`, `whatsapp` or `sna`; for a factor, `totp`.
    pub channel: String,
    /// How, in RFC 8176's authentication method reference values.
    pub amr: Vec<String>,
    /// OpenID Connect's claim, for a phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// OpenID Connect's claim: `true` with `phone_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// OpenID Connect's claim, for an email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// OpenID Connect's claim: `true` with `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

/// An approval to put in a token: what the upstream approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The verification's SID (the token's `jti`).
    pub verification_sid: String,
    /// The recipient it approved: E.164 or the canonical email address.
    pub to: String,
    /// The channel that approved it.
    pub channel: Channel,
}

/// What a token must say to be accepted, besides its signature and its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected<'a> {
    /// The issuer.
    pub issuer: &'a str,
    /// The audience.
    pub audience: &'a str,
}

/// Why a token is refused: each step of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts of JSON.
    #[error("the token is not a compact JWS of JSON")]
    Malformed,
    /// `alg` is not ES256 (`none`, HS256 with the public key, ... are all refused).
    #[error("the token's alg is not ES256")]
    Algorithm,
    /// `kid` names no key this Worker accepts.
    #[error("the token's kid names no key this Worker accepts")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token's signature does not verify")]
    Signature,
    /// `iss` is not this Worker's (or, for an identity token, the trusted operator's).
    #[error("the token's iss is not an issuer this Worker trusts")]
    Issuer,
    /// `aud` is not the expected audience.
    #[error("the token's aud is not the expected audience")]
    Audience,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `iat` is in the future.
    #[error("the token was issued in the future")]
    NotYetValid,
    /// An operator's identity token valid for longer than the Worker accepts.
    #[error("the token is valid for longer than 10 minutes (exp - iat)")]
    Lifetime,
}

/// The methods (RFC 8176) each channel proves: a code sent by SMS is `sms` and `otp`, by voice call `tel` and
/// `otp`, by email or WhatsApp `otp`; Silent Network Auth (the carrier confirms the SIM on the data session) is
/// `hwk`, proof of possession of a hardware-secured key, and `mca`, confirmed over a channel besides the page's.
pub fn amr(channel: Channel) -> &'static [&'static str] {
    match channel {
        Channel::Sms => &["sms", "otp"],
        Channel::Call => &["tel", "otp"],
        Channel::Sna => &["hwk", "mca"],
        Channel::Email | Channel::Whatsapp => &["otp"],
    }
}

impl Claims {
    /// The claims for `approval`, issued at `now_s` for `ttl_s` seconds.
    pub fn for_approval(
        approval: &Approval,
        expected: &Expected<'_>,
        now_s: u64,
        ttl_s: u64,
    ) -> Self {
        let is_email = approval.to.contains('@');
        Self {
            iss: expected.issuer.to_owned(),
            aud: expected.audience.to_owned(),
            sub: approval.to.clone(),
            iat: now_s,
            exp: now_s.saturating_add(ttl_s),
            jti: approval.verification_sid.clone(),
            channel: approval.channel.as_str().to_owned(),
            amr: amr(approval.channel)
                .iter()
                .map(|&m| m.to_owned())
                .collect(),
            phone_number: (!is_email).then(|| approval.to.clone()),
            phone_number_verified: (!is_email).then_some(true),
            email: is_email.then(|| approval.to.clone()),
            email_verified: is_email.then_some(true),
        }
    }
}

/// The method a factor proves, in the token's `channel` and, in RFC 8176 terms, its `amr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorMethod {
    /// A code from an authenticator app (RFC 6238): `totp`, and `otp`.
    Totp,
    /// A passkey (WebAuthn): `passkey`, and `hwk` (proof of possession of a key held by an authenticator) with
    /// `user` (a test of the user's presence).
    Passkey,
}

impl FactorMethod {
    /// The token's `channel`.
    pub fn channel(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Passkey => "passkey",
        }
    }

    /// The token's `amr`.
    pub fn amr(self) -> &'static [&'static str] {
        match self {
            Self::Totp => &["otp"],
            Self::Passkey => &["hwk", "user"],
        }
    }
}

/// An approval of a factor's challenge, to put in a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorApproval<'a> {
    /// The identity the challenge was for: the token's `sub`.
    pub identity: &'a Vouched,
    /// The Challenge's SID (the token's `jti`).
    pub challenge_sid: String,
    /// The factor that answered it.
    pub method: FactorMethod,
}

impl Claims {
    /// The claims for `approval`, issued at `now_s` for `ttl_s` seconds. `sub` is the vouched identity's; when it
    /// was this Worker's own approval token that vouched, the phone number or email claim says so again.
    pub fn for_factor(
        approval: &FactorApproval<'_>,
        expected: &Expected<'_>,
        now_s: u64,
        ttl_s: u64,
    ) -> Self {
        let subject = &approval.identity.subject;
        let ours = approval.identity.by == VouchedBy::Approval;
        let is_email = subject.contains('@');
        Self {
            iss: expected.issuer.to_owned(),
            aud: expected.audience.to_owned(),
            sub: subject.clone(),
            iat: now_s,
            exp: now_s.saturating_add(ttl_s),
            jti: approval.challenge_sid.clone(),
            channel: approval.method.channel().to_owned(),
            amr: approval
                .method
                .amr()
                .iter()
                .map(|&m| m.to_owned())
                .collect(),
            phone_number: (ours && !is_email).then(|| subject.clone()),
            phone_number_verified: (ours && !is_email).then_some(true),
            email: (ours && is_email).then(|| subject.clone()),
            email_verified: (ours && is_email).then_some(true),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    #[serde(default)]
    kid: Option<String>,
}

/// Signs `claims` with `key`: `header.payload.signature`, each base64url without padding.
pub fn sign(claims: &Claims, key: &SigningKey) -> String {
    let header = Header {
        alg: "ES256".to_owned(),
        typ: Some("JWT".to_owned()),
        kid: Some(key.kid().to_owned()),
    };
    let mut token = format!("{}.{}", base64url_json(&header), base64url_json(claims));
    let signature = key.sign(token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// Checks `token`: ES256 only, signed by one of `keys` (by `kid`), for `expected`, not expired at `now_s`.
pub fn verify(
    token: &str,
    keys: &[PublicKey],
    expected: &Expected<'_>,
    now_s: u64,
) -> Result<Claims, TokenError> {
    let payload = verify_signature(token, keys, KidRule::Required)?;
    let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    if claims.iss != expected.issuer {
        return Err(TokenError::Issuer);
    }
    if claims.aud != expected.audience {
        return Err(TokenError::Audience);
    }
    check_times(claims.iat, claims.exp, now_s)?;
    Ok(claims)
}

/// Whether a token must name its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KidRule {
    /// `kid` must name one of the keys (our own tokens always do).
    Required,
    /// Without a `kid`, each key is tried (an operator's token made by a library that sets none).
    Optional,
}

/// The payload of `token` once its header says ES256 and its signature verifies with one of `keys` (the one its
/// `kid` names; without a `kid` and with [`KidRule::Optional`], any). Nothing of the payload is trusted before.
pub fn verify_signature(
    token: &str,
    keys: &[PublicKey],
    kid_rule: KidRule,
) -> Result<Vec<u8>, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| TokenError::Malformed)
    };
    let header: Header =
        serde_json::from_slice(&decode(header)?).map_err(|_| TokenError::Malformed)?;
    if header.alg != "ES256" {
        return Err(TokenError::Algorithm);
    }
    let candidates: Vec<&PublicKey> = match (header.kid.as_deref(), kid_rule) {
        (Some(kid), _) => keys.iter().filter(|key| key.kid() == kid).collect(),
        (None, KidRule::Optional) => keys.iter().collect(),
        (None, KidRule::Required) => Vec::new(),
    };
    if candidates.is_empty() {
        return Err(TokenError::UnknownKey);
    }
    let signed = &token[..token.len() - signature.len() - 1];
    let signature = decode(signature)?;
    if !candidates
        .iter()
        .any(|key| key.verifies(signed.as_bytes(), &signature))
    {
        return Err(TokenError::Signature);
    }
    decode(payload)
}

/// A token's times at `now_s`: not expired, not issued in the future (beyond a minute of clock skew).
pub fn check_times(iat: u64, exp: u64, now_s: u64) -> Result<(), TokenError> {
    if exp <= now_s {
        return Err(TokenError::Expired);
    }
    if iat > now_s.saturating_add(IAT_LEEWAY_S) {
        return Err(TokenError::NotYetValid);
    }
    Ok(())
}

/// `value` as JSON, base64url. Plain structs of strings and numbers: serializing them cannot fail.
fn base64url_json(value: &impl Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}
