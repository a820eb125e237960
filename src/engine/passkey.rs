//! Passkeys (`/v2/Services/{ServiceSid}/Passkeys/...`), as Twilio's Verify v2 has them: the requests of its four
//! operations (CreateNewFactorPasskey, UpdatePasskeysFactor, CreateChallengePasskeys, UpdateChallengePasskeys),
//! the settings a passkey Factor is made with (its `config`, or the Service's `Passkeys.*`), the WebAuthn options
//! the browser is given, and the rules that register a credential and approve a sign-in, on the WebAuthn
//! procedures of [`crate::webauthn`].
//!
//! The bodies are JSON, as Twilio's SDKs send them: snake_case or camelCase member names, `null` for absent.
//! Where Twilio's examples and WebAuthn differ, WebAuthn wins (what browsers take): `pubKeyCredParams` is a list,
//! and a sign-in's options are request options (`rpId`, `allowCredentials`, `userVerification`).
//!
//! Plain data in, plain data out: the clock and the randomness are the caller's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::entity::EntityState;
use super::factor::{FactorKind, FactorState, PasskeyFactor};
use super::time::{iso8601, Millis};
use super::Randomness;
use crate::verify::model::{FactorStatus, PasskeysSettings, Service, TwilioError};
use crate::verify::sid::{AccountSid, ChallengeSid, EntitySid, FactorSid, ServiceSid};
use crate::verify::Reason;
use crate::webauthn::ceremony::{
    self, Assertion, Expected, NewCredential, Registration, StoredCredential, UserVerification,
};
use crate::webauthn::cose::OFFERED;

/// How long a registration or a sign-in may take: WebAuthn's `timeout`, and the challenge's life (10 minutes, as
/// Twilio's options say).
pub const CEREMONY_TIMEOUT_MS: Millis = 600_000;
/// The challenge's size: 32 bytes from the CSPRNG (WebAuthn asks for at least 16).
pub const CHALLENGE_BYTES: usize = 32;
/// The longest base64url field read (an attestation object with a certificate chain is a few kB).
const MAX_FIELD_CHARS: usize = 16 * 1024;

/// Which authenticators may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attachment {
    /// Built into the device (Touch ID, Windows Hello, a phone's screen lock).
    Platform,
    /// A security key, or a phone over hybrid.
    CrossPlatform,
    /// Either.
    Any,
}

/// `required`, `preferred` or `discouraged` (discoverable credentials, user verification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// Must.
    Required,
    /// Should.
    Preferred,
    /// Should not.
    Discouraged,
}

impl Requirement {
    fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Preferred => "preferred",
            Self::Discouraged => "discouraged",
        }
    }
}

/// The relying party of a passkey Factor: its RP ID, its name, and the origins its pages are served from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingPartyConfig {
    /// A bare domain (`example.com`): no scheme, port or path.
    pub id: String,
    /// The name authenticators show.
    pub name: String,
    /// `https://...` origins (or `http://localhost...` for development).
    pub origins: Vec<String>,
}

/// A passkey Factor's settings, as its `config` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyConfig {
    /// The relying party.
    pub relying_party: RelyingPartyConfig,
    /// Which authenticators.
    pub authenticator_attachment: Attachment,
    /// Whether the credential must be discoverable (a resident key).
    pub discoverable_credentials: Requirement,
    /// Whether the user must be verified.
    pub user_verification: Requirement,
}

/// A JSON body's members, read by either spelling (`friendly_name` or `friendlyName`); `null` is absent.
struct Members(Map<String, Value>);

