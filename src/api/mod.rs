//! The public API that web frontends call (`/verify/start`, `/verify/check`, `/verify/status/{sid}`): its
//! parameters, what it answers, and how a Verify v2 upstream's answers become those.
//!
//! Plain Rust: the Worker serves this contract and the browser package's `VerifyClient` speaks it, so both read
//! and check parameters with the same code. A browser never names a Service or holds a credential: the Worker adds
//! both when it forwards a request upstream.

pub mod passkey;
pub mod totp;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::form::Form;
use crate::engine::request::pick_channel;
use crate::engine::verification::{CheckRequest, StartRequest};
use crate::phone::normalize_phone;
use crate::phone::PhoneErrorCode;
use crate::verify::model::{self, RequestedChannel, Status, TwilioError};
use crate::verify::recipient::{
    classify_recipient_with, PhoneNormalizer, Recipient, RecipientError,
};
use crate::verify::sid::VerificationSid;
use crate::verify::{Reason, Target};

/// The largest request body the public API reads, in bytes; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Longest `customFriendlyName`, in characters.
const MAX_FRIENDLY_NAME_CHARS: usize = 64;
/// Longest `snaClientToken`, in characters.
const MAX_SNA_CLIENT_TOKEN_CHARS: usize = 512;

/// What `POST /verify/start` takes, in a JSON or form body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct StartParams {
    /// The phone number (any form; national forms need `defaultRegion`) or, for channel `email`, the address.
    pub to: String,
    /// `sms`, `call`, `email`, `whatsapp`, `sna` or `auto`.
    pub channel: RequestedChannel,
    /// The region (ISO 3166-1 alpha-2) that national phone numbers are read in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub default_region: Option<String>,
    /// The language of the message, e.g. `en` or `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub locale: Option<String>,
    /// The name the message gives the sender, in place of the Service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub custom_friendly_name: Option<String>,
    /// For `sna`: have the carrier's answer carry a token that `check` must then send back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub enable_sna_client_token: Option<bool>,
    /// The Turnstile token, when the Worker requires one (`TURNSTILE_SECRET_KEY`). In a form, the widget's own
    /// field `cf-turnstile-response` is read too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub turnstile_token: Option<String>,
}

/// What `POST /verify/check` takes, in a JSON or form body: `to` or `verificationSid` (one of them), and the
/// `code` (or, for `sna`, nothing, or the `snaClientToken`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
#[serde(rename_all = "camelCase")]
pub struct CheckParams {
    /// The recipient the verification was started for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub to: Option<String>,
    /// The verification's SID (`VE...`), in place of `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub verification_sid: Option<String>,
    /// The code the user received: 4 to 10 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub code: Option<String>,
    /// For `sna` with `enableSnaClientToken`: the token from the carrier's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub sna_client_token: Option<String>,
    /// The region (ISO 3166-1 alpha-2) a national `to` is read in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(all(feature = "browser-http", target_arch = "wasm32"), tsify(optional))]
    pub default_region: Option<String>,
}

/// A verification as the public API shows it: what a browser needs, nothing of the account, the Service or the
/// carrier lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify),
    tsify(missing_as_null) // the API answers null, never leaves a field out
)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The verification's SID, `VE` and 32 hex digits.
    pub sid: String,
    /// The recipient: the E.164 number or the normalized email address (masked by `/verify/status`, as
    /// [`mask_recipient`] writes it).
    pub to: String,
    /// The channel the code went out on (`auto` resolved to the one picked).
    pub channel: model::Channel,
    /// `pending`, `approved`, `canceled`, `max_attempts_reached`, `deleted`, `failed` or `expired`.
    pub status: Status,
    /// For `sna`: the URL the device must open over cellular data.
    pub sna: Option<SnaUrl>,
    /// How many times a code has been sent for this verification.
    pub send_code_attempts: u32,
    /// When it was created (ISO 8601, UTC).
    pub date_created: String,
}

/// The URL a device invokes for silent network auth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub struct SnaUrl {
    /// Single use, valid for the verification's lifetime.
    pub url: String,
}

