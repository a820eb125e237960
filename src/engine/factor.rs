//! Factors (`/v2/Services/{ServiceSid}/Entities/{Identity}/Factors[/{Sid}]`), as Twilio's Verify v2 has them, with
//! TOTP (an authenticator app, RFC 6238) as the one type this engine creates; the model keeps room for passkeys
//! ([`FactorKind`]).
//!
//! A new Factor is `unverified` until a right code (`AuthPayload` on an update) verifies it; only then can it be
//! challenged. A wrong code is no error: the Factor stays `unverified`, and after 5 wrong codes every further
//! attempt is 60310. Beyond Twilio, a code is good once: each Factor remembers the time step of the last code that
//! verified it or approved one of its Challenges, and refuses a code from that step or an earlier one (a replayed
//! code counts as a wrong one), so a code seen over a shoulder or in a log cannot be used again within its window.
//!
//! Plain data in, plain data out: the clock and the randomness are the caller's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::entity::{entity_url, EntityState};
use super::form::Form;
use super::paging::{self, Listing};
use super::time::{iso8601, Millis};
use super::totp::{self, TotpAlgorithm, TotpConfig};
use super::Randomness;
use crate::verify::model::{
    Factor, FactorStatus, FactorType, ListPage, NewFactor, Service, TwilioError,
};
use crate::verify::sid::{AccountSid, EntitySid, FactorSid, ServiceSid};
use crate::verify::Reason;

/// Wrong codes a Factor takes while `unverified`: the next attempt is 60310.
pub const MAX_VERIFICATION_ATTEMPTS: u8 = 5;
/// The longest `FriendlyName`, in characters.
pub const MAX_FRIENDLY_NAME: usize = 64;
/// The shortest `Binding.Secret` taken, in bytes: RFC 4226's 128 bits ("MUST be at least 128 bits").
pub const MIN_SECRET_BYTES: usize = 16;
/// The longest `Binding.Secret` taken, in base32 characters (a 640-bit key; HMAC takes longer ones, apps do not).
pub const MAX_SECRET_CHARS: usize = 128;
/// The longest `Metadata` (and `HiddenDetails`), in characters of its JSON text.
pub const MAX_STRING_MAP_CHARS: usize = 1024;
/// How long an `unverified` Factor lives: Twilio deletes one 1 to 24 hours after creation; here after 24 hours.
pub const UNVERIFIED_LIFETIME_MS: Millis = 24 * 60 * 60 * 1000;

/// A Factor as the engine stores it: the secret included, which leaves only in the creation's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorState {
    /// `YF...`.
    pub sid: FactorSid,
    /// The Entity it belongs to.
    pub entity_sid: EntitySid,
    /// That Entity's identity.
    pub identity: String,
    /// The Service.
    pub service_sid: ServiceSid,
    /// The Service's account.
    pub account_sid: AccountSid,
    /// A name for people (the account name in a TOTP app).
    pub friendly_name: String,
    /// `unverified` until a right code.
    pub status: FactorStatus,
    /// When it was created.
    pub created_ms: Millis,
    /// When it last changed.
    pub updated_ms: Millis,
    /// What the device or SDK said of itself.
    pub metadata: Option<BTreeMap<String, String>>,
    /// The type and what only that type has.
    pub kind: FactorKind,
}

/// What a Factor holds besides what every Factor has: one variant per factor type the engine serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FactorKind {
    /// An authenticator app.
    Totp(TotpFactor),
    /// A passkey (WebAuthn credential), made through `/Passkeys/Factors` and verified through
    /// `/Passkeys/VerifyFactor`.
    Passkeys(PasskeyFactor),
}

/// A passkey Factor: its settings, the registration's challenge while `unverified`, and the credential once
/// verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyFactor {
    /// The relying party and the authenticator criteria.
    pub config: super::passkey::PasskeyConfig,
    /// The challenge `navigator.credentials.create()` was given; gone once used.
    pub registration_challenge: Option<Vec<u8>>,
    /// The registered credential.
    pub credential: Option<super::passkey::StoredPasskey>,
}

/// 60369: a TOTP operation on a passkey Factor (passkeys are verified and challenged through `/Passkeys/...`).
pub fn not_for_passkeys() -> TwilioError {
    TwilioError::invalid_factor_type().with_reason(
        Reason::FactorTypeUnsupported,
        "a passkeys Factor is verified and challenged through /v2/Services/{ServiceSid}/Passkeys/...",
    )
}

