//! Values crossing the door: an options object from JS into its Rust struct, a JS object into the core's parameter
//! values, an API answer's JSON into its Rust type, an answer from Rust into a plain JS object, and a Rust future
//! into a JS promise. Every client entry uses these; none goes through `serde_json` on the main entry's paths (the
//! runtime's `JSON.parse` and [`super::js_de`] read, [`super::js_ser`] writes), which keeps a JSON parser out of its
//! wasm.

use std::future::{poll_fn, Future};
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::error::{client_error, internal_error, ClientErrorCode, VerifyEdgeError};
use super::js_de::from_js;
use super::js_ser::{to_js_value, Absent};

/// A JS value as JSON bytes, as the core's body reader takes them. What JSON cannot hold (a function, a cycle)
/// reads as `null`, and the core then names the body. (The main entry reads its objects with [`params_of`].)
#[cfg(feature = "browser-passkey")]
pub fn json_of(value: &JsValue) -> Vec<u8> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "null".to_owned())
        .into_bytes()
}

/// A JS object's own enumerable properties as the core's parameter values, as `JSON.stringify` would see them
/// (`undefined`, functions and symbols are left out); `None` for anything but an object (an array, a string,
/// `null`). The client reads its parameters with the core's readers from these, with no JSON in between.
#[cfg(any(feature = "browser", feature = "browser-totp"))]
fn params_of(value: &JsValue) -> Option<Vec<(String, crate::api::ParamValue)>> {
    use crate::api::ParamValue;
    let mut values = Vec::new();
    for (name, value) in own_entries(value)? {
        let value = if value.is_null() {
            ParamValue::Null
        } else if let Some(b) = value.as_bool() {
            ParamValue::Bool(b)
        } else if let Some(s) = value.as_string() {
            ParamValue::Text(s)
        } else {
            ParamValue::Other
        };
        values.push((name, value));
    }
    Some(values)
}

/// Reads a client's parameter object with the core's reader `read` (a `from_values`): anything but an object, or
/// a bad parameter, is the 60200 the Worker would answer, with no HTTP status (nothing was sent).
#[cfg(any(feature = "browser", feature = "browser-totp"))]
pub fn read_params<T>(
    value: &JsValue,
    read: impl FnOnce(
        Vec<(String, crate::api::ParamValue)>,
    ) -> Result<T, crate::verify::model::TwilioError>,
) -> Result<T, VerifyEdgeError> {
    params_of(value)
        .ok_or_else(crate::api::not_an_object)
        .and_then(read)
        .map_err(|e| super::error::twilio_error(&e, None, None))
}

/// Whether `value` is an object other than an array (`null` and functions are not objects here).
fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !js_sys::Array::is_array(value)
}

/// An object's own enumerable string-keyed properties, without those `JSON.stringify` leaves out (`undefined`,
/// functions, symbols); `None` for anything but a non-array object.
pub(super) fn own_entries(value: &JsValue) -> Option<Vec<(String, JsValue)>> {
    if !is_plain_object(value) {
        return None;
    }
    let entries = js_sys::Object::entries(value.unchecked_ref());
    let mut own = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let value = entry.get(1);
        if value.is_undefined() || value.is_function() || value.is_symbol() {
            continue;
        }
        own.push((entry.get(0).as_string()?, value));
    }
    Some(own)
}

/// Reads an options object (absent, `undefined` or `null` is the defaults); a wrong one is `INVALID_ARGUMENT`. Every
/// options type denies unknown fields (`#[serde(deny_unknown_fields)]`), so a misspelt name is refused too: the
/// reader hands serde every own property of the object.
pub fn read_options<T: Tsify + DeserializeOwned + Default>(
    options: Option<Ts<T>>,
) -> Result<T, VerifyEdgeError>
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
    if !is_plain_object(&value) {
        return Err(bad_options("not an object"));
    }
    from_js(value).map_err(|e| bad_options(&e.to_string()))
}

fn bad_options(message: &str) -> VerifyEdgeError {
    client_error(
        ClientErrorCode::InvalidArgument,
        &["bad options: ", message].concat(),
        None,
        None,
    )
}

/// A JSON text as `T`, through the runtime's `JSON.parse`: the answers of the Worker's API.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "not JSON".to_owned())?;
    from_js(value).map_err(|e| e.to_string())
}

/// A plain object for JS, `null` for a missing value, never `undefined`.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, VerifyEdgeError> {
    to_js_value(value, Absent::Null).map_err(|e| internal_error(&e))
}

/// A promise of what `future` resolves with, rejected with its `VerifyEdgeError` when it fails.
pub fn promise(
    future: impl Future<Output = Result<JsValue, VerifyEdgeError>> + 'static,
) -> js_sys::Promise {
    into_promise(Box::pin(future))
}

/// [`promise`]'s body, once for every future: one copy of `future_to_promise` in the wasm, not one per method.
fn into_promise(
    mut future: Pin<Box<dyn Future<Output = Result<JsValue, VerifyEdgeError>>>>,
) -> js_sys::Promise {
    future_to_promise(poll_fn(move |cx| {
        future.as_mut().poll(cx).map(|r| r.map_err(JsValue::from))
    }))
}