/// What `POST /verify/check` answers. A wrong code is not an error: `status` stays `pending` and `valid` false.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    all(feature = "browser-http", target_arch = "wasm32"),
    derive(tsify::Tsify),
    tsify(missing_as_null) // the API answers null, never leaves a field out
)]
#[serde(rename_all = "camelCase")]
pub struct VerificationCheck {
    /// The verification's SID.
    pub sid: String,
    /// `approved` when the code (or the carrier) confirmed the recipient; `pending` when not yet.
    pub status: Status,
    /// Whether this check approved the verification.
    pub valid: bool,
    /// For `sna`: the error code of the latest carrier attempt (`60519` while the result is pending), if any.
    pub sna_error_code: Option<u32>,
    /// When this check approved the verification: the signed approval token (an ES256 JWT) for the app's server
    /// to check against `/.well-known/jwks.json`; `null` otherwise. The page only carries it: the server must
    /// verify it (signature, `iss`, `aud`, `exp`) and never take the browser's word that a number was verified.
    pub token: Option<String>,
}

/// What `POST /verify/redeem` takes: the approval token, in a JSON or form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemParams {
    /// The approval token.
    pub token: String,
}

/// Longest approval token `/verify/redeem` reads, in characters (ours are under 1 KiB).
const MAX_TOKEN_CHARS: usize = 4096;

impl RedeemParams {
    /// Reads a redeem body: `token`, and nothing else.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        let params = Params::parse(body, kind, &["token"])?;
        Ok(Self {
            token: params.required("token", MAX_TOKEN_CHARS)?,
        })
    }
}

/// A verification to create upstream, its recipient normalized. Twilio mode sends it as [`UpstreamStart::form`];
/// the engine takes it as it is ([`UpstreamStart::engine_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamStart {
    /// The normalized recipient.
    pub to: String,
    /// The recipient as read: the phone number with what is known of it, or the address.
    pub recipient: Recipient,
    /// The channel asked for.
    pub channel: RequestedChannel,
    /// The language of the message.
    pub locale: Option<String>,
    /// The sender name the message shows, in place of the Service's.
    pub custom_friendly_name: Option<String>,
    /// For `sna`: have the carrier's answer carry a token the check must repeat.
    pub enable_sna_client_token: bool,
    /// A code the caller chose (`CustomCode`): the legacy API's `custom_code`; never set by the public API.
    pub custom_code: Option<String>,
}

/// A check to send upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamCheck {
    /// The verification the check is for: its SID, or its normalized recipient.
    pub target: Target,
    /// The code the user typed.
    pub code: Option<String>,
    /// For `sna` with a client token: the token from the carrier's answer.
    pub sna_client_token: Option<String>,
}

/// How a request body is encoded, read from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`, as an HTML form posts.
    Form,
}

impl BodyKind {
    /// Reads a `Content-Type` header; anything but JSON or a URL-encoded form is 415.
    pub fn from_content_type(header: Option<&str>) -> Result<Self, TwilioError> {
        let essence = header
            .and_then(|h| h.split(';').next())
            .map(|h| h.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match essence.as_str() {
            "application/json" => Ok(Self::Json),
            "application/x-www-form-urlencoded" => Ok(Self::Form),
            _ => Err(unsupported_media_type()),
        }
    }
}

/// 20413, HTTP 413: the body is over the route's limit, `max` bytes ([`MAX_BODY_BYTES`] for this API).
pub fn payload_too_large(max: usize) -> TwilioError {
    TwilioError::payload_too_large().with_reason(
        Reason::BodyTooLarge,
        &format!("the body must be at most {max} bytes"),
    )
}

/// 20415, HTTP 415: the body is neither JSON nor a URL-encoded form.
pub fn unsupported_media_type() -> TwilioError {
    TwilioError::unsupported_media_type().with_reason(
        Reason::UnsupportedContentType,
        "send Content-Type application/json or application/x-www-form-urlencoded",
    )
}

/// 20403, HTTP 403: a browser on an origin this Worker does not serve.
pub fn origin_not_allowed() -> TwilioError {
    TwilioError::forbidden().with_reason(
        Reason::OriginNotAllowed,
        "this origin is not in the Worker's ALLOWED_ORIGINS",
    )
}

/// One parameter's value as the readers see it, whichever door it came in by: a JSON body or a form (the Worker),
/// or a JS object (the npm package's clients, which read their parameters with this same code).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// `null` (or, from JS, `undefined`): as if absent.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Text(String),
    /// A JSON object (JSON bodies only; a form cannot carry one).
    Object(Map<String, Value>),
    /// Anything else: a number, an array, or (from JS) an object the route takes no object for.
    Other,
}

