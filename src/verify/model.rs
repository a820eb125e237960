//! Twilio Verify v2's resources as JSON carries them, field for field with the response schemas of Twilio's OpenAPI
//! spec (`verify.v2.service.verification`, `verify.v2.service.verification_check`, `verify.v2.service`,
//! `verify.v2.service.rate_limit`, `verify.v2.service.rate_limit.bucket`, `verify.v2.safelist`,
//! `verify.v2.service.entity`, `verify.v2.service.entity.factor`, `verify.v2.service.entity.new_factor`,
//! `verify.v2.service.entity.challenge`).
//!
//! Fields the spec marks nullable are `Option`s and serialize as `null`, as Twilio sends them. Fields Twilio adds
//! later are ignored when reading, so an older build still reads a newer response. Dates are kept as the ISO 8601
//! text Twilio sends (`2015-07-30T20:00:00Z`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::sid::{
    AccountSid, BucketSid, ChallengeSid, CredentialSid, EntitySid, FactorSid, MessagingServiceSid,
    RateLimitSid, SafeListSid, ServiceSid, TemplateSid, VerificationAttemptSid, VerificationSid,
};

/// How a verification code reaches the user: the channels Twilio's spec lists for a Verification
/// (`verification_enum_channel`). For what a caller may ask for, which adds `auto`, see [`RequestedChannel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub enum Channel {
    /// A text message to a phone number.
    Sms,
    /// A voice call to a phone number that reads the code out.
    Call,
    /// An email to an email address.
    Email,
    /// A WhatsApp message to a phone number.
    Whatsapp,
    /// Silent network auth: the mobile carrier confirms the phone number, no code is typed.
    Sna,
}

impl Channel {
    /// Every channel, in the order Twilio's spec lists them.
    pub const ALL: [Channel; 5] = [
        Self::Sms,
        Self::Call,
        Self::Email,
        Self::Whatsapp,
        Self::Sna,
    ];

    /// The channel as Twilio writes it: `sms`, `call`, `email`, `whatsapp` or `sna`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Call => "call",
            Self::Email => "email",
            Self::Whatsapp => "whatsapp",
            Self::Sna => "sna",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The channel a caller asks for when starting a verification: any [`Channel`], or `auto`.
///
/// `auto` is input only: Twilio picks the channel itself (silent network auth where the carrier supports it, else
/// SMS), and the Verification it returns names the channel it picked, never `auto`. Keeping it out of [`Channel`]
/// means a Verification can never say `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub enum RequestedChannel {
    /// A text message to a phone number.
    Sms,
    /// A voice call to a phone number that reads the code out.
    Call,
    /// An email to an email address.
    Email,
    /// A WhatsApp message to a phone number.
    Whatsapp,
    /// Silent network auth: the mobile carrier confirms the phone number.
    Sna,
    /// Let the service choose for a phone number: silent network auth where it can, SMS otherwise.
    Auto,
}

impl RequestedChannel {
    /// The channel as a caller writes it: `sms`, `call`, `email`, `whatsapp`, `sna` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self.channel() {
            Some(channel) => channel.as_str(),
            None => "auto",
        }
    }

    /// The channel asked for, or `None` for `auto`, which is decided when the verification starts.
    pub fn channel(self) -> Option<Channel> {
        match self {
            Self::Sms => Some(Channel::Sms),
            Self::Call => Some(Channel::Call),
            Self::Email => Some(Channel::Email),
            Self::Whatsapp => Some(Channel::Whatsapp),
            Self::Sna => Some(Channel::Sna),
            Self::Auto => None,
        }
    }
}

impl std::str::FromStr for RequestedChannel {
    type Err = ();

    /// Reads a `Channel` parameter as Twilio takes it: lowercase.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Self::Sms,
            Self::Call,
            Self::Email,
            Self::Whatsapp,
            Self::Sna,
            Self::Auto,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or(())
    }
}

impl From<Channel> for RequestedChannel {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Sms => Self::Sms,
            Channel::Call => Self::Call,
            Channel::Email => Self::Email,
            Channel::Whatsapp => Self::Whatsapp,
            Channel::Sna => Self::Sna,
        }
    }
}

impl fmt::Display for RequestedChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a verification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub enum Status {
    /// A code was sent and has not been checked correctly yet.
    Pending,
    /// The user gave the right code.
    Approved,
    /// The verification was canceled before it was approved.
    Canceled,
    /// Too many wrong codes were checked.
    MaxAttemptsReached,
    /// The verification was deleted.
    Deleted,
    /// The verification could not be completed.
    Failed,
    /// The code was not checked in time.
    Expired,
}