/// A TOTP Factor's secret, settings and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpFactor {
    /// The shared secret, base32 (as `binding.secret` shows it once).
    pub secret: String,
    /// Time step, skew, code length, algorithm.
    pub config: TotpConfig,
    /// Wrong codes while `unverified`.
    pub failed_attempts: u8,
    /// The time-step counter of the last code that verified the Factor or approved one of its Challenges: no code
    /// from this step or an earlier one is taken again.
    pub last_step: Option<u64>,
}

impl FactorState {
    /// The factor type.
    pub fn factor_type(&self) -> FactorType {
        match self.kind {
            FactorKind::Totp(_) => FactorType::Totp,
            FactorKind::Passkeys(_) => FactorType::Passkeys,
        }
    }

    /// Whether it still exists at `now`: an `unverified` Factor is gone [`UNVERIFIED_LIFETIME_MS`] after creation,
    /// as Twilio deletes those.
    pub fn is_live(&self, now: Millis) -> bool {
        self.status == FactorStatus::Verified
            || now < self.created_ms.saturating_add(UNVERIFIED_LIFETIME_MS)
    }
}

/// A Service's TOTP settings as a new Factor takes them: the issuer its `otpauth://` URI names (`totp.issuer`, or
/// the Service's name) and the default config (`totp.time_step`, `totp.skew`, `totp.code_length`; Twilio's 30, 1
/// and 6 where the Service has none; the algorithm is always sha1 unless the request names another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpDefaults {
    /// The issuer shown in the app.
    pub issuer: String,
    /// The config a Factor has unless its request says otherwise.
    pub config: TotpConfig,
}

impl TotpDefaults {
    /// The defaults of `service`.
    pub fn of_service(service: &Service) -> Self {
        let totp = service.totp.clone().unwrap_or_default();
        let standard = TotpConfig::default();
        Self {
            issuer: totp
                .issuer
                .or_else(|| service.friendly_name.clone())
                .unwrap_or_default(),
            config: TotpConfig {
                time_step: totp.time_step.unwrap_or(standard.time_step),
                skew: totp.skew.unwrap_or(standard.skew),
                code_length: totp.code_length.unwrap_or(standard.code_length),
                alg: standard.alg,
            },
        }
    }
}

/// The `Config.*` a request sets, each left as it is when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// `Config.TimeStep`.
    pub time_step: Option<u32>,
    /// `Config.Skew`.
    pub skew: Option<u32>,
    /// `Config.CodeLength`.
    pub code_length: Option<u32>,
    /// `Config.Alg`.
    pub alg: Option<TotpAlgorithm>,
}

impl ConfigChange {
    /// Reads `Config.TimeStep`, `Config.Skew`, `Config.CodeLength` (integers) and `Config.Alg` (`sha1`, `sha256`,
    /// `sha512`); anything else is 60370 naming it. Ranges are checked by [`ConfigChange::apply`].
    pub fn from_form(form: &Form) -> Result<Self, TwilioError> {
        let int = |name: &str| -> Result<Option<u32>, TwilioError> {
            form.get(name)
                .map(|v| v.trim().parse::<u32>().map_err(|_| config_error(name)))
                .transpose()
        };
        Ok(Self {
            time_step: int("Config.TimeStep")?,
            skew: int("Config.Skew")?,
            code_length: int("Config.CodeLength")?,
            alg: form
                .get("Config.Alg")
                .map(|v| TotpAlgorithm::from_name(v).ok_or_else(|| config_error("Config.Alg")))
                .transpose()?,
        })
    }

