//! The legacy API's parameters, read from wherever its clients put them: the query string, a form body or a JSON
//! body, on every method (npm `authy` sends a form body even on GET; `authy-client` and PyPI `authy` send JSON on
//! POST and the query on GET). JSON numbers are read as their text (`country_code: 1`), `null` as absent.

use super::error::AuthyError;
use crate::phone::{normalize_phone, NumberType, PhoneNumber};

/// The longest value any parameter may have.
const MAX_VALUE_CHARS: usize = 256;
/// Authy's code lengths.
pub const CODE_LENGTHS: std::ops::RangeInclusive<u8> = 4..=10;
/// Authy's default code length.
pub const DEFAULT_CODE_LENGTH: u8 = 4;

/// The parameters of one request, by name; `api_key` is never among them.
#[derive(Debug, Default)]
pub struct Params {
    values: Vec<(String, String)>,
}

impl Params {
    /// Reads the query string and the body (`content_type` says which kind; a body of another type, or none, is
    /// ignored only when empty). A name given twice with different values is 60004.
    pub fn read(query: &str, body: &[u8], content_type: Option<&str>) -> Result<Self, AuthyError> {
        let mut params = Self::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            params.add(&name, value.into_owned())?;
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        let body_text = std::str::from_utf8(body).map_err(|_| AuthyError::utf8_invalid())?;
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase());
        match media.as_deref() {
            Some("application/json") => {
                let value: serde_json::Value = serde_json::from_str(body_text)
                    .map_err(|_| AuthyError::invalid_request("the body is not JSON"))?;
                let object = value
                    .as_object()
                    .ok_or_else(|| AuthyError::invalid_request("the JSON body is not an object"))?;
                for (name, value) in object {
                    let text = match value {
                        serde_json::Value::Null => continue,
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Number(n) => n.to_string(),
                        serde_json::Value::Bool(b) => b.to_string(),
                        _ => return Err(AuthyError::invalid_parameter(name, "Is not valid")),
                    };
                    params.add(name, text)?;
                }
            }
            Some("application/x-www-form-urlencoded") | None => {
                for (name, value) in form_urlencoded::parse(body) {
                    params.add(&name, value.into_owned())?;
                }
            }
            Some(_) => {
                return Err(AuthyError::invalid_request(
                    "the body must be JSON or a form (application/x-www-form-urlencoded)",
                ))
            }
        }
        Ok(params)
    }

    fn add(&mut self, name: &str, value: String) -> Result<(), AuthyError> {
        if name == "api_key" {
            return Ok(());
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(AuthyError::invalid_parameter(name, "Is too long"));
        }
        match self.values.iter().find(|(n, _)| n == name) {
            Some((_, existing)) if *existing != value => Err(AuthyError::invalid_parameter(
                name,
                "Is given more than once, with different values",
            )),
            Some(_) => Ok(()),
            None => {
                self.values.push((name.to_owned(), value));
                Ok(())
            }
        }
    }

    /// The value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// How the code is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A text message.
    Sms,
    /// A voice call.
    Call,
}

impl Via {
    /// Verify v2's channel.
    pub fn channel(self) -> crate::verify::model::Channel {
        match self {
            Self::Sms => crate::verify::model::Channel::Sms,
            Self::Call => crate::verify::model::Channel::Call,
        }
    }
}

/// What `POST .../phones/verification/start` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The phone number, from `country_code` and `phone_number`.
    pub phone: PhoneNumber,
    /// `sms` or `call`.
    pub via: Via,
    /// The message's language.
    pub locale: Option<String>,
    /// Digits in the code, 4 to 10 (4 by default).
    pub code_length: u8,
    /// A code the caller chose (4 to 10 digits): sent in place of a generated one.
    pub custom_code: Option<String>,
}

impl Start {
    /// Reads a start: `via` (`sms` or `call`), `country_code` and `phone_number`, and optionally `locale`,
    /// `code_length` and `custom_code`. `custom_message` is accepted and not carried (Verify v2 has no free-text
    /// message).
    pub fn read(params: &Params) -> Result<Self, AuthyError> {
        let via = match params.get("via") {
            None => return Err(AuthyError::required("via")),
            Some(v) if v.eq_ignore_ascii_case("sms") => Via::Sms,
            Some(v) if v.eq_ignore_ascii_case("call") => Via::Call,
            Some(_) => return Err(AuthyError::invalid_parameter("via", "Must be sms or call")),
        };
        let phone = phone_of(params)?;
        let code_length = match params.get("code_length") {
            None => DEFAULT_CODE_LENGTH,
            Some(text) => text
                .parse::<u8>()
                .ok()
                .filter(|n| CODE_LENGTHS.contains(n))
                .ok_or_else(|| {
                    AuthyError::invalid_parameter("code_length", "Must be a number from 4 to 10")
                })?,
        };
        let custom_code = match params.get("custom_code") {
            None => None,
            Some(code) if is_code(code) => Some(code.to_owned()),
            Some(_) => {
                return Err(AuthyError::invalid_parameter(
                    "custom_code",
                    "Must be 4 to 10 digits",
                ))
            }
        };
        let locale = params.get("locale").map(str::to_owned);
        Ok(Self {
            phone,
            via,
            locale,
            code_length,
            custom_code,
        })
    }
}

