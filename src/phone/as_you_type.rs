//! As-you-type formatting: a port of Google libphonenumber's `AsYouTypeFormatter` (the JavaScript port's, which
//! the oracle runs) onto the generated format tables. Each method names the Google method it follows.

use super::format::{is_punctuation, substitute};
use super::matcher;
use super::metadata::{self, NumberFormat, Region, NONE};
use super::parse::extract_country_code;
use super::text;

/// Stands for a digit not typed yet in a formatting template (Google's `DIGIT_PLACEHOLDER`, a punctuation space).
const PLACEHOLDER: char = '\u{2008}';
/// Separates a prefix (international prefix, country code, long national prefix) from the national number.
const SEPARATOR: char = ' ';
/// [`SEPARATOR`] as text.
const SEPARATOR_TEXT: &str = " ";
/// Digits typed before a format is looked for (Google's `MIN_LEADING_DIGITS_LENGTH`).
const MIN_LEADING_DIGITS: usize = 3;

/// A candidate format: the format row and the text it writes with (national or international).
#[derive(Clone, Copy)]
struct Candidate {
    format: &'static NumberFormat,
    text: &'static str,
}

/// The longest text [`AsYouType::input`] tries to format: Google's limit on a phone number's input
/// (`MAX_INPUT_STRING_LENGTH`), far past any number a format fits.
pub const MAX_TYPED_CHARS: usize = 250;

/// Formats a phone number as it is typed, one character at a time, as Google's `AsYouTypeFormatter` does: the
/// digits so far grouped by the first of the country's formats that can still fit them, the national prefix and
/// an international prefix or `+` and country code set apart, and the input as typed when no format fits (or the
/// user typed punctuation of their own).
#[derive(Clone)]
pub struct AsYouType {
    default_id: String,
    meta: Option<&'static Region>,
    template: Vec<char>,
    pattern: u16,
    accrued: String,
    accrued_digits: String,
    able_to_format: bool,
    input_has_formatting: bool,
    is_complete: bool,
    expecting_country_code: bool,
    last_match: usize,
    prefix: String,
    space_after_national_prefix: bool,
    national_prefix: String,
    national: String,
    possible: Vec<Candidate>,
}

impl AsYouType {
    /// A formatter for numbers typed in `region` (ISO 3166-1 alpha-2, any case). An unknown region formats only
    /// numbers typed with `+`.
    pub fn new(region: &str) -> AsYouType {
        let id = region.trim().to_ascii_uppercase();
        let meta = metadata_for_region(&id);
        AsYouType {
            default_id: id,
            meta,
            template: Vec::new(),
            pattern: NONE,
            accrued: String::new(),
            accrued_digits: String::new(),
            able_to_format: true,
            input_has_formatting: false,
            is_complete: false,
            expecting_country_code: false,
            last_match: 0,
            prefix: String::new(),
            space_after_national_prefix: false,
            national_prefix: String::new(),
            national: String::new(),
            possible: Vec::new(),
        }
    }

    /// Forgets what was typed, to format a new number (`clear`).
    pub fn clear(&mut self) {
        *self = AsYouType::new(&self.default_id);
    }

    /// The default region the formatter was made for, upper-cased (empty for none).
    pub fn region(&self) -> &str {
        &self.default_id
    }

    /// Everything typed since the last clear, as typed.
    pub fn typed(&self) -> &str {
        &self.accrued
    }

    /// Formats `text` typed from the start: clears, then types each character. Returns the formatted text.
    ///
    /// Text longer than `MAX_TYPED_CHARS` holds no number a format fits and comes back as it is, and once the
    /// typed text has punctuation of the user's own the rest is only appended: a pasted page of text costs one
    /// pass, not one pass per character.
    pub fn input(&mut self, text: &str) -> String {
        self.clear();
        if text.chars().nth(MAX_TYPED_CHARS).is_some() {
            self.accrued.push_str(text);
            self.able_to_format = false;
            self.input_has_formatting = true;
            return self.accrued.clone();
        }
        let mut out = String::new();
        for (at, c) in text.char_indices() {
            out = self.input_digit(c);
            if self.input_has_formatting && !self.able_to_format {
                // Nothing turns formatting back on before `clear`: every later character is only appended.
                self.accrued.push_str(text::after(text, at + c.len_utf8()));
                return self.accrued.clone();
            }
        }
        out
    }