impl Members {
    fn parse(body: &[u8]) -> Result<Self, TwilioError> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            _ => Err(TwilioError::invalid_request("body")
                .with_reason(Reason::PasskeyRequest, "the body must be a JSON object")),
        }
    }

    fn of(value: &Value) -> Option<Self> {
        value.as_object().map(|m| Self(m.clone()))
    }

    /// The member `snake` (or its camelCase spelling), unless absent or `null`.
    fn get(&self, snake: &str) -> Option<&Value> {
        let camel = camel_case(snake);
        self.0
            .get(snake)
            .or_else(|| self.0.get(&camel))
            .filter(|v| !v.is_null())
    }

    fn text(&self, snake: &str) -> Option<&str> {
        self.get(snake).and_then(Value::as_str)
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `id` is a bare domain: lower-case labels of letters, digits and dashes (or `localhost`).
fn is_rp_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 253
        && id.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Whether `origin` is one WebAuthn can run on for `rp_id`: `https://` the RP ID or a subdomain of it (any port),
/// or `http://localhost` for development.
fn is_origin_of(origin: &str, rp_id: &str) -> bool {
    let host = |rest: &str| rest.split(':').next().unwrap_or_default().to_owned();
    if let Some(rest) = origin.strip_prefix("https://") {
        let host = host(rest);
        return !rest.contains('/') && (host == rp_id || host.ends_with(&format!(".{rp_id}")));
    }
    origin.strip_prefix("http://").is_some_and(|rest| {
        !rest.contains('/') && host(rest) == "localhost" && rp_id == "localhost"
    })
}

impl PasskeyConfig {
    /// The settings of a new passkey Factor: the request's `config` when it has one, the Service's `Passkeys.*`
    /// otherwise. A relying party without a usable id is 60372, without name or origins (or with an origin that
    /// is not the RP ID's) 60371; missing criteria are 60393, naming them.
    pub fn resolve(request: Option<&Value>, service: &Service) -> Result<Self, TwilioError> {
        let from_service = service.passkeys.clone().unwrap_or_default();
        let (party, attachment, discoverable, verification) = match request.and_then(Members::of) {
            Some(config) => {
                let party = config.get("relying_party").and_then(Members::of);
                (
                    party.map(|p| {
                        (
                            p.text("id").map(str::to_owned),
                            p.text("name").map(str::to_owned),
                            p.get("origins").and_then(|o| {
                                o.as_array().map(|list| {
                                    list.iter()
                                        .filter_map(|v| v.as_str().map(str::to_owned))
                                        .collect::<Vec<_>>()
                                })
                            }),
                        )
                    }),
                    config.text("authenticator_attachment").map(str::to_owned),
                    config.text("discoverable_credentials").map(str::to_owned),
                    config.text("user_verification").map(str::to_owned),
                )
            }
            None => service_criteria(&from_service),
        };
        let (id, name, origins) = party.unwrap_or((None, None, None));
        let id = id
            .filter(|id| is_rp_id(id))
            .ok_or_else(TwilioError::relying_party_id_invalid)?;
        let origins = origins.unwrap_or_default();
        let (Some(name), false) = (name.filter(|n| !n.trim().is_empty()), origins.is_empty())
        else {
            return Err(TwilioError::relying_party_invalid());
        };
        if !origins.iter().all(|o| is_origin_of(o, &id)) {
            return Err(TwilioError::relying_party_invalid());
        }
        let mut missing = Vec::new();
        let attachment = attachment.filter(|a| !a.is_empty());
        let discoverable = discoverable.filter(|d| !d.is_empty());
        let verification = verification.filter(|v| !v.is_empty());
        for (value, name) in [
            (&attachment, "authenticator_attachment"),
            (&discoverable, "discoverable_credentials"),
            (&verification, "user_verification"),
        ] {
            if value.is_none() {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            return Err(TwilioError::authenticator_criteria_missing(&missing));
        }
        Ok(Self {
            relying_party: RelyingPartyConfig { id, name, origins },
            authenticator_attachment: read(attachment, "authenticator_attachment")?,
            discoverable_credentials: read(discoverable, "discoverable_credentials")?,
            user_verification: read(verification, "user_verification")?,
        })
    }

    /// What WebAuthn's procedures expect of a ceremony under this config.
    pub fn expected<'a>(&'a self, challenge: &'a [u8]) -> Expected<'a> {
        Expected {
            challenge,
            rp_id: &self.relying_party.id,
            origins: &self.relying_party.origins,
            user_verification: match self.user_verification {
                Requirement::Required => UserVerification::Required,
                Requirement::Preferred => UserVerification::Preferred,
                Requirement::Discouraged => UserVerification::Discouraged,
            },
            algorithms: &OFFERED,
        }
    }
}

/// One criterion's text as its enum (`platform`, `required`, ...); anything else is 60370 naming it.
fn read<T: serde::de::DeserializeOwned>(
    text: Option<String>,
    name: &str,
) -> Result<T, TwilioError> {
    serde_json::from_value(Value::String(text.unwrap_or_default()))
        .map_err(|_| TwilioError::invalid_factor_config(name))
}

/// The Service's passkey settings as the four parts [`PasskeyConfig::resolve`] reads.
type Criteria = (
    Option<(Option<String>, Option<String>, Option<Vec<String>>)>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn service_criteria(settings: &PasskeysSettings) -> Criteria {
    (
        settings
            .relying_party
            .as_ref()
            .map(|p| (p.id.clone(), p.name.clone(), p.origins.clone())),
        settings.authenticator_attachment.clone(),
        settings.discoverable_credentials.clone(),
        settings.user_verification.clone(),
    )
}

/// A CreateNewFactorPasskey request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasskeyRequest {
    /// `friendly_name`: the user's name in the authenticator (60388 when missing).
    pub friendly_name: String,
    /// `identity`: the Entity (created with its first Factor).
    pub identity: String,
    /// `config`, as sent (resolved against the Service by [`PasskeyConfig::resolve`]).
    pub config: Option<Value>,
}

impl NewPasskeyRequest {
    /// Reads the JSON body.
    pub fn from_json(body: &[u8]) -> Result<Self, TwilioError> {
        let members = Members::parse(body)?;
        let friendly_name = members
            .text("friendly_name")
            .filter(|n| !n.trim().is_empty() && n.chars().count() <= 64)
            .ok_or_else(TwilioError::user_display_name_missing)?
            .to_owned();
        let identity = members.text("identity").unwrap_or_default().to_owned();
        super::entity::check_identity(&identity)?;
        Ok(Self {
            friendly_name,
            identity,
            config: members.get("config").cloned(),
        })
    }
}

/// A credential's `id`, checked against its `rawId`: `id` is base64url of the credential id; `rawId` is the
/// same bytes as base64url (what browsers' `toJSON()` send) or, as Twilio's example has it, as hex.
fn credential_id(members: &Members) -> Result<Vec<u8>, TwilioError> {
    let id = members
        .text("id")
        .and_then(|id| URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok())
        .filter(|id| !id.is_empty() && id.len() <= 1023)
        .ok_or_else(TwilioError::passkey_id_invalid)?;
    let raw = members
        .text("raw_id")
        .ok_or_else(TwilioError::passkey_raw_id_invalid)?;
    let raw_matches = URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .is_ok_and(|bytes| bytes == id)
        || hex_decode(raw).is_some_and(|bytes| bytes == id);
    if !raw_matches {
        return Err(TwilioError::passkey_raw_id_invalid());
    }
    Ok(id)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A base64url member of `response`, decoded; `error` when missing or not base64url.
fn field(
    response: &Members,
    snake: &str,
    error: fn() -> TwilioError,
) -> Result<Vec<u8>, TwilioError> {
    response
        .text(snake)
        .filter(|t| t.len() <= MAX_FIELD_CHARS)
        .and_then(|t| URL_SAFE_NO_PAD.decode(t.trim_end_matches('=')).ok())
        .filter(|b| !b.is_empty())
        .ok_or_else(error)
}

/// A credential's `response` (60378 when missing) and its `clientDataJSON` (60380; browsers spell it so, not
/// `clientDataJson`; `client_data_json` is read too).
fn response_of(members: &Members) -> Result<(Members, Vec<u8>), TwilioError> {
    let response = members
        .get("response")
        .and_then(Members::of)
        .ok_or_else(TwilioError::authenticator_response_invalid)?;
    let client_data_json = field(
        &response,
        "client_data_json",
        TwilioError::client_data_invalid,
    )
    .or_else(|_| {
        field(
            &response,
            "clientDataJSON",
            TwilioError::client_data_invalid,
        )
    })?;
    Ok((response, client_data_json))
}

/// `authenticatorAttachment`, when given: `platform` or `cross-platform` (60377 otherwise).
fn attachment(members: &Members, required: bool) -> Result<Option<String>, TwilioError> {
    match members.text("authenticator_attachment") {
        Some(a @ ("platform" | "cross-platform")) => Ok(Some(a.to_owned())),
        None if !required => Ok(None),
        _ => Err(TwilioError::authenticator_attachment_invalid()),
    }
}

/// An UpdatePasskeysFactor request: the answer of `navigator.credentials.create()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyRegistration {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// `authenticatorAttachment`, if the browser said.
    pub attachment: Option<String>,
    /// `response.clientDataJSON`.
    pub client_data_json: Vec<u8>,
    /// `response.attestationObject`.
    pub attestation_object: Vec<u8>,
    /// `response.transports`.
    pub transports: Vec<String>,
}

impl PasskeyRegistration {
    /// Reads the JSON body.
    pub fn from_json(body: &[u8]) -> Result<Self, TwilioError> {
        let members = Members::parse(body)?;
        let (response, client_data_json) = response_of(&members)?;
        let attestation_object = field(
            &response,
            "attestation_object",
            TwilioError::attestation_object_invalid,
        )?;
        let transports = response
            .get("transports")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .take(8)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            credential_id: credential_id(&members)?,
            attachment: attachment(&members, false)?,
            client_data_json,
            attestation_object,
            transports,
        })
    }

    /// The challenge `clientDataJSON` claims, before anything is verified: only to find the Factor (or the
    /// Challenge) it was issued for, which then verifies everything.
    pub fn claimed_challenge(&self) -> Result<Vec<u8>, TwilioError> {
        claimed_challenge(&self.client_data_json)
    }
}

