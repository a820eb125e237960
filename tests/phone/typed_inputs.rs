//! The table of phone inputs people type (tests/data/phone_table_cases.rs), each held to Google's exact answer.

use verify_edge::phone::normalize_phone;

include!("../data/phone_table_cases.rs");

#[test]
fn every_case_gives_googles_answer() {
    let mut wrong = Vec::new();
    for &(input, region, expected) in CASES {
        let got = normalize_phone(input, region);
        let got = got
            .as_ref()
            .map(|n| (n.e164.as_str(), n.valid))
            .map_err(|e| e.code);
        if got != expected {
            wrong.push(format!(
                "{input:?} in {region:?}: got {got:?}, Google says {expected:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases differ:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_table_is_broad() {
    assert!(CASES.len() >= 150, "{} cases", CASES.len());
    let regions: std::collections::BTreeSet<_> = CASES.iter().filter_map(|c| c.1).collect();
    assert!(regions.len() >= 40, "{} regions", regions.len());
    let errors = CASES.iter().filter(|c| c.2.is_err()).count();
    let invalid = CASES
        .iter()
        .filter(|c| matches!(c.2, Ok((_, false))))
        .count();
    assert!(
        errors >= 10 && invalid >= 5,
        "{errors} error cases, {invalid} invalid numbers"
    );
}
