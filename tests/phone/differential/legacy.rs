//! The phone engine as it was before the generated tables (src/phone/parse.rs at 7cfc13f, and the part of
//! src/phone/mod.rs that describes a number): Google's parsing steps on the `phonenumber` crate's database, its
//! patterns run by the `regex` crate. The differential test holds the table-driven engine to its answers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use phonenumber::metadata::{Descriptor, DATABASE};
use phonenumber::Metadata;
use regex::Regex;

use verify_edge::phone::{NumberType, PhoneErrorCode};

/// The legacy engine's error: only its code is compared.
#[derive(Debug)]
pub struct PhoneError {
    pub code: PhoneErrorCode,
}

impl PhoneError {
    fn new(code: PhoneErrorCode, _message: &str) -> Self {
        Self { code }
    }
}

/// What the engine says of a number: E.164, region, type, validity and the reason it is invalid.
pub type Answer = (
    String,
    Option<String>,
    NumberType,
    bool,
    Option<PhoneErrorCode>,
);

/// `normalize_phone` as it was (without the 64 KiB check, which the caller shares).
pub fn normalize(input: &str, default_region: Option<&str>) -> Result<Answer, PhoneErrorCode> {
    let region = match default_region.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(code) => {
            let upper = code.to_ascii_uppercase();
            let found = (upper.len() == 2)
                .then(|| DATABASE.by_id(upper.as_str()))
                .flatten();
            Some(found.ok_or(PhoneErrorCode::UnknownRegion)?)
        }
    };
    let (country_code, national) = parse(input, region).map_err(|e| e.code)?;
    let meta = region_for_number(country_code, &national);
    let number_type = meta.map_or(NumberType::Unknown, |m| number_type(m, &national));
    let valid = number_type != NumberType::Unknown;
    let reason = (!valid).then(|| match length_check(country_code, &national) {
        Some(Length::TooShort) => PhoneErrorCode::TooShort,
        Some(Length::TooLong) => PhoneErrorCode::TooLong,
        Some(_) => PhoneErrorCode::InvalidForRegion,
        None => PhoneErrorCode::InvalidCountryCode,
    });
    Ok((
        format!("+{country_code}{national}"),
        meta.map(|m| m.id())
            .filter(|id| *id != NON_GEOGRAPHIC)
            .map(str::to_owned),
        number_type,
        valid,
        reason,
    ))
}

/// The region id libphonenumber gives numbers of no country (`+800`, `+882`, ...).
pub const NON_GEOGRAPHIC: &str = "001";
/// Google's `MIN_LENGTH_FOR_NSN`.
const MIN_NSN: usize = 2;
/// Google's `MAX_LENGTH_FOR_NSN`.
const MAX_NSN: usize = 17;
/// Google's `MAX_INPUT_STRING_LENGTH`: longer input is refused as too long before any other work.
const MAX_INPUT_CHARS: usize = 250;

const PUNCTUATION: &str = r"\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{00A0}\x{00AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}";

/// How a metadata pattern is matched.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Anchor {
    /// `matchesEntirely`: the whole text.
    Whole,
    /// `lookingAt`: a match at the start.
    Prefix,
    /// `lookingAt` for a literal (a national prefix given as digits, not as a pattern).
    LiteralPrefix,
}

/// Compiled metadata patterns by how they match, and the pattern's address and length.
type PatternCache = Mutex<HashMap<(Anchor, usize, usize), &'static Regex>>;

/// The compiled form of a metadata pattern, made on first use and kept for the life of the process (or the wasm
/// instance). Every pattern lives in the static metadata, so its address and length name it: a lookup hashes two
/// numbers, not the pattern text, and the set of entries is bounded by the metadata, never by input. The regex is
/// shared, not cloned, so its search caches are reused.
fn compiled(anchor: Anchor, pattern: &'static str) -> &'static Regex {
    static CACHE: OnceLock<PatternCache> = OnceLock::new();
    let key = (anchor, pattern.as_ptr() as usize, pattern.len());
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| {
        // The XML's layout whitespace goes, as Google's metadata builder removes it.
        let body: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
        let source = match anchor {
            Anchor::Whole => format!("^(?:{body})$"),
            Anchor::Prefix => format!("^(?:{body})"),
            Anchor::LiteralPrefix => format!("^(?:{})", regex::escape(&body)),
        };
        // The tests compile every metadata pattern (the oracle corpus touches every region).
        Box::leak(Box::new(
            Regex::new(&source).expect("libphonenumber patterns compile"),
        ))
    })
}