impl From<Value> for ParamValue {
    fn from(value: Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(b),
            Value::String(s) => Self::Text(s),
            Value::Object(object) => Self::Object(object),
            Value::Number(_) | Value::Array(_) => Self::Other,
        }
    }
}

/// The parameters of a request, one value per name: a body, JSON or form, or the object a client was given.
pub struct Params {
    values: Vec<(String, ParamValue)>,
}

impl Params {
    /// Reads a body as `kind` says it is encoded; a name outside `known` is an error naming it.
    pub fn parse(body: &[u8], kind: BodyKind, known: &[&str]) -> Result<Self, TwilioError> {
        let values = match kind {
            BodyKind::Json => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(values)) => values
                    .into_iter()
                    .map(|(name, value)| (name, ParamValue::from(value)))
                    .collect(),
                Ok(_) => return Err(not_an_object()),
                Err(_) => {
                    return Err(malformed_body(
                        Reason::MalformedJson,
                        "the body is not JSON",
                    ))
                }
            },
            BodyKind::Form => {
                let Ok(body) = std::str::from_utf8(body) else {
                    return Err(malformed_body(Reason::NotUtf8, "the body is not UTF-8"));
                };
                let form = Form::parse(body.as_bytes());
                form.pairs()
                    .map(|(name, value)| (name.to_owned(), ParamValue::Text(value.to_owned())))
                    .collect()
            }
        };
        Self::from_values(values, known)
    }

    /// The parameters of an object already read (a JS object's own properties, in the npm package); a name outside
    /// `known` is an error naming it. A name given twice keeps its last value, as a JSON object or a form does.
    pub fn from_values(
        values: Vec<(String, ParamValue)>,
        known: &[&str],
    ) -> Result<Self, TwilioError> {
        let mut unique: Vec<(String, ParamValue)> = Vec::with_capacity(values.len());
        for (name, value) in values {
            match unique.iter_mut().find(|(seen, _)| *seen == name) {
                Some(slot) => slot.1 = value,
                None => unique.push((name, value)),
            }
        }
        // The first unknown name in sorted order, whatever order the names came in.
        if let Some(unknown) = unique
            .iter()
            .map(|(name, _)| name)
            .filter(|name| !known.contains(&name.as_str()))
            .min()
        {
            return Err(TwilioError::invalid_parameter(&printable(unknown))
                .with_reason(Reason::UnknownParameter, "this API takes no such parameter"));
        }
        Ok(Self { values: unique })
    }

    fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values
            .iter()
            .find(|(seen, _)| seen == name)
            .map(|(_, value)| value)
    }

    /// A string parameter; `null` or absent is `None`, an empty string too.
    fn text(&self, name: &str, max_chars: usize) -> Result<Option<String>, TwilioError> {
        match self.get(name) {
            None | Some(ParamValue::Null) => Ok(None),
            Some(ParamValue::Text(s)) if s.is_empty() => Ok(None),
            Some(ParamValue::Text(s)) if s.chars().count() <= max_chars => Ok(Some(s.clone())),
            Some(ParamValue::Text(_)) => Err(TwilioError::invalid_parameter(name).with_reason(
                Reason::TooLong,
                &format!("`{name}` must be at most {max_chars} characters"),
            )),
            Some(_) => Err(TwilioError::invalid_parameter(name)
                .with_reason(Reason::NotAString, &format!("`{name}` must be a string"))),
        }
    }

    fn required(&self, name: &str, max_chars: usize) -> Result<String, TwilioError> {
        self.text(name, max_chars)?.ok_or_else(|| {
            TwilioError::invalid_parameter(name)
                .with_reason(Reason::Missing, &format!("`{name}` is required"))
        })
    }

    /// A JSON object parameter (JSON bodies only; a form cannot carry one): `null` or absent is `None`.
    fn object(&self, name: &str) -> Result<Option<Map<String, Value>>, TwilioError> {
        match self.get(name) {
            None | Some(ParamValue::Null) => Ok(None),
            Some(ParamValue::Object(object)) => Ok(Some(object.clone())),
            Some(_) => Err(TwilioError::invalid_parameter(name).with_reason(
                Reason::NotAnObject,
                &format!("`{name}` must be a JSON object"),
            )),
        }
    }

    /// A boolean: JSON `true`/`false`, or `true`/`false` in a form.
    fn bool(&self, name: &str) -> Result<Option<bool>, TwilioError> {
        match self.get(name) {
            None | Some(ParamValue::Null) => Ok(None),
            Some(ParamValue::Bool(b)) => Ok(Some(*b)),
            Some(ParamValue::Text(s)) if s == "true" => Ok(Some(true)),
            Some(ParamValue::Text(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(TwilioError::invalid_parameter(name).with_reason(
                Reason::NotABoolean,
                &format!("`{name}` must be true or false"),
            )),
        }
    }
}

/// 60200 naming `body`: the parameters are not an object (a JSON array or scalar, or from JS anything but a plain
/// object).
pub fn not_an_object() -> TwilioError {
    malformed_body(Reason::NotAnObject, "the body must be a JSON object")
}

fn malformed_body(reason: Reason, description: &str) -> TwilioError {
    TwilioError::invalid_parameter("body").with_reason(reason, description)
}

/// A parameter name as it may be echoed in a message: short, printable ASCII.
fn printable(name: &str) -> String {
    name.chars()
        .take(40)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

impl StartParams {
    const NAMES: [&'static str; 8] = [
        "to",
        "channel",
        "defaultRegion",
        "locale",
        "customFriendlyName",
        "enableSnaClientToken",
        "turnstileToken",
        "cf-turnstile-response",
    ];

    /// Reads and checks a start body. Every bad parameter is a 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        Self::from_params(&Params::parse(body, kind, &Self::NAMES)?)
    }

    /// Reads and checks a start's parameters already read into values (a client's object), as [`Self::from_body`].
    pub fn from_values(values: Vec<(String, ParamValue)>) -> Result<Self, TwilioError> {
        Self::from_params(&Params::from_values(values, &Self::NAMES)?)
    }

    fn from_params(params: &Params) -> Result<Self, TwilioError> {
        let to = params.required("to", 320)?;
        let channel = params.required("channel", 16)?;
        let channel = channel.parse::<RequestedChannel>().map_err(|()| {
            TwilioError::invalid_parameter("channel").with_reason(
                Reason::UnknownChannel,
                "`channel` must be sms, call, email, whatsapp, sna or auto",
            )
        })?;
        let start = Self {
            to,
            channel,
            default_region: params.text("defaultRegion", 8)?,
            locale: params.text("locale", 16)?,
            custom_friendly_name: params.text("customFriendlyName", MAX_FRIENDLY_NAME_CHARS)?,
            enable_sna_client_token: params.bool("enableSnaClientToken")?,
            turnstile_token: match params.text("turnstileToken", 4096)? {
                Some(token) => Some(token),
                None => params.text("cf-turnstile-response", 4096)?,
            },
        };
        start.check_locale()?;
        Ok(start)
    }

    /// Holds `customFriendlyName` to the operator's allow-list (`ALLOWED_FRIENDLY_NAMES`): the name goes into the
    /// message under the operator's sender, so an anonymous caller may not write it (a phishing line); only a
    /// value the operator listed passes. With no list, none does.
    pub fn check_friendly_name(&self, allowed: &[String]) -> Result<(), TwilioError> {
        match &self.custom_friendly_name {
            Some(name) if !allowed.iter().any(|a| a == name) => {
                Err(TwilioError::invalid_parameter("customFriendlyName").with_reason(
                    Reason::NotAllowed,
                    "this Worker does not let callers choose the sender name (ALLOWED_FRIENDLY_NAMES)",
                ))
            }
            _ => Ok(()),
        }
    }

    fn check_locale(&self) -> Result<(), TwilioError> {
        let Some(locale) = &self.locale else {
            return Ok(());
        };
        let mut parts = locale.split('-');
        let language = parts.next().unwrap_or_default();
        let language_ok =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if language_ok && rest_ok {
            Ok(())
        } else {
            Err(TwilioError::invalid_parameter("locale").with_reason(
                Reason::NotALocale,
                "`locale` must be a language tag such as en or pt-BR",
            ))
        }
    }

    /// Normalizes the recipient for the channel and builds the upstream's form. A phone number must be valid; a
    /// bad `defaultRegion` is named as such.
    pub fn to_upstream(&self) -> Result<UpstreamStart, TwilioError> {
        self.to_upstream_with(&normalize_phone)
    }

    /// [`StartParams::to_upstream`] with the phone engine given (the npm package's main entry borrows the phone
    /// entry's).
    pub fn to_upstream_with(
        &self,
        normalize: PhoneNormalizer<'_>,
    ) -> Result<UpstreamStart, TwilioError> {
        let recipient = classify_recipient_with(
            &self.to,
            self.channel,
            self.default_region.as_deref(),
            normalize,
        )
        .map_err(|e| public_recipient_error(&e, "to"))?;
        let to = recipient.as_str().to_owned();
        let enable_sna_client_token = self.enable_sna_client_token == Some(true);
        if enable_sna_client_token
            && (!matches!(recipient, Recipient::Phone(_))
                || !matches!(self.channel, RequestedChannel::Sna | RequestedChannel::Auto))
        {
            return Err(
                TwilioError::invalid_parameter("enableSnaClientToken").with_reason(
                    Reason::NotSna,
                    "`enableSnaClientToken` applies only to the sna and auto channels",
                ),
            );
        }
        Ok(UpstreamStart {
            to,
            recipient,
            channel: self.channel,
            locale: self.locale.clone(),
            custom_friendly_name: self.custom_friendly_name.clone(),
            enable_sna_client_token,
            custom_code: None,
        })
    }
}

impl UpstreamStart {
    /// Verify v2's `CreateVerification` form parameters, in PascalCase, as Twilio's clients send them.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        let mut form = vec![
            ("To", self.to.clone()),
            ("Channel", self.channel.as_str().to_owned()),
        ];
        if let Some(locale) = &self.locale {
            form.push(("Locale", locale.clone()));
        }
        if let Some(name) = &self.custom_friendly_name {
            form.push(("CustomFriendlyName", name.clone()));
        }
        if self.enable_sna_client_token {
            form.push(("EnableSnaClientToken", "true".to_owned()));
        }
        if let Some(code) = &self.custom_code {
            form.push(("CustomCode", code.clone()));
        }
        form
    }

    /// The engine's start for this request, `auto` resolved as [`pick_channel`] does.
    pub fn engine_request(&self, sna_available: bool) -> StartRequest {
        StartRequest {
            to: self.to.clone(),
            channel: Some(pick_channel(self.channel, &self.recipient, sna_available)),
            locale: self.locale.clone(),
            custom_friendly_name: self.custom_friendly_name.clone(),
            enable_sna_client_token: self.enable_sna_client_token,
            custom_code: self.custom_code.clone(),
            ..StartRequest::default()
        }
    }
}

