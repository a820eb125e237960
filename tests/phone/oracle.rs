//! Holds `normalize_phone` to Google's libphonenumber on the generated corpus (`tests/data/phone-oracle.json`, made
//! by `node scripts/phone-oracle.mjs`): every example number of every region and type, in national, international,
//! E.164, punctuated, dialled-from-abroad and `tel:` forms, invalid variants and hostile input. Every case that
//! parses also holds [`PhoneNumber::format`] to Google's international, national and RFC 3966 formats.

use serde::Deserialize;
use verify_edge::phone::{normalize_phone, AsYouType, PhoneFormat, PhoneNumber};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Corpus {
    source: String,
    cases: Vec<Case>,
    /// Example numbers typed one character at a time, and what Google's `AsYouTypeFormatter` shows after each.
    as_you_type: Vec<Typing>,
}

#[derive(Deserialize)]
struct Typing {
    region: String,
    typed: String,
    form: String,
    shown: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    input: String,
    default_region: Option<String>,
    form: String,
    expected: Answer,
}

/// What Google says, and what we say, in one shape: the fields compared, or the error code.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Answer {
    e164: Option<String>,
    region: Option<String>,
    #[serde(rename = "type")]
    number_type: Option<String>,
    valid: Option<bool>,
    invalid_reason: Option<String>,
    error: Option<String>,
    /// Google's formats of a number that parses; not part of the comparison of parsing answers.
    #[serde(skip_serializing, default)]
    formats: Option<Formats>,
}

/// A parsed number in Google's three formats other than E.164 (which `e164` holds).
#[derive(Deserialize, Debug, PartialEq, Clone)]
struct Formats {
    international: String,
    national: String,
    rfc3966: String,
}

