//! A port of Google libphonenumber's parsing steps (`PhoneNumberUtil.parseHelper` and what it calls) onto the
//! generated metadata tables. Each function names the Google function it follows.

use super::matcher;
use super::metadata::{self, has_length, Region, NONE};
use super::tables::{
    EXTENSION, EXTENSION_FIRST, EXTENSION_REQUIRED, SECOND_NUMBER, SECOND_NUMBER_FIRST,
    SECOND_NUMBER_REQUIRED, VIABLE,
};
use super::text;
use super::{NumberType, PhoneError, PhoneErrorCode};

/// The region id libphonenumber gives numbers of no country (`+800`, `+882`, ...).
pub(super) const NON_GEOGRAPHIC: &str = "001";
/// Google's `MIN_LENGTH_FOR_NSN`.
const MIN_NSN: usize = 2;
/// Google's `MAX_LENGTH_FOR_NSN`.
const MAX_NSN: usize = 17;
/// Google's `MAX_INPUT_STRING_LENGTH`: longer input is refused as too long before any other work.
const MAX_INPUT_CHARS: usize = 250;

/// Google's `VALID_PHONE_NUMBER_PATTERN`, less the extension (stripped before).
fn is_viable(number: &str) -> bool {
    // The common case without the pattern: leading pluses, then ASCII digits (three or more) and punctuation the
    // pattern allows anywhere after them. Every such string matches it; anything else is left to the pattern.
    let mut digits = 0;
    let plain = number.trim_start_matches('+').bytes().all(|b| {
        digits += usize::from(b.is_ascii_digit());
        b.is_ascii_digit() || b" -.()/x[]~*".contains(&b)
    });
    if plain && digits >= 3 {
        return true;
    }
    matcher::chars_whole(VIABLE, number)
}

/// Parses `input` into a country calling code and national significant number, as `PhoneNumberUtil.parse` does.
pub(super) fn parse(
    input: &str,
    default_region: Option<&'static Region>,
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
        country_code = default_region.map_or(0, |m| m.country_code);
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
    let uri = match input.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => text::after(input, 4),
        _ => input,
    };
    // Most inputs have no `;`: no substring search then.
    let context_at = has_semicolon(uri)
        .then(|| text::find(uri, ";phone-context="))
        .flatten();
    if let Some(index) = context_at {
        let context = text::after(uri, index + ";phone-context=".len());
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
        number.push_str(text::before(uri, index));
        return Ok(strip_isdn_subaddress(&number).to_owned());
    }
    Ok(strip_isdn_subaddress(extract_possible_number(input)).to_owned())
}

/// Drops a `;isub=` ISDN subaddress and everything after it.
fn strip_isdn_subaddress(number: &str) -> &str {
    if !has_semicolon(number) {
        return number;
    }
    text::find(number, ";isub=").map_or(number, |i| text::before(number, i))
}

/// Whether `text` has a `;`, which every URI parameter starts with: a byte scan, cheaper than a substring search.
fn has_semicolon(text: &str) -> bool {
    text.as_bytes().contains(&b';')
}

/// `extractPossibleNumber`: from the first `+` or digit, without trailing punctuation, and before a second number.
fn extract_possible_number(text: &str) -> &str {
    let Some(start) = text.find(|c: char| c.is_ascii_digit() || c == '+' || c == '\u{FF0B}') else {
        return "";
    };
    let rest = text::after(text, start);
    let end = rest
        .rfind(|c: char| c.is_alphanumeric() || c == '#')
        .map_or(0, |i| {
            i + text::after(rest, i)
                .chars()
                .next()
                .map_or(1, char::len_utf8)
        });
    let rest = text::before(rest, end);
    // "SECOND_NUMBER_START": "650 253 0000 / x1234" keeps only the first number.
    match matcher::chars_find(
        SECOND_NUMBER,
        SECOND_NUMBER_FIRST,
        SECOND_NUMBER_REQUIRED,
        rest,
    ) {
        Some(end) => text::before(rest, end),
        None => rest,
    }
}