impl CheckParams {
    const NAMES: [&'static str; 5] = [
        "to",
        "verificationSid",
        "code",
        "snaClientToken",
        "defaultRegion",
    ];

    /// Reads and checks a check body. Every bad parameter is a 60200 naming it.
    pub fn from_body(body: &[u8], kind: BodyKind) -> Result<Self, TwilioError> {
        Self::from_params(&Params::parse(body, kind, &Self::NAMES)?)
    }

    /// Reads and checks a check's parameters already read into values (a client's object), as [`Self::from_body`].
    pub fn from_values(values: Vec<(String, ParamValue)>) -> Result<Self, TwilioError> {
        Self::from_params(&Params::from_values(values, &Self::NAMES)?)
    }

    fn from_params(params: &Params) -> Result<Self, TwilioError> {
        Ok(Self {
            to: params.text("to", 320)?,
            verification_sid: params.text("verificationSid", 34)?,
            code: params.text("code", 10)?,
            sna_client_token: params.text("snaClientToken", MAX_SNA_CLIENT_TOKEN_CHARS)?,
            default_region: params.text("defaultRegion", 8)?,
        })
    }

    /// Normalizes `to` (or reads `verificationSid`) and builds the upstream's form.
    pub fn to_upstream(&self) -> Result<UpstreamCheck, TwilioError> {
        self.to_upstream_with(&normalize_phone)
    }