    /// Types one more character (a digit, a leading `+`, or anything else, which stops the formatting) and returns
    /// everything typed so far, formatted (`inputDigit`).
    pub fn input_digit(&mut self, c: char) -> String {
        self.accrued.push(c);
        match accepted(c, self.accrued.len() == c.len_utf8()) {
            Some(normalized) => {
                self.accrued_digits.push(normalized);
                if normalized != '+' {
                    self.national.push(normalized);
                }
            }
            None => {
                self.able_to_format = false;
                self.input_has_formatting = true;
            }
        }
        if !self.able_to_format {
            if !self.input_has_formatting {
                if self.attempt_to_extract_idd() {
                    if self.attempt_to_extract_country_code() {
                        return self.choose_pattern_with_prefix_extracted();
                    }
                } else if self.able_to_extract_longer_ndd() {
                    self.prefix.push(SEPARATOR);
                    return self.choose_pattern_with_prefix_extracted();
                }
            }
            return self.accrued.clone();
        }
        match self.accrued_digits.len() {
            0..=2 => return self.accrued.clone(),
            3 => {
                if self.attempt_to_extract_idd() {
                    self.expecting_country_code = true;
                } else {
                    self.national_prefix = self.remove_national_prefix();
                    return self.attempt_to_choose_formatting_pattern();
                }
            }
            _ => {}
        }
        if self.expecting_country_code {
            if self.attempt_to_extract_country_code() {
                self.expecting_country_code = false;
            }
            return text::concat(&[&self.prefix, &self.national]);
        }
        if self.possible.is_empty() {
            return self.attempt_to_choose_formatting_pattern();
        }
        let typed = self.accrued_digits.chars().last().unwrap_or_default();
        let partial = self.input_digit_helper(typed);
        let formatted = self.attempt_to_format_accrued_digits();
        if !formatted.is_empty() {
            return formatted;
        }
        let national = self.national.clone();
        self.narrow_down_possible_formats(&national);
        if self.maybe_create_new_template() {
            return self.input_accrued_national_number();
        }
        if self.able_to_format {
            self.append_national_number(&partial)
        } else {
            self.accrued.clone()
        }
    }

    /// `attemptToChoosePatternWithPrefixExtracted`.
    fn choose_pattern_with_prefix_extracted(&mut self) -> String {
        self.able_to_format = true;
        self.expecting_country_code = false;
        self.possible.clear();
        self.last_match = 0;
        self.template.clear();
        self.pattern = NONE;
        self.attempt_to_choose_formatting_pattern()
    }

    /// `ableToExtractLongerNdd`: puts the national prefix back and strips it again, in case it is longer now.
    fn able_to_extract_longer_ndd(&mut self) -> bool {
        if !self.national_prefix.is_empty() {
            self.national = text::concat(&[&self.national_prefix, &self.national]);
            if let Some(at) = text::rfind(&self.prefix, &self.national_prefix) {
                self.prefix.truncate(at);
            } else {
                // JavaScript's `substring(0, -1)` is empty.
                self.prefix.clear();
            }
        }
        let before = self.national_prefix.clone();
        before != self.remove_national_prefix()
    }

    /// `maybeCreateNewTemplate`: the first possible format a template can be made for.
    fn maybe_create_new_template(&mut self) -> bool {
        let possible = self.possible.clone();
        for candidate in possible {
            if candidate.format.pattern == self.pattern {
                return false;
            }
            if self.create_formatting_template(candidate) {
                self.pattern = candidate.format.pattern;
                self.space_after_national_prefix = has_separator(candidate.format);
                self.last_match = 0;
                return true;
            }
        }
        self.able_to_format = false;
        false
    }