/// `maybeStripExtension`: E.164 has no extension, so `ext. 1234`, `x1234`, `#1234` and the like are dropped.
fn strip_extension(number: &str) -> &str {
    match matcher::chars_find(EXTENSION, EXTENSION_FIRST, EXTENSION_REQUIRED, number) {
        // Only when what is left is still a number: "x" alone is punctuation in Google's patterns.
        Some(start) if is_viable(text::before(number, start)) => text::before(number, start),
        _ => number,
    }
}

/// `number` after a leading country calling code `code`, if it starts with it.
fn strip_code(number: &str, code: u16) -> Option<&str> {
    let digits = match code {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    };
    let head = number.get(..digits)?;
    (head.bytes().all(|b| b.is_ascii_digit()) && head.parse() == Ok(code))
        .then(|| text::after(number, digits))
}

/// `maybeExtractCountryCode`: `(country code, national number)` when the number carries its country code (after
/// `+`, after the default region's international prefix, or written without `+`), or `(0, "")` when it is national.
fn maybe_extract_country_code(
    number: &str,
    default_region: Option<&'static Region>,
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
        if let Some(rest) = strip_code(&full, meta.country_code) {
            let general = &meta.general;
            let mut potential = rest.to_owned();
            maybe_strip_national_prefix(&mut potential, meta);
            if (!general.matches(&full) && general.matches(&potential))
                || test_number_length(&full, meta) == Length::TooLong
            {
                return Ok((meta.country_code, potential));
            }
        }
    }
    Ok((0, String::new()))
}

/// `maybeStripInternationalPrefixAndNormalize`: whether the number names its country, and its digits.
fn strip_international_prefix(
    number: &str,
    default_region: Option<&'static Region>,
) -> (bool, String) {
    if let Some(rest) = number.strip_prefix(['+', '\u{FF0B}']) {
        return (
            true,
            normalize_digits(rest.trim_start_matches(['+', '\u{FF0B}'])),
        );
    }
    let digits = normalize_digits(number);
    let Some(idd) = default_region
        .map(|m| m.international_prefix)
        .filter(|&p| p != NONE)
    else {
        return (false, digits);
    };
    // `parsePrefixAsIdd`: a country code never starts with 0, so "0011 0..." is not an IDD.
    if let Some(rest) = matcher::NUMBER_PATTERNS
        .prefix(idd, &digits)
        .and_then(|end| digits.get(end..))
    {
        if !rest.starts_with('0') {
            return (true, rest.to_owned());
        }
    }
    (false, digits)
}

/// `extractCountryCode`: the 1-3 digit prefix that is a country calling code, and the rest.
pub(super) fn extract_country_code(full: &str) -> Option<(u16, String)> {
    if full.starts_with('0') {
        return None;
    }
    (1..=3.min(full.len())).find_map(|len| {
        let code: u16 = full.get(..len)?.parse().ok()?;
        (!metadata::by_code(code).is_empty()).then(|| (code, text::after(full, len).to_owned()))
    })
}

/// `maybeStripNationalPrefixAndCarrierCode`: removes (or transforms) the national prefix, unless that would turn a
/// number that fits the region's patterns into one that does not.
fn maybe_strip_national_prefix(number: &mut String, meta: &'static Region) {
    if meta.national_prefix == NONE || number.is_empty() {
        return;
    }
    let Some(captures) = matcher::NUMBER_PATTERNS.captures(meta.national_prefix, number) else {
        return;
    };
    let general = &meta.general;
    let viable_before = general.matches(number);
    let last_group = usize::from(meta.national_prefix_groups);
    let end = captures.end();
    let rest = number.get(end..).unwrap_or_default();
    let stripped = if !meta.transform_rule.is_empty()
        && captures
            .group(number, last_group)
            .is_some_and(|g| !g.is_empty())
    {
        // The transform replaces the matched prefix only: "9$1" puts a 9 before group 1.
        let mut replaced = String::new();
        let mut rule = meta.transform_rule.chars();
        while let Some(c) = rule.next() {
            if c == '$' {
                let group = rule.next().and_then(|d| d.to_digit(10)).unwrap_or(0) as usize;
                replaced.push_str(captures.group(number, group).unwrap_or_default());
            } else {
                replaced.push(c);
            }
        }
        replaced + rest
    } else {
        rest.to_owned()
    };
    if viable_before && !general.matches(&stripped) {
        return;
    }
    *number = stripped;
}