impl Status {
    /// The status as Twilio writes it, e.g. `max_attempts_reached`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Canceled => "canceled",
            Self::MaxAttemptsReached => "max_attempts_reached",
            Self::Deleted => "deleted",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verification: a code sent (or a silent network auth started) to confirm one phone number or email address.
/// What `POST /v2/Services/{ServiceSid}/Verifications` creates and `GET .../Verifications/{Sid}` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// This verification's SID.
    pub sid: Option<VerificationSid>,
    /// The Service the verification was started under.
    pub service_sid: Option<ServiceSid>,
    /// The account that started the verification.
    pub account_sid: Option<AccountSid>,
    /// The phone number (E.164) or email address being verified.
    pub to: Option<String>,
    /// How the code was sent.
    pub channel: Channel,
    /// Where the verification stands.
    pub status: Option<Status>,
    /// Legacy: whether the verification was approved. Use `status` instead.
    pub valid: Option<bool>,
    /// What a carrier lookup said about the phone number (`{}` when none was made).
    pub lookup: Option<Lookup>,
    /// The amount of the PSD2 transaction being confirmed (Services with PSD2 enabled).
    pub amount: Option<String>,
    /// The payee of the PSD2 transaction being confirmed (Services with PSD2 enabled).
    pub payee: Option<String>,
    /// Every time a code was sent, oldest first.
    pub send_code_attempts: Option<Vec<SendCodeAttempt>>,
    /// When the verification was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When the verification last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// For the `sna` channel, the URL the user's phone must open over its mobile network.
    pub sna: Option<Sna>,
    /// This verification's own URL.
    pub url: Option<String>,
}

/// What a carrier lookup says about the phone number being verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    /// The carrier the number belongs to; absent when no lookup was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
}

/// The mobile carrier of a phone number, from a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carrier {
    /// The mobile country code (MCC), e.g. `311`.
    pub mobile_country_code: Option<String>,
    /// The mobile network code (MNC), e.g. `180`.
    pub mobile_network_code: Option<String>,
    /// The carrier's name.
    pub name: Option<String>,
    /// The kind of line: `mobile`, `landline` or `voip`.
    #[serde(rename = "type")]
    pub line_type: Option<String>,
    /// The lookup's error code, if it failed.
    pub error_code: Option<u32>,
}

/// One sending of a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendCodeAttempt {
    /// When the code was sent, ISO 8601 in UTC.
    pub time: String,
    /// The channel as Twilio wrote it. Kept as text because Twilio's own examples mix case (`SMS`, `EMAIL`,
    /// `whatsapp`, `sna`); [`SendCodeAttempt::channel`] reads it.
    pub channel: String,
    /// This sending's SID.
    pub attempt_sid: VerificationAttemptSid,
}

impl SendCodeAttempt {
    /// The channel the code was sent over, read in any case; `None` for a channel this build does not know.
    pub fn channel(&self) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str().eq_ignore_ascii_case(&self.channel))
    }
}

/// What the `sna` channel needs from the user's phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sna {
    /// The URL the phone must open over its mobile data connection (not Wi-Fi) for the carrier to confirm it.
    pub url: String,
}

/// The answer to checking a code: `POST /v2/Services/{ServiceSid}/VerificationCheck`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationCheck {
    /// The SID of the Verification that was checked.
    pub sid: Option<VerificationSid>,
    /// The Service the verification belongs to.
    pub service_sid: Option<ServiceSid>,
    /// The account that started the verification.
    pub account_sid: Option<AccountSid>,
    /// The phone number (E.164) or email address being verified.
    pub to: Option<String>,
    /// How the code was sent.
    pub channel: Channel,
    /// Where the verification stands after this check: `approved` when the code was right.
    pub status: Option<Status>,
    /// Legacy: whether the code was right. Use `status` instead.
    pub valid: Option<bool>,
    /// The amount of the PSD2 transaction being confirmed (Services with PSD2 enabled).
    pub amount: Option<String>,
    /// The payee of the PSD2 transaction being confirmed (Services with PSD2 enabled).
    pub payee: Option<String>,
    /// When the verification was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When the verification last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// The errors of each silent network auth attempt, oldest first: empty when there were none, `None` when the
    /// last channel used was not `sna`.
    pub sna_attempts_error_codes: Option<Vec<SnaAttemptError>>,
}

/// Why one silent network auth attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnaAttemptError {
    /// The attempt that failed.
    pub attempt_sid: VerificationAttemptSid,
    /// Twilio's error code for it, e.g. 60500 (the SIM's number is not `to`).
    pub code: u32,
}