fn claimed_challenge(client_data_json: &[u8]) -> Result<Vec<u8>, TwilioError> {
    crate::webauthn::client_data::ClientData::parse(client_data_json)
        .and_then(|c| c.challenge_bytes())
        .map_err(TwilioError::from_webauthn)
}

/// A CreateChallengePasskeys request: `identity` and `factor_sid`, both optional (neither: a discoverable
/// sign-in, where the passkey says whose it is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasskeyChallengeRequest {
    /// The Entity, if the page knows who signs in.
    pub identity: Option<String>,
    /// One Factor of it.
    pub factor_sid: Option<String>,
}

impl NewPasskeyChallengeRequest {
    /// Reads the JSON body (`{}` is a discoverable sign-in).
    pub fn from_json(body: &[u8]) -> Result<Self, TwilioError> {
        let members = Members::parse(body)?;
        let identity = members.text("identity").map(str::to_owned);
        if let Some(identity) = &identity {
            super::entity::check_identity(identity)?;
        }
        Ok(Self {
            identity,
            factor_sid: members.text("factor_sid").map(str::to_owned),
        })
    }
}

/// An UpdateChallengePasskeys request: the answer of `navigator.credentials.get()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyAssertion {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// `authenticatorAttachment`.
    pub attachment: String,
    /// `response.clientDataJSON`.
    pub client_data_json: Vec<u8>,
    /// `response.authenticatorData`.
    pub authenticator_data: Vec<u8>,
    /// `response.signature`.
    pub signature: Vec<u8>,
    /// `response.userHandle`: the Entity's SID as the credential's user id, when the passkey is discoverable.
    pub user_handle: Option<Vec<u8>>,
}

