//! The public API's passkeys: `POST /verify/passkey/register/options`, `/verify/passkey/register`,
//! `/verify/passkey/signin/options` and `/verify/passkey/signin`. Their parameters, the Verify Passkeys calls they
//! make (JSON bodies), and the Worker's passkey settings (`PASSKEY_*`), read here once.
//!
//! Registration proves whom it is for with `identityToken`, as authenticator apps do ([`super::totp`]); a sign-in
//! may name its identity the same way, or name none (a discoverable passkey says whose it is).

use serde_json::{json, Map, Value};

use super::{BodyKind, Params};
use crate::engine::passkey::PasskeyConfig;
use crate::verify::model::{Service, TwilioError};
use crate::verify::Reason;

/// Longest `identityToken`, in characters.
const MAX_IDENTITY_TOKEN_CHARS: usize = 4096;
/// Longest `userName`, in characters (Twilio's bound on a Factor's friendly name).
const MAX_USER_NAME_CHARS: usize = 64;

/// Every setting [`PasskeySettings::from_settings`] reads.
pub const SETTINGS: [&str; 4] = [
    "PASSKEY_RP_ID",
    "PASSKEY_RP_NAME",
    "PASSKEY_ORIGINS",
    "PASSKEY_USER_VERIFICATION",
];

/// The relying party the Worker registers passkeys for, and how: `PASSKEY_RP_ID` (a bare domain, required to offer
/// passkeys), `PASSKEY_RP_NAME` (the RP ID by default), `PASSKEY_ORIGINS` (the pages' origins, comma-separated,
/// required), `PASSKEY_USER_VERIFICATION` (`preferred` by default; `required` or `discouraged`). Authenticators
/// of any attachment; discoverable credentials preferred (so a sign-in can name no one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeySettings {
    /// The config every passkey Factor is created with (Verify's `config`).
    pub config: PasskeyConfig,
}

impl PasskeySettings {
    /// Reads the `PASSKEY_*` settings: `None` when `PASSKEY_RP_ID` is unset (no passkeys offered); an error naming
    /// what is wrong (never quoting more than the setting's name) when they cannot make a relying party.
    pub fn from_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        let Some(id) = get("PASSKEY_RP_ID") else {
            return Ok(None);
        };
        let origins: Vec<String> = get("PASSKEY_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        let config = json!({
            "relying_party": {
                "id": id,
                "name": get("PASSKEY_RP_NAME").unwrap_or_else(|| id.clone()),
                "origins": origins,
            },
            "authenticator_attachment": "any",
            "discoverable_credentials": "preferred",
            "user_verification": get("PASSKEY_USER_VERIFICATION").unwrap_or_else(|| "preferred".to_owned()),
        });
        let service: Service = serde_json::from_value(json!({ "code_length": 6 }))
            .map_err(|e| format!("PASSKEY_*: {e}"))?;
        PasskeyConfig::resolve(Some(&config), &service)
            .map(|config| Some(Self { config }))
            .map_err(|e| match e.code {
                60372 => "PASSKEY_RP_ID must be a bare domain (no scheme, port or path)".to_owned(),
                60371 => "PASSKEY_ORIGINS must list the pages' origins (https://..., of PASSKEY_RP_ID or its subdomains; http://localhost for development)".to_owned(),
                _ => "PASSKEY_USER_VERIFICATION must be required, preferred or discouraged".to_owned(),
            })
    }

    /// The Service settings (`Passkeys.*`, a form) that make a discoverable sign-in's Challenge use this relying
    /// party.
    pub fn service_form(&self) -> Vec<(&'static str, String)> {
        let party = &self.config.relying_party;
        vec![
            ("Passkeys.RelyingParty.Id", party.id.clone()),
            ("Passkeys.RelyingParty.Name", party.name.clone()),
            ("Passkeys.RelyingParty.Origins", party.origins.join(",")),
            ("Passkeys.AuthenticatorAttachment", "any".to_owned()),
            ("Passkeys.DiscoverableCredentials", "preferred".to_owned()),
            (
                "Passkeys.UserVerification",
                json!(self.config.user_verification)
                    .as_str()
                    .unwrap_or("preferred")
                    .to_owned(),
            ),
        ]
    }

    /// Whether `service` already has these settings.
    pub fn matches(&self, service: &Service) -> bool {
        let Some(passkeys) = &service.passkeys else {
            return false;
        };
        let party = passkeys.relying_party.clone().unwrap_or_default();
        party.id.as_deref() == Some(self.config.relying_party.id.as_str())
            && party.name.as_deref() == Some(self.config.relying_party.name.as_str())
            && party.origins.as_deref() == Some(self.config.relying_party.origins.as_slice())
            && passkeys.user_verification.as_deref()
                == json!(self.config.user_verification).as_str()
    }
}

/// What `POST /verify/passkey/register/options` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOptionsParams {
    /// Whom the passkey is for.
    pub identity_token: String,
    /// The name the authenticator shows for the account; the identity's `sub` by default.
    pub user_name: Option<String>,
}

