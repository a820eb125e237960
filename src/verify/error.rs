//! The one catalogue of the errors verify-edge answers with: Twilio's error body, one named constructor per code
//! (with its HTTP status and message, written once), and one [`Reason`] variant per rule a `details.reason`
//! names. Every door maps these once: the Worker to HTTP, the browser package to `VerifyEdgeError`.
//!
//! Codes are Twilio's (<https://www.twilio.com/docs/api/errors>); 20413, 20415, 20500 (as a 502), 20502 and 20503
//! follow Twilio's `20000 + HTTP status` pattern and are verify-edge's own.

use serde::{Deserialize, Serialize};

use super::email::EmailErrorCode;
use super::model::Status;
use crate::phone::PhoneErrorCode;
use crate::webauthn::WebAuthnError;

/// An error as Twilio's REST API sends it: `{"code", "message", "more_info", "status"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (Twilio error {code})")]
pub struct TwilioError {
    /// Twilio's error code, e.g. 60200.
    pub code: u32,
    /// What went wrong, e.g. `Invalid parameter: To`.
    pub message: String,
    /// The page that explains the code: `https://www.twilio.com/docs/errors/{code}`.
    pub more_info: String,
    /// The HTTP status the error is sent with.
    pub status: u16,
    /// Which rule the input broke, for errors whose code alone does not say (60200 covers every bad parameter).
    /// Twilio's clients read it as `details` (twilio-node's `RestException.details`); absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

/// What a [`TwilioError`] adds to its code: a stable reason and a sentence for people. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetails {
    /// The stable machine code of the rule that was broken, e.g. `TOO_SHORT` or `EMAIL_MISSING_AT`: a
    /// [`Reason`] as written.
    pub reason: String,
    /// What was wrong, in words.
    pub description: String,
}

