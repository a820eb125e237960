//! Untrusted input never panics `normalize_phone`, and whatever it returns is well-formed. A deterministic generator
//! builds strings from the pieces parsers trip on: digits of several scripts, plus signs, punctuation, letters,
//! `tel:` URIs and their parameters, extension markers, control and multi-byte characters, and very long runs. Every
//! number that parses is also formatted, in each format, without panicking and keeping its digits.

use verify_edge::phone::{
    normalize_phone, supported_regions, AsYouType, NumberType, PhoneErrorCode, PhoneFormat,
    PhoneNumber, MAX_INPUT_BYTES,
};

use crate::rng::Rng;

const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "5",
    "7",
    "9",
    "00",
    "011",
    "0011",
    "+",
    "++",
    "\u{FF0B}",
    " ",
    "-",
    ".",
    "(",
    ")",
    "/",
    "[",
    "]",
    "~",
    "x",
    "ext.",
    "#",
    ";",
    ",",
    "*",
    "tel:",
    ";phone-context=",
    ";phone-context=+",
    ";isub=",
    ";ext=",
    "a",
    "Z",
    "FLOWERS",
    "доб",
    "\u{0660}",
    "\u{0669}",
    "\u{06F5}",
    "\u{0967}",
    "\u{FF11}",
    "\u{1D7D9}",
    "\u{200B}",
    "\u{00A0}",
    "\u{3000}",
    "\u{0000}",
    "\u{FFFF}",
    "\u{D7FF}",
    "é",
    "😀",
    "\n",
    "\t",
    "%",
    "$1",
    "(?:",
    "\\",
    "44",
    "376",
    "800",
    "1800",
    "8",
    "80",
    "15",
    "9",
    "64",
];

#[test]
fn two_hundred_thousand_generated_inputs_never_panic_and_answer_well() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let regions: Vec<&str> = supported_regions();
    let mut parsed = 0;
    for _ in 0..200_000 {
        let mut input = String::new();
        for _ in 0..1 + rng.below(24) {
            input.push_str(rng.pick(PIECES));
        }
        let region = match rng.below(6) {
            0 => None,
            1 => Some("zz"),
            2 => Some("\u{00C9}X"),
            _ => Some(rng.pick(&regions)),
        };
        if let Ok(number) = normalize_phone(&input, region) {
            parsed += 1;
            let digits = &number.e164[1..];
            assert!(
                number.e164.starts_with('+') && digits.bytes().all(|b| b.is_ascii_digit()),
                "{input:?}"
            );
            assert!(digits.len() <= 3 + 17, "{input:?} gave {}", number.e164);
            assert_eq!(
                number.e164,
                format!("+{}{}", number.country_code, number.national_number)
            );
            assert_eq!(number.valid, number.invalid_reason.is_none(), "{input:?}");
            assert_formats_well(&number);
        }
    }
    assert!(
        parsed > 10_000,
        "the generator should also produce parseable numbers ({parsed})"
    );
}

#[test]
fn long_inputs_are_refused_or_bounded() {
    let at_limit = "1".repeat(MAX_INPUT_BYTES);
    assert_eq!(
        normalize_phone(&at_limit, Some("US")).unwrap_err().code,
        PhoneErrorCode::TooLong
    );
    let over = "1".repeat(MAX_INPUT_BYTES + 1);
    assert_eq!(
        normalize_phone(&over, Some("US")).unwrap_err().code,
        PhoneErrorCode::InputTooLong
    );
    // Multi-byte characters count in bytes: 16 Ki four-byte characters are 64 KiB exactly.
    let wide = "😀".repeat(MAX_INPUT_BYTES / 4 + 1);
    assert_eq!(
        normalize_phone(&wide, None).unwrap_err().code,
        PhoneErrorCode::InputTooLong
    );
    // Google reads up to 250 characters, counted before trimming.
    let spaced = format!("+1 650 253 0000{}", " ".repeat(200));
    assert_eq!(normalize_phone(&spaced, None).unwrap().e164, "+16502530000");
}

#[test]
fn an_unknown_default_region_is_named_without_its_control_characters() {
    let error = normalize_phone(
        "650 253 0000",
        Some("Z\u{0}\n\u{202E}Ω and a very long rest"),
    )
    .unwrap_err();
    assert_eq!(error.code, PhoneErrorCode::UnknownRegion);
    // The first 16 characters, quoted, with control characters replaced; other characters kept as typed.
    assert!(
        error
            .message
            .contains("\"Z\u{FFFD}\u{FFFD}\u{202E}Ω and a very\""),
        "{}",
        error.message
    );
}

