//! The npm package's door onto the core: JS names, JS values and one JS error class.
//!
//! `normalizePhone` and `supportedRegions` (this file), `formatPhone` ([`format`]), `AsYouType` ([`as_you_type`]),
//! `VerifyClient` for the Worker's public API ([`client`]), `invokeSnaUrl` and `verifySna` for Silent Network Auth
//! ([`sna`]), and `VerifyEdgeError` ([`error`]).

use tsify::Ts;
use wasm_bindgen::prelude::*;

mod as_you_type;
mod client;
mod error;
mod format;
mod http;
mod sna;

pub use as_you_type::AsYouTypeFormatter;
pub use client::{VerifyClient, VerifyClientOptions, VerifySnaOptions};
pub use error::ClientErrorCode;
pub use format::format_phone;
pub use sna::{
    invoke_sna_url, SnaInvocation, SnaInvokeOptions, SnaMethod, SnaMode, SnaOutcome, SnaResult,
};

use crate::phone::{self, PhoneError, PhoneNumber};

/// The one door out for phone errors: each becomes a `VerifyEdgeError` carrying its stable code.
fn into_error(error: PhoneError) -> JsValue {
    error::phone_error(error)
}

/// Normalizes a phone number to E.164, reading national numbers in `defaultRegion` (ISO 3166-1 alpha-2).
///
/// Returns the E.164 form with its region, country code, national number, type and validity; a number that
/// parses but is not valid comes back with `valid: false` and `invalidReason`. Throws `VerifyEdgeError` when the
/// input is not a phone number at all.
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(
    input: &str,
    #[wasm_bindgen(js_name = defaultRegion)] default_region: Option<String>,
) -> Result<Ts<PhoneNumber>, JsValue> {
    let number = phone::normalize_phone(input, default_region.as_deref()).map_err(into_error)?;
    // Serializing plain strings, numbers and booleans cannot fail; if it ever did, say so rather than panic.
    Ts::from_rust(&number).map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

/// The regions (ISO 3166-1 alpha-2 codes) `normalizePhone` accepts as `defaultRegion`, sorted.
#[wasm_bindgen(js_name = supportedRegions)]
pub fn supported_regions() -> Vec<String> {
    phone::supported_regions()
        .into_iter()
        .map(str::to_owned)
        .collect()
}