/// A Verify Service: the settings verifications are started under (code length, name in messages, channels).
/// What `POST /v2/Services` creates and `GET /v2/Services/{Sid}` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// This Service's SID.
    pub sid: Option<ServiceSid>,
    /// The account that owns the Service.
    pub account_sid: Option<AccountSid>,
    /// The name shown in verification messages.
    pub friendly_name: Option<String>,
    /// How many digits the codes have (4 to 10).
    #[serde(default)]
    pub code_length: u32,
    /// Whether each verification looks up the carrier of the phone number.
    pub lookup_enabled: Option<bool>,
    /// Whether verifications carry a PSD2 amount and payee.
    pub psd2_enabled: Option<bool>,
    /// Whether SMS to landlines is refused (needs `lookup_enabled`).
    pub skip_sms_to_landlines: Option<bool>,
    /// Whether a call asks the user to press a key before reading the code.
    pub dtmf_input_required: Option<bool>,
    /// The text-to-speech voice calls use.
    pub tts_name: Option<String>,
    /// Whether SMS end with a warning not to share the code.
    pub do_not_share_warning_enabled: Option<bool>,
    /// Whether callers may supply their own code.
    pub custom_code_enabled: Option<bool>,
    /// Settings of push factors.
    pub push: Option<PushSettings>,
    /// Settings of TOTP (authenticator app) factors.
    pub totp: Option<TotpSettings>,
    /// The message template used unless a verification names another.
    pub default_template_sid: Option<TemplateSid>,
    /// Settings of the WhatsApp channel.
    pub whatsapp: Option<WhatsappSettings>,
    /// Settings of passkey factors.
    pub passkeys: Option<PasskeysSettings>,
    /// Whether verifications of this Service are sent to Event Streams.
    pub verify_event_subscription_enabled: Option<bool>,
    /// When the Service was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When the Service last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// This Service's own URL.
    pub url: Option<String>,
    /// The URLs of the Service's sub-resources, by name (`verifications`, `verification_checks`, ...).
    pub links: Option<BTreeMap<String, String>>,
}

/// A Service's settings for push factors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSettings {
    /// Deprecated: whether challenges include their date.
    pub include_date: Option<bool>,
    /// The credential that sends push notifications to iOS devices.
    pub apn_credential_sid: Option<CredentialSid>,
    /// The credential that sends push notifications to Android devices.
    pub fcm_credential_sid: Option<CredentialSid>,
}

/// A Service's settings for TOTP (authenticator app) factors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSettings {
    /// The issuer shown in the authenticator app.
    pub issuer: Option<String>,
    /// How often a new code is generated, in seconds.
    pub time_step: Option<u32>,
    /// How many digits a code has.
    pub code_length: Option<u32>,
    /// How many time steps before and after now a code stays valid.
    pub skew: Option<u32>,
}

/// A Service's settings for the WhatsApp channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsappSettings {
    /// The Messaging Service whose WhatsApp senders send the codes.
    pub msg_service_sid: Option<MessagingServiceSid>,
    /// The WhatsApp sender, e.g. `whatsapp:+1234567890`.
    pub from: Option<String>,
}

/// A Service's settings for passkey factors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeysSettings {
    /// The site passkeys are created for.
    pub relying_party: Option<RelyingParty>,
    /// Which authenticators may be used: empty, `platform`, `cross-platform` or `any`.
    pub authenticator_attachment: Option<String>,
    /// Whether credentials must be discoverable: empty, `required`, `preferred` or `discouraged`.
    pub discoverable_credentials: Option<String>,
    /// Whether the user must be verified: empty, `required`, `preferred` or `discouraged`.
    pub user_verification: Option<String>,
}

/// The site passkeys are created for (WebAuthn's relying party).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingParty {
    /// The site's domain, e.g. `example.com`.
    pub id: Option<String>,
    /// The site's name as users see it.
    pub name: Option<String>,
    /// The origins passkeys may be used from.
    pub origins: Option<Vec<String>>,
}

/// One page of Services: `GET /v2/Services`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePage {
    /// The Services on this page.
    pub services: Vec<Service>,
    /// Where this page is and how to reach the others.
    pub meta: PageMeta,
}