    /// [`CheckParams::to_upstream`] with the phone engine given.
    pub fn to_upstream_with(
        &self,
        normalize: PhoneNormalizer<'_>,
    ) -> Result<UpstreamCheck, TwilioError> {
        let target = match (&self.to, &self.verification_sid) {
            (Some(_), Some(_)) => {
                return Err(
                    TwilioError::invalid_parameter("verificationSid").with_reason(
                        Reason::ToAndSid,
                        "give either `to` or `verificationSid`, not both",
                    ),
                )
            }
            (None, None) => {
                return Err(TwilioError::invalid_parameter("to")
                    .with_reason(Reason::Missing, "`to` (or `verificationSid`) is required"))
            }
            (None, Some(sid)) => Target::Sid(sid.parse::<VerificationSid>().map_err(|_| {
                TwilioError::invalid_parameter("verificationSid").with_reason(
                    Reason::NotAVerificationSid,
                    "`verificationSid` must be VE and 32 hex digits",
                )
            })?),
            (Some(to), None) => {
                let channel = if crate::verify::email::has_at_sign(to) {
                    RequestedChannel::Email
                } else {
                    RequestedChannel::Sms
                };
                let recipient =
                    classify_recipient_with(to, channel, self.default_region.as_deref(), normalize)
                        .map_err(|e| public_recipient_error(&e, "to"))?;
                Target::To(recipient.as_str().to_owned())
            }
        };
        if let Some(code) = &self.code {
            if code.chars().count() < 4 {
                return Err(TwilioError::invalid_parameter("code")
                    .with_reason(Reason::TooShort, "`code` must be 4 to 10 characters"));
            }
        }
        Ok(UpstreamCheck {
            target,
            code: self.code.clone(),
            sna_client_token: self.sna_client_token.clone(),
        })
    }
}

