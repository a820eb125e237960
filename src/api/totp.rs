//! The public API's authenticator apps (RFC 6238 TOTP): `POST /verify/totp/enroll`, `/verify/totp/confirm` and
//! `/verify/totp/check`. Its parameters, the Verify v2 calls each makes (Factors and Challenges of the Entity
//! that holds the identity), and the browser's views of their answers.
//!
//! Every request carries `identityToken`, the proof of whom it acts for ([`crate::approval::identity`]): a browser
//! never names an Entity, a Service or a credential. The Entity is the one the vouched identity hashes to.

use serde::{Deserialize, Serialize};

use super::{BodyKind, ParamValue, Params};
use crate::engine::factor::auth_payload;
use crate::verify::model::{self, ChallengeStatus, FactorStatus, FactorType, TwilioError};
use crate::verify::sid::FactorSid;
use crate::verify::Reason;

/// How many authenticator apps one identity may hold (verified, or unverified and not yet past their day).
pub const MAX_FACTORS_PER_IDENTITY: usize = 5;
/// Longest `identityToken`, in characters.
const MAX_IDENTITY_TOKEN_CHARS: usize = 4096;
/// Longest `friendlyName`, in characters (Twilio's bound on a Factor's).
const MAX_FRIENDLY_NAME_CHARS: usize = 64;
/// The name a factor gets when the page gives none.
const DEFAULT_FRIENDLY_NAME: &str = "Authenticator app";

/// What `POST /verify/totp/enroll` takes, in a JSON or form body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct EnrollParams {
    /// Whom the app is enrolled for: an approval token of this Worker, or the operator's identity token.
    pub identity_token: String,
    /// The account name the authenticator app shows (up to 64 characters); `Authenticator app` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub friendly_name: Option<String>,
}

/// What `POST /verify/totp/confirm` takes: the first code from the app, which verifies the factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmParams {
    /// Whom the factor was enrolled for.
    pub identity_token: String,
    /// The factor enrollment answered (`YF...`).
    pub factor_sid: String,
    /// The code the app shows now: 3 to 8 digits.
    pub code: String,
}

/// What `POST /verify/totp/check` takes: a code from a verified app, to sign in or confirm an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct TotpCheckParams {
    /// Whom the code is for.
    pub identity_token: String,
    /// The code the app shows now: 3 to 8 digits.
    pub code: String,
    /// One factor to check it against; by default each verified app of the identity, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub factor_sid: Option<String>,
}

/// The code as the public API names it: 60200 `code` unless 3 to 8 digits.
fn read_code(params: &Params) -> Result<String, TwilioError> {
    let code = params.required("code", 8)?;
    auth_payload(&code).map_err(|_| {
        TwilioError::invalid_parameter("code")
            .with_reason(Reason::AuthPayloadFormat, "`code` must be 3 to 8 digits")
    })
}

/// A factor SID as the public API names it: 60200 `factorSid` unless `YF` and 32 hex digits.
fn read_factor_sid(text: &str) -> Result<FactorSid, TwilioError> {
    text.parse::<FactorSid>().map_err(|_| {
        TwilioError::invalid_parameter("factorSid")
            .with_reason(Reason::NotASid, "`factorSid` must be YF and 32 hex digits")
    })
}

impl EnrollParams {
    const NAMES: [&'static str; 2] = ["identityToken", "friendlyName"];

    /// Reads and checks an enrollment body; a bad parameter is 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        Self::from_params(&Params::parse(body, kind, &Self::NAMES)?)
    }

    /// Reads and checks an enrollment's parameters already read into values (a client's object).
    pub fn from_values(values: Vec<(String, ParamValue)>) -> Result<Self, TwilioError> {
        Self::from_params(&Params::from_values(values, &Self::NAMES)?)
    }

    fn from_params(params: &Params) -> Result<Self, TwilioError> {
        let friendly_name = params.text("friendlyName", MAX_FRIENDLY_NAME_CHARS)?;
        if let Some(name) = &friendly_name {
            if name.trim().is_empty() || name.chars().any(char::is_control) {
                return Err(TwilioError::invalid_parameter("friendlyName").with_reason(
                    Reason::NotPrintable,
                    "`friendlyName` must be printable text, not blank",
                ));
            }
        }
        Ok(Self {
            identity_token: params.required("identityToken", MAX_IDENTITY_TOKEN_CHARS)?,
            friendly_name,
        })
    }

