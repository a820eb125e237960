//! Values crossing the door: an options object from JS into its Rust struct, an answer from Rust into a plain JS
//! object, a Rust future into a JS promise, and a JS value into the JSON the core reads. `client.rs` and `sna.rs`
//! both use these.

use std::future::{poll_fn, Future};
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::error::{client_error, internal_error, ClientErrorCode, VerifyEdgeError};

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
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, VerifyEdgeError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| internal_error(&e))
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
