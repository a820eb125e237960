//! The main entry's phone engine is the phone entry's (`verify-edge/phone`, its own wasm): the main entry's loader
//! imports that entry and hands its `normalizePhone` to `phone-link.js`, and `VerifyClient` normalizes through it.
//! A page that uses both entries downloads and instantiates one engine, and the main entry's wasm carries none.
//!
//! The core reads the recipient with the same rules either way ([`crate::api::StartParams::to_upstream_with`]): only
//! the engine is borrowed, across one JS call per request.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::error::{internal_error, VerifyEdgeError};
use super::js_de::from_js;
use crate::phone::{PhoneError, PhoneErrorCode, PhoneNumber};

#[wasm_bindgen(module = "/src/browser/phone-link.js")]
extern "C" {
    #[wasm_bindgen(js_name = linkPhone)]
    fn link_phone_js(normalize_phone: &js_sys::Function);

    /// The phone entry's `normalizePhone`: a `PhoneNumber` object, or a thrown `VerifyEdgeError` with a phone code.
    #[wasm_bindgen(js_name = linkedNormalizePhone, catch)]
    fn linked_normalize_phone(
        input: &str,
        default_region: Option<&str>,
    ) -> Result<JsValue, JsValue>;
}

/// Hands the main entry the phone entry's `normalizePhone` (what its loaders do; tests link their own build's).
pub fn link_phone(normalize_phone: &js_sys::Function) {
    link_phone_js(normalize_phone);
}

/// Runs `body` with the linked engine as the core's phone normalizer. A failure that is not a phone error (the
/// entry not linked, an answer of another shape) is `INTERNAL_ERROR`, reported instead of `body`'s result.
pub fn with_linked_engine<T>(
    body: impl FnOnce(&dyn Fn(&str, Option<&str>) -> Result<PhoneNumber, PhoneError>) -> T,
) -> Result<T, VerifyEdgeError> {
    let failure: RefCell<Option<VerifyEdgeError>> = RefCell::new(None);
    let normalize = |input: &str, region: Option<&str>| {
        let outcome = match linked_normalize_phone(input, region) {
            Ok(number) => from_js::<PhoneNumber>(number)
                .map_err(|e| internal_error(&format_args!("the phone entry answered {e}"))),
            Err(thrown) => match phone_error_of(&thrown) {
                Some(error) => return Err(error),
                None => Err(internal_error(&format_args!(
                    "the phone entry failed: {}",
                    message_of(&thrown)
                ))),
            },
        };
        outcome.map_err(|e| {
            failure.replace(Some(e));
            // Stands in for the failure until `body` returns; never reaches the caller.
            PhoneError {
                code: PhoneErrorCode::NotANumber,
                message: String::new(),
            }
        })
    };
    let result = body(&normalize);
    match failure.into_inner() {
        Some(error) => Err(error),
        None => Ok(result),
    }
}

/// The phone error a `VerifyEdgeError` thrown by `normalizePhone` carries: its code and message.
fn phone_error_of(thrown: &JsValue) -> Option<PhoneError> {
    let code = js_sys::Reflect::get(thrown, &"code".into())
        .ok()?
        .as_string()?;
    let code = code.parse::<PhoneErrorCode>().ok()?;
    Some(PhoneError {
        code,
        message: message_of(thrown),
    })
}

fn message_of(thrown: &JsValue) -> String {
    js_sys::Reflect::get(thrown, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default()
}