/// The rule an error's `details.reason` names. Stable: clients branch on these strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A required parameter is absent or empty.
    Missing,
    /// A parameter that must be a string is not.
    NotAString,
    /// A parameter that must be `true` or `false` is not.
    NotABoolean,
    /// A parameter is longer than its limit.
    TooLong,
    /// A parameter is shorter than its limit (a code under 4 characters).
    TooShort,
    /// A parameter this API does not take (a typo is refused, not ignored).
    UnknownParameter,
    /// A body that should be JSON is not.
    MalformedJson,
    /// A body that should be a JSON object is another JSON value.
    NotAnObject,
    /// A body that must be JSON is not (`/normalize`).
    NotJson,
    /// A form body that is not UTF-8.
    NotUtf8,
    /// `channel` is none of the channels.
    UnknownChannel,
    /// `locale` is not a language tag.
    NotALocale,
    /// Not a verification SID (`VE` and 32 hex digits).
    NotAVerificationSid,
    /// A SafeList number that is not E.164.
    NotE164,
    /// `enableSnaClientToken` on a channel other than `sna` or `auto`.
    NotSna,
    /// Both `to` and `verificationSid` were given.
    ToAndSid,
    /// `RateLimits` is not an object of unique names to values.
    InvalidRateLimits,
    /// `RateLimits` names a Rate Limit the Service does not have.
    UnknownRateLimit,
    /// A recipient that is an address for a phone channel, or a number for `email`.
    ChannelMismatch,
    /// Why a phone number was refused.
    Phone(PhoneErrorCode),
    /// Why an email address was refused.
    Email(EmailErrorCode),
    /// The body is over the size limit.
    BodyTooLarge,
    /// The `Content-Type` is neither JSON nor a form.
    UnsupportedContentType,
    /// A browser on an origin not in `ALLOWED_ORIGINS`.
    OriginNotAllowed,
    /// The Turnstile token is missing.
    TurnstileMissing,
    /// siteverify refused the Turnstile token.
    TurnstileFailed,
    /// siteverify could not be reached.
    TurnstileUnavailable,
    /// One of the public API's limits is reached.
    RateLimited,
    /// A Bucket of the Service's Rate Limits refused the start.
    RateLimitExceeded,
    /// The geo permissions refuse the number's country on this channel.
    GeoPermission,
    /// The number's type is refused on this channel (SMS pumping's premium numbers).
    NumberTypeRefused,
    /// The pumping detector blocks the number's prefix.
    PrefixBlocked,
    /// The engine has no account configured.
    EngineNotConfigured,
    /// The delivery webhook did not take the code.
    DeliveryWebhookFailed,
    /// The engine has no carrier for Silent Network Auth.
    SnaUnavailable,
    /// A browser on another site called the engine's server-to-server API.
    CrossSiteRefused,
    /// Too many failed logins from one client.
    TooManyLoginFailures,
    /// A value the operator did not allow (`customFriendlyName` outside `ALLOWED_FRIENDLY_NAMES`).
    NotAllowed,
    /// No pending verification (the public API's 404).
    NoPendingVerification,
    /// The verification is no longer pending: it is in this status.
    VerificationGone(Status),
    /// An approval token that is not a compact JWS of JSON.
    TokenMalformed,
    /// An approval token whose `alg` is not ES256.
    TokenAlgorithm,
    /// An approval token whose `kid` names no key this Worker accepts.
    TokenUnknownKey,
    /// An approval token whose signature does not verify.
    TokenSignature,
    /// An approval token from another issuer.
    TokenIssuer,
    /// An approval token for another audience.
    TokenAudience,
    /// An approval token past its `exp`.
    TokenExpired,
    /// An approval token issued in the future.
    TokenNotYetValid,
    /// An approval token that was already redeemed.
    TokenRedeemed,
    /// An operator's identity token valid for longer than the Worker accepts.
    TokenLifetime,
    /// An Entity's `Identity` that is not 8 to 64 letters, digits and dashes.
    IdentityFormat,
    /// A `FactorType` this engine does not create (push; passkeys through their own issue).
    FactorTypeUnsupported,
    /// A setting out of its range (a TOTP `Config.*`).
    OutOfRange,
    /// A `Binding.Secret` that is not base32.
    SecretNotBase32,
    /// A `Binding.Secret` shorter than RFC 4226's 128 bits.
    SecretTooShort,
    /// An `AuthPayload` that is not 3 to 8 digits.
    AuthPayloadFormat,
    /// An `ExpirationDate` that is not a date, is past, or is more than 60 minutes away.
    ExpirationOutOfRange,
    /// `HiddenDetails` or `Metadata` that is not a JSON object of strings within its size.
    NotAStringMap,
    /// `Details.Fields` that are not up to 20 objects of `label` (36) and `value` (128).
    DetailsFields,
    /// A name that is blank or holds control characters.
    NotPrintable,
    /// A SID of the wrong kind or form (the public API's `factorSid`).
    NotASid,
    /// No confirmed authenticator app for the identity (or not the one named).
    NoVerifiedFactor,
    /// The identity already holds as many authenticator apps as it may.
    TooManyFactors,
    /// No such authenticator app for the identity (the public API's 404 on a factor).
    NoSuchFactor,
    /// A passkey ceremony refused at this step of WebAuthn's procedure (`WEBAUTHN_...`).
    WebAuthn(WebAuthnError),
    /// A passkey request whose body is not a JSON object with the members the operation takes.
    PasskeyRequest,
    /// A passkey challenge past its expiry, or already used.
    PasskeyChallengeSpent,
}

impl Reason {
    /// Every reason as written; the phone and email variants stand for their codes' lists.
    pub const ALL: [Self; 66] = [
        Self::Missing,
        Self::NotAString,
        Self::NotABoolean,
        Self::TooLong,
        Self::TooShort,
        Self::UnknownParameter,
        Self::MalformedJson,
        Self::NotAnObject,
        Self::NotJson,
        Self::NotUtf8,
        Self::UnknownChannel,
        Self::NotALocale,
        Self::NotAVerificationSid,
        Self::NotE164,
        Self::NotSna,
        Self::ToAndSid,
        Self::InvalidRateLimits,
        Self::UnknownRateLimit,
        Self::ChannelMismatch,
        Self::BodyTooLarge,
        Self::UnsupportedContentType,
        Self::OriginNotAllowed,
        Self::TurnstileMissing,
        Self::TurnstileFailed,
        Self::TurnstileUnavailable,
        Self::RateLimited,
        Self::RateLimitExceeded,
        Self::GeoPermission,
        Self::NumberTypeRefused,
        Self::PrefixBlocked,
        Self::EngineNotConfigured,
        Self::DeliveryWebhookFailed,
        Self::SnaUnavailable,
        Self::CrossSiteRefused,
        Self::TooManyLoginFailures,
        Self::NotAllowed,
        Self::NoPendingVerification,
        Self::VerificationGone(Status::Approved),
        Self::VerificationGone(Status::Canceled),
        Self::VerificationGone(Status::Expired),
        Self::TokenMalformed,
        Self::TokenAlgorithm,
        Self::TokenUnknownKey,
        Self::TokenSignature,
        Self::TokenIssuer,
        Self::TokenAudience,
        Self::TokenExpired,
        Self::TokenNotYetValid,
        Self::TokenRedeemed,
        Self::TokenLifetime,
        Self::IdentityFormat,
        Self::FactorTypeUnsupported,
        Self::OutOfRange,
        Self::SecretNotBase32,
        Self::SecretTooShort,
        Self::AuthPayloadFormat,
        Self::ExpirationOutOfRange,
        Self::NotAStringMap,
        Self::DetailsFields,
        Self::NotPrintable,
        Self::NotASid,
        Self::NoVerifiedFactor,
        Self::TooManyFactors,
        Self::NoSuchFactor,
        Self::PasskeyRequest,
        Self::PasskeyChallengeSpent,
    ];

