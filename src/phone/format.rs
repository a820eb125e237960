//! Writing a parsed number out: a port of Google libphonenumber's `PhoneNumberUtil.format` and what it calls
//! (`formatNsn`, `chooseFormattingPatternForNumber`, `formatNsnUsingPattern`, `prefixNumberWithCountryCallingCode`)
//! onto the generated format tables.

use serde::{Deserialize, Serialize};

use super::matcher::{self, Captures};
use super::metadata::{self, NumberFormat, Region};
use super::text;
use super::PhoneNumber;

/// How to write a phone number, as Google's libphonenumber names its formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(
    all(feature = "browser-phone", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub enum PhoneFormat {
    /// `+16502530000`: `+`, the country calling code and the national number, digits only.
    E164,
    /// `+1 650-253-0000`: the country calling code, then the number grouped as dialled from abroad.
    International,
    /// `(650) 253-0000`: grouped as dialled within the country, with the national prefix where it is written.
    National,
    /// `tel:+1-650-253-0000`: a `tel:` URI (RFC 3966), the international form with dashes between groups.
    Rfc3966,
}

impl PhoneFormat {
    /// The format's name as JS and JSON spell it: `E164`, `INTERNATIONAL`, `NATIONAL`, `RFC3966`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::E164 => "E164",
            Self::International => "INTERNATIONAL",
            Self::National => "NATIONAL",
            Self::Rfc3966 => "RFC3966",
        }
    }

    /// The format named `name` as [`PhoneFormat::as_str`] spells it (any case), if it is one.
    pub fn from_name(name: &str) -> Option<PhoneFormat> {
        [
            Self::E164,
            Self::International,
            Self::National,
            Self::Rfc3966,
        ]
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

impl PhoneNumber {
    /// Writes the number in `format`, as Google's `PhoneNumberUtil.format` does: grouped by the first of its
    /// country's formats whose leading digits and pattern fit, or as plain digits when none does. Numbers that are
    /// not valid are written too (often ungrouped), as Google writes them.
    pub fn format(&self, format: PhoneFormat) -> String {
        format_number(self.country_code, &self.national_number, format)
    }
}

/// `PhoneNumberUtil.format` for a country calling code and national significant number.
pub(super) fn format_number(country_code: u16, nsn: &str, format: PhoneFormat) -> String {
    let code = text::decimal(country_code.into());
    if format == PhoneFormat::E164 {
        return text::concat(&["+", &code, nsn]);
    }
    // Google formats with the main region of the country code (the US for +1, Russia for +7), or the
    // non-geographic entity's metadata.
    let Some(meta) = metadata::main_for_code(country_code) else {
        return nsn.to_owned();
    };
    let national = format_nsn(nsn, meta, format);
    match format {
        PhoneFormat::National => national,
        PhoneFormat::International => text::concat(&["+", &code, " ", &national]),
        PhoneFormat::Rfc3966 | PhoneFormat::E164 => text::concat(&["tel:+", &code, "-", &national]),
    }
}

/// `formatNsn`: the national significant number written by the region's formats (the international ones, where
/// the region has them, for every format but national).
fn format_nsn(nsn: &str, meta: &'static Region, format: PhoneFormat) -> String {
    let national = format == PhoneFormat::National;
    let chosen = meta.number_formats().iter().find_map(|f| {
        let text = if national {
            f.format()
        } else {
            f.intl_format()?
        };
        fits(f, nsn).then_some((f, text))
    });
    let Some((number_format, text)) = chosen else {
        return nsn.to_owned();
    };
    let rule = number_format
        .national_prefix_rule()
        .filter(|_| national)
        .map(|rule| with_national_prefix(text, rule));
    let written = replace_groups(nsn, number_format.pattern, rule.as_deref().unwrap_or(text));
    if format == PhoneFormat::Rfc3966 {
        return dashes_between_groups(&written);
    }
    written
}

/// `chooseFormattingPatternForNumber`: the last leading-digits pattern matches at the start (or there is none) and
/// the pattern matches the whole number.
pub(super) fn fits(format: &NumberFormat, nsn: &str) -> bool {
    format
        .leading_digits()
        .last()
        .is_none_or(|&last| matcher::FORMAT_PATTERNS.prefix(last, nsn).is_some())
        && matcher::FORMAT_PATTERNS.whole(format.pattern, nsn)
}

/// The format text with its first group reference (`$1`) replaced by the national prefix rule (`0$1`), as Google's
/// `FIRST_GROUP_PATTERN` replacement does; the rule's `$1` stands for that reference.
fn with_national_prefix(text: &str, rule: &str) -> String {
    let bytes = text.as_bytes();
    let Some(at) = (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes.get(i) == Some(&b'$') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    else {
        return text.to_owned();
    };
    let rest = text::after(text, at);
    let group = text::before(rest, 2);
    text::concat(&[
        text::before(text, at),
        &text::replace(rule, "$1", group),
        text::after(rest, 2),
    ])
}

/// The first match of the pattern (at the start: the number matched it whole) with `$N` replaced by group `N`, as
/// JavaScript's `String.replace` writes it, and the rest of the number after it.
pub(super) fn replace_groups(nsn: &str, pattern: u16, text: &str) -> String {
    let Some(captures) = matcher::FORMAT_PATTERNS.captures(pattern, nsn) else {
        return nsn.to_owned();
    };
    let mut out = substitute(nsn, &captures, text);
    out.push_str(nsn.get(captures.end()..).unwrap_or_default());
    out
}

/// A format text with each `$N` (N from 1 to 9) replaced by group `N` of a match in `input` (empty when the group
/// took no part).
pub(super) fn substitute(input: &str, captures: &Captures, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + input.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let group = chars
            .peek()
            .and_then(|d| d.to_digit(10))
            .filter(|&d| c == '$' && d > 0);
        match group {
            Some(n) => {
                chars.next();
                out.push_str(captures.group(input, n as usize).unwrap_or_default());
            }
            None => out.push(c),
        }
    }
    out
}

/// RFC 3966's national part: leading punctuation dropped, each run of punctuation one dash (Google's
/// `SEPARATOR_PATTERN`).
fn dashes_between_groups(written: &str) -> String {
    let mut out = String::with_capacity(written.len());
    let mut in_separator = false;
    for c in written.chars() {
        if is_punctuation(c) {
            in_separator = true;
            continue;
        }
        if in_separator && !out.is_empty() {
            out.push('-');
        }
        in_separator = false;
        out.push(c);
    }
    if in_separator && !out.is_empty() {
        out.push('-');
    }
    out
}

/// Google's `VALID_PUNCTUATION`.
pub(super) fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '-' | 'x'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF0D}'..='\u{FF0F}'
            | ' '
            | '\u{00A0}'
            | '\u{00AD}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{3000}'
            | '('
            | ')'
            | '\u{FF08}'
            | '\u{FF09}'
            | '\u{FF3B}'
            | '\u{FF3D}'
            | '.'
            | '['
            | ']'
            | '/'
            | '~'
            | '\u{2053}'
            | '\u{223C}'
            | '\u{FF5E}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_group_takes_the_national_prefix_rule() {
        assert_eq!(with_national_prefix("$1 $2", "0$1"), "0$1 $2");
        assert_eq!(with_national_prefix("$1-$2", "($1)"), "($1)-$2");
        assert_eq!(with_national_prefix("$2", "8 ($1)"), "8 ($2)");
    }

    #[test]
    fn rfc3966_has_one_dash_per_separator() {
        assert_eq!(dashes_between_groups("(650) 253-0000"), "650-253-0000");
        assert_eq!(dashes_between_groups("20 7031 3000"), "20-7031-3000");
    }

    #[test]
    fn format_names_round_trip() {
        for f in [
            PhoneFormat::E164,
            PhoneFormat::International,
            PhoneFormat::National,
            PhoneFormat::Rfc3966,
        ] {
            assert_eq!(PhoneFormat::from_name(f.as_str()), Some(f));
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                serde_json::Value::from(f.as_str())
            );
        }
        assert_eq!(
            PhoneFormat::from_name("rfc3966"),
            Some(PhoneFormat::Rfc3966)
        );
        assert_eq!(PhoneFormat::from_name("E.164"), None);
    }
}
