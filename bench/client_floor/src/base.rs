//! `prepareStart` over none of the core: the floor under the floor.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn text(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &key.into()).ok()?.as_string()
}

/// A 60200 naming `name`, thrown as a plain object, its message joined without `format!`.
fn thrown(name: &str) -> JsValue {
    let object = js_sys::Object::new();
    let mut message = String::from("Invalid parameter: ");
    message.push_str(name);
    let _ = Reflect::set(&object, &"code".into(), &60200.into());
    let _ = Reflect::set(&object, &"message".into(), &message.as_str().into());
    object.into()
}

/// `to` and `channel`, required strings, as the form the client would post; nothing else is read or checked.
#[wasm_bindgen(js_name = prepareStart)]
pub fn prepare_start(params: JsValue) -> Result<String, JsValue> {
    let to = text(&params, "to").ok_or_else(|| thrown("to"))?;
    let channel = text(&params, "channel").ok_or_else(|| thrown("channel"))?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("To", &to);
    form.append_pair("Channel", &channel);
    Ok(form.finish())
}