/// Fails, listing the first 60, when any of `total` cases `differ` (what differs says `what`): they differ from
/// Google, or no longer differ though listed as known.
fn assert_none_differ(differ: &[String], total: usize, what: &str) {
    assert!(
        differ.is_empty(),
        "{} of {total} {what} (or no longer differ, though listed as known):\n{}",
        differ.len(),
        differ
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn as_answer(result: Result<PhoneNumber, verify_edge::phone::PhoneError>) -> Answer {
    let text = |v: serde_json::Value| v.as_str().map(str::to_owned);
    match result {
        Ok(n) => Answer {
            number_type: text(serde_json::to_value(n.number_type).unwrap()),
            invalid_reason: n.invalid_reason.map(|c| c.as_str().to_owned()),
            e164: Some(n.e164),
            region: n.region,
            valid: Some(n.valid),
            error: None,
            formats: None,
        },
        Err(e) => Answer {
            e164: None,
            region: None,
            number_type: None,
            valid: None,
            invalid_reason: None,
            error: text(serde_json::to_value(e.code).unwrap()),
            formats: None,
        },
    }
}

/// Cases where the metadata differs, not the logic: google-libphonenumber 3.2.47 bundles newer metadata than the
/// phonenumber crate's 9.0.33. (input, default region, why). The test fails if one of these starts agreeing (drop
/// it) or a case not listed differs.
const KNOWN_DIFFERENCES: &[(&str, Option<&str>, &str)] = &[
    ("+22056612349", None, "Gambia: Google's newer metadata adds 9-digit numbers, so 8 digits is INVALID_LENGTH there and TOO_LONG in 9.0.33"),
    ("+22030123459", None, "Gambia: as above"),
    ("+24772889", None, "Ascension: Google's newer metadata widens mobile to [2-47]\\d{4}; 9.0.33 has 4\\d{4}"),
    ("+255721234567", None, "Tanzania: Google's newer metadata widens mobile to 7\\d; 9.0.33 has 7[013-9]"),
    ("\u{967}\u{968}\u{969}\u{96A}\u{96B}\u{96C}\u{96D}", Some("IN"), "Devanagari digits: the JavaScript port (google-libphonenumber) accepts only ASCII, full-width and Arabic-Indic digits; Java's libphonenumber, like us, accepts any Unicode decimal digit (Character.digit), so reads +91 1234567"),
];

#[test]
fn every_case_agrees_with_google() {
    let corpus: Corpus =
        serde_json::from_str(include_str!("../data/phone-oracle.json")).expect("corpus parses");
    assert!(corpus.cases.len() > 10_000, "the corpus lost its cases");
    let mut differ = Vec::new();
    for case in &corpus.cases {
        let mut got = as_answer(normalize_phone(&case.input, case.default_region.as_deref()));
        got.formats.clone_from(&case.expected.formats);
        let known = KNOWN_DIFFERENCES.iter().any(|(input, region, _)| {
            *input == case.input && *region == case.default_region.as_deref()
        });
        if (got != case.expected) != known {
            differ.push(format!(
                "{} {:?} in {:?}:\n    we say   {got:?}\n    {} says {:?}",
                case.form, case.input, case.default_region, corpus.source, case.expected
            ));
        }
    }
    assert_none_differ(&differ, corpus.cases.len(), "cases differ from Google");
}

/// Numbers whose formats differ because the metadata does, not the logic: (E.164, why). Every case of a listed
/// number must differ: the test fails if one starts agreeing (drop it) or a number not listed differs.
const KNOWN_FORMAT_DIFFERENCES: &[(&str, &str)] = &[
    ("+298201234", FAROE),
    ("+298211234", FAROE),
    ("+298301234", FAROE),
    ("+298311234", FAROE),
    ("+298601234", FAROE),
    ("+298701234", FAROE),
    ("+298802123", FAROE),
    ("+298901123", FAROE),
    ("+298902123", FAROE),
    ("+2639001234", "Zimbabwe, a wrong leading digit (not valid): Google's newer metadata no longer groups 9 and six digits; 9.0.33 writes 9 001 234"),
];
const FAROE: &str = "Faroe Islands: Google's newer metadata writes six digits as $1 $2 $3 (90 11 23); 9.0.33 as one block (901123)";

#[test]
fn every_parsed_number_is_formatted_as_google_formats_it() {
    let corpus: Corpus =
        serde_json::from_str(include_str!("../data/phone-oracle.json")).expect("corpus parses");
    let (mut compared, mut known_seen, mut differ) = (0, 0, Vec::new());
    for case in &corpus.cases {
        let Some(expected) = &case.expected.formats else {
            continue;
        };
        let Ok(number) = normalize_phone(&case.input, case.default_region.as_deref()) else {
            continue;
        };
        // A number we parse differently is a parsing difference, listed in `KNOWN_DIFFERENCES`.
        if Some(&number.e164) != case.expected.e164.as_ref() {
            continue;
        }
        compared += 1;
        assert_eq!(number.format(PhoneFormat::E164), number.e164);
        let got = Formats {
            international: number.format(PhoneFormat::International),
            national: number.format(PhoneFormat::National),
            rfc3966: number.format(PhoneFormat::Rfc3966),
        };
        let known = KNOWN_FORMAT_DIFFERENCES
            .iter()
            .any(|(e164, _)| *e164 == number.e164);
        known_seen += usize::from(known);
        if (got != *expected) != known {
            differ.push(format!(
                "{} {:?} in {:?} ({}):\n    we write {got:?}\n    {} writes {expected:?}",
                case.form, case.input, case.default_region, number.e164, corpus.source
            ));
        }
    }
    eprintln!(
        "formats: {} of {compared} parsed numbers written as Google writes them, {known_seen} known differences",
        compared - differ.len() - known_seen,
    );
    assert!(compared > 10_000, "the corpus lost its parsed numbers");
    assert_none_differ(
        &differ,
        compared,
        "parsed numbers are formatted unlike Google",
    );
}

/// Regions whose numbers we show differently from Google's as-you-type formatter because the metadata differs:
/// (region, why). Every number typed in a listed region must differ; the test fails if one starts agreeing (drop
/// it) or a number of another region differs.
const KNOWN_AS_YOU_TYPE_DIFFERENCES: &[(&str, &str)] = &[("FO", FAROE)];

#[test]
fn as_you_type_shows_what_google_shows_after_every_character() {
    let corpus: Corpus =
        serde_json::from_str(include_str!("../data/phone-oracle.json")).expect("corpus parses");
    assert!(
        corpus.as_you_type.len() > 1_000,
        "the corpus lost its typing"
    );
    let (mut steps, mut steps_agree, mut agree, mut differ) = (0, 0, 0, Vec::new());
    for typing in &corpus.as_you_type {
        let mut formatter = AsYouType::new(&typing.region);
        let shown: Vec<String> = typing
            .typed
            .chars()
            .map(|c| formatter.input_digit(c))
            .collect();
        steps += shown.len();
        agree += usize::from(shown == typing.shown);
        steps_agree += shown
            .iter()
            .zip(&typing.shown)
            .filter(|(a, b)| a == b)
            .count();
        let known = KNOWN_AS_YOU_TYPE_DIFFERENCES
            .iter()
            .any(|(region, _)| *region == typing.region);
        if (shown != typing.shown) != known {
            differ.push(format!(
                "{} {:?} in {}:\n    we show  {shown:?}\n    {} shows {:?}",
                typing.form, typing.typed, typing.region, corpus.source, typing.shown
            ));
        }
        // Typing it all at once shows the last of it.
        assert_eq!(
            formatter.input(&typing.typed),
            shown.last().cloned().unwrap_or_default()
        );
    }
    eprintln!(
        "as you type: {agree} of {} typed numbers and {steps_agree} of {steps} characters show what Google shows",
        corpus.as_you_type.len()
    );
    assert_none_differ(
        &differ,
        corpus.as_you_type.len(),
        "typed numbers show unlike Google",
    );
}