    /// `getAvailableFormats`.
    fn get_available_formats(&mut self, leading: &str) {
        let international = self.is_complete && self.national_prefix.is_empty();
        let formats = self.meta.map_or(&[][..], Region::number_formats);
        for format in formats {
            let text = if international {
                match format.intl_format() {
                    Some(text) => text,
                    None => continue,
                }
            } else {
                format.format()
            };
            let first_group_only = first_group_only(format.national_prefix_rule());
            if !self.national_prefix.is_empty()
                && first_group_only
                && !format.national_prefix_optional
                && !format.carrier_code_rule
            {
                continue;
            }
            if self.national_prefix.is_empty()
                && !self.is_complete
                && !first_group_only
                && !format.national_prefix_optional
            {
                continue;
            }
            if is_eligible(text) {
                self.possible.push(Candidate { format, text });
            }
        }
        self.narrow_down_possible_formats(leading);
    }

    /// `narrowDownPossibleFormats`: keeps the formats whose leading digits (the pattern for this many digits)
    /// match.
    fn narrow_down_possible_formats(&mut self, leading: &str) {
        let index = leading.len().saturating_sub(MIN_LEADING_DIGITS);
        // JavaScript's index is negative below three digits: `getLeadingDigitsPattern` then has nothing, and
        // `search(undefined)` matches at 0.
        let below_minimum = leading.len() < MIN_LEADING_DIGITS;
        self.possible.retain(|c| {
            let patterns = c.format.leading_digits();
            match patterns.len() {
                0 => true,
                _ if below_minimum => true,
                n => patterns
                    .get(index.min(n - 1))
                    .is_some_and(|&p| matcher::FORMAT_PATTERNS.prefix(p, leading).is_some()),
            }
        });
    }

    /// `createFormattingTemplate`.
    fn create_formatting_template(&mut self, candidate: Candidate) -> bool {
        self.template.clear();
        let template = self.formatting_template(candidate);
        if template.is_empty() {
            return false;
        }
        self.template = template;
        true
    }

    /// `getFormattingTemplate`: the pattern's match in fifteen nines, formatted, its digits placeholders.
    fn formatting_template(&self, candidate: Candidate) -> Vec<char> {
        const NINES: &str = "999999999999999";
        let pattern = candidate.format.pattern;
        let found = (0..=NINES.len()).find_map(|start| {
            let rest = NINES.get(start..)?;
            matcher::FORMAT_PATTERNS
                .captures(pattern, rest)
                .map(|c| (rest, c))
        });
        let Some((rest, captures)) = found else {
            return Vec::new();
        };
        let number = rest.get(..captures.end()).unwrap_or_default();
        if number.len() < self.national.len() {
            return Vec::new();
        }
        replace_all(number, pattern, candidate.text)
            .chars()
            .map(|c| if c == '9' { PLACEHOLDER } else { c })
            .collect()
    }

    /// `attemptToChooseFormattingPattern`.
    fn attempt_to_choose_formatting_pattern(&mut self) -> String {
        let national = self.national.clone();
        if national.len() < MIN_LEADING_DIGITS {
            return self.append_national_number(&national);
        }
        self.get_available_formats(&national);
        let formatted = self.attempt_to_format_accrued_digits();
        if !formatted.is_empty() {
            return formatted;
        }
        if self.maybe_create_new_template() {
            self.input_accrued_national_number()
        } else {
            self.accrued.clone()
        }
    }

    /// `inputAccruedNationalNumber`: types the national number into the new template.
    fn input_accrued_national_number(&mut self) -> String {
        let national = self.national.clone();
        if national.is_empty() {
            return self.prefix.clone();
        }
        let mut partial = String::new();
        for digit in national.chars() {
            partial = self.input_digit_helper(digit);
        }
        if self.able_to_format {
            self.append_national_number(&partial)
        } else {
            self.accrued.clone()
        }
    }

    /// `attemptToFormatAccruedDigits`: a format whose pattern the whole national number matches, if writing it that
    /// way keeps exactly the digits typed.
    fn attempt_to_format_accrued_digits(&mut self) -> String {
        let possible = self.possible.clone();
        for candidate in possible {
            if !matcher::FORMAT_PATTERNS.whole(candidate.format.pattern, &self.national) {
                continue;
            }
            self.space_after_national_prefix = has_separator(candidate.format);
            let formatted = replace_all(&self.national, candidate.format.pattern, candidate.text);
            let full = self.append_national_number(&formatted);
            let diallable: String = full
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
                .collect();
            if diallable == self.accrued_digits {
                return full;
            }
        }
        String::new()
    }

