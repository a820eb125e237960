//! The legacy API's errors: Authy's codes, HTTP statuses and messages (Twilio's "Verify Return and Error Codes",
//! v1), in one catalogue. A refusal of the Worker or of the Verify v2 upstream becomes one of these once, at the
//! door ([`AuthyError::from_verify`]).

use crate::verify::model::TwilioError;

/// An Authy error: `{error_code, message, errors: {message}, success: false}` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthyError {
    /// Authy's code (`60022`); the body carries it as a string, as Authy did.
    pub code: u32,
    /// The HTTP status.
    pub status: u16,
    /// The message, also repeated in `errors.message`.
    pub message: String,
    /// Seconds to wait, for a 429 (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl AuthyError {
    fn new(code: u32, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 60000, HTTP 503: something went wrong on our side or upstream (the log says what, never the answer).
    pub fn internal() -> Self {
        Self::new(60000, 503, "An error occurred")
    }

    /// 60001, HTTP 401: the API key is missing or is not one of `AUTHY_API_KEYS`.
    pub fn invalid_api_key() -> Self {
        Self::new(60001, 401, "Invalid API key")
    }

    /// 60002, HTTP 400: a request this API does not take (its method, its body).
    pub fn invalid_request(why: &str) -> Self {
        Self::new(60002, 400, format!("Invalid request: {why}"))
    }

    /// 60002, HTTP 405: the route takes `allowed` only (the `Allow` header says so too).
    pub fn method_not_allowed(allowed: &str) -> Self {
        Self::new(60002, 405, format!("Invalid request: use {allowed}"))
    }

    /// 60002, HTTP 413: the body is over the route's limit.
    pub fn too_large() -> Self {
        Self::new(60002, 413, "Invalid request: the body is too large")
    }

    /// 60003, HTTP 429: a limit is spent; `Retry-After` says when to come back.
    pub fn dos_protection(retry_after: Option<u64>) -> Self {
        Self {
            retry_after,
            ..Self::new(60003, 429, "DoS protection")
        }
    }

    /// 60004, HTTP 400: `parameter` is missing or not valid, as Authy wrote it: "Invalid parameter: country_code -
    /// Parameter is required".
    pub fn invalid_parameter(parameter: &str, why: &str) -> Self {
        Self::new(
            60004,
            400,
            format!("Invalid parameter: {parameter} - {why}"),
        )
    }

    /// 60004 for a parameter that is required and absent.
    pub fn required(parameter: &str) -> Self {
        Self::invalid_parameter(parameter, "Parameter is required")
    }

    /// 60005, HTTP 400: a parameter that is not UTF-8.
    pub fn utf8_invalid() -> Self {
        Self::new(60005, 400, "UTF-8 invalid")
    }

    /// 60021, HTTP 403: the verification could not be created (geo permissions, a refused number type, a blocked
    /// prefix, a channel that is off).
    pub fn not_created() -> Self {
        Self::new(60021, 403, "Phone verification couldn't be created")
    }

    /// 60022, HTTP 401: the code is not the one sent.
    pub fn incorrect_code() -> Self {
        Self::new(60022, 401, "Verification code is incorrect")
    }

    /// 60023, HTTP 404: no pending verification for `phone` (`+1 987-654-3210`), as Authy said it.
    pub fn no_pending(phone: &str) -> Self {
        Self::new(
            60023,
            404,
            format!("No pending verifications for {phone} found."),
        )
    }

    /// 60023, HTTP 404, for a `uuid` that names no verification.
    pub fn not_found() -> Self {
        Self::new(60023, 404, "Phone verification not found")
    }

    /// 60033, HTTP 400: the country code and phone number are not a valid phone number.
    pub fn invalid_phone() -> Self {
        Self::new(60033, 400, "Phone number is invalid")
    }

    /// 60042, HTTP 400: a status request with neither `uuid` nor `country_code` and `phone_number`.
    pub fn uuid_or_phone_required() -> Self {
        Self::new(
            60042,
            400,
            "Either uuid or country_code and phone number are required",
        )
    }

    /// 60082, HTTP 403: SMS to a landline.
    pub fn landline() -> Self {
        Self::new(60082, 403, "Can not send SMS to landline phone numbers")
    }

    /// Every error of the catalogue, for its tests.
    pub fn all() -> Vec<Self> {
        vec![
            Self::internal(),
            Self::invalid_api_key(),
            Self::invalid_request("GET"),
            Self::method_not_allowed("POST"),
            Self::too_large(),
            Self::dos_protection(Some(1)),
            Self::required("via"),
            Self::utf8_invalid(),
            Self::not_created(),
            Self::incorrect_code(),
            Self::no_pending("+1 987-654-3210"),
            Self::not_found(),
            Self::invalid_phone(),
            Self::uuid_or_phone_required(),
            Self::landline(),
        ]
    }

    /// A refusal of the Worker or of the Verify v2 upstream as the legacy API says it. `phone` is the number as
    /// Authy wrote it, for 60023; `retry_after` the wait of a 429.
    pub fn from_verify(error: &TwilioError, phone: Option<&str>, retry_after: Option<u64>) -> Self {
        let parameter = || {
            error
                .message
                .strip_prefix("Invalid parameter: ")
                .map(str::trim)
        };
        match (error.code, error.status) {
            // Twilio's 60200 names its own parameter: ours are Authy's names for the same things.
            (60200, _) => {
                let name = match parameter() {
                    Some("Locale") => "locale",
                    Some("CustomCode") => "custom_code",
                    Some("Channel") => "via",
                    _ => return Self::invalid_phone(),
                };
                Self::invalid_parameter(name, "Is not valid")
            }
            // SMS to a landline (Twilio's 60205).
            (60205, _) => Self::landline(),
            (20404, _) => phone.map_or_else(Self::not_found, Self::no_pending),
            (_, 429) => Self::dos_protection(retry_after.or(Some(1))),
            (_, 403) => Self::not_created(),
            (_, 400) => Self::not_created(),
            _ => Self::internal(),
        }
    }
}