impl UpstreamCheck {
    /// Verify v2's `CreateVerificationCheck` form parameters, in PascalCase.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        let mut form = match &self.target {
            Target::Sid(sid) => vec![("VerificationSid", sid.to_string())],
            Target::To(to) => vec![("To", to.clone())],
        };
        if let Some(code) = &self.code {
            form.push(("Code", code.clone()));
        }
        if let Some(token) = &self.sna_client_token {
            form.push(("SnaClientToken", token.clone()));
        }
        form
    }

    /// The engine's check for this request.
    pub fn engine_request(&self) -> CheckRequest {
        CheckRequest {
            code: self.code.clone(),
            sna_client_token: self.sna_client_token.clone(),
            ..CheckRequest::default()
        }
    }
}

/// A recipient error, naming the public parameter: `defaultRegion` when that is what's wrong.
fn public_recipient_error(error: &RecipientError, parameter: &str) -> TwilioError {
    let parameter = match error {
        RecipientError::Phone(e) if e.code == PhoneErrorCode::UnknownRegion => "defaultRegion",
        _ => parameter,
    };
    TwilioError::invalid_parameter(parameter).with_reason(error.reason(), &error.to_string())
}

impl Verification {
    /// The public view of an upstream Verification; `None` when the upstream left out what the view needs.
    pub fn from_upstream(verification: &model::Verification) -> Option<Self> {
        Some(Self {
            sid: verification.sid.as_ref()?.to_string(),
            to: verification.to.clone()?,
            channel: verification.channel,
            status: verification.status?,
            sna: verification.sna.as_ref().map(|sna| SnaUrl {
                url: sna.url.clone(),
            }),
            send_code_attempts: verification
                .send_code_attempts
                .as_ref()
                .map_or(0, |a| u32::try_from(a.len()).unwrap_or(u32::MAX)),
            date_created: verification.date_created.clone()?,
        })
    }
}