    /// CreateNewFactor's form: a TOTP factor, the rest as the Service configures it.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        vec![
            ("FactorType", "totp".to_owned()),
            (
                "FriendlyName",
                self.friendly_name
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FRIENDLY_NAME.to_owned()),
            ),
        ]
    }
}

impl ConfirmParams {
    const NAMES: [&'static str; 3] = ["identityToken", "factorSid", "code"];

    /// Reads and checks a confirmation body; a bad parameter is 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<(Self, FactorSid), TwilioError> {
        Self::from_params(&Params::parse(body, kind, &Self::NAMES)?)
    }

    /// Reads and checks a confirmation's parameters already read into values (a client's object).
    pub fn from_values(
        values: Vec<(String, ParamValue)>,
    ) -> Result<(Self, FactorSid), TwilioError> {
        Self::from_params(&Params::from_values(values, &Self::NAMES)?)
    }

    fn from_params(params: &Params) -> Result<(Self, FactorSid), TwilioError> {
        let factor_sid = params.required("factorSid", 34)?;
        let sid = read_factor_sid(&factor_sid)?;
        let code = read_code(params)?;
        Ok((
            Self {
                identity_token: params.required("identityToken", MAX_IDENTITY_TOKEN_CHARS)?,
                factor_sid,
                code,
            },
            sid,
        ))
    }

    /// UpdateFactor's form: the code, which verifies the factor when right.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        vec![("AuthPayload", self.code.clone())]
    }
}

impl TotpCheckParams {
    const NAMES: [&'static str; 3] = ["identityToken", "code", "factorSid"];

    /// Reads and checks a check body; a bad parameter is 60200 naming it.
    pub fn from_body(
        body: &[u8],
        kind: BodyKind,
    ) -> Result<(Self, Option<FactorSid>), TwilioError> {
        Self::from_params(&Params::parse(body, kind, &Self::NAMES)?)
    }

    /// Reads and checks a check's parameters already read into values (a client's object).
    pub fn from_values(
        values: Vec<(String, ParamValue)>,
    ) -> Result<(Self, Option<FactorSid>), TwilioError> {
        Self::from_params(&Params::from_values(values, &Self::NAMES)?)
    }

    fn from_params(params: &Params) -> Result<(Self, Option<FactorSid>), TwilioError> {
        let factor_sid = params.text("factorSid", 34)?;
        let sid = factor_sid.as_deref().map(read_factor_sid).transpose()?;
        let code = read_code(params)?;
        Ok((
            Self {
                identity_token: params.required("identityToken", MAX_IDENTITY_TOKEN_CHARS)?,
                code,
                factor_sid,
            },
            sid,
        ))
    }

    /// CreateChallenge's form for `factor`: the code as `AuthPayload`, so the challenge is answered as it is made.
    pub fn form(&self, factor: &FactorSid) -> Vec<(&'static str, String)> {
        vec![
            ("FactorSid", factor.to_string()),
            ("AuthPayload", self.code.clone()),
        ]
    }
}

/// What `POST /verify/totp/enroll` answers: the secret for the app, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct Enrollment {
    /// The new factor (`YF...`): confirm it with a first code.
    pub factor_sid: String,
    /// `unverified` until confirmed.
    pub status: FactorStatus,
    /// The account name the app shows.
    pub friendly_name: String,
    /// The `otpauth://totp/...` URI a QR code carries: issuer, account, secret, algorithm, digits and period.
    pub uri: String,
    /// The base32 secret, for typing into an app by hand.
    pub secret: String,
}

/// What `POST /verify/totp/confirm` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct FactorView {
    /// The factor.
    pub factor_sid: String,
    /// `verified` once a right code confirmed it; `unverified` after a wrong one (not an error).
    pub status: FactorStatus,
}

/// What `POST /verify/totp/check` answers. A wrong code is not an error: `status` is `pending`, `valid` false.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify),
    tsify(missing_as_null)
)]
#[serde(rename_all = "camelCase")]
pub struct TotpCheck {
    /// The Challenge that was answered (`YC...`): the approval token's `jti`.
    pub sid: String,
    /// `approved` when the code was right; `pending` when not.
    pub status: ChallengeStatus,
    /// Whether this code approved it.
    pub valid: bool,
    /// On approval, the signed approval token (ES256 JWT, `sub` the identity, `amr` `["otp"]`) for the app's server
    /// to check; `null` otherwise.
    pub token: Option<String>,
}