/// The outcome of `testNumberLength` for the unknown type.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// `testNumberLength` for the unknown type.
fn test_number_length(number: &str, meta: &'static Region) -> Length {
    let national = meta.lengths;
    if national == 0 {
        return Length::Invalid;
    }
    let len = number.len();
    let min = national.trailing_zeros() as usize;
    let max = 31 - national.leading_zeros() as usize;
    if has_length(meta.local_lengths, len) {
        Length::LocalOnly
    } else if len == min {
        Length::Possible
    } else if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else if has_length(national, len) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// `getNumberTypeHelper`.
pub(super) fn number_type(meta: &'static Region, nsn: &str) -> NumberType {
    if !meta.general.matches(nsn) {
        return NumberType::Unknown;
    }
    // Premium rate to voicemail, in Google's order; fixed line and mobile (the last two) are told apart after.
    const KINDS: [NumberType; 8] = [
        NumberType::PremiumRate,
        NumberType::TollFree,
        NumberType::SharedCost,
        NumberType::Voip,
        NumberType::Personal,
        NumberType::Pager,
        NumberType::Uan,
        NumberType::Voicemail,
    ];
    let [special @ .., fixed, mobile] = &meta.types;
    if let Some(kind) = KINDS
        .iter()
        .zip(special)
        .find_map(|(kind, desc)| desc.matches(nsn).then_some(*kind))
    {
        return kind;
    }
    let same_pattern = meta.same_fixed_mobile;
    if fixed.matches(nsn) {
        return if same_pattern || mobile.matches(nsn) {
            NumberType::FixedLineOrMobile
        } else {
            NumberType::FixedLine
        };
    }
    if !same_pattern && mobile.matches(nsn) {
        return NumberType::Mobile;
    }
    NumberType::Unknown
}

/// `getRegionCodeForNumber`: the region whose leading digits or patterns the number fits; the only region when its
/// country code has one.
pub(super) fn region_for_number(code: u16, nsn: &str) -> Option<&'static Region> {
    let regions = metadata::by_code(code);
    if let [only] = regions {
        return metadata::region(*only);
    }
    regions
        .iter()
        .filter_map(|&i| metadata::region(i))
        .find(|meta| match meta.leading_digits {
            NONE => number_type(meta, nsn) != NumberType::Unknown,
            leading => matcher::NUMBER_PATTERNS.prefix(leading, nsn).is_some(),
        })
}

/// `isPossibleNumberWithReason`: the national number's length against its country's main region.
pub(super) fn length_check(code: u16, nsn: &str) -> Option<Length> {
    main_metadata_for_code(code).map(|meta| test_number_length(nsn, meta))
}

/// `getMetadataForRegionOrCallingCode` with the main region of a country code.
fn main_metadata_for_code(code: u16) -> Option<&'static Region> {
    metadata::main_for_code(code)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::rng::Rng;

    /// The shortcut in `is_viable` answers as the pattern does, on strings built from what it looks at and a little
    /// more (a plus inside, a letter, another script's digit, full-width punctuation).
    #[test]
    fn the_viability_shortcut_agrees_with_the_pattern() {
        const PIECES: [&str; 14] = [
            "1", "0", "9", "+", " ", "-", ".", "(", ")", "/x", "[]~*", "a", "\u{663}", "\u{FF0D}",
        ];
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        for _ in 0..200_000 {
            // One draw gives the length and every piece, four bits each.
            let state = rng.next();
            let mut text = String::new();
            for i in 0..(state % 12) {
                text.push_str(PIECES[((state >> (4 * i)) % 14) as usize]);
            }
            assert_eq!(
                is_viable(&text),
                matcher::chars_whole(VIABLE, &text),
                "{text:?}"
            );
        }
    }
}
