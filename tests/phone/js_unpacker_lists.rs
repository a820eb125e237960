//! `src/browser/phone.js` unpacks `normalizePhone`'s answer by position: its lists of number types and error codes
//! must follow the Rust enums variant by variant, or every answer of a moved variant would name another.

use verify_edge::phone::{NumberType, PhoneErrorCode};

/// The quoted strings of the `const NAME = [...]` list in phone.js.
fn js_list(name: &str) -> Vec<String> {
    let source = include_str!("../../src/browser/phone.js");
    let start = source
        .find(&format!("const {name} = ["))
        .unwrap_or_else(|| panic!("phone.js has no {name}"));
    let body = &source[start..];
    let body = &body[body.find('[').expect("a list")..body.find(']').expect("a closed list")];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Asserts that the JS list `name` has `count` names and that each parses (as JSON) into the variant at its
/// position, by `position`.
fn assert_follows<T: serde::de::DeserializeOwned>(
    name: &str,
    count: usize,
    position: fn(T) -> usize,
) {
    let names = js_list(name);
    assert_eq!(names.len(), count, "one name per variant in {name}");
    for (index, name) in names.iter().enumerate() {
        let variant: T = serde_json::from_value(name.as_str().into())
            .unwrap_or_else(|e| panic!("{name} is not a variant: {e}"));
        assert_eq!(position(variant), index, "{name} is at {index} in phone.js");
    }
}

#[test]
fn number_types_follow_the_rust_enum() {
    assert_follows("NUMBER_TYPES", 12, |kind: NumberType| kind as usize);
}

#[test]
fn error_codes_follow_the_rust_enum() {
    assert_follows("ERROR_CODES", 8, |code: PhoneErrorCode| code as usize);
    for name in js_list("ERROR_CODES") {
        let code: PhoneErrorCode = serde_json::from_value(name.as_str().into()).expect("a code");
        assert_eq!(code.as_str(), name);
    }
}