impl Enrollment {
    /// The view of CreateNewFactor's answer, if it is a TOTP factor with its binding.
    pub fn from_upstream(factor: &model::NewFactor) -> Option<Self> {
        let binding = factor.binding.as_ref()?;
        let text = |name: &str| binding.get(name)?.as_str().map(str::to_owned);
        Some(Self {
            factor_sid: factor.sid.as_ref()?.to_string(),
            status: factor.status?,
            friendly_name: factor.friendly_name.clone()?,
            uri: text("uri")?,
            secret: text("secret")?,
        })
    }
}

impl FactorView {
    /// The view of a Factor answer.
    pub fn from_upstream(factor: &model::Factor) -> Option<Self> {
        Some(Self {
            factor_sid: factor.sid.as_ref()?.to_string(),
            status: factor.status?,
        })
    }
}

impl TotpCheck {
    /// The view of CreateChallenge's answer (without a token: the Worker mints it on approval).
    pub fn from_upstream(challenge: &model::Challenge) -> Option<Self> {
        let status = challenge.status?;
        Some(Self {
            sid: challenge.sid.as_ref()?.to_string(),
            status,
            valid: status == ChallengeStatus::Approved,
            token: None,
        })
    }
}

/// The authenticator apps in a ListFactor page (`{"factors": [...]}`), newest first: TOTP factors only.
pub fn totp_factors(page: &[u8]) -> Option<Vec<model::Factor>> {
    #[derive(Deserialize)]
    struct Page {
        factors: Vec<model::Factor>,
    }
    let page: Page = serde_json::from_slice(page).ok()?;
    let mut factors: Vec<model::Factor> = page
        .factors
        .into_iter()
        .filter(|f| f.factor_type == Some(FactorType::Totp))
        .collect();
    factors.sort_by(|a, b| b.date_created.cmp(&a.date_created));
    Some(factors)
}

/// The factors a check tries: `wanted` alone (404 `factorSid` unless it is one of the identity's verified apps),
/// or every verified app, newest first (404 when there is none).
pub fn factors_to_try(
    factors: &[model::Factor],
    wanted: Option<&FactorSid>,
) -> Result<Vec<FactorSid>, TwilioError> {
    let verified = factors
        .iter()
        .filter(|f| f.status == Some(FactorStatus::Verified))
        .filter_map(|f| f.sid.clone());
    let chosen: Vec<FactorSid> = match wanted {
        Some(wanted) => verified.filter(|sid| sid == wanted).collect(),
        None => verified.collect(),
    };
    if chosen.is_empty() {
        return Err(TwilioError::not_found().with_reason(
            Reason::NoVerifiedFactor,
            "no confirmed authenticator app is enrolled for this identity",
        ));
    }
    Ok(chosen)
}

/// An upstream's error on an Entity's Factors or Challenges, as the browser gets it: Twilio's TOTP codes kept, a
/// missing factor named as such, anything else the generic 502.
pub fn public_error(status: u16, body: &[u8]) -> TwilioError {
    #[derive(Deserialize)]
    struct Upstream {
        code: Option<u32>,
    }
    if status >= 500 {
        return TwilioError::upstream_failed();
    }
    let code = serde_json::from_slice::<Upstream>(body)
        .ok()
        .and_then(|u| u.code);
    match code {
        Some(20404) => TwilioError::not_found().with_reason(
            Reason::NoSuchFactor,
            "this identity has no such authenticator app",
        ),
        Some(60310) => TwilioError::max_factor_attempts(),
        Some(60308) => TwilioError::max_challenge_attempts(),
        Some(60318) => TwilioError::factor_unverified(),
        Some(20429) => TwilioError::too_many_requests(),
        _ => TwilioError::upstream_failed(),
    }
}