    /// The reason as `details.reason` writes it, e.g. `NOT_A_STRING`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "MISSING",
            Self::NotAString => "NOT_A_STRING",
            Self::NotABoolean => "NOT_A_BOOLEAN",
            Self::TooLong => "TOO_LONG",
            Self::TooShort => "TOO_SHORT",
            Self::UnknownParameter => "UNKNOWN_PARAMETER",
            Self::MalformedJson => "MALFORMED_JSON",
            Self::NotAnObject => "NOT_AN_OBJECT",
            Self::NotJson => "NOT_JSON",
            Self::NotUtf8 => "NOT_UTF8",
            Self::UnknownChannel => "UNKNOWN_CHANNEL",
            Self::NotALocale => "NOT_A_LOCALE",
            Self::NotAVerificationSid => "NOT_A_VERIFICATION_SID",
            Self::NotE164 => "NOT_E164",
            Self::NotSna => "NOT_SNA",
            Self::ToAndSid => "TO_AND_SID",
            Self::InvalidRateLimits => "INVALID_RATE_LIMITS",
            Self::UnknownRateLimit => "UNKNOWN_RATE_LIMIT",
            Self::ChannelMismatch => "CHANNEL_MISMATCH",
            Self::Phone(code) => code.as_str(),
            Self::Email(code) => code.as_str(),
            Self::WebAuthn(step) => step.reason(),
            Self::PasskeyRequest => "PASSKEY_REQUEST",
            Self::PasskeyChallengeSpent => "PASSKEY_CHALLENGE_SPENT",
            Self::BodyTooLarge => "BODY_TOO_LARGE",
            Self::UnsupportedContentType => "UNSUPPORTED_CONTENT_TYPE",
            Self::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            Self::TurnstileMissing => "TURNSTILE_MISSING",
            Self::TurnstileFailed => "TURNSTILE_FAILED",
            Self::TurnstileUnavailable => "TURNSTILE_UNAVAILABLE",
            Self::RateLimited => "RATE_LIMITED",
            Self::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            Self::GeoPermission => "GEO_PERMISSION",
            Self::NumberTypeRefused => "NUMBER_TYPE_REFUSED",
            Self::PrefixBlocked => "PREFIX_BLOCKED",
            Self::EngineNotConfigured => "ENGINE_NOT_CONFIGURED",
            Self::DeliveryWebhookFailed => "DELIVERY_WEBHOOK_FAILED",
            Self::SnaUnavailable => "SNA_UNAVAILABLE",
            Self::CrossSiteRefused => "CROSS_SITE_REFUSED",
            Self::TooManyLoginFailures => "TOO_MANY_LOGIN_FAILURES",
            Self::NotAllowed => "NOT_ALLOWED",
            Self::NoPendingVerification => "NO_PENDING_VERIFICATION",
            Self::VerificationGone(status) => match status {
                Status::Pending => "VERIFICATION_PENDING",
                Status::Approved => "VERIFICATION_APPROVED",
                Status::Canceled => "VERIFICATION_CANCELED",
                Status::MaxAttemptsReached => "VERIFICATION_MAX_ATTEMPTS_REACHED",
                Status::Deleted => "VERIFICATION_DELETED",
                Status::Failed => "VERIFICATION_FAILED",
                Status::Expired => "VERIFICATION_EXPIRED",
            },
            Self::TokenMalformed => "TOKEN_MALFORMED",
            Self::TokenAlgorithm => "TOKEN_ALGORITHM",
            Self::TokenUnknownKey => "TOKEN_UNKNOWN_KEY",
            Self::TokenSignature => "TOKEN_SIGNATURE",
            Self::TokenIssuer => "TOKEN_ISSUER",
            Self::TokenAudience => "TOKEN_AUDIENCE",
            Self::TokenExpired => "TOKEN_EXPIRED",
            Self::TokenNotYetValid => "TOKEN_NOT_YET_VALID",
            Self::TokenRedeemed => "TOKEN_REDEEMED",
            Self::TokenLifetime => "TOKEN_LIFETIME",
            Self::IdentityFormat => "IDENTITY_FORMAT",
            Self::FactorTypeUnsupported => "FACTOR_TYPE_UNSUPPORTED",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::SecretNotBase32 => "SECRET_NOT_BASE32",
            Self::SecretTooShort => "SECRET_TOO_SHORT",
            Self::AuthPayloadFormat => "AUTH_PAYLOAD_FORMAT",
            Self::ExpirationOutOfRange => "EXPIRATION_OUT_OF_RANGE",
            Self::NotAStringMap => "NOT_A_STRING_MAP",
            Self::DetailsFields => "DETAILS_FIELDS",
            Self::NotPrintable => "NOT_PRINTABLE",
            Self::NotASid => "NOT_A_SID",
            Self::NoVerifiedFactor => "NO_VERIFIED_FACTOR",
            Self::TooManyFactors => "TOO_MANY_FACTORS",
            Self::NoSuchFactor => "NO_SUCH_FACTOR",
        }
    }
}

