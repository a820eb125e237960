//! `formatPhone`: a phone number written as Google's libphonenumber writes it.

use tsify::Ts;
use wasm_bindgen::prelude::*;

use super::error::{client_error, phone_error, ClientErrorCode, VerifyEdgeError};
use crate::phone::{self, PhoneFormat};

/// Writes a phone number in `format`: `"E164"` (`+16502530000`), `"INTERNATIONAL"` (`+1 650-253-0000`),
/// `"NATIONAL"` (`(650) 253-0000`) or `"RFC3966"` (`tel:+1-650-253-0000`), reading national numbers in
/// `defaultRegion` (ISO 3166-1 alpha-2).
///
/// A number that parses but is not valid is written too, as Google writes it (often as plain digits). Throws
/// `VerifyEdgeError` as `normalizePhone` does when the input is not a phone number, and with code
/// `INVALID_ARGUMENT` when `format` is not one of the four.
#[wasm_bindgen(js_name = formatPhone)]
pub fn format_phone(
    input: &str,
    format: Ts<PhoneFormat>,
    #[wasm_bindgen(js_name = defaultRegion)] default_region: Option<String>,
) -> Result<String, VerifyEdgeError> {
    let name = format.js_value().as_string().unwrap_or_default();
    let Some(format) = PhoneFormat::from_name(&name) else {
        return Err(client_error(
            ClientErrorCode::InvalidArgument,
            "format must be \"E164\", \"INTERNATIONAL\", \"NATIONAL\" or \"RFC3966\"",
            None,
            None,
        ));
    };
    let number = phone::normalize_phone(input, default_region.as_deref()).map_err(phone_error)?;
    Ok(number.format(format))
}