/// A Programmable Rate Limit of a Service: a name that a start's `RateLimits` parameter gives a value (an IP, a
/// user id, ...), whose Buckets each allow at most `max` starts per `interval` for one value.
/// What `POST /v2/Services/{ServiceSid}/RateLimits` creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// This Rate Limit's SID.
    pub sid: Option<RateLimitSid>,
    /// The Service it belongs to.
    pub service_sid: Option<ServiceSid>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The name a start's `RateLimits` uses for it: letters, digits, `-`, `_` and `.`.
    pub unique_name: Option<String>,
    /// What it is for, in words.
    pub description: Option<String>,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// Its own URL.
    pub url: Option<String>,
    /// The URL of its Buckets, as `buckets`.
    pub links: Option<BTreeMap<String, String>>,
}

/// One Bucket of a Rate Limit: at most `max` starts per `interval` seconds for one value of the Rate Limit.
/// What `POST /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets` creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// This Bucket's SID.
    pub sid: Option<BucketSid>,
    /// The Rate Limit it belongs to.
    pub rate_limit_sid: Option<RateLimitSid>,
    /// The Service of that Rate Limit.
    pub service_sid: Option<ServiceSid>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// Starts allowed per interval.
    pub max: u32,
    /// The interval, in seconds.
    pub interval: u32,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// Its own URL.
    pub url: Option<String>,
}

/// A phone number on the account's SafeList. What `POST /v2/SafeList/Numbers` creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeListNumber {
    /// This entry's SID.
    pub sid: Option<SafeListSid>,
    /// The number, E.164.
    pub phone_number: Option<String>,
    /// Its own URL.
    pub url: Option<String>,
}

/// An Entity: one user of a Service, named by the operator's own `identity`, that Factors and Challenges belong to.
/// What `POST /v2/Services/{ServiceSid}/Entities` creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// This Entity's SID.
    pub sid: Option<EntitySid>,
    /// The operator's identifier for the user: 8 to 64 letters, digits and dashes, not PII.
    pub identity: Option<String>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The Service it belongs to.
    pub service_sid: Option<ServiceSid>,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// Its own URL.
    pub url: Option<String>,
    /// The URLs of its Factors and Challenges (`factors`, `new_factors`, `challenges`).
    pub links: Option<BTreeMap<String, String>>,
}

/// What kind of Factor: the factor types Twilio's spec lists (`factor_enum_factor_types`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorType {
    /// A device of Twilio's Verify Push SDK, holding a key pair.
    Push,
    /// An authenticator app holding a shared TOTP secret (RFC 6238).
    Totp,
    /// A passkey (WebAuthn credential).
    Passkeys,
}

impl FactorType {
    /// The type as Twilio writes it: `push`, `totp` or `passkeys`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::Totp => "totp",
            Self::Passkeys => "passkeys",
        }
    }

    /// The type `FactorType` names, as Twilio writes it; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Push, Self::Totp, Self::Passkeys]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// Whether a Factor has proved itself: `unverified` until a right code (for TOTP) verifies it.
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorStatus {
    /// Created; it cannot be challenged yet.
    Unverified,
    /// Verified; it can be challenged.
    Verified,
}

/// A Factor as every answer but its creation carries it: no `binding` (the secret is shown once).
/// What `GET /v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// This Factor's SID.
    pub sid: Option<FactorSid>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The Service it belongs to.
    pub service_sid: Option<ServiceSid>,
    /// The Entity it belongs to.
    pub entity_sid: Option<EntitySid>,
    /// That Entity's identity.
    pub identity: Option<String>,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// A name for people, up to 64 characters (for TOTP, the account name the app shows).
    pub friendly_name: Option<String>,
    /// `unverified` or `verified`.
    pub status: Option<FactorStatus>,
    /// `push`, `totp` or `passkeys`.
    pub factor_type: Option<FactorType>,
    /// The type's settings: for TOTP `{"alg", "skew", "code_length", "time_step"}`.
    pub config: Option<serde_json::Value>,
    /// What the device or SDK said of itself: a JSON object of strings.
    pub metadata: Option<serde_json::Value>,
    /// Its own URL.
    pub url: Option<String>,
}