impl PasskeyAssertion {
    /// Reads the JSON body: `id`, `rawId`, `authenticatorAttachment` and `response` are required, as Twilio has
    /// them.
    pub fn from_json(body: &[u8]) -> Result<Self, TwilioError> {
        let members = Members::parse(body)?;
        let (response, client_data_json) = response_of(&members)?;
        Ok(Self {
            credential_id: credential_id(&members)?,
            attachment: attachment(&members, true)?.unwrap_or_default(),
            client_data_json,
            authenticator_data: field(
                &response,
                "authenticator_data",
                TwilioError::authenticator_data_invalid,
            )?,
            signature: field(
                &response,
                "signature",
                TwilioError::passkey_signature_invalid,
            )?,
            user_handle: response
                .text("user_handle")
                .filter(|h| !h.is_empty())
                .map(|h| URL_SAFE_NO_PAD.decode(h.trim_end_matches('=')))
                .transpose()
                .map_err(|_| TwilioError::authenticator_response_invalid())?,
        })
    }

    /// The challenge `clientDataJSON` claims, before anything is verified (to find the Challenge).
    pub fn claimed_challenge(&self) -> Result<Vec<u8>, TwilioError> {
        claimed_challenge(&self.client_data_json)
    }
}

/// A fresh challenge: [`CHALLENGE_BYTES`] from the CSPRNG.
pub fn new_challenge(random: &mut dyn Randomness) -> Vec<u8> {
    let mut challenge = vec![0; CHALLENGE_BYTES];
    random.fill(&mut challenge);
    challenge
}

