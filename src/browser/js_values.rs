//! Values crossing the door: an options object from JS into its Rust struct, an answer from Rust into a plain JS
//! object, and a JS value into the JSON the core reads. `client.rs` and `sna.rs` both use these.

use serde::de::DeserializeOwned;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use super::error::{client_error, ClientErrorCode};

/// A JS value as JSON bytes, as the core's body reader takes them. What JSON cannot hold (a function, a cycle)
/// reads as `null`, and the core then names the body.
pub fn json_of(value: &JsValue) -> Vec<u8> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "null".to_owned())
        .into_bytes()
}

/// Reads an options object (absent, `undefined` or `null` is the defaults); a wrong one is `INVALID_ARGUMENT`.
pub fn read_options<T: Tsify + DeserializeOwned + Default>(
    options: Option<Ts<T>>,
) -> Result<T, JsValue>
where
    T::JsType: JsCast,
{
    let Some(options) = options else {
        return Ok(T::default());
    };
    let value = options.js_value();
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    // Through JSON, so `deny_unknown_fields` holds: a misspelt option is an error, not silently ignored.
    serde_json::from_slice(&json_of(&value)).map_err(|e| {
        client_error(
            ClientErrorCode::InvalidArgument,
            &format!("bad options: {e}"),
            None,
            None,
        )
    })
}

/// A plain object for JS, `null` for a missing value, never `undefined`.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| internal(&e))
}

/// Something that cannot happen with the inputs the code builds (serializing plain data, building a request
/// from a URL already parsed); reported rather than panicking.
pub fn internal(error: &dyn std::fmt::Display) -> JsValue {
    js_sys::Error::new(&format!("verify-edge internal error: {error}")).into()
}