impl TwilioError {
    /// An error with Twilio's `code`, HTTP `status` and `message`; `more_info` links the code's documentation.
    /// Only this catalogue calls it (a test holds every other file to the named constructors below).
    pub fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            more_info: format!("https://www.twilio.com/docs/errors/{code}"),
            status,
            details: None,
        }
    }

    /// The same error, saying which rule was broken.
    pub fn with_reason(mut self, reason: Reason, description: &str) -> Self {
        self.details = Some(ErrorDetails {
            reason: reason.as_str().to_owned(),
            description: description.to_owned(),
        });
        self
    }

    /// The reason this error names, as written, if any.
    pub fn reason(&self) -> Option<&str> {
        self.details.as_ref().map(|d| d.reason.as_str())
    }

    /// 20003, HTTP 401: the account SID or auth token is missing or wrong.
    pub fn authenticate() -> Self {
        Self::new(20003, 401, "Authenticate")
    }

    /// 20004, HTTP 405: the resource does not take this HTTP method.
    pub fn method_not_allowed() -> Self {
        Self::new(20004, 405, "Method not allowed")
    }

    /// 20403, HTTP 403: the caller may not do this (an origin not allowed, a bot check refused).
    pub fn forbidden() -> Self {
        Self::new(20403, 403, "Forbidden")
    }

    /// 20404, HTTP 404: no such resource, or a verification that is no longer pending (approved, canceled, expired
    /// or out of attempts).
    pub fn not_found() -> Self {
        Self::new(20404, 404, "The requested resource was not found")
    }

    /// 20413, HTTP 413: the request body is over the route's limit.
    pub fn payload_too_large() -> Self {
        Self::new(20413, 413, "Request body too large")
    }

    /// 20415, HTTP 415: the body is neither JSON nor a URL-encoded form.
    pub fn unsupported_media_type() -> Self {
        Self::new(20415, 415, "Unsupported media type")
    }

    /// 20429, HTTP 429: a rate limit is reached; `Retry-After` says when to try again.
    pub fn too_many_requests() -> Self {
        Self::new(20429, 429, "Too many requests")
    }

    /// 20500, HTTP 500: the Worker is misconfigured (its log says which setting).
    pub fn internal_error() -> Self {
        Self::new(20500, 500, "Internal Server Error")
    }

    /// 20500, HTTP 502: the delivery webhook did not take the code; nothing was stored.
    pub fn delivery_failed() -> Self {
        Self::new(20500, 502, "The code could not be delivered")
    }

    /// 20502, HTTP 502: the upstream failed, refused our credentials or answered what we cannot read. Deliberately
    /// says nothing more: the details go to the Worker's log, never to the browser.
    pub fn upstream_failed() -> Self {
        Self::new(20502, 502, "The verification service is unavailable")
    }

    /// 20503, HTTP 503: a service the request depends on (the bot check) cannot be reached; try again.
    pub fn service_unavailable() -> Self {
        Self::new(20503, 503, "Service unavailable")
    }

    /// 60200, HTTP 400: a request parameter is missing or wrong, e.g. `Invalid parameter: To`.
    pub fn invalid_parameter(name: &str) -> Self {
        Self::new(60200, 400, format!("Invalid parameter: {name}"))
    }

    /// 60200, HTTP 400, when the upstream named a parameter the browser does not control.
    pub fn invalid_parameter_unnamed() -> Self {
        Self::new(60200, 400, "Invalid parameter")
    }

    /// 60202, HTTP 429: too many wrong codes were checked (5) for this verification.
    pub fn max_check_attempts() -> Self {
        Self::new(60202, 429, "Max check attempts reached")
    }

    /// 60203, HTTP 429: too many codes were sent (5) to this recipient without one being approved.
    pub fn max_send_attempts() -> Self {
        Self::new(60203, 429, "Max send attempts reached")
    }

    /// 60204, HTTP 403: the Service does not support this feature (`CustomCode` without `CustomCodeEnabled`).
    pub fn feature_not_supported() -> Self {
        Self::new(60204, 403, "Service does not support this feature")
    }

    /// 60205, HTTP 403: SMS to a landline.
    pub fn sms_to_landline() -> Self {
        Self::new(60205, 403, "SMS is not supported by landline phone number")
    }

    /// 60206, HTTP 400: a PSD2 Service's start or check without `Amount` and `Payee`.
    pub fn psd2_parameters_required() -> Self {
        Self::new(60206, 400, "'Amount' & 'Payee' params are required")
    }

    /// 60207, HTTP 400: a Service has its 10 Rate Limits already.
    pub fn too_many_rate_limits() -> Self {
        Self::new(60207, 400, "Max rate limits per service reached")
    }

    /// 60208, HTTP 400: a Rate Limit with that `UniqueName` exists.
    pub fn rate_limit_name_taken() -> Self {
        Self::new(60208, 400, "Rate limit with that UniqueName already exists")
    }

    /// 60209, HTTP 400: a `UniqueName` with characters other than letters, digits, `-`, `_` and `.`.
    pub fn invalid_unique_name() -> Self {
        Self::new(60209, 400, "UniqueName format is invalid")
    }

    /// 60210, HTTP 400: a Rate Limit has its 5 Buckets already.
    pub fn too_many_buckets() -> Self {
        Self::new(60210, 400, "Max Buckets per Rate limit reached")
    }

    /// 60211, HTTP 400: the Rate Limit has a Bucket with that `Interval`.
    pub fn bucket_interval_taken() -> Self {
        Self::new(60211, 400, "Bucket with the given Interval already exists")
    }

    /// 60212, HTTP 429: another request for this recipient is still under way.
    pub fn concurrent_requests() -> Self {
        Self::new(60212, 429, "Too many concurrent requests for phone number")
    }

    /// 60223, HTTP 400: the channel is disabled for this Service.
    pub fn channel_disabled() -> Self {
        Self::new(60223, 400, "Delivery channel disabled")
    }

    /// 60238, HTTP 403: Twilio blocked the creation of the verification.
    pub fn creation_blocked() -> Self {
        Self::new(60238, 403, "Verification creation attempt blocked")
    }

    /// 60410, HTTP 403: the delivery was blocked (Fraud Guard; here, the pumping detector).
    pub fn delivery_blocked() -> Self {
        Self::new(60410, 403, "Verification delivery attempt blocked")
    }

    /// 60413, HTTP 403: Verify Device Intelligence blocked the verification.
    pub fn device_intelligence_blocked() -> Self {
        Self::new(
            60413,
            403,
            "Verification blocked by Verify Device Intelligence",
        )
    }

    /// 60605, HTTP 403: the geo permissions (or a refused number type) block the delivery.
    pub fn geo_permission_blocked() -> Self {
        Self::new(
            60605,
            403,
            "Verification delivery attempt blocked by Verify Geo-Permissions",
        )
    }

    /// 60301, HTTP 409: the Service has an Entity with that `Identity` already.
    pub fn entity_exists() -> Self {
        Self::new(60301, 409, "Entity already exists")
    }

    /// 60306, HTTP 400: a parameter of an Entity, Factor or Challenge request is missing or malformed (Twilio's one
    /// code for them: `Identity`, `FriendlyName`, `Binding.*`, `AuthPayload`, `FactorSid`, `ExpirationDate`,
    /// `Details.*`, `HiddenDetails`, `Metadata`, paging), e.g. `Invalid Request: Identity`.
    pub fn invalid_request(name: &str) -> Self {
        Self::new(60306, 400, format!("Invalid Request: {name}"))
    }

    /// 60308, HTTP 429: a Challenge had its 5 attempts; create a new one.
    pub fn max_challenge_attempts() -> Self {
        Self::new(60308, 429, "Challenge verification attempts limit reached")
    }

    /// 60310, HTTP 429: a Factor had its 5 verification attempts; create a new one.
    pub fn max_factor_attempts() -> Self {
        Self::new(60310, 429, "Factor verification attempts reached")
    }

    /// 60318, HTTP 403: the Factor is not verified yet, so it cannot be challenged.
    pub fn factor_unverified() -> Self {
        Self::new(60318, 403, "Factor is unverified")
    }

    /// 60322, HTTP 403: the Challenge was responded to already (approved or denied).
    pub fn challenge_already_responded() -> Self {
        Self::new(60322, 403, "Challenge already responded")
    }

    /// 60323, HTTP 403: the Challenge is past its `expiration_date`.
    pub fn challenge_expired() -> Self {
        Self::new(60323, 403, "Challenge expired")
    }

    /// 60371, HTTP 400: the passkeys relying party is missing or malformed (`config.relying_party`, or the
    /// Service's `Passkeys.RelyingParty.*`), or the ceremony's origin is not one of its origins.
    pub fn relying_party_invalid() -> Self {
        Self::new(60371, 400, "Relying party invalid or not provided")
    }

    /// 60372, HTTP 400: the relying party id is missing, not a bare domain, or not the one the authenticator
    /// scoped the credential to.
    pub fn relying_party_id_invalid() -> Self {
        Self::new(60372, 400, "Relying party id invalid or not provided")
    }

    /// 60375, HTTP 400: the credential's `id` is missing or is not base64url of `rawId`.
    pub fn passkey_id_invalid() -> Self {
        Self::new(60375, 400, "Invalid id")
    }

    /// 60376, HTTP 400: `rawId` is missing or malformed.
    pub fn passkey_raw_id_invalid() -> Self {
        Self::new(60376, 400, "Invalid rawId")
    }

    /// 60377, HTTP 400: `authenticatorAttachment` is missing or not `platform`/`cross-platform`.
    pub fn authenticator_attachment_invalid() -> Self {
        Self::new(
            60377,
            400,
            "Authenticator attachment invalid or not provided",
        )
    }

    /// 60378, HTTP 400: the authenticator's `response` object is missing or malformed.
    pub fn authenticator_response_invalid() -> Self {
        Self::new(60378, 400, "Authenticator response invalid or not provided")
    }

    /// 60379, HTTP 400: `authenticatorData` is missing or malformed, or its flags or counter are refused.
    pub fn authenticator_data_invalid() -> Self {
        Self::new(60379, 400, "Authenticator data invalid or not provided")
    }

    /// 60380, HTTP 400: `clientDataJSON` is missing or malformed, or not this ceremony's (type, challenge, frame).
    pub fn client_data_invalid() -> Self {
        Self::new(60380, 400, "Client data invalid or not provided")
    }

    /// 60381, HTTP 400: the assertion's `signature` is missing, malformed or does not verify.
    pub fn passkey_signature_invalid() -> Self {
        Self::new(60381, 400, "Signature invalid or not provided")
    }

    /// 60383, HTTP 403: the passkey Factor is not in a state for this operation (verified twice, or challenged
    /// while unverified).
    pub fn illegal_factor_status() -> Self {
        Self::new(60383, 403, "Illegal factor status")
    }

    /// 60385, HTTP 400: the credential's public key is missing, malformed, or of an algorithm not offered.
    pub fn passkey_public_key_invalid() -> Self {
        Self::new(60385, 400, "Public key invalid or not provided")
    }

    /// 60386, HTTP 400: the attestation object is missing or malformed, or its statement does not verify.
    pub fn attestation_object_invalid() -> Self {
        Self::new(60386, 400, "Attestation object invalid or not provided")
    }

    /// 60387, HTTP 400: the attested credential data is missing or malformed.
    pub fn attested_credential_data_invalid() -> Self {
        Self::new(
            60387,
            400,
            "Attested credential data invalid or not provided",
        )
    }

    /// 60388, HTTP 400: a passkey Factor without `friendly_name` (the user's name in the authenticator).
    pub fn user_display_name_missing() -> Self {
        Self::new(60388, 400, "User display name not provided")
    }

    /// 60390, HTTP 404: no such passkey Factor (none of the Entity's verified passkeys has the credential).
    pub fn factor_not_found() -> Self {
        Self::new(60390, 404, "Factor not found")
    }

    /// 60391, HTTP 404: no passkeys Challenge for this answer (its challenge was never issued, was used, or
    /// expired).
    pub fn challenge_not_found() -> Self {
        Self::new(60391, 404, "Challenge not found")
    }

    /// 60392, HTTP 404: no Entity with that identity in the Service.
    pub fn entity_not_found() -> Self {
        Self::new(60392, 404, "Entity not found")
    }

    /// 60393, HTTP 400: `authenticator_attachment`, `discoverable_credentials` or `user_verification` is in
    /// neither the request's `config` nor the Service's `Passkeys.*`; the message lists them.
    pub fn authenticator_criteria_missing(missing: &[&str]) -> Self {
        Self::new(
            60393,
            400,
            format!(
                "Authenticator criteria are missing from the request: {}",
                missing.join(", ")
            ),
        )
    }

    /// The refusal of a passkey ceremony at `step`: Twilio's code for the part of the request that failed, and
    /// `details.reason` naming the step (`WEBAUTHN_ORIGIN`, `WEBAUTHN_COUNTER`, ...).
    pub fn from_webauthn(step: WebAuthnError) -> Self {
        let error = match step {
            WebAuthnError::ClientData
            | WebAuthnError::CeremonyType
            | WebAuthnError::Challenge
            | WebAuthnError::CrossOrigin => Self::client_data_invalid(),
            WebAuthnError::Origin => Self::relying_party_invalid(),
            WebAuthnError::RpIdHash => Self::relying_party_id_invalid(),
            WebAuthnError::AttestationObject
            | WebAuthnError::AttestationFormat
            | WebAuthnError::AttestationStatement
            | WebAuthnError::AttestationCertificate => Self::attestation_object_invalid(),
            WebAuthnError::AuthenticatorData
            | WebAuthnError::UserPresence
            | WebAuthnError::UserVerification
            | WebAuthnError::BackupFlags
            | WebAuthnError::Counter => Self::authenticator_data_invalid(),
            WebAuthnError::NoCredential | WebAuthnError::CredentialId => {
                Self::attested_credential_data_invalid()
            }
            WebAuthnError::CredentialKey | WebAuthnError::Algorithm => {
                Self::passkey_public_key_invalid()
            }
            WebAuthnError::Signature => Self::passkey_signature_invalid(),
        };
        error.with_reason(Reason::WebAuthn(step), &step.to_string())
    }

    /// 60369, HTTP 400: `FactorType` is missing, or names a type this engine does not create.
    pub fn invalid_factor_type() -> Self {
        Self::new(60369, 400, "Factor type invalid or not provided")
    }

    /// 60370, HTTP 400: a factor setting (`Config.*`) is out of Twilio's range, e.g. `Factor config invalid:
    /// Config.TimeStep`.
    pub fn invalid_factor_config(name: &str) -> Self {
        Self::new(60370, 400, format!("Factor config invalid: {name}"))
    }

    /// 20409, HTTP 409: the approval token was already redeemed (`TokenRedeemed`; verify-edge's own, `20000 + HTTP status`).
    pub fn token_redeemed() -> Self {
        Self::new(20409, 409, "Approval token already redeemed")
    }

    /// One of every error of the catalogue, for tests that walk it.
    pub fn catalog() -> Vec<Self> {
        vec![
            Self::authenticate(),
            Self::method_not_allowed(),
            Self::forbidden(),
            Self::not_found(),
            Self::payload_too_large(),
            Self::unsupported_media_type(),
            Self::too_many_requests(),
            Self::internal_error(),
            Self::delivery_failed(),
            Self::upstream_failed(),
            Self::service_unavailable(),
            Self::invalid_parameter("To"),
            Self::max_check_attempts(),
            Self::max_send_attempts(),
            Self::feature_not_supported(),
            Self::sms_to_landline(),
            Self::psd2_parameters_required(),
            Self::too_many_rate_limits(),
            Self::rate_limit_name_taken(),
            Self::invalid_unique_name(),
            Self::too_many_buckets(),
            Self::bucket_interval_taken(),
            Self::concurrent_requests(),
            Self::channel_disabled(),
            Self::creation_blocked(),
            Self::delivery_blocked(),
            Self::device_intelligence_blocked(),
            Self::geo_permission_blocked(),
            Self::token_redeemed(),
            Self::entity_exists(),
            Self::invalid_request("Identity"),
            Self::max_challenge_attempts(),
            Self::max_factor_attempts(),
            Self::factor_unverified(),
            Self::challenge_already_responded(),
            Self::challenge_expired(),
            Self::invalid_factor_type(),
            Self::invalid_factor_config("Config.TimeStep"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::path::Path;

    use super::{Reason, TwilioError};
    use crate::phone::PhoneErrorCode;
    use crate::verify::email::EmailErrorCode;
    use crate::webauthn::WebAuthnError;

    #[test]
    fn each_code_and_status_has_one_message_and_links_its_page() {
        let mut messages: HashMap<(u32, u16), String> = HashMap::new();
        for error in TwilioError::catalog() {
            assert_eq!(
                error.more_info,
                format!("https://www.twilio.com/docs/errors/{}", error.code)
            );
            assert!((400..600).contains(&error.status), "{error:?}");
            assert!(error.details.is_none(), "{error:?}");
            if let Some(other) = messages.insert((error.code, error.status), error.message.clone())
            {
                panic!(
                    "{} ({}) is written twice: {other:?} and {:?}",
                    error.code, error.status, error.message
                );
            }
        }
        // Twilio's own texts, where its documentation gives them.
        let message = |code: u32| {
            messages
                .iter()
                .find(|((c, _), _)| *c == code)
                .map(|(_, m)| m.as_str())
        };
        assert_eq!(
            message(60206),
            Some("'Amount' & 'Payee' params are required")
        );
        assert_eq!(
            message(60212),
            Some("Too many concurrent requests for phone number")
        );
        assert_eq!(message(20003), Some("Authenticate"));
    }

    #[test]
    fn reasons_are_distinct_screaming_snake_case() {
        let mut seen = HashSet::new();
        let phone = PhoneErrorCode::ALL.map(Reason::Phone);
        let email = [
            EmailErrorCode::Empty,
            EmailErrorCode::MissingAt,
            EmailErrorCode::DomainInvalid,
            EmailErrorCode::TldNumeric,
        ]
        .map(Reason::Email);
        let webauthn = WebAuthnError::ALL.map(Reason::WebAuthn);
        for reason in Reason::ALL
            .into_iter()
            .chain(phone)
            .chain(email)
            .chain(webauthn)
        {
            let text = reason.as_str();
            assert!(
                !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{text}"
            );
            // A phone rule and a parameter rule may share a name (TOO_SHORT, TOO_LONG): same meaning, one text.
            if !matches!(reason, Reason::Phone(_)) {
                assert!(seen.insert(text), "{text} is written by two reasons");
            }
        }
    }

    /// Every error the crate answers with comes from this catalogue: no other file spells a code, a status and a
    /// message, or a `details.reason`, as literals.
    #[test]
    fn no_error_is_written_outside_the_catalogue() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("src/ is readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    walk(&path, found);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("verify/error.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                let squashed: String = text.split_whitespace().collect();
                for needle in ["TwilioError::new(", "with_reason(\""] {
                    if squashed.contains(needle) {
                        found.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "errors written outside the catalogue: {found:?}"
        );
    }
}