/// One of this module's own patterns, compiled once.
fn constant(cell: &'static OnceLock<Regex>, source: impl FnOnce() -> String) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&source()).expect("our patterns compile"))
}

/// The national prefix as Google parses it: `nationalPrefixForParsing`, or else the plain `nationalPrefix`.
fn national_prefix_regex(meta: &'static Metadata) -> Option<&'static Regex> {
    match meta.national_prefix_for_parsing() {
        Some(pattern) => Some(compiled(Anchor::Prefix, pattern.as_str())),
        None => meta
            .national_prefix()
            .filter(|p| !p.is_empty())
            .map(|p| compiled(Anchor::LiteralPrefix, p)),
    }
}

/// Google's `VALID_PHONE_NUMBER_PATTERN`, less the extension (stripped before).
fn is_viable(number: &str) -> bool {
    static VIABLE: OnceLock<Regex> = OnceLock::new();
    let p = PUNCTUATION;
    constant(&VIABLE, || {
        format!(r"^(?:\d{{2}}|[+\x{{FF0B}}]*(?:[{p}*]*\d){{3,}}[{p}*A-Za-z\d]*)$")
    })
    .is_match(number)
}

/// Parses `input` into a country calling code and national significant number, as `PhoneNumberUtil.parse` does.
pub fn parse(
    input: &str,
    default_region: Option<&'static Metadata>,
) -> Result<(u16, String), PhoneError> {
    use PhoneErrorCode as C;
    if input.chars().count() > MAX_INPUT_CHARS {
        return Err(PhoneError::new(
            C::TooLong,
            "the input is too long to be a phone number",
        ));
    }
    let folded = fold_to_ascii(input);
    let number = build_national_number_for_parsing(&folded)?;
    let number = strip_extension(&number);
    if !is_viable(number) {
        return Err(PhoneError::new(
            C::NotANumber,
            "the input is not a phone number",
        ));
    }
    let has_plus = number.starts_with(['+', '\u{FF0B}']);
    if !has_plus && default_region.is_none() {
        return Err(PhoneError::new(
            C::MissingRegion,
            "a national number needs a default region (or write it with + and the country code)",
        ));
    }

    let (mut country_code, mut national) = match maybe_extract_country_code(number, default_region)
    {
        Err(e) if e.code == C::InvalidCountryCode && has_plus => {
            // Google retries without the plus sign: "+0044 ..." dialled with an international prefix.
            let rest = number.trim_start_matches(['+', '\u{FF0B}']);
            match maybe_extract_country_code(rest, default_region)? {
                (0, _) => return Err(invalid_country_code()),
                found => found,
            }
        }
        other => other?,
    };
    let mut region_meta = default_region;
    if country_code != 0 {
        region_meta = main_metadata_for_code(country_code);
    } else {
        national = normalize_digits(number);
        // Only reached with a default region: a number without one was refused above.
        country_code = default_region.map_or(0, |m| m.country_code());
    }
    if national.len() < MIN_NSN {
        return Err(PhoneError::new(
            C::TooShort,
            "the input has too few digits to be a phone number",
        ));
    }
    if let Some(meta) = region_meta {
        let mut potential = national.clone();
        maybe_strip_national_prefix(&mut potential, meta);
        if !matches!(
            test_number_length(&potential, meta),
            Length::TooShort | Length::LocalOnly | Length::Invalid
        ) {
            national = potential;
        }
    }
    if national.len() < MIN_NSN {
        return Err(PhoneError::new(
            C::TooShort,
            "the input has too few digits to be a phone number",
        ));
    }
    if national.len() > MAX_NSN {
        return Err(PhoneError::new(
            C::TooLong,
            "the input has too many digits to be a phone number",
        ));
    }
    Ok((country_code, national))
}

fn invalid_country_code() -> PhoneError {
    PhoneError::new(
        PhoneErrorCode::InvalidCountryCode,
        "the number does not start with a known country calling code",
    )
}

/// `buildNationalNumberForParsing`: the number part of a `tel:` URI (with its `phone-context` prefix), or the
/// possible number found in free text.
fn build_national_number_for_parsing(input: &str) -> Result<String, PhoneError> {
    let lower_start = input.get(..4).map(str::to_ascii_lowercase);
    let uri = if lower_start.as_deref() == Some("tel:") {
        &input[4..]
    } else {
        input
    };
    if let Some(index) = uri.find(";phone-context=") {
        let context = &uri[index + ";phone-context=".len()..];
        let context = context.split(';').next().unwrap_or_default();
        let mut number = String::new();
        // A global context (+CC) is prepended; a domain context says nothing about the digits.
        if let Some(digits) = context.strip_prefix('+') {
            if digits.is_empty()
                || !digits
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
            {
                return Err(PhoneError::new(
                    PhoneErrorCode::NotANumber,
                    "the tel: URI has an invalid phone-context",
                ));
            }
            number.push_str(context);
        }
        number.push_str(&uri[..index]);
        return Ok(strip_isdn_subaddress(&number).to_owned());
    }
    Ok(strip_isdn_subaddress(extract_possible_number(input)).to_owned())
}

/// Drops a `;isub=` ISDN subaddress and everything after it.
fn strip_isdn_subaddress(number: &str) -> &str {
    number.find(";isub=").map_or(number, |i| &number[..i])
}

/// `extractPossibleNumber`: from the first `+` or digit, without trailing punctuation, and before a second number.
fn extract_possible_number(text: &str) -> &str {
    let Some(start) = text.find(|c: char| c.is_ascii_digit() || c == '+' || c == '\u{FF0B}') else {
        return "";
    };
    let rest = &text[start..];
    let end = rest
        .rfind(|c: char| c.is_alphanumeric() || c == '#')
        .map_or(0, |i| {
            i + rest[i..].chars().next().map_or(1, char::len_utf8)
        });
    let rest = &rest[..end];
    // "SECOND_NUMBER_START": "650 253 0000 / x1234" keeps only the first number.
    static SECOND_NUMBER: OnceLock<Regex> = OnceLock::new();
    match constant(&SECOND_NUMBER, || r"[\\/] *x".to_owned()).find(rest) {
        Some(m) => &rest[..m.start()],
        None => rest,
    }
}

/// `maybeStripExtension`: E.164 has no extension, so `ext. 1234`, `x1234`, `#1234` and the like are dropped.
fn strip_extension(number: &str) -> &str {
    static EXTENSION: OnceLock<Regex> = OnceLock::new();
    let ext = r"(?i)(?:;ext=\d{1,20}|[ \x{00A0}\t,]*(?:e?xt(?:ensi(?:o\x{0301}?|ó))?n?|ｅ?ｘｔｎ?|доб|anexo|[;,xｘ#＃~～]|int|ｉｎｔ)[:\.．]?[ \x{00A0}\t,-]*\d{1,20}#?|[- ]+\d{1,6}#)$";
    match constant(&EXTENSION, || ext.to_owned()).find(number) {
        // Only when what is left is still a number: "x" alone is punctuation in Google's patterns.
        Some(m) if is_viable(&number[..m.start()]) => &number[..m.start()],
        _ => number,
    }
}

/// `maybeExtractCountryCode`: `(country code, national number)` when the number carries its country code (after
/// `+`, after the default region's international prefix, or written without `+`), or `(0, "")` when it is national.
fn maybe_extract_country_code(
    number: &str,
    default_region: Option<&'static Metadata>,
) -> Result<(u16, String), PhoneError> {
    let (explicit, full) = strip_international_prefix(number, default_region);
    if explicit {
        if full.len() <= MIN_NSN {
            return Err(PhoneError::new(
                PhoneErrorCode::TooShort,
                "too few digits after the international prefix",
            ));
        }
        return extract_country_code(&full).ok_or_else(invalid_country_code);
    }
    if let Some(meta) = default_region {
        let code = meta.country_code().to_string();
        if let Some(rest) = full.strip_prefix(&code) {
            let general = meta.descriptors().general();
            let mut potential = rest.to_owned();
            maybe_strip_national_prefix(&mut potential, meta);
            if (!match_national_number(&full, Some(general))
                && match_national_number(&potential, Some(general)))
                || test_number_length(&full, meta) == Length::TooLong
            {
                return Ok((meta.country_code(), potential));
            }
        }
    }
    Ok((0, String::new()))
}

/// `maybeStripInternationalPrefixAndNormalize`: whether the number names its country, and its digits.
fn strip_international_prefix(
    number: &str,
    default_region: Option<&'static Metadata>,
) -> (bool, String) {
    if let Some(rest) = number.strip_prefix(['+', '\u{FF0B}']) {
        return (
            true,
            normalize_digits(rest.trim_start_matches(['+', '\u{FF0B}'])),
        );
    }
    let digits = normalize_digits(number);
    let Some(idd) = default_region.and_then(|m| m.international_prefix()) else {
        return (false, digits);
    };
    // `parsePrefixAsIdd`: a country code never starts with 0, so "0011 0..." is not an IDD.
    if let Some(m) = compiled(Anchor::Prefix, idd.as_str()).find(&digits) {
        let rest = &digits[m.end()..];
        if !rest.starts_with('0') {
            return (true, rest.to_owned());
        }
    }
    (false, digits)
}

/// `extractCountryCode`: the 1-3 digit prefix that is a country calling code, and the rest.
fn extract_country_code(full: &str) -> Option<(u16, String)> {
    if full.starts_with('0') {
        return None;
    }
    (1..=3.min(full.len())).find_map(|len| {
        let code: u16 = full[..len].parse().ok()?;
        DATABASE
            .by_code(&code)
            .map(|_| (code, full[len..].to_owned()))
    })
}

/// `maybeStripNationalPrefixAndCarrierCode`: removes (or transforms) the national prefix, unless that would turn a
/// number that fits the region's patterns into one that does not.
fn maybe_strip_national_prefix(number: &mut String, meta: &'static Metadata) {
    let Some(re) = national_prefix_regex(meta) else {
        return;
    };
    if number.is_empty() {
        return;
    }
    let Some(captures) = re.captures(number) else {
        return;
    };
    let general = Some(meta.descriptors().general());
    let viable_before = match_national_number(number, general);
    let last_group = captures.len() - 1;
    let transform = meta
        .national_prefix_transform_rule()
        .filter(|rule| !rule.is_empty());
    let stripped = match transform {
        Some(rule)
            if captures
                .get(last_group)
                .is_some_and(|g| !g.as_str().is_empty()) =>
        {
            // Java's "$1" is Rust's "${1}"; the transform replaces the matched prefix only.
            static GROUP: OnceLock<Regex> = OnceLock::new();
            let rule = constant(&GROUP, || r"\$(\d)".to_owned())
                .replace_all(rule, "$${$1}")
                .into_owned();
            let end = captures.get(0).map_or(0, |m| m.end());
            let mut replaced = String::new();
            captures.expand(&rule, &mut replaced);
            replaced + &number[end..]
        }
        _ => number[captures.get(0).map_or(0, |m| m.end())..].to_owned(),
    };
    if viable_before && !match_national_number(&stripped, general) {
        return;
    }
    *number = stripped;
}

/// The outcome of `testNumberLength` for the unknown type.
#[derive(Debug, PartialEq, Eq)]
pub enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// The possible lengths of a region's numbers, and those only dialable locally, as Google's compiled general
/// description holds them: the union over all number types.
struct PossibleLengths {
    /// Sorted, without duplicates.
    national: Vec<u16>,
    /// Sorted, without duplicates, none of them in `national`.
    local_only: Vec<u16>,
}

/// A region's lengths, worked out on its first use and kept, like its patterns: they never change, and every parse
/// asks for them.
fn possible_lengths(meta: &'static Metadata) -> &'static PossibleLengths {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static PossibleLengths>>> = OnceLock::new();
    let key = meta as *const Metadata as usize;
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| {
        let mut national = Vec::new();
        let mut local_only = Vec::new();
        for (_, desc) in typed_descriptors(meta) {
            national.extend(
                desc.possible_length()
                    .iter()
                    .copied()
                    .filter(|&n| n != u16::MAX),
            );
            local_only.extend_from_slice(desc.possible_local_length());
        }
        national.sort_unstable();
        national.dedup();
        local_only.sort_unstable();
        local_only.dedup();
        local_only.retain(|n| !national.contains(n));
        Box::leak(Box::new(PossibleLengths {
            national,
            local_only,
        }))
    })
}

/// `testNumberLength` for the unknown type.
fn test_number_length(number: &str, meta: &'static Metadata) -> Length {
    let PossibleLengths {
        national,
        local_only,
    } = possible_lengths(meta);
    let len = number.len() as u16;
    let (Some(&min), Some(&max)) = (national.first(), national.last()) else {
        return Length::Invalid;
    };
    if local_only.contains(&len) {
        Length::LocalOnly
    } else if len == min {
        Length::Possible
    } else if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else if national.contains(&len) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// `matchNationalNumber`: the descriptor's lengths (when it lists any) and its whole pattern.
fn match_national_number(number: &str, desc: Option<&'static Descriptor>) -> bool {
    let Some(desc) = desc else { return false };
    let lengths = desc.possible_length();
    if !lengths.is_empty() && !lengths.contains(&(number.len() as u16)) {
        return false;
    }
    compiled(Anchor::Whole, desc.national_number().as_str()).is_match(number)
}

/// Each number type a region describes, in the order `getNumberTypeHelper` tries them.
fn typed_descriptors(
    meta: &'static Metadata,
) -> impl Iterator<Item = (NumberType, &'static Descriptor)> {
    let d = meta.descriptors();
    [
        (NumberType::PremiumRate, d.premium_rate()),
        (NumberType::TollFree, d.toll_free()),
        (NumberType::SharedCost, d.shared_cost()),
        (NumberType::Voip, d.voip()),
        (NumberType::Personal, d.personal_number()),
        (NumberType::Pager, d.pager()),
        (NumberType::Uan, d.uan()),
        (NumberType::Voicemail, d.voicemail()),
        (NumberType::FixedLine, d.fixed_line()),
        (NumberType::Mobile, d.mobile()),
    ]
    .into_iter()
    .filter_map(|(kind, desc)| desc.map(|desc| (kind, desc)))
}

/// `getNumberTypeHelper`.
pub fn number_type(meta: &'static Metadata, nsn: &str) -> NumberType {
    let d = meta.descriptors();
    if !match_national_number(nsn, Some(d.general())) {
        return NumberType::Unknown;
    }
    for (kind, desc) in typed_descriptors(meta) {
        if matches!(kind, NumberType::FixedLine | NumberType::Mobile) {
            break;
        }
        if match_national_number(nsn, Some(desc)) {
            return kind;
        }
    }
    let same_pattern = match (d.fixed_line(), d.mobile()) {
        (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
        _ => false,
    };
    if match_national_number(nsn, d.fixed_line()) {
        return if same_pattern || match_national_number(nsn, d.mobile()) {
            NumberType::FixedLineOrMobile
        } else {
            NumberType::FixedLine
        };
    }
    if !same_pattern && match_national_number(nsn, d.mobile()) {
        return NumberType::Mobile;
    }
    NumberType::Unknown
}

/// `getRegionCodeForNumber`: the region whose leading digits or patterns the number fits; the only region when its
/// country code has one.
pub fn region_for_number(code: u16, nsn: &str) -> Option<&'static Metadata> {
    let regions = DATABASE.by_code(&code)?;
    if regions.len() == 1 {
        return regions.first().copied();
    }
    regions
        .into_iter()
        .find(|meta| match meta.leading_digits() {
            Some(leading) => compiled(Anchor::Prefix, leading.as_str()).is_match(nsn),
            None => number_type(meta, nsn) != NumberType::Unknown,
        })
}

/// `isPossibleNumberWithReason`: the national number's length against its country's main region.
pub fn length_check(code: u16, nsn: &str) -> Option<Length> {
    main_metadata_for_code(code).map(|meta| test_number_length(nsn, meta))
}

/// `getMetadataForRegionOrCallingCode` with the main region of a country code.
fn main_metadata_for_code(code: u16) -> Option<&'static Metadata> {
    DATABASE.by_code(&code)?.into_iter().next()
}

/// `normalize`: vanity letters become keypad digits when there are three or more of them; otherwise only the digits.
fn normalize_digits(number: &str) -> String {
    let letters = number.chars().filter(char::is_ascii_alphabetic).count();
    number
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            'a'..='z' | 'A'..='Z' if letters >= 3 => Some(keypad_digit(c.to_ascii_uppercase())),
            _ => None,
        })
        .collect()
}

fn keypad_digit(letter: char) -> char {
    match letter {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        _ => '9',
    }
}

/// Unicode decimal digits of the scripts people type phone numbers in, each block's zero; `zero + n` is digit `n`.
const DIGIT_ZEROS: [u32; 20] = [
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10,
];

/// Folds digits of other scripts and the full-width plus to ASCII, as Google's libphonenumber reads them.
fn fold_to_ascii(input: &str) -> String {
    input
        .chars()
        .map(|c| {
            let cp = c as u32;
            if c == '\u{FF0B}' {
                return '+';
            }
            DIGIT_ZEROS
                .iter()
                .find(|&&zero| (zero..zero + 10).contains(&cp))
                .map_or(c, |&zero| char::from(b'0' + (cp - zero) as u8))
        })
        .collect()
}
