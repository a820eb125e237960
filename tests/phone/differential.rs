//! The table-driven engine gives the same answer as the engine it replaced (the `phonenumber` crate's database and
//! the `regex` crate, `tests/phone/differential/legacy.rs`) on generated input: every example number of every region
//! and number type, written the ways people write numbers and then damaged (a digit dropped, added or changed,
//! punctuation, letters, other scripts' digits, international prefixes, `tel:` URIs), and strings built from the
//! pieces parsers trip on. Same E.164, region, type, validity, invalid reason and error code, case for case.
//!
//! `PHONE_FUZZ_CASES=N` runs N cases instead of the default (run it in release for millions).

use phonenumber::metadata::DATABASE;
use verify_edge::phone::{normalize_phone, supported_regions, PhoneErrorCode};

mod legacy;

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
    "810",
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
    "X",
    "ext.",
    "EXT",
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
    "ДОБ",
    "\u{017F}",
    "\u{212A}",
    "\u{0660}",
    "\u{0669}",
    "\u{06F5}",
    "\u{0967}",
    "\u{FF11}",
    "\u{1D7D9}",
    "\u{1E950}",
    "\u{200B}",
    "\u{00A0}",
    "\u{3000}",
    "\u{2010}",
    "\u{FF0D}",
    "\u{0000}",
    "é",
    "ó",
    "o\u{0301}",
    "😀",
    "\n",
    "\t",
    "%",
    "$1",
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
    "54",
    "7",
    "33",
    "49",
    "86",
    "91",
];

/// Ways a number is written around its digits.
const DECORATIONS: &[&str] = &[
    " ", "-", ".", "(", ")", "/", "\u{00A0}", "\u{2013}", "", "", "",
];

/// The example numbers of every region and number type: (region, country code, national number).
fn examples() -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for meta in DATABASE.iter() {
        let d = meta.descriptors();
        for desc in [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(example) = desc.example() {
                out.push((
                    meta.id().to_owned(),
                    meta.country_code(),
                    example.to_owned(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// One generated case: an input and a default region.
fn case(
    rng: &mut Rng,
    examples: &[(String, u16, String)],
    regions: &[&'static str],
) -> (String, Option<String>) {
    let region = match rng.below(8) {
        0 => None,
        1 => Some("zz".to_owned()),
        _ => Some(rng.pick(regions).to_owned()),
    };
    if rng.below(4) == 0 {
        let mut input = String::new();
        for _ in 0..1 + rng.below(24) {
            input.push_str(rng.pick(PIECES));
        }
        return (input, region);
    }
    let (own, code, national) = &examples[rng.below(examples.len())];
    let mut digits: Vec<char> = national.chars().collect();
    match rng.below(6) {
        0 if !digits.is_empty() => {
            digits.remove(rng.below(digits.len()));
        }
        1 => digits.insert(
            rng.below(digits.len() + 1),
            char::from(b'0' + rng.below(10) as u8),
        ),
        2 if !digits.is_empty() => {
            let at = rng.below(digits.len());
            digits[at] = char::from(b'0' + rng.below(10) as u8);
        }
        _ => {}
    }
    let mut body = String::new();
    for c in digits {
        if rng.below(4) == 0 {
            body.push_str(rng.pick(DECORATIONS));
        }
        body.push(c);
    }
    let prefix = match rng.below(9) {
        0 | 1 => format!("+{code} "),
        2 => format!("00{code} "),
        3 => format!("011 {code} "),
        4 => format!("+{code}0"),
        5 => "0".to_owned(),
        6 => format!("{code}"),
        _ => String::new(),
    };
    let input = match rng.below(10) {
        0 => format!("tel:{prefix}{body}"),
        1 => format!("tel:{body};phone-context=+{code}"),
        2 => format!("{prefix}{body} ext. {}", rng.below(1000)),
        3 => format!("{prefix}{}", rng.pick(PIECES)) + &body,
        _ => format!("{prefix}{body}"),
    };
    // Read it in its own region half of the time.
    let region = if rng.below(2) == 0 && own.len() == 2 {
        Some(own.clone())
    } else {
        region
    };
    (input, region)
}

type Answer = Result<
    (
        String,
        Option<String>,
        verify_edge::phone::NumberType,
        bool,
        Option<PhoneErrorCode>,
    ),
    PhoneErrorCode,
>;

fn ours(input: &str, region: Option<&str>) -> Answer {
    normalize_phone(input, region)
        .map(|n| (n.e164, n.region, n.number_type, n.valid, n.invalid_reason))
        .map_err(|e| e.code)
}

#[test]
fn the_tables_give_the_answers_of_the_engine_they_replaced() {
    let cases: usize = std::env::var("PHONE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let examples = examples();
    assert!(examples.len() > 1_000, "{} example numbers", examples.len());
    let regions = supported_regions();
    let mut rng = Rng(0xD1FF_5EED_0000_0005);
    let mut differences = Vec::new();
    let mut valid = 0;
    for _ in 0..cases {
        let (input, region) = case(&mut rng, &examples, &regions);
        let expected = legacy::normalize(&input, region.as_deref());
        let got = ours(&input, region.as_deref());
        if got.as_ref().is_ok_and(|n| n.3) {
            valid += 1;
        }
        if got != expected && differences.len() < 20 {
            differences.push(format!(
                "{input:?} ({region:?}): {got:?}, before {expected:?}"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "differences:\n{}",
        differences.join("\n")
    );
    assert!(
        valid > cases / 10,
        "the generator should also make valid numbers ({valid} of {cases})"
    );
    eprintln!("{cases} generated cases, {valid} of them valid numbers: the same answers");
}
