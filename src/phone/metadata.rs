//! libphonenumber's metadata as the generated tables hold it (`tables.rs`, from `scripts/phone-tables.sh`), and the
//! look-ups parsing needs: a region by id, the regions of a country calling code.

use super::matcher;
use super::tables::{
    BY_ID, CODES, CODE_REGIONS, FORMATS, FORMAT_TEXTS, LEADING_DIGITS, NATIONAL_PREFIX_RULES,
    REGIONS,
};

/// An absent pattern in the tables.
pub(super) const NONE: u16 = u16::MAX;

/// One number type's description: its pattern and the lengths checked before it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Desc {
    /// The national-number pattern's program, or [`NONE`] when the region has no such numbers.
    pub program: u16,
    /// Bit `n` set when `n` digits is a possible length; `u32::MAX` when the metadata lists none.
    pub lengths: u32,
}

impl Desc {
    /// A number type the region does not describe.
    pub const ABSENT: Desc = Desc {
        program: NONE,
        lengths: 0,
    };

    /// Google's `matchNationalNumber`: the listed lengths (when any), then the whole pattern.
    pub fn matches(&self, number: &str) -> bool {
        if self.program == NONE {
            return false;
        }
        if self.lengths != u32::MAX && !has_length(self.lengths, number.len()) {
            return false;
        }
        matcher::digits_whole(self.program, number)
    }
}

/// Whether bit `len` of a length mask is set.
pub(super) fn has_length(mask: u32, len: usize) -> bool {
    len < 32 && mask & (1 << len) != 0
}

/// Marks an absent text in a `u8` index of the format tables: an `NA` international format, no national prefix
/// formatting rule.
pub(super) const NO_TEXT: u8 = u8::MAX;

/// One number format of a region (`<numberFormat>`): which numbers it fits and how it writes them.
#[derive(Debug)]
pub(super) struct NumberFormat {
    /// The pattern a national number must match whole, with a group per part: a program in `FORMAT_PROGRAMS`.
    pub pattern: u16,
    /// Where the format's leading-digits patterns (programs in `FORMAT_PROGRAMS`, each more detailed than the one
    /// before) start in `LEADING_DIGITS`.
    pub leading_digits: u16,
    /// How many leading-digits patterns the format has; none when any leading digits do.
    pub leading_digits_len: u8,
    /// How the national number is written (`$1 $2 $3`): an index into `FORMAT_TEXTS`.
    pub format: u8,
    /// How it is written after the country code: an index into `FORMAT_TEXTS`, or [`NO_TEXT`] when the format is
    /// not used internationally (`NA`).
    pub intl_format: u8,
    /// How the national prefix goes with the first group (`0$1`, `($1)`): an index into
    /// `NATIONAL_PREFIX_RULES`, or [`NO_TEXT`].
    pub national_prefix_rule: u8,
    /// Whether national formatting may leave the national prefix out (`nationalPrefixOptionalWhenFormatting`).
    pub national_prefix_optional: bool,
    /// Whether the format has a carrier code formatting rule (`carrierCodeFormattingRule`).
    pub carrier_code_rule: bool,
}

impl NumberFormat {
    /// The leading-digits programs, least detailed first.
    pub fn leading_digits(&self) -> &'static [u16] {
        let start = usize::from(self.leading_digits);
        LEADING_DIGITS
            .get(start..start + usize::from(self.leading_digits_len))
            .unwrap_or(&[])
    }

    /// The national format text.
    pub fn format(&self) -> &'static str {
        text(&FORMAT_TEXTS, self.format).unwrap_or_default()
    }

    /// The international format text, or `None` for a format not used internationally.
    pub fn intl_format(&self) -> Option<&'static str> {
        text(&FORMAT_TEXTS, self.intl_format)
    }

    /// The national prefix formatting rule, or `None` when the format has none.
    pub fn national_prefix_rule(&self) -> Option<&'static str> {
        text(&NATIONAL_PREFIX_RULES, self.national_prefix_rule)
    }
}

fn text(table: &'static [&'static str], index: u8) -> Option<&'static str> {
    table.get(usize::from(index)).copied()
}

/// A region's metadata (or a non-geographic country code's, id `001`).
#[derive(Debug)]
pub(super) struct Region {
    /// ISO 3166-1 alpha-2, or `00` for `001` (numbers of no country): two bytes, not a pointer, in the tables.
    pub id: [u8; 2],
    /// The country calling code.
    pub country_code: u16,
    /// The international dialling prefix's program, or [`NONE`].
    pub international_prefix: u16,
    /// The national prefix's program as parsing strips it (`nationalPrefixForParsing`, else the national prefix as
    /// a literal), or [`NONE`].
    pub national_prefix: u16,
    /// How many capture groups the national prefix's pattern has.
    pub national_prefix_groups: u8,
    /// `nationalPrefixTransformRule`: digits and `$N` group references; empty when there is none.
    pub transform_rule: &'static str,
    /// The leading digits that pick this region among its country code's, or [`NONE`].
    pub leading_digits: u16,
    /// Where this region's number formats start in `FORMATS`.
    pub formats: u16,
    /// How many number formats the region has.
    pub formats_len: u8,
    /// The general description: every number of the region fits it.
    pub general: Desc,
    /// Premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed line, mobile: the order in
    /// which Google's `getNumberTypeHelper` tries them.
    pub types: [Desc; 10],
    /// Whether the fixed-line and mobile patterns are the same text.
    pub same_fixed_mobile: bool,
    /// The possible lengths over all number types, as a mask.
    pub lengths: u32,
    /// The lengths only dialable locally, none of them in `lengths`, as a mask.
    pub local_lengths: u32,
}

impl Region {
    /// The region's number formats (`<availableFormats>`), in the metadata's order.
    pub fn number_formats(&'static self) -> &'static [NumberFormat] {
        let start = usize::from(self.formats);
        FORMATS
            .get(start..start + usize::from(self.formats_len))
            .unwrap_or(&[])
    }

    /// ISO 3166-1 alpha-2, or `001` for numbers of no country.
    pub fn id(&'static self) -> &'static str {
        match std::str::from_utf8(&self.id) {
            Ok("00") | Err(_) => "001",
            Ok(id) => id,
        }
    }
}

/// The region with this (upper-case, two-letter) id.
pub(super) fn by_id(id: &str) -> Option<&'static Region> {
    BY_ID
        .binary_search_by(|&i| region(i).map_or("", Region::id).cmp(id))
        .ok()
        .and_then(|found| BY_ID.get(found))
        .and_then(|&i| region(i))
}

/// The regions of a country calling code, its main region first.
pub(super) fn by_code(code: u16) -> &'static [u16] {
    CODES
        .binary_search_by_key(&code, |&(c, _, _)| c)
        .ok()
        .and_then(|i| CODES.get(i))
        .and_then(|&(_, start, len)| {
            CODE_REGIONS.get(usize::from(start)..usize::from(start) + usize::from(len))
        })
        .unwrap_or(&[])
}

/// The main region of a country calling code.
pub(super) fn main_for_code(code: u16) -> Option<&'static Region> {
    by_code(code).first().and_then(|&i| region(i))
}

/// A region by its index in the tables.
pub(super) fn region(index: u16) -> Option<&'static Region> {
    REGIONS.get(usize::from(index))
}

/// Every two-letter region id, sorted.
pub(super) fn region_ids() -> impl Iterator<Item = &'static str> {
    BY_ID.iter().filter_map(|&i| region(i)).map(Region::id)
}