impl VerificationCheck {
    /// The public view of an upstream VerificationCheck; `None` when the upstream left out what the view needs.
    pub fn from_upstream(check: &model::VerificationCheck) -> Option<Self> {
        let status = check.status?;
        Some(Self {
            sid: check.sid.as_ref()?.to_string(),
            status,
            valid: check.valid.unwrap_or(status == Status::Approved),
            sna_error_code: check
                .sna_attempts_error_codes
                .as_ref()
                .and_then(|codes| codes.last())
                .map(|e| e.code),
            token: None,
        })
    }
}

/// What the browser gets for an upstream's error answer (`status` and body): the codes a user can act on keep
/// their code and HTTP status, with our own message; everything else (authentication, server errors, anything
/// unreadable) is [`TwilioError::upstream_failed`]. The upstream's body never passes through.
pub fn public_error(status: u16, body: &[u8]) -> TwilioError {
    #[derive(Deserialize)]
    struct Upstream {
        code: Option<u32>,
        message: Option<String>,
    }
    if status >= 500 {
        return TwilioError::upstream_failed();
    }
    let Ok(upstream) = serde_json::from_slice::<Upstream>(body) else {
        return TwilioError::upstream_failed();
    };
    let Some(code) = upstream.code else {
        return TwilioError::upstream_failed();
    };
    match code {
        60200 => {
            let parameter = upstream
                .message
                .as_deref()
                .and_then(|m| m.strip_prefix("Invalid parameter: "))
                .and_then(public_parameter_name);
            match parameter {
                Some(name) => TwilioError::invalid_parameter(name),
                None => TwilioError::invalid_parameter_unnamed(),
            }
        }
        20404 => TwilioError::not_found().with_reason(Reason::NoPendingVerification,
            "no pending verification: it never existed, or it was approved, canceled, expired or ran out of attempts",
        ),
        60202 => TwilioError::max_check_attempts(),
        60203 => TwilioError::max_send_attempts(),
        60212 => TwilioError::concurrent_requests(),
        20429 => TwilioError::too_many_requests(),
        60204 => TwilioError::feature_not_supported(),
        60205 => TwilioError::sms_to_landline(),
        60206 => TwilioError::psd2_parameters_required(),
        60223 => TwilioError::channel_disabled(),
        60238 => TwilioError::creation_blocked(),
        60410 => TwilioError::delivery_blocked(),
        60413 => TwilioError::device_intelligence_blocked(),
        60605 => TwilioError::geo_permission_blocked(),
        _ => TwilioError::upstream_failed(),
    }
}

/// The public API's name for a Verify v2 parameter the browser controls.
fn public_parameter_name(twilio: &str) -> Option<&'static str> {
    Some(match twilio {
        "To" => "to",
        "Channel" => "channel",
        "Locale" => "locale",
        "CustomFriendlyName" => "customFriendlyName",
        "EnableSnaClientToken" => "enableSnaClientToken",
        "Code" => "code",
        "VerificationSid" => "verificationSid",
        "SnaClientToken" => "snaClientToken",
        _ => return None,
    })
}

/// A recipient as logs may show it: a phone number with all but its last 4 digits hidden (`+*******4567`), an
/// email address with its local part hidden but the first character (`j***@example.com`).
pub fn mask_recipient(to: &str) -> String {
    if let Some((local, domain)) = to.rsplit_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits = to.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    to.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 > digits {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}