    /// `config` with this change applied, checked against Twilio's ranges (60370 naming the first out of range).
    pub fn apply(&self, config: &TotpConfig) -> Result<TotpConfig, TwilioError> {
        let next = TotpConfig {
            time_step: self.time_step.unwrap_or(config.time_step),
            skew: self.skew.unwrap_or(config.skew),
            code_length: self.code_length.unwrap_or(config.code_length),
            alg: self.alg.unwrap_or(config.alg),
        };
        next.validate().map_err(|e| {
            TwilioError::invalid_factor_config(e.parameter())
                .with_reason(Reason::OutOfRange, &e.to_string())
        })?;
        Ok(next)
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

fn config_error(name: &str) -> TwilioError {
    TwilioError::invalid_factor_config(name).with_reason(
        Reason::OutOfRange,
        &format!(
            "{name} must be an integer in Twilio's range (Config.Alg: sha1, sha256 or sha512)"
        ),
    )
}

/// A `CreateNewFactor` request, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFactorRequest {
    /// `FriendlyName`.
    pub friendly_name: String,
    /// `Binding.Secret`, decoded; `None` to generate one.
    pub secret: Option<Vec<u8>>,
    /// `Config.*`.
    pub config: ConfigChange,
    /// `Metadata`.
    pub metadata: Option<BTreeMap<String, String>>,
}

impl NewFactorRequest {
    /// Reads a `CreateNewFactor` form: `FriendlyName` (required, up to 64 characters), `FactorType` (`totp`; `push`
    /// and `passkeys` are 60369 `FACTOR_TYPE_UNSUPPORTED`), `Binding.Secret` (base32, at least 128 bits), `Config.*`
    /// and `Metadata`. The push-only parameters are ignored, as Twilio ignores them for TOTP.
    pub fn from_form(form: &Form) -> Result<Self, TwilioError> {
        let factor_type = form.get("FactorType").and_then(FactorType::from_name);
        match factor_type {
            Some(FactorType::Totp) => {}
            Some(other) => {
                return Err(TwilioError::invalid_factor_type().with_reason(
                    Reason::FactorTypeUnsupported,
                    &format!(
                        "this engine creates totp factors only, not {}",
                        other.as_str()
                    ),
                ))
            }
            None => {
                return Err(TwilioError::invalid_factor_type()
                    .with_reason(Reason::FactorTypeUnsupported, "FactorType must be totp"))
            }
        }
        let friendly_name = friendly_name(form)?.ok_or_else(|| {
            TwilioError::invalid_request("FriendlyName")
                .with_reason(Reason::Missing, "FriendlyName is required")
        })?;
        let secret = form.get("Binding.Secret").map(decode_secret).transpose()?;
        Ok(Self {
            friendly_name,
            secret,
            config: ConfigChange::from_form(form)?,
            metadata: string_map(form, "Metadata")?,
        })
    }
}

/// `FriendlyName` if given: not blank, at most 64 characters (60306 otherwise).
fn friendly_name(form: &Form) -> Result<Option<String>, TwilioError> {
    let Some(name) = form.get("FriendlyName") else {
        return Ok(None);
    };
    if name.trim().is_empty() {
        return Err(TwilioError::invalid_request("FriendlyName")
            .with_reason(Reason::Missing, "FriendlyName must not be blank"));
    }
    if name.chars().count() > MAX_FRIENDLY_NAME {
        return Err(TwilioError::invalid_request("FriendlyName")
            .with_reason(Reason::TooLong, "FriendlyName has at most 64 characters"));
    }
    Ok(Some(name.to_owned()))
}

/// A `Binding.Secret`: base32 (any case, spaces and padding tolerated), 128 bits or more.
fn decode_secret(text: &str) -> Result<Vec<u8>, TwilioError> {
    let invalid = || TwilioError::invalid_request("Binding.Secret");
    if text.chars().count() > MAX_SECRET_CHARS {
        return Err(invalid().with_reason(
            Reason::TooLong,
            "Binding.Secret has at most 128 base32 characters",
        ));
    }
    let bytes = totp::base32_decode(text).ok_or_else(|| {
        invalid().with_reason(Reason::SecretNotBase32, "Binding.Secret must be base32")
    })?;
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(invalid().with_reason(
            Reason::SecretTooShort,
            "Binding.Secret must hold at least 128 bits (26 base32 characters), as RFC 4226 requires",
        ));
    }
    Ok(bytes)
}

/// A parameter holding a JSON object of strings (`Metadata`, `HiddenDetails`), at most 1024 characters; absent is
/// `None`, anything else 60306 `NOT_A_STRING_MAP`.
pub fn string_map(
    form: &Form,
    name: &str,
) -> Result<Option<BTreeMap<String, String>>, TwilioError> {
    let Some(text) = form.get(name) else {
        return Ok(None);
    };
    let map = (text.chars().count() <= MAX_STRING_MAP_CHARS)
        .then(|| serde_json::from_str::<BTreeMap<String, String>>(text).ok())
        .flatten()
        .ok_or_else(|| {
            TwilioError::invalid_request(name).with_reason(
                Reason::NotAStringMap,
                &format!("{name} must be a JSON object of strings, at most 1024 characters"),
            )
        })?;
    Ok(Some(map))
}