/// The options for `navigator.credentials.create()` (WebAuthn's `PublicKeyCredentialCreationOptionsJSON`,
/// under `publicKey`): the relying party, the user (its id the Entity's SID, as Twilio has it), the challenge,
/// ES256, EdDSA and RS256 offered, the credentials the Entity already holds excluded, the criteria, and no
/// attestation asked for.
pub fn creation_options(
    config: &PasskeyConfig,
    entity_sid: &str,
    friendly_name: &str,
    challenge: &[u8],
    exclude: &[Vec<u8>],
) -> Value {
    let mut selection = json!({
        "residentKey": config.discoverable_credentials.as_str(),
        "requireResidentKey": config.discoverable_credentials == Requirement::Required,
        "userVerification": config.user_verification.as_str(),
    });
    if config.authenticator_attachment != Attachment::Any {
        selection["authenticatorAttachment"] = json!(match config.authenticator_attachment {
            Attachment::Platform => "platform",
            _ => "cross-platform",
        });
    }
    json!({ "publicKey": {
        "rp": { "id": config.relying_party.id, "name": config.relying_party.name },
        "user": {
            "id": URL_SAFE_NO_PAD.encode(entity_sid),
            "name": friendly_name,
            "displayName": friendly_name,
        },
        "challenge": URL_SAFE_NO_PAD.encode(challenge),
        "pubKeyCredParams": OFFERED.iter().map(|alg| json!({ "type": "public-key", "alg": alg })).collect::<Vec<_>>(),
        "timeout": CEREMONY_TIMEOUT_MS,
        "excludeCredentials": exclude.iter().map(|id| json!({ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(id) })).collect::<Vec<_>>(),
        "authenticatorSelection": selection,
        "attestation": "none",
    }})
}

/// The options for `navigator.credentials.get()` (`PublicKeyCredentialRequestOptionsJSON`, under `publicKey`):
/// the challenge, the RP ID, the credentials that may answer (none for a discoverable sign-in), user
/// verification.
pub fn request_options(
    rp_id: &str,
    user_verification: Requirement,
    challenge: &[u8],
    allow: &[Vec<u8>],
) -> Value {
    json!({ "publicKey": {
        "challenge": URL_SAFE_NO_PAD.encode(challenge),
        "timeout": CEREMONY_TIMEOUT_MS,
        "rpId": rp_id,
        "allowCredentials": allow.iter().map(|id| json!({ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(id) })).collect::<Vec<_>>(),
        "userVerification": user_verification.as_str(),
    }})
}

/// A registered passkey, as its Factor stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPasskey {
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// Its public key, COSE in CBOR.
    pub public_key_cose: Vec<u8>,
    /// Its COSE algorithm.
    pub algorithm: i64,
    /// The last signature counter seen.
    pub sign_count: u32,
    /// Backup eligible at registration.
    pub backup_eligible: bool,
    /// Backed up when last seen.
    pub backed_up: bool,
    /// Transports the browser reported.
    pub transports: Vec<String>,
}

/// Registers the credential of `registration` for a Factor whose `config` issued `challenge` (still unspent, and
/// not expired: the caller's) at `now`: every WebAuthn step, each refusal Twilio's code with the step as the reason.
pub fn register(
    config: &PasskeyConfig,
    challenge: &[u8],
    registration: &PasskeyRegistration,
    now: Millis,
) -> Result<StoredPasskey, TwilioError> {
    let response = Registration {
        client_data_json: &registration.client_data_json,
        attestation_object: &registration.attestation_object,
        now_secs: now / 1000,
    };
    let credential: NewCredential =
        ceremony::verify_registration(&response, &config.expected(challenge))
            .map_err(TwilioError::from_webauthn)?;
    if credential.id != registration.credential_id {
        return Err(TwilioError::passkey_id_invalid());
    }
    Ok(StoredPasskey {
        credential_id: credential.id,
        public_key_cose: credential.public_key_cose,
        algorithm: credential.algorithm,
        sign_count: credential.sign_count,
        backup_eligible: credential.backup_eligible,
        backed_up: credential.backed_up,
        transports: registration.transports.clone(),
    })
}