impl Start {
    /// The Verify v2 start this is: the number in E.164, `sms` or `call`, the locale, and the custom code.
    pub fn to_upstream(&self) -> crate::api::UpstreamStart {
        crate::api::UpstreamStart {
            to: self.phone.e164.clone(),
            recipient: crate::verify::recipient::Recipient::Phone(self.phone.clone()),
            channel: match self.via {
                Via::Sms => crate::verify::model::RequestedChannel::Sms,
                Via::Call => crate::verify::model::RequestedChannel::Call,
            },
            locale: self.locale.clone(),
            custom_friendly_name: None,
            enable_sna_client_token: false,
            custom_code: self.custom_code.clone(),
        }
    }
}

/// What `GET .../phones/verification/check` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The phone number.
    pub phone: PhoneNumber,
    /// The code the user typed.
    pub code: String,
}

impl Check {
    /// Reads a check: `country_code`, `phone_number` and `verification_code` (digits, leading zeros kept).
    pub fn read(params: &Params) -> Result<Self, AuthyError> {
        let phone = phone_of(params)?;
        let code = params
            .get("verification_code")
            .ok_or_else(|| AuthyError::required("verification_code"))?;
        if !is_code(code) {
            return Err(AuthyError::invalid_parameter(
                "verification_code",
                "Must be 4 to 10 digits",
            ));
        }
        Ok(Self {
            phone,
            code: code.to_owned(),
        })
    }
}

/// What `GET .../phones/verification/status` asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The verification a start answered with this `uuid`.
    Uuid(crate::verify::sid::VerificationSid),
    /// The latest verification of this phone number.
    Phone(PhoneNumber),
}

impl Status {
    /// Reads a status request: `uuid`, or `country_code` and `phone_number` (60042 when neither).
    pub fn read(params: &Params) -> Result<Self, AuthyError> {
        if let Some(uuid) = params.get("uuid") {
            return super::sid_of_uuid(uuid)
                .map(Self::Uuid)
                .ok_or_else(|| AuthyError::invalid_parameter("uuid", "Is not valid"));
        }
        if params.get("country_code").is_none() && params.get("phone_number").is_none() {
            return Err(AuthyError::uuid_or_phone_required());
        }
        phone_of(params).map(Self::Phone)
    }
}

/// 4 to 10 ASCII digits.
fn is_code(text: &str) -> bool {
    (4..=10).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// The phone number of `country_code` (1 to 3 digits, a leading `+` allowed) and `phone_number` (digits, with
/// dashes, periods or spaces between them, as Authy allowed), normalized and held to its country's patterns by
/// the phone engine: 60033 when it is not a valid number.
pub fn phone_of(params: &Params) -> Result<PhoneNumber, AuthyError> {
    let country = params
        .get("country_code")
        .ok_or_else(|| AuthyError::required("country_code"))?;
    let country = country.strip_prefix('+').unwrap_or(country);
    if country.is_empty() || country.len() > 3 || !country.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthyError::invalid_parameter(
            "country_code",
            &format!("'{country}' is not a valid Integer"),
        ));
    }
    let national = params
        .get("phone_number")
        .ok_or_else(|| AuthyError::required("phone_number"))?;
    if !national
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b' '))
    {
        return Err(AuthyError::invalid_phone());
    }
    let digits: String = national.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(AuthyError::invalid_phone());
    }
    normalize_phone(&format!("+{country}{digits}"), None)
        .ok()
        .filter(|phone| phone.valid && phone.country_code.to_string() == country)
        .ok_or_else(AuthyError::invalid_phone)
}

/// Whether the number is a mobile line, as far as its pattern tells (`FixedLineOrMobile`, as in the US, counts).
pub fn is_cellphone(phone: &PhoneNumber) -> bool {
    matches!(
        phone.number_type,
        NumberType::Mobile | NumberType::FixedLineOrMobile
    )
}