/// An `AuthPayload` for a TOTP code: 3 to 8 ASCII digits, as Twilio bounds it (60306 `AUTH_PAYLOAD_FORMAT`
/// otherwise; a well-formed code of another length than the Factor's is merely wrong).
pub fn auth_payload(text: &str) -> Result<String, TwilioError> {
    if (3..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.to_owned());
    }
    Err(TwilioError::invalid_request("AuthPayload").with_reason(
        Reason::AuthPayloadFormat,
        "AuthPayload must be the TOTP code: 3 to 8 digits",
    ))
}

/// Creates a TOTP Factor of `entity`: `unverified`, its config the Service's defaults with the request's changes,
/// its secret the request's or 20 bytes from `random`.
pub fn create_factor(
    entity: &EntityState,
    request: &NewFactorRequest,
    defaults: &TotpDefaults,
    now: Millis,
    random: &mut dyn Randomness,
) -> Result<FactorState, TwilioError> {
    let config = request.config.apply(&defaults.config)?;
    let secret = match &request.secret {
        Some(secret) => secret.clone(),
        None => totp::new_secret(random),
    };
    Ok(FactorState {
        sid: FactorSid::from_random_bytes(random.sid_bytes()),
        entity_sid: entity.sid.clone(),
        identity: entity.identity.clone(),
        service_sid: entity.service_sid.clone(),
        account_sid: entity.account_sid.clone(),
        friendly_name: request.friendly_name.clone(),
        status: FactorStatus::Unverified,
        created_ms: now,
        updated_ms: now,
        metadata: request.metadata.clone(),
        kind: FactorKind::Totp(TotpFactor {
            secret: totp::base32_encode(&secret),
            config,
            failed_attempts: 0,
            last_step: None,
        }),
    })
}

/// An `UpdateFactor` request, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorUpdate {
    /// `AuthPayload`: the code that verifies the Factor.
    pub auth_payload: Option<String>,
    /// `FriendlyName`: a new name.
    pub friendly_name: Option<String>,
    /// `Config.*`: new settings.
    pub config: ConfigChange,
}

impl FactorUpdate {
    /// Reads an `UpdateFactor` form: `AuthPayload`, `FriendlyName`, `Config.*` (the push-only ones are ignored).
    pub fn from_form(form: &Form) -> Result<Self, TwilioError> {
        Ok(Self {
            auth_payload: form.get("AuthPayload").map(auth_payload).transpose()?,
            friendly_name: friendly_name(form)?,
            config: ConfigChange::from_form(form)?,
        })
    }
}

