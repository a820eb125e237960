//! Holds `normalize_phone` to Google's libphonenumber on the generated corpus (`tests/data/phone-oracle.json`, made
//! by `node scripts/phone-oracle.mjs`): every example number of every region and type, in national, international,
//! E.164, punctuated, dialled-from-abroad and `tel:` forms, invalid variants and hostile input.

use serde::Deserialize;
use verify_edge::phone::{normalize_phone, PhoneNumber};

#[derive(Deserialize)]
struct Corpus {
    source: String,
    cases: Vec<Case>,
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
        },
        Err(e) => Answer {
            e164: None,
            region: None,
            number_type: None,
            valid: None,
            invalid_reason: None,
            error: text(serde_json::to_value(e.code).unwrap()),
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
        serde_json::from_str(include_str!("data/phone-oracle.json")).expect("corpus parses");
    assert!(corpus.cases.len() > 10_000, "the corpus lost its cases");
    let mut differ = Vec::new();
    for case in &corpus.cases {
        let got = as_answer(normalize_phone(&case.input, case.default_region.as_deref()));
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
    assert!(
        differ.is_empty(),
        "{} of {} cases differ from Google (or no longer differ, though listed as known):\n{}",
        differ.len(),
        corpus.cases.len(),
        differ
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