    /// `appendNationalNumber`: the prefix, a space after it when the format's national prefix rule has one, and the
    /// national number.
    fn append_national_number(&self, national: &str) -> String {
        if self.space_after_national_prefix
            && !self.prefix.is_empty()
            && !self.prefix.ends_with(SEPARATOR)
        {
            text::concat(&[&self.prefix, SEPARATOR_TEXT, national])
        } else {
            text::concat(&[&self.prefix, national])
        }
    }

    /// `isNanpaNumberWithNationalPrefix`.
    fn is_nanpa_number_with_national_prefix(&self) -> bool {
        let bytes = self.national.as_bytes();
        self.meta.is_some_and(|m| m.country_code == 1)
            && bytes.first() == Some(&b'1')
            && !matches!(bytes.get(1), Some(b'0' | b'1'))
    }

    /// `removeNationalPrefixFromNationalNumber`: moves the national prefix (or NANPA's 1) into the prefix; returns
    /// it.
    fn remove_national_prefix(&mut self) -> String {
        let mut start = 0;
        if self.is_nanpa_number_with_national_prefix() {
            start = 1;
            self.prefix.push('1');
            self.prefix.push(SEPARATOR);
            self.is_complete = true;
        } else if let Some(program) = self.meta.map(|m| m.national_prefix).filter(|&p| p != NONE) {
            if let Some(end) = matcher::NUMBER_PATTERNS
                .prefix(program, &self.national)
                .filter(|&e| e > 0)
            {
                self.is_complete = true;
                start = end;
                self.prefix
                    .push_str(self.national.get(..end).unwrap_or_default());
            }
        }
        let removed = self.national.get(..start).unwrap_or_default().to_owned();
        self.national = self.national.get(start..).unwrap_or_default().to_owned();
        removed
    }

    /// `attemptToExtractIdd`: a leading `+` or the region's international prefix.
    fn attempt_to_extract_idd(&mut self) -> bool {
        let digits = &self.accrued_digits;
        let end = if digits.starts_with('+') {
            Some(1)
        } else {
            self.meta
                .map(|m| m.international_prefix)
                .filter(|&p| p != NONE)
                .and_then(|p| matcher::NUMBER_PATTERNS.prefix(p, digits))
        };
        let Some(end) = end.filter(|&e| e > 0) else {
            return false;
        };
        self.is_complete = true;
        self.national = digits.get(end..).unwrap_or_default().to_owned();
        self.prefix = digits.get(..end).unwrap_or_default().to_owned();
        if !digits.starts_with('+') {
            self.prefix.push(SEPARATOR);
        }
        true
    }

    /// `attemptToExtractCountryCallingCode`.
    fn attempt_to_extract_country_code(&mut self) -> bool {
        if self.national.is_empty() {
            return false;
        }
        let Some((code, rest)) = extract_country_code(&self.national) else {
            return false;
        };
        self.national = rest;
        let main = metadata::main_for_code(code);
        let main_id = main.map_or("ZZ", Region::id);
        // A number of the default region's own code keeps the formats it was typed with.
        if main_id == "001" || main_id != self.default_id {
            self.meta = main;
        }
        self.prefix.push_str(&text::decimal(code.into()));
        self.prefix.push(SEPARATOR);
        self.national_prefix.clear();
        true
    }

    /// `inputDigitHelper`: puts the digit in the template's next placeholder; the template up to it.
    fn input_digit_helper(&mut self, digit: char) -> String {
        let has_room = self
            .template
            .get(self.last_match..)
            .is_some_and(|rest| rest.contains(&PLACEHOLDER));
        if has_room {
            if let Some(at) = self.template.iter().position(|&c| c == PLACEHOLDER) {
                if let Some(slot) = self.template.get_mut(at) {
                    *slot = digit;
                }
                self.last_match = at;
                return self.template.iter().take(at + 1).collect();
            }
        }
        if self.possible.len() == 1 {
            self.able_to_format = false;
        }
        self.pattern = NONE;
        self.accrued.clone()
    }
}