/// The step `code` comes from, if it is a right code of `totp` at `now` that was not used before: from the window
/// of the Factor's skew, later than its last used step.
pub fn fresh_step(totp: &TotpFactor, code: &str, now: Millis) -> Option<u64> {
    let secret = totp::base32_decode(&totp.secret)?;
    let step = totp::matching_step(&secret, &totp.config, code, now / 1000)?;
    match totp.last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

/// The last used step of a Factor whose time step changes from `old` to `new` seconds: the last new step that
/// begins before the old last step ended, so that no code from a time already used is taken under the new step.
pub fn rescale_step(last: u64, old: u32, new: u32) -> u64 {
    let end = last.saturating_add(1).saturating_mul(u64::from(old));
    end.saturating_sub(1) / u64::from(new.max(1))
}

/// `UpdateFactor`: its settings and name first, then (for an `unverified` Factor) its code: a right one verifies
/// it, a wrong one is counted, and after [`MAX_VERIFICATION_ATTEMPTS`] wrong ones any attempt is 60310. A code
/// sent to a verified Factor changes nothing (it is verified already).
pub fn update_factor(
    factor: &FactorState,
    update: &FactorUpdate,
    now: Millis,
) -> Result<FactorState, TwilioError> {
    let mut next = factor.clone();
    let FactorKind::Totp(totp) = &mut next.kind else {
        if update.auth_payload.is_some() || !update.config.is_empty() {
            return Err(not_for_passkeys());
        }
        if let Some(name) = &update.friendly_name {
            next.friendly_name.clone_from(name);
        }
        next.updated_ms = now;
        return Ok(next);
    };
    if totp.failed_attempts >= MAX_VERIFICATION_ATTEMPTS
        && factor.status == FactorStatus::Unverified
        && update.auth_payload.is_some()
    {
        return Err(TwilioError::max_factor_attempts());
    }
    if !update.config.is_empty() {
        let config = update.config.apply(&totp.config)?;
        if let Some(last) = totp.last_step {
            totp.last_step = Some(rescale_step(last, totp.config.time_step, config.time_step));
        }
        totp.config = config;
    }
    if let Some(name) = &update.friendly_name {
        next.friendly_name.clone_from(name);
    }
    if let (Some(code), FactorStatus::Unverified) = (&update.auth_payload, factor.status) {
        match fresh_step(totp, code, now) {
            Some(step) => {
                totp.last_step = Some(step);
                next.status = FactorStatus::Verified;
            }
            None => totp.failed_attempts = totp.failed_attempts.saturating_add(1),
        }
    }
    next.updated_ms = now;
    Ok(next)
}

/// The URL of the Factors of an Entity.
pub fn factors_url(base_url: &str, service_sid: &ServiceSid, identity: &str) -> String {
    format!("{}/Factors", entity_url(base_url, service_sid, identity))
}

impl FactorState {
    fn url(&self, base_url: &str) -> String {
        format!(
            "{}/{}",
            factors_url(base_url, &self.service_sid, &self.identity),
            self.sid
        )
    }

    fn config_json(&self) -> serde_json::Value {
        match &self.kind {
            FactorKind::Totp(totp) => serde_json::to_value(totp.config).unwrap_or_default(),
            FactorKind::Passkeys(passkey) => {
                serde_json::to_value(&passkey.config).unwrap_or_default()
            }
        }
    }

    fn metadata_json(&self) -> Option<serde_json::Value> {
        self.metadata
            .as_ref()
            .and_then(|m| serde_json::to_value(m).ok())
    }

    /// The Factor resource (no `binding`), with its `url` under `base_url`.
    pub fn to_resource(&self, base_url: &str) -> Factor {
        Factor {
            sid: Some(self.sid.clone()),
            account_sid: Some(self.account_sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            entity_sid: Some(self.entity_sid.clone()),
            identity: Some(self.identity.clone()),
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            friendly_name: Some(self.friendly_name.clone()),
            status: Some(self.status),
            factor_type: Some(self.factor_type()),
            config: Some(self.config_json()),
            metadata: self.metadata_json(),
            url: Some(self.url(base_url)),
        }
    }

    /// The creation's answer: the resource with its `binding` (for TOTP the base32 `secret` and the `otpauth://`
    /// `uri`, naming `issuer` and the Factor's friendly name as the account; `null` for a passkey) and
    /// `options: null` (a passkey's creation sets its WebAuthn options after).
    pub fn to_new_resource(&self, issuer: &str, base_url: &str) -> NewFactor {
        let binding = match &self.kind {
            FactorKind::Totp(totp) => {
                let secret = totp::base32_decode(&totp.secret).unwrap_or_default();
                let uri = totp::otpauth_uri(issuer, &self.friendly_name, &secret, &totp.config);
                Some(serde_json::json!({ "secret": totp.secret, "uri": uri }))
            }
            FactorKind::Passkeys(_) => None,
        };
        NewFactor {
            sid: Some(self.sid.clone()),
            account_sid: Some(self.account_sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            entity_sid: Some(self.entity_sid.clone()),
            identity: Some(self.identity.clone()),
            binding,
            options: None,
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            friendly_name: Some(self.friendly_name.clone()),
            status: Some(self.status),
            factor_type: Some(self.factor_type()),
            config: Some(self.config_json()),
            metadata: self.metadata_json(),
            url: Some(self.url(base_url)),
        }
    }
}

/// One page of an Entity's `factors` (oldest first), with Twilio's paging; a bad paging parameter is 60306.
pub fn page(
    factors: &[FactorState],
    entity: &EntityState,
    query: &Form,
    base_url: &str,
) -> Result<ListPage<Factor>, TwilioError> {
    let mut sorted = factors.to_vec();
    sorted.sort_by(|a, b| (a.created_ms, &a.sid).cmp(&(b.created_ms, &b.sid)));
    let all: Vec<Factor> = sorted.iter().map(|f| f.to_resource(base_url)).collect();
    let url = factors_url(base_url, &entity.service_sid, &entity.identity);
    let listing = Listing {
        url: &url,
        filters: &[],
        key: "factors",
        invalid: TwilioError::invalid_request,
    };
    paging::page_of(&all, query, &listing, |f| f)
}
