//! The package's one error class, `VerifyEdgeError`, and the one door each kind of failure takes into it.
//!
//! Every fallible function of `browser` returns `Result<_, VerifyEdgeError>`, not `Result<_, JsValue>`, and only
//! this file can make one: so whatever the package throws or rejects with is a `VerifyEdgeError` with a stable code.

use tsify::Tsify;
use wasm_bindgen::prelude::*;

#[cfg(feature = "browser-phone")]
use crate::phone::PhoneError;
#[cfg(feature = "browser-http")]
use crate::verify::model::TwilioError;

#[wasm_bindgen(module = "/src/browser/error.js")]
extern "C" {
    /// `VerifyEdgeError` from `error.js`: what every export throws, and every promise rejects with.
    #[derive(Debug, Clone)]
    #[wasm_bindgen(extends = js_sys::Error)]
    pub type VerifyEdgeError;

    #[wasm_bindgen(constructor)]
    fn new(code: &JsValue, message: &str, details: &JsValue) -> VerifyEdgeError;
}

/// `ErrorCode` in the entries that parse phone numbers (the phone entry, and the main entry, which re-exports it).
#[cfg(any(feature = "browser-phone", feature = "browser"))]
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODE: &'static str = r#"
/**
 * The stable code of every error the package throws: a phone parsing code from `normalizePhone`, a client code,
 * or Twilio's numeric error code (60200, 60202, 60203, 20404, 20429, ...) for an error the Verify API answered or
 * that the client found in the parameters before sending them.
 */
export type ErrorCode = PhoneErrorCode | ClientErrorCode | number;
"#;

/// `ErrorCode` in the entries that parse no phone number (`verify-edge/totp`, `verify-edge/passkey`).
#[cfg(not(any(feature = "browser-phone", feature = "browser")))]
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODE: &'static str = r#"
/**
 * The stable code of every error this entry throws: a client code, or Twilio's numeric error code (60200, 60202,
 * 20404, 20429, ...) for an error the Verify API answered or that the client found in the parameters before
 * sending them.
 */
export type ErrorCode = ClientErrorCode | number;
"#;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_CLASS: &'static str = r#"

/** What a `VerifyEdgeError` may carry beside its code and message. */
export interface VerifyEdgeErrorDetails {
  status?: number | null;
  moreInfo?: string | null;
  reason?: string | null;
  retryAfter?: number | null;
  cause?: unknown;
}

/**
 * What every verify-edge function throws. Branch on `code`, which never changes meaning; `message` is for people.
 */
export class VerifyEdgeError extends Error {
  readonly name: "VerifyEdgeError";
  readonly code: ErrorCode;
  /** The HTTP status of the answer; null when there was none (refused before sending, network failure, timeout). */
  readonly status: number | null;
  /** The page that explains a Twilio code, e.g. https://www.twilio.com/docs/errors/60200. */
  readonly moreInfo: string | null;
  /** Which rule was broken, for codes that cover many (60200: `MISSING`, `TOO_SHORT`, `UNKNOWN_PARAMETER`, ...). */
  readonly reason: string | null;
  /** For 429 answers: how many seconds to wait before trying again, from the `Retry-After` header. */
  readonly retryAfter: number | null;
  constructor(code: ErrorCode, message: string, details?: VerifyEdgeErrorDetails);
}
"#;

