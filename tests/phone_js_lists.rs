//! `src/browser/phone.js` unpacks `normalizePhone`'s answer by position: its lists of number types and error codes
//! must follow the Rust enums variant by variant, or every answer of a moved variant would name another.

use verify_edge::phone::{NumberType, PhoneErrorCode};

/// The quoted strings of the `const NAME = [...]` list in phone.js.
fn js_list(name: &str) -> Vec<String> {
    let source = include_str!("../src/browser/phone.js");
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

#[test]
fn number_types_follow_the_rust_enum() {
    let names = js_list("NUMBER_TYPES");
    assert_eq!(names.len(), 12, "one name per NumberType variant");
    for (index, name) in names.iter().enumerate() {
        let kind: NumberType = serde_json::from_value(name.as_str().into())
            .unwrap_or_else(|e| panic!("{name} is not a NumberType: {e}"));
        assert_eq!(kind as usize, index, "{name} is at {index} in phone.js");
    }
}

#[test]
fn error_codes_follow_the_rust_enum() {
    let names = js_list("ERROR_CODES");
    assert_eq!(names.len(), 8, "one name per PhoneErrorCode variant");
    for (index, name) in names.iter().enumerate() {
        let code: PhoneErrorCode = serde_json::from_value(name.as_str().into())
            .unwrap_or_else(|e| panic!("{name} is not a PhoneErrorCode: {e}"));
        assert_eq!(code as usize, index, "{name} is at {index} in phone.js");
        assert_eq!(code.as_str(), name);
    }
}