impl RegisterOptionsParams {
    /// Reads the body; a bad parameter is 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        let params = Params::parse(body, kind, &["identityToken", "userName"])?;
        let user_name = params.text("userName", MAX_USER_NAME_CHARS)?;
        if user_name
            .as_deref()
            .is_some_and(|n| n.trim().is_empty() || n.chars().any(char::is_control))
        {
            return Err(TwilioError::invalid_parameter("userName").with_reason(
                Reason::NotPrintable,
                "`userName` must be printable text, not blank",
            ));
        }
        Ok(Self {
            identity_token: params.required("identityToken", MAX_IDENTITY_TOKEN_CHARS)?,
            user_name,
        })
    }

    /// CreateNewFactorPasskey's body for the Entity `identity`, named `user_name`, with the Worker's settings.
    pub fn upstream(identity: &str, user_name: &str, settings: &PasskeySettings) -> Value {
        json!({
            "friendly_name": user_name,
            "identity": identity,
            "config": settings.config,
        })
    }
}

/// A credential answer (`credential`: the browser's registration or assertion as JSON), with the identity token
/// when the route takes one.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialParams {
    /// Whom it is for (registration: required; sign-in: optional).
    pub identity_token: Option<String>,
    /// The browser's answer, as `createPasskey`/`getPasskey` give it; the upstream checks it.
    pub credential: Map<String, Value>,
}

impl CredentialParams {
    /// Reads a JSON body: `credential` (an object, required) and `identityToken` (required when `identity`
    /// is). A form cannot carry a credential: 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind, identity: bool) -> Result<Self, TwilioError> {
        let params = Params::parse(body, kind, &["identityToken", "credential"])?;
        let identity_token = if identity {
            Some(params.required("identityToken", MAX_IDENTITY_TOKEN_CHARS)?)
        } else {
            params.text("identityToken", MAX_IDENTITY_TOKEN_CHARS)?
        };
        let credential = params.object("credential")?.ok_or_else(|| {
            TwilioError::invalid_parameter("credential").with_reason(
                Reason::Missing,
                "`credential` is required: the browser's answer as JSON",
            )
        })?;
        Ok(Self {
            identity_token,
            credential,
        })
    }
}

/// What `POST /verify/passkey/signin/options` takes: optionally the identity signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInOptionsParams {
    /// Whom it is for; none for a discoverable sign-in.
    pub identity_token: Option<String>,
}

impl SignInOptionsParams {
    /// Reads the body (`{}` is a discoverable sign-in).
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        let params = Params::parse(body, kind, &["identityToken"])?;
        Ok(Self {
            identity_token: params.text("identityToken", MAX_IDENTITY_TOKEN_CHARS)?,
        })
    }
}

/// The options member of an upstream's Factor or Challenge answer, and its SID: what the page is given.
pub fn options_view(answer: &Value) -> Option<Value> {
    Some(json!({
        "sid": answer.get("sid")?.as_str()?,
        "options": answer.get("options")?,
    }))
}

/// An upstream's error on a passkey call, as the browser gets it: Twilio's passkey codes kept (they name the
/// part of the answer that failed), a missing ceremony or Factor named as such, anything else the generic 502.
pub fn public_error(status: u16, body: &[u8]) -> TwilioError {
    if status >= 500 {
        return TwilioError::upstream_failed();
    }
    let upstream = serde_json::from_slice::<Value>(body).unwrap_or_default();
    let code = upstream.get("code").and_then(Value::as_u64).unwrap_or(0);
    let reason = upstream
        .get("details")
        .and_then(|d| d.get("reason"))
        .and_then(Value::as_str)
        .and_then(webauthn_step);
    let error = match code {
        60371 => TwilioError::relying_party_invalid(),
        60372 => TwilioError::relying_party_id_invalid(),
        60375 => TwilioError::passkey_id_invalid(),
        60376 => TwilioError::passkey_raw_id_invalid(),
        60377 => TwilioError::authenticator_attachment_invalid(),
        60378 => TwilioError::authenticator_response_invalid(),
        60379 => TwilioError::authenticator_data_invalid(),
        60380 => TwilioError::client_data_invalid(),
        60381 => TwilioError::passkey_signature_invalid(),
        60385 => TwilioError::passkey_public_key_invalid(),
        60386 => TwilioError::attestation_object_invalid(),
        60387 => TwilioError::attested_credential_data_invalid(),
        60390 => TwilioError::factor_not_found(),
        60391 => TwilioError::challenge_not_found(),
        60392 => TwilioError::entity_not_found(),
        20429 => TwilioError::too_many_requests(),
        _ => return TwilioError::upstream_failed(),
    };
    match reason {
        Some(step) => TwilioError::from_webauthn(step),
        None => error,
    }
}

/// The WebAuthn step a `details.reason` names, if it is one.
fn webauthn_step(reason: &str) -> Option<crate::webauthn::WebAuthnError> {
    crate::webauthn::WebAuthnError::ALL
        .into_iter()
        .find(|step| step.reason() == reason)
}
