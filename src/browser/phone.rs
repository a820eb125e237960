//! `normalizePhone` and `supportedRegions`: the phone engine's door, in both builds of the package.
//!
//! `normalizePhone` runs on every keystroke, so its answer crosses into JS as one string that `phone.js` unpacks
//! into the `PhoneNumber` object: one string decode per call instead of a property set (and a decode) per field.

use wasm_bindgen::prelude::*;

use super::error::{self, VerifyEdgeError};
use crate::phone::{self, PhoneNumber};

#[wasm_bindgen(module = "/src/browser/phone.js")]
extern "C" {
    /// Unpacks what [`pack`] wrote into a `PhoneNumber` object.
    #[wasm_bindgen(js_name = phoneNumber)]
    fn unpack(packed: &str) -> JsValue;

    /// Cuts what [`supported_regions`] packed (two-letter ids back to back) into an array of ids.
    #[wasm_bindgen(js_name = regionList)]
    fn unpack_regions(packed: &str) -> JsValue;
}

/// Writes `number` as `phone.js` reads it: the number type's and the invalid reason's positions in their enums
/// (as letters from `a`; `-` for no reason), the country code's length in digits, the region's length, the region,
/// then the E.164 form. The national number is the E.164 form after the country code, so it is not repeated.
fn pack(number: &PhoneNumber) -> String {
    let region = number.region.as_deref().unwrap_or("");
    let mut packed = String::with_capacity(4 + region.len() + number.e164.len());
    packed.push(char::from(b'a' + number.number_type as u8));
    packed.push(
        number
            .invalid_reason
            .map_or('-', |r| char::from(b'a' + r as u8)),
    );
    // A country code has one to three digits and a region two letters: both lengths are one decimal digit.
    let code_digits = number.e164.len() - 1 - number.national_number.len();
    packed.push(char::from(b'0' + code_digits as u8));
    packed.push(char::from(b'0' + region.len() as u8));
    packed.push_str(region);
    packed.push_str(&number.e164);
    packed
}

/// Normalizes a phone number to E.164, reading national numbers in `defaultRegion` (ISO 3166-1 alpha-2).
///
/// Returns the E.164 form with its region, country code, national number, type and validity; a number that
/// parses but is not valid comes back with `valid: false` and `invalidReason`. Throws `VerifyEdgeError` when the
/// input is not a phone number at all.
#[wasm_bindgen(js_name = normalizePhone, unchecked_return_type = "PhoneNumber")]
pub fn normalize_phone(
    input: &str,
    #[wasm_bindgen(js_name = defaultRegion)] default_region: Option<String>,
) -> Result<JsValue, VerifyEdgeError> {
    let number =
        phone::normalize_phone(input, default_region.as_deref()).map_err(error::phone_error)?;
    Ok(unpack(&pack(&number)))
}

/// The regions (ISO 3166-1 alpha-2 codes) `normalizePhone` accepts as `defaultRegion`, sorted.
#[wasm_bindgen(js_name = supportedRegions, unchecked_return_type = "string[]")]
pub fn supported_regions() -> JsValue {
    // Every id has two letters: they cross as one string, which `phone.js` cuts up, where a `Vec<String>` would
    // cross one string at a time (and add its shim to the wasm).
    let ids = phone::supported_regions();
    let mut packed = String::with_capacity(2 * ids.len());
    for id in ids {
        packed.push_str(id);
    }
    unpack_regions(&packed)
}