/// Every format of a number keeps its digits: E.164 is the number; international is `+`, the country code, a
/// space and the national number's digits grouped; RFC 3966 is that as a `tel:` URI with dashes; national is
/// written.
fn assert_formats_well(number: &PhoneNumber) {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let nsn = &number.national_number;
    assert_eq!(number.format(PhoneFormat::E164), number.e164);
    let international = number.format(PhoneFormat::International);
    let prefix = format!("+{} ", number.country_code);
    let grouped = international
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{international:?} for {}", number.e164));
    assert_eq!(digits(grouped), *nsn, "{international:?}");
    let rfc = number.format(PhoneFormat::Rfc3966);
    let rest = rfc
        .strip_prefix(&format!("tel:+{}-", number.country_code))
        .unwrap_or_else(|| panic!("{rfc:?} for {}", number.e164));
    assert!(
        rest.bytes().all(|b| b.is_ascii_digit() || b == b'-') && digits(rest) == *nsn,
        "{rfc:?} for {}",
        number.e164
    );
    // National formats may add a national prefix or carrier digits, and drop some (Argentina's mobile 9).
    let national = number.format(PhoneFormat::National);
    assert_eq!(national.is_empty(), nsn.is_empty(), "{}", number.e164);
}

/// Formatting reads only the country code and the national number: any digits for any country code (not only
/// what parsing makes) are written without panicking and keep their digits.
#[test]
fn any_national_number_of_any_country_code_formats_well() {
    let mut rng = Rng(0xF0F0_1234_5678_9ABC);
    // The country codes that exist, as parsing finds them.
    let codes: Vec<u16> = (1..1000)
        .filter(|cc| {
            normalize_phone(&format!("+{cc}12345678"), None).is_ok_and(|n| n.country_code == *cc)
        })
        .collect();
    assert!(codes.len() > 200, "{} country codes", codes.len());
    for _ in 0..200_000 {
        let country_code = rng.pick(&codes);
        let len = rng.below(18);
        let national_number: String = (0..len)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let number = PhoneNumber {
            e164: format!("+{country_code}{national_number}"),
            region: None,
            country_code,
            national_number,
            number_type: NumberType::Unknown,
            valid: false,
            invalid_reason: None,
        };
        assert_formats_well(&number);
    }
}

/// As-you-type formatting never panics on generated input typed in any region (or none it knows), and no answer
/// loses what was typed: it holds every ASCII digit typed, or is the text as typed.
#[test]
fn as_you_type_never_panics_and_keeps_what_was_typed() {
    let mut rng = Rng(0xA5A5_0000_1111_2222);
    let mut regions: Vec<&str> = supported_regions();
    regions.extend(["", "zz", "001", "\u{00C9}X"]);
    let keys = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", " ", "-", "(", ")", "\u{FF15}",
        "\u{0663}", "a",
    ];
    for _ in 0..20_000 {
        let mut formatter = AsYouType::new(rng.pick(&regions));
        let mut typed = String::new();
        for _ in 0..1 + rng.below(20) {
            let key = rng.pick(&keys);
            typed.push_str(key);
            for c in key.chars() {
                let shown = formatter.input_digit(c);
                let kept: String = shown.chars().filter(char::is_ascii_digit).collect();
                let wanted: String = typed.chars().filter(char::is_ascii_digit).collect();
                assert!(
                    kept.len() >= wanted.len() || shown.chars().count() >= typed.chars().count(),
                    "{typed:?} showed {shown:?}"
                );
            }
        }
    }
}

/// `AsYouType::input` (a whole field's text at once) shows what typing the same text character by character shows,
/// and a pasted page of text comes back as it is, in one pass.
#[test]
fn as_you_type_input_is_typing_each_character() {
    let mut rng = Rng(0x5EED_0F7E_57AB);
    let regions = ["US", "GB", "DE", "BR", "IN", "JP", "", "ZZ"];
    let keys = [
        "0", "1", "2", "5", "7", "9", "+", " ", "-", "(", ")", "a", "\u{0663}",
    ];
    for _ in 0..5_000 {
        let region = rng.pick(&regions);
        let text: String = (0..1 + rng.below(30)).map(|_| rng.pick(&keys)).collect();
        let mut typing = AsYouType::new(region);
        let mut shown = String::new();
        for c in text.chars() {
            shown = typing.input_digit(c);
        }
        let mut whole = AsYouType::new(region);
        assert_eq!(whole.input(&text), shown, "{text:?} in {region:?}");
        assert_eq!(whole.typed(), text);
        // Both go on alike after it.
        assert_eq!(
            whole.input_digit('4'),
            typing.input_digit('4'),
            "{text:?}4 in {region:?}"
        );
    }
    let pasted = "650 253 0000 ".repeat(6_000);
    let mut formatter = AsYouType::new("US");
    assert_eq!(formatter.input(&pasted), pasted);
    assert_eq!(formatter.input_digit('1'), format!("{pasted}1"));
}