/// A Factor as its creation answers it: with its `binding` (for TOTP the base32 `secret` and the `otpauth://`
/// `uri`), which no other answer carries. What `POST /v2/Services/{ServiceSid}/Entities/{Identity}/Factors` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFactor {
    /// This Factor's SID.
    pub sid: Option<FactorSid>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The Service it belongs to.
    pub service_sid: Option<ServiceSid>,
    /// The Entity it belongs to.
    pub entity_sid: Option<EntitySid>,
    /// That Entity's identity.
    pub identity: Option<String>,
    /// The secret and what an app needs to hold it: for TOTP `{"secret", "uri"}`. Only ever in this answer.
    pub binding: Option<serde_json::Value>,
    /// Options of the factor type (passkeys' creation options); `null` for TOTP.
    pub options: Option<serde_json::Value>,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// A name for people, up to 64 characters (for TOTP, the account name in `binding.uri`).
    pub friendly_name: Option<String>,
    /// `unverified` (a new Factor always is).
    pub status: Option<FactorStatus>,
    /// `push`, `totp` or `passkeys`.
    pub factor_type: Option<FactorType>,
    /// The type's settings: for TOTP `{"alg", "skew", "code_length", "time_step"}`.
    pub config: Option<serde_json::Value>,
    /// What the device or SDK said of itself: a JSON object of strings.
    pub metadata: Option<serde_json::Value>,
    /// Its own URL.
    pub url: Option<String>,
}

/// Where a Challenge stands (`challenge_enum_challenge_statuses`).
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChallengeStatus {
    /// Waiting for a response (for TOTP, a right code).
    Pending,
    /// Not responded before its `expiration_date`.
    Expired,
    /// Responded to: the right code.
    Approved,
    /// Refused by the user (push only).
    Denied,
}

impl ChallengeStatus {
    /// The status as Twilio writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Approved => "approved",
            Self::Denied => "denied",
        }
    }

    /// The status `Status` names, as Twilio writes it; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Pending, Self::Expired, Self::Approved, Self::Denied]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// Why a Challenge is in its status (`challenge_enum_challenge_reasons`): `none` for every TOTP challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeReason {
    /// No particular reason.
    None,
    /// No response was needed.
    NotNeeded,
    /// No response was requested.
    NotRequested,
}

/// A Challenge: one attempt of an Entity to prove itself with one of its verified Factors.
/// What `POST /v2/Services/{ServiceSid}/Entities/{Identity}/Challenges` creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// This Challenge's SID.
    pub sid: Option<ChallengeSid>,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The Service it belongs to.
    pub service_sid: Option<ServiceSid>,
    /// The Entity it belongs to.
    pub entity_sid: Option<EntitySid>,
    /// That Entity's identity.
    pub identity: Option<String>,
    /// The Factor it challenges.
    pub factor_sid: Option<FactorSid>,
    /// When it was created, ISO 8601 in UTC.
    pub date_created: Option<String>,
    /// When it last changed, ISO 8601 in UTC.
    pub date_updated: Option<String>,
    /// When it was responded to (approved), ISO 8601 in UTC; `null` until then.
    pub date_responded: Option<String>,
    /// When it stops taking responses, ISO 8601 in UTC (5 minutes after creation unless asked otherwise, at most 60).
    pub expiration_date: Option<String>,
    /// `pending`, `expired`, `approved` or `denied`.
    pub status: Option<ChallengeStatus>,
    /// Why it is in its status.
    pub responded_reason: Option<ChallengeReason>,
    /// What the user is shown: `{"message", "fields": [{"label", "value"}]}`, or `null`.
    pub details: Option<serde_json::Value>,
    /// Context not shown to the user: a JSON object of strings, or `null`.
    pub hidden_details: Option<serde_json::Value>,
    /// What the device or SDK said when it responded: a JSON object of strings, or `null`.
    pub metadata: Option<serde_json::Value>,
    /// The challenged Factor's type.
    pub factor_type: Option<FactorType>,
    /// Its own URL.
    pub url: Option<String>,
    /// The URL of its Notifications (push only), as `notifications`.
    pub links: Option<BTreeMap<String, String>>,
}

/// One page of a Twilio list other than Services: serialized as `{"<meta.key>": [...], "meta": {...}}`
/// (`rate_limits`, `buckets`, `entities`, `factors`, `challenges`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where this page is and how to reach the others; `key` names the list in the body.
    pub meta: PageMeta,
}

impl<T: Serialize> Serialize for ListPage<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(&self.meta.key, &self.items)?;
        map.serialize_entry("meta", &self.meta)?;
        map.end()
    }
}

/// Where a page of a Twilio list is, and the URLs of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMeta {
    /// The page's number, from 0.
    pub page: u32,
    /// How many items a page holds at most.
    pub page_size: u32,
    /// The URL of the first page.
    pub first_page_url: String,
    /// The URL of the page before, `None` on the first.
    pub previous_page_url: Option<String>,
    /// The URL of the page after, `None` on the last.
    pub next_page_url: Option<String>,
    /// The name of the list in the body, e.g. `services`.
    pub key: String,
    /// This page's URL.
    pub url: String,
}

pub use super::error::{ErrorDetails, TwilioError};