/// Approves a sign-in by `stored` under `config` for `challenge`: every WebAuthn step; on success the passkey with
/// its new counter and backup state.
pub fn approve(
    config: &PasskeyConfig,
    challenge: &[u8],
    stored: &StoredPasskey,
    assertion: &PasskeyAssertion,
) -> Result<StoredPasskey, TwilioError> {
    if assertion.credential_id != stored.credential_id {
        return Err(TwilioError::passkey_id_invalid());
    }
    let outcome = ceremony::verify_authentication(
        &Assertion {
            client_data_json: &assertion.client_data_json,
            authenticator_data: &assertion.authenticator_data,
            signature: &assertion.signature,
        },
        &config.expected(challenge),
        &StoredCredential {
            public_key_cose: &stored.public_key_cose,
            sign_count: stored.sign_count,
            backup_eligible: stored.backup_eligible,
        },
    )
    .map_err(TwilioError::from_webauthn)?;
    Ok(StoredPasskey {
        sign_count: outcome.sign_count,
        backed_up: outcome.backed_up,
        ..stored.clone()
    })
}

/// A passkey ceremony in flight: what the object named by its challenge keeps until the answer comes back (it is
/// taken once: a challenge is good for one answer) or it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceremony {
    /// The challenge the browser was given.
    pub challenge: Vec<u8>,
    /// When it stops being good.
    pub expires_ms: Millis,
    /// Registration or sign-in.
    pub kind: CeremonyKind,
}

/// What a ceremony is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CeremonyKind {
    /// A new Factor's registration (`VerifyFactor` answers it).
    Registration {
        /// The Entity.
        identity: String,
        /// The Factor.
        factor_sid: FactorSid,
    },
    /// A sign-in (`ApproveChallenge` answers it).
    SignIn {
        /// The Challenge as it was created.
        challenge: PasskeyChallenge,
    },
}

/// A passkeys Challenge (`/Passkeys/Challenges`): for one Entity (and perhaps one Factor), or for whoever holds a
/// discoverable passkey of the Service (no identity: the passkey says whose it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    /// `YC...`.
    pub sid: ChallengeSid,
    /// The account.
    pub account_sid: AccountSid,
    /// The Service.
    pub service_sid: ServiceSid,
    /// The Entity, when named (or once the passkey said).
    pub entity_sid: Option<EntitySid>,
    /// Its identity.
    pub identity: Option<String>,
    /// The Factor, when named (or once approved).
    pub factor_sid: Option<FactorSid>,
    /// When it was created.
    pub created_ms: Millis,
    /// When it expires.
    pub expires_ms: Millis,
    /// The options `navigator.credentials.get()` takes.
    pub options: Value,
}

impl PasskeyChallenge {
    /// Twilio's answer for it at `status` (`pending` when created, `approved` once a passkey answered), with the
    /// `url` of the operation that answers. A discoverable Challenge's Entity, identity and Factor are `null` until a
    /// passkey names them (Twilio's schema makes them nullable; its example writes empty strings, which its own
    /// patterns refuse).
    pub fn to_json(&self, status: &str, responded_ms: Option<Millis>, url: &str) -> Value {
        let text = |v: Option<String>| v.map_or(Value::Null, Value::String);
        json!({
            "sid": self.sid,
            "account_sid": self.account_sid,
            "service_sid": self.service_sid,
            "entity_sid": text(self.entity_sid.as_ref().map(ToString::to_string)),
            "identity": text(self.identity.clone()),
            "factor_sid": text(self.factor_sid.as_ref().map(ToString::to_string)),
            "date_created": iso8601(self.created_ms),
            "date_updated": iso8601(responded_ms.unwrap_or(self.created_ms)),
            "date_responded": responded_ms.map(iso8601),
            "expiration_date": iso8601(self.expires_ms),
            "status": status,
            "responded_reason": "none",
            "details": null,
            "hidden_details": null,
            "metadata": null,
            "factor_type": "passkeys",
            "url": url,
            "links": null,
            "options": self.options,
        })
    }
}