/// Declares [`ClientErrorCode`] with each variant's JS string written once: tsify types it from the `serde` rename,
/// and `as_str` (what a thrown error's `code` is) returns the same literal, so the `.d.ts` cannot drift from it.
macro_rules! client_error_codes {
    ($(#[$enum_attr:meta])* pub enum $name:ident { $($(#[doc = $doc:literal])* $variant:ident = $code:literal,)* }) => {
        $(#[$enum_attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
        pub enum $name {
            $($(#[doc = $doc])* #[serde(rename = $code)] $variant,)*
        }

        impl $name {
            /// The code as JS sees it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }
        }
    };
}

client_error_codes! {
    /// The stable string codes of failures that are not an answer of the Verify API: the request never got an
    /// answer (`NETWORK_ERROR`, `TIMEOUT`), the answer was not what the API sends (`BAD_RESPONSE`), a URL was
    /// refused before anything was sent (`INVALID_URL`, `INSECURE_URL`), an option was wrong
    /// (`INVALID_ARGUMENT`), or the package failed at something that cannot fail (`INTERNAL_ERROR`: a bug, please
    /// report it). The phone entry throws only `INVALID_ARGUMENT`.
    #[cfg_attr(not(feature = "browser-http"), allow(dead_code))]
    pub enum ClientErrorCode {
        /// The request got no answer: offline, DNS, connection refused, a CORS refusal, mixed content.
        NetworkError = "NETWORK_ERROR",
        /// No answer within the timeout; the request was aborted.
        Timeout = "TIMEOUT",
        /// An answer the API never sends: not JSON, or JSON of another shape.
        BadResponse = "BAD_RESPONSE",
        /// Not an absolute http(s) URL, or one with credentials in it.
        InvalidUrl = "INVALID_URL",
        /// `http:` to a host that is not loopback.
        InsecureUrl = "INSECURE_URL",
        /// An option of the wrong type or out of range.
        InvalidArgument = "INVALID_ARGUMENT",
        /// The passkey prompt was dismissed or timed out, or (for a sign-in) there is no passkey for this site.
        PasskeyCancelled = "PASSKEY_CANCELLED",
        /// The authenticator already holds a passkey for this account (an excluded credential).
        PasskeyAlreadyRegistered = "PASSKEY_ALREADY_REGISTERED",
        /// The relying party id is not this page's domain (or a parent of it).
        PasskeyWrongSite = "PASSKEY_WRONG_SITE",
        /// The page is not a secure context (https, or http://localhost), so passkeys are not offered.
        PasskeyInsecureContext = "PASSKEY_INSECURE_CONTEXT",
        /// No WebAuthn here, or no authenticator that can do what the options ask.
        PasskeyUnsupported = "PASSKEY_UNSUPPORTED",
        /// Another refusal of the browser's (the `cause` holds it).
        PasskeyFailed = "PASSKEY_FAILED",
        /// A step that cannot fail with the inputs the package builds did (serializing plain data, building a
        /// request from a URL already parsed): a bug in the package, reported rather than panicking.
        InternalError = "INTERNAL_ERROR",
    }
}

/// A `VerifyEdgeError` with every detail it can carry.
#[derive(Debug, Clone, Default)]
struct Details {
    status: Option<u16>,
    more_info: Option<String>,
    reason: Option<String>,
    retry_after: Option<u32>,
}

fn build(
    code: JsValue,
    message: &str,
    details: Details,
    cause: Option<&JsValue>,
) -> VerifyEdgeError {
    let object = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &key.into(), &value);
    };
    set(
        "status",
        details.status.map_or(JsValue::NULL, JsValue::from),
    );
    set(
        "moreInfo",
        details
            .more_info
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from),
    );
    set(
        "reason",
        details
            .reason
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from),
    );
    set(
        "retryAfter",
        details.retry_after.map_or(JsValue::NULL, JsValue::from),
    );
    if let Some(cause) = cause {
        set("cause", cause.clone());
    }
    VerifyEdgeError::new(&code, message, &object)
}

/// A phone parsing error: its string code (`NOT_A_NUMBER`, ...).
#[cfg(feature = "browser-phone")]
pub fn phone_error(error: PhoneError) -> VerifyEdgeError {
    build(
        error.code.as_str().into(),
        &error.message,
        Details::default(),
        None,
    )
}

/// An error in Twilio's shape: the Verify API's answer (`http_status` is the answer's status), or the client's own
/// check of the parameters with the same core code (`http_status` `None`: nothing was sent).
#[cfg(feature = "browser-http")]
pub fn twilio_error(
    error: &TwilioError,
    http_status: Option<u16>,
    retry_after: Option<u32>,
) -> VerifyEdgeError {
    let details = Details {
        status: http_status,
        more_info: Some(error.more_info.clone()).filter(|m| !m.is_empty()),
        reason: error.details.as_ref().map(|d| d.reason.clone()),
        retry_after,
    };
    let message = match &error.details {
        Some(d) => [error.message.as_str(), ": ", &d.description].concat(),
        None => error.message.clone(),
    };
    build(error.code.into(), &message, details, None)
}

/// One of the client's own failures, with the HTTP status when there was an answer, and the JS error behind it.
pub fn client_error(
    code: ClientErrorCode,
    message: &str,
    http_status: Option<u16>,
    cause: Option<&JsValue>,
) -> VerifyEdgeError {
    let details = Details {
        status: http_status,
        ..Details::default()
    };
    build(code.as_str().into(), message, details, cause)
}

/// `INTERNAL_ERROR`: something that cannot happen with the inputs the package builds did.
#[cfg(feature = "browser-http")]
pub fn internal_error(error: &dyn std::fmt::Display) -> VerifyEdgeError {
    client_error(
        ClientErrorCode::InternalError,
        &format!("verify-edge internal error: {error}"),
        None,
        None,
    )
}