/// Refuses an enrollment when the identity already holds [`MAX_FACTORS_PER_IDENTITY`] apps (403).
pub fn check_room_for_factor(factors: &[model::Factor]) -> Result<(), TwilioError> {
    if factors.len() < MAX_FACTORS_PER_IDENTITY {
        return Ok(());
    }
    Err(TwilioError::forbidden().with_reason(
        Reason::TooManyFactors,
        "this identity already holds 5 authenticator apps",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "YF0123456789abcdef0123456789abcdef";

    fn factor(
        sid_digit: char,
        status: FactorStatus,
        created: &str,
        kind: FactorType,
    ) -> model::Factor {
        serde_json::from_value(serde_json::json!({
            "sid": format!("YF{}", sid_digit.to_string().repeat(32)),
            "status": status,
            "factor_type": kind,
            "date_created": created,
        }))
        .unwrap()
    }

    #[test]
    fn a_check_body_names_each_bad_parameter() {
        let read = |body: &str| TotpCheckParams::from_body(body.as_bytes(), BodyKind::Json);
        let named = |body: &str| read(body).unwrap_err().message;
        assert!(named(r#"{"code":"123456"}"#).contains("identityToken"));
        assert!(named(r#"{"identityToken":"t","code":"12a456"}"#).contains("code"));
        assert!(named(r#"{"identityToken":"t","code":"123456789"}"#).contains("code"));
        assert!(
            named(r#"{"identityToken":"t","code":"123456","factorSid":"VE1"}"#)
                .contains("factorSid")
        );
        assert!(
            named(r#"{"identityToken":"t","code":"123456","identity":"x"}"#).contains("identity")
        );
        let (params, sid) = read(&format!(
            r#"{{"identityToken":"t","code":"123456","factorSid":"{SID}"}}"#
        ))
        .unwrap();
        assert_eq!(sid.unwrap().to_string(), SID);
        assert_eq!(
            params.form(&SID.parse().unwrap())[1],
            ("AuthPayload", "123456".to_owned())
        );
    }

    #[test]
    fn enrollment_refuses_a_blank_or_unprintable_name_and_defaults_one() {
        let read = |body: &str| EnrollParams::from_body(body.as_bytes(), BodyKind::Json);
        assert!(read(r#"{"identityToken":"t","friendlyName":" "}"#).is_err());
        assert!(read(r#"{"identityToken":"t","friendlyName":"a\u0007b"}"#).is_err());
        let form = read(r#"{"identityToken":"t"}"#).unwrap().form();
        assert_eq!(
            form,
            vec![
                ("FactorType", "totp".to_owned()),
                ("FriendlyName", DEFAULT_FRIENDLY_NAME.to_owned())
            ]
        );
        let confirm =
            ConfirmParams::from_body(br#"{"identityToken":"t","code":"1234567"}"#, BodyKind::Json);
        assert!(confirm.unwrap_err().message.contains("factorSid"));
    }

    #[test]
    fn a_check_tries_verified_apps_newest_first_or_the_one_named() {
        let factors = vec![
            factor(
                '1',
                FactorStatus::Verified,
                "2026-01-01T00:00:00Z",
                FactorType::Totp,
            ),
            factor(
                '2',
                FactorStatus::Unverified,
                "2026-03-01T00:00:00Z",
                FactorType::Totp,
            ),
            factor(
                '3',
                FactorStatus::Verified,
                "2026-02-01T00:00:00Z",
                FactorType::Totp,
            ),
        ];
        let page = serde_json::to_vec(&serde_json::json!({ "factors": factors })).unwrap();
        let listed = totp_factors(&page).unwrap();
        let tried = factors_to_try(&listed, None).unwrap();
        let digits: Vec<char> = tried
            .iter()
            .map(|s| s.to_string().chars().nth(2).unwrap())
            .collect();
        assert_eq!(digits, ['3', '1']);
        let unverified: FactorSid = format!("YF{}", "2".repeat(32)).parse().unwrap();
        assert_eq!(
            factors_to_try(&listed, Some(&unverified))
                .unwrap_err()
                .status,
            404
        );
        assert_eq!(factors_to_try(&[], None).unwrap_err().status, 404);
        assert!(check_room_for_factor(&listed).is_ok());
        let full: Vec<model::Factor> = (0..MAX_FACTORS_PER_IDENTITY)
            .map(|_| listed[0].clone())
            .collect();
        assert_eq!(check_room_for_factor(&full).unwrap_err().status, 403);
    }
}