/// CreateNewFactorPasskey: a new `unverified` passkey Factor of `entity`, holding the registration's `challenge`.
pub fn create_factor(
    entity: &EntityState,
    request: &NewPasskeyRequest,
    config: PasskeyConfig,
    challenge: Vec<u8>,
    now: Millis,
    random: &mut dyn Randomness,
) -> FactorState {
    FactorState {
        sid: FactorSid::from_random_bytes(random.sid_bytes()),
        entity_sid: entity.sid.clone(),
        identity: entity.identity.clone(),
        service_sid: entity.service_sid.clone(),
        account_sid: entity.account_sid.clone(),
        friendly_name: request.friendly_name.clone(),
        status: FactorStatus::Unverified,
        created_ms: now,
        updated_ms: now,
        metadata: None,
        kind: FactorKind::Passkeys(PasskeyFactor {
            config,
            registration_challenge: Some(challenge),
            credential: None,
        }),
    }
}

/// The creation options of a new passkey Factor, excluding the credentials `others` (the Entity's other passkeys)
/// already registered.
pub fn factor_options(factor: &FactorState, others: &[FactorState]) -> Option<Value> {
    let FactorKind::Passkeys(passkey) = &factor.kind else {
        return None;
    };
    let exclude: Vec<Vec<u8>> = others.iter().filter_map(credential_id_of).collect();
    Some(creation_options(
        &passkey.config,
        factor.entity_sid.as_str(),
        &factor.friendly_name,
        passkey
            .registration_challenge
            .as_deref()
            .unwrap_or_default(),
        &exclude,
    ))
}

/// The id of a Factor's registered passkey.
pub fn credential_id_of(factor: &FactorState) -> Option<Vec<u8>> {
    match &factor.kind {
        FactorKind::Passkeys(PasskeyFactor {
            credential: Some(credential),
            ..
        }) => Some(credential.credential_id.clone()),
        _ => None,
    }
}

/// UpdatePasskeysFactor: the registration of `factor` answered with `registration` for `challenge` (the one the
/// ceremony object gave back). 60383 unless it is an `unverified` passkey Factor holding that challenge; then every
/// WebAuthn step; a registered Factor is `verified` and holds the credential.
pub fn verify_factor(
    factor: &FactorState,
    challenge: &[u8],
    registration: &PasskeyRegistration,
    now: Millis,
) -> Result<FactorState, TwilioError> {
    let FactorKind::Passkeys(passkey) = &factor.kind else {
        return Err(TwilioError::illegal_factor_status());
    };
    let issued = passkey
        .registration_challenge
        .as_deref()
        .unwrap_or_default();
    if factor.status != FactorStatus::Unverified
        || !bool::from(subtle::ConstantTimeEq::ct_eq(issued, challenge))
    {
        return Err(TwilioError::illegal_factor_status());
    }
    let credential = register(&passkey.config, challenge, registration, now)?;
    let mut next = factor.clone();
    next.status = FactorStatus::Verified;
    next.updated_ms = now;
    next.kind = FactorKind::Passkeys(PasskeyFactor {
        config: passkey.config.clone(),
        registration_challenge: None,
        credential: Some(credential),
    });
    Ok(next)
}

/// The verified passkey Factor among `factors` that `assertion` names (by credential id), and, when the Challenge
/// named one, only that one: 60390 otherwise.
pub fn factor_for<'a>(
    factors: &'a [FactorState],
    assertion: &PasskeyAssertion,
    named: Option<&FactorSid>,
) -> Result<&'a FactorState, TwilioError> {
    factors
        .iter()
        .filter(|f| f.status == FactorStatus::Verified)
        .filter(|f| named.is_none_or(|sid| *sid == f.sid))
        .find(|f| credential_id_of(f).as_deref() == Some(assertion.credential_id.as_slice()))
        .ok_or_else(TwilioError::factor_not_found)
}

/// UpdateChallengePasskeys on `factor`: every WebAuthn step under its config for `challenge`; the Factor with its
/// new counter.
pub fn approve_factor(
    factor: &FactorState,
    challenge: &[u8],
    assertion: &PasskeyAssertion,
    now: Millis,
) -> Result<FactorState, TwilioError> {
    let FactorKind::Passkeys(PasskeyFactor {
        config,
        credential: Some(stored),
        ..
    }) = &factor.kind
    else {
        return Err(TwilioError::illegal_factor_status());
    };
    let updated = approve(config, challenge, stored, assertion)?;
    let mut next = factor.clone();
    next.updated_ms = now;
    next.kind = FactorKind::Passkeys(PasskeyFactor {
        config: config.clone(),
        registration_challenge: None,
        credential: Some(updated),
    });
    Ok(next)
}
