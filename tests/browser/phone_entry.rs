//! The npm package's Rust door, run in headless Chromium and Firefox by `wasm-pack test`: what JS receives.

use js_sys::{Object, Reflect};
use verify_edge::browser::{normalize_phone, supported_regions};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

include!("../data/phone_table_cases.rs");

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("a readable property")
}

fn code_of(error: &JsValue) -> String {
    field(error, "code")
        .as_string()
        .expect("the error has a string code")
}

#[wasm_bindgen_test]
fn returns_a_plain_object_with_camel_case_fields() {
    let number = normalize_phone("020 7031 3000", Some("GB".into())).expect("a UK number");
    assert_eq!(
        Object::get_prototype_of(&number),
        Object::get_prototype_of(&Object::new()),
        "a plain object"
    );
    assert_eq!(
        field(&number, "e164").as_string().as_deref(),
        Some("+442070313000")
    );
    assert_eq!(field(&number, "region").as_string().as_deref(), Some("GB"));
    assert_eq!(field(&number, "countryCode").as_f64(), Some(44.0));
    assert_eq!(
        field(&number, "nationalNumber").as_string().as_deref(),
        Some("2070313000")
    );
    assert_eq!(
        field(&number, "numberType").as_string().as_deref(),
        Some("fixed_line")
    );
    assert_eq!(field(&number, "valid").as_bool(), Some(true));
    assert!(
        field(&number, "invalidReason").is_null(),
        "null, not undefined"
    );
    let keys: Vec<String> = Object::keys(number.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
}

#[wasm_bindgen_test]
fn a_number_of_no_country_has_a_null_region() {
    let number = normalize_phone("+800 1234 5678", None).expect("a global freephone number");
    assert!(field(&number, "region").is_null());
    assert_eq!(
        field(&number, "numberType").as_string().as_deref(),
        Some("toll_free")
    );
}

#[wasm_bindgen_test]
fn throws_a_verify_edge_error_carrying_the_stable_code() {
    let error = normalize_phone("hello", Some("US".into())).expect_err("not a number");
    assert!(error.is_instance_of::<js_sys::Error>(), "an Error subclass");
    assert_eq!(
        field(&error, "name").as_string().as_deref(),
        Some("VerifyEdgeError")
    );
    assert_eq!(code_of(&error), "NOT_A_NUMBER");
    assert!(!field(&error, "message")
        .as_string()
        .unwrap_or_default()
        .is_empty());

    let error = normalize_phone("650 253 0000", Some("XX".into())).expect_err("no such region");
    assert_eq!(code_of(&error), "UNKNOWN_REGION");
    let error =
        normalize_phone(&"1".repeat(64 * 1024 + 1), Some("US".into())).expect_err("too long");
    assert_eq!(code_of(&error), "INPUT_TOO_LONG");
}

#[wasm_bindgen_test]
fn the_browser_build_gives_googles_answer_on_the_whole_table() {
    let mut wrong = Vec::new();
    for &(input, region, expected) in CASES {
        let got = match normalize_phone(input, region.map(str::to_owned)) {
            Ok(n) => Ok((
                field(&n, "e164").as_string().unwrap_or_default(),
                field(&n, "valid").as_bool() == Some(true),
            )),
            Err(e) => Err(code_of(&e)),
        };
        let expected = expected
            .map(|(e164, valid)| (e164.to_owned(), valid))
            .map_err(|c| c.as_str().to_owned());
        if got != expected {
            wrong.push(format!(
                "{input:?} in {region:?}: got {got:?}, Google says {expected:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

#[wasm_bindgen_test]
fn lists_the_supported_regions() {
    let regions: Vec<String> = js_sys::Array::from(&supported_regions())
        .iter()
        .map(|id| id.as_string().unwrap_or_default())
        .collect();
    assert!(regions.len() > 240);
    assert!(
        regions
            .iter()
            .all(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase())),
        "two capital letters each"
    );
    assert!(regions.iter().any(|r| r == "GB") && !regions.iter().any(|r| r == "001"));
    assert!(regions.windows(2).all(|w| w[0] < w[1]), "sorted");
}
