//! The core's start readers behind `prepareStart`.

use js_sys::Reflect;
use verify_edge::api::{ParamValue, StartParams};
use verify_edge::phone::{NumberType, PhoneError, PhoneErrorCode, PhoneNumber};
use verify_edge::verify::TwilioError;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(module = "/floor.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn normalize(input: &str, region: Option<&str>) -> Result<JsValue, JsValue>;
}

fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::NULL)
}

fn thrown(error: &TwilioError) -> JsValue {
    let object = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &key.into(), &value);
    };
    set("code", error.code.into());
    set("message", error.message.as_str().into());
    if let Some(details) = &error.details {
        set("reason", details.reason.as_str().into());
        set("description", details.description.as_str().into());
    }
    object.into()
}

/// A start's parameters, read and checked as the Worker reads them, as the form the client would post.
#[wasm_bindgen(js_name = prepareStart)]
pub fn prepare_start(params: JsValue) -> Result<String, JsValue> {
    let mut values = Vec::new();
    for entry in js_sys::Object::entries(params.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let value = entry.get(1);
        let value = if value.is_null() {
            ParamValue::Null
        } else if let Some(flag) = value.as_bool() {
            ParamValue::Bool(flag)
        } else if let Some(text) = value.as_string() {
            ParamValue::Text(text)
        } else {
            ParamValue::Other
        };
        values.push((entry.get(0).as_string().unwrap_or_default(), value));
    }
    let start = StartParams::from_values(values).map_err(|e| thrown(&e))?;
    let engine = |input: &str, region: Option<&str>| match normalize(input, region) {
        Ok(number) => Ok(PhoneNumber {
            e164: field(&number, "e164").as_string().unwrap_or_default(),
            region: None,
            country_code: 0,
            national_number: String::new(),
            number_type: NumberType::Unknown,
            valid: true,
            invalid_reason: None,
        }),
        Err(error) => Err(PhoneError {
            code: field(&error, "code")
                .as_string()
                .and_then(|c| c.parse().ok())
                .unwrap_or(PhoneErrorCode::NotANumber),
            message: field(&error, "message").as_string().unwrap_or_default(),
        }),
    };
    let upstream = start.to_upstream_with(&engine).map_err(|e| thrown(&e))?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in upstream.form() {
        form.append_pair(name, &value);
    }
    Ok(form.finish())
}