/// `getMetadataForRegion`: the main region of the region's country code; none for an unknown region.
fn metadata_for_region(id: &str) -> Option<&'static Region> {
    let region = (id.len() == 2).then(|| metadata::by_id(id)).flatten()?;
    metadata::main_for_code(region.country_code)
}

/// A character typed: its ASCII digit (of any digit script Google's formatter reads), `+` when it is the first
/// character, or `None` (punctuation or letters: the user formats the number themselves).
fn accepted(c: char, first: bool) -> Option<char> {
    const ZEROS: [u32; 4] = [0x30, 0xFF10, 0x0660, 0x06F0];
    let code = u32::from(c);
    if let Some(zero) = ZEROS.iter().find(|&&z| (z..z + 10).contains(&code)) {
        return char::from_digit(code - zero, 10);
    }
    (first && matches!(c, '+' | '\u{FF0B}')).then_some('+')
}

/// Whether the format's national prefix rule separates the prefix with a space or dash.
fn has_separator(format: &NumberFormat) -> bool {
    format
        .national_prefix_rule()
        .is_some_and(|rule| rule.contains([' ', '-']))
}

/// `formattingRuleHasFirstGroupOnly`: no rule, or the first group alone (in parentheses or not).
fn first_group_only(rule: Option<&str>) -> bool {
    match rule {
        None | Some("") => true,
        Some(rule) => {
            let rule = rule.strip_prefix('(').unwrap_or(rule);
            let rule = rule.strip_suffix(')').unwrap_or(rule);
            rule == "$1"
        }
    }
}

/// `ELIGIBLE_FORMAT_PATTERN`: punctuation, `$1`, then only punctuation and `$N`: a format that keeps every digit
/// and adds none.
fn is_eligible(text: &str) -> bool {
    let rest = text.trim_start_matches(is_punctuation);
    let Some(mut rest) = rest.strip_prefix("$1") else {
        return false;
    };
    loop {
        rest = rest.trim_start_matches(is_punctuation);
        if rest.is_empty() {
            return true;
        }
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some('$'), Some(d)) if d.is_ascii_digit() => rest = chars.as_str(),
            _ => return false,
        }
    }
}

/// JavaScript's `text.replace(new RegExp(pattern, "g"), format)`: every match, left to right, replaced.
fn replace_all(text: &str, pattern: u16, format: &str) -> String {
    let mut out = String::new();
    let mut pos = 0;
    while pos <= text.len() {
        let found = (pos..=text.len()).find_map(|start| {
            let rest = text.get(start..)?;
            matcher::FORMAT_PATTERNS
                .captures(pattern, rest)
                .map(|c| (start, rest, c))
        });
        let Some((start, rest, captures)) = found else {
            break;
        };
        out.push_str(text.get(pos..start).unwrap_or_default());
        out.push_str(&substitute(rest, &captures, format));
        if captures.end() == 0 {
            out.push_str(text.get(start..start + 1).unwrap_or_default());
            pos = start + 1;
        } else {
            pos = start + captures.end();
        }
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_us_number_as_it_is_typed() {
        let mut f = AsYouType::new("US");
        let typed: Vec<String> = "6502530000".chars().map(|c| f.input_digit(c)).collect();
        assert_eq!(
            typed,
            [
                "6",
                "65",
                "650",
                "650-2",
                "650-25",
                "650-253",
                "650-2530",
                "(650) 253-00",
                "(650) 253-000",
                "(650) 253-0000"
            ]
        );
        assert_eq!(f.input("+16502530000"), "+1 650-253-0000");
        assert_eq!(f.input("(650)"), "(650)");
    }

    #[test]
    fn eligible_formats_keep_every_digit() {
        assert!(is_eligible("$1 $2-$3"));
        assert!(is_eligible("($1) $2"));
        assert!(!is_eligible("$2 15-$3-$4"));
        assert!(!is_eligible("$1 15"));
        assert!(first_group_only(Some("($1)")));
        assert!(!first_group_only(Some("0$1")));
    }
}
