//! libphonenumber's metadata as the generated tables hold it (`tables.rs`, from `scripts/phone-tables.sh`), and the
//! look-ups parsing needs: a region by id, the regions of a country calling code.
//!
//! The regions come as byte records (`records.rs` has their layout), which compress far better than struct tables
//! would; they are decoded once, on first use, into the structs below, and every look-up after that is a plain
//! field read.

use std::sync::LazyLock;

use super::matcher;
use super::records::{
    CARRIER_RULE, GROUPS_SHIFT, INTL_NONE, INTL_SAME, INTL_TEXT, MAIN_FOR_CODE, MAX_PREFIX_GROUPS,
    NO_LENGTHS, PREFIX_OPTIONAL, PROGRAMS_PER_REGION, SHARED_FORMATS, TEXT_MASK,
};
use super::tables::{FORMAT_TEXTS, NATIONAL_PREFIX_RULES, REGION_RECORDS};

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
        matcher::NUMBER_PATTERNS.whole(self.program, number)
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
    /// before) start among the decoded ones.
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
        TABLES
            .leading_digits
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
    /// Where this region's number formats start among the decoded ones.
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
        TABLES
            .formats
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
    let tables = &*TABLES;
    tables
        .by_id
        .binary_search_by(|&i| region(i).map_or("", Region::id).cmp(id))
        .ok()
        .and_then(|found| tables.by_id.get(found))
        .and_then(|&i| region(i))
}

/// The regions of a country calling code, its main region first.
pub(super) fn by_code(code: u16) -> &'static [u16] {
    let tables = &*TABLES;
    tables
        .codes
        .binary_search_by_key(&code, |&(c, _, _)| c)
        .ok()
        .and_then(|i| tables.codes.get(i))
        .and_then(|&(_, start, len)| tables.code_regions.get(start..start + len))
        .unwrap_or(&[])
}

/// The main region of a country calling code.
pub(super) fn main_for_code(code: u16) -> Option<&'static Region> {
    by_code(code).first().and_then(|&i| region(i))
}

/// A region by its index in the tables.
pub(super) fn region(index: u16) -> Option<&'static Region> {
    TABLES.regions.get(usize::from(index))
}

/// Every two-letter region id, sorted.
pub(super) fn region_ids() -> impl Iterator<Item = &'static str> {
    TABLES
        .by_id
        .iter()
        .filter_map(|&i| region(i))
        .map(Region::id)
}

/// The decoded tables, built from the records the first time any is read.
static TABLES: LazyLock<Tables> = LazyLock::new(Tables::decode);

/// The metadata as the look-ups read it.
#[derive(Default)]
struct Tables {
    /// Every region, in the metadata file's order.
    regions: Vec<Region>,
    /// The regions with a two-letter id, sorted by it: indices into `regions`.
    by_id: Vec<u16>,
    /// Each country calling code, sorted, with where its regions start in `code_regions` and how many there are.
    codes: Vec<(u16, usize, usize)>,
    /// The regions of each country calling code, its main region first (the others in file order).
    code_regions: Vec<u16>,
    /// Every region's number formats, each region's in a run that `Region::formats` starts.
    formats: Vec<NumberFormat>,
    /// The formats' leading-digits programs, each format's run in order.
    leading_digits: Vec<u16>,
}

impl Tables {
    /// Decodes `REGION_RECORDS`. The records are generated, so they are well formed; were they not, this would
    /// still end (every record reads at least a byte) without panicking, with absent patterns where they broke.
    fn decode() -> Tables {
        let mut tables = Tables::default();
        let mut decoder = Decoder::new();
        let mut mains = Vec::new();
        while !decoder.records.is_empty() {
            let (region, main) = decoder.region(&mut tables);
            tables.regions.push(region);
            mains.push(main);
        }
        tables.list_codes(&mains);
        // The records hold the two-letter ids in order (the generator checks it), so these come sorted.
        tables.by_id = (0..tables.regions.len())
            .filter(|&i| tables.regions.get(i).is_some_and(|r| r.id != *b"00"))
            .filter_map(|i| u16::try_from(i).ok())
            .collect();
        tables
    }

    /// Fills `codes` and `code_regions` from the regions' country codes: each code's main region (`mains`) first,
    /// the others in file order, as the phonenumber crate's database lists them. (No sort: std's sorts would add
    /// kilobytes of code to the wasm.)
    fn list_codes(&mut self, mains: &[bool]) {
        // Each code, sorted, with its number of regions and whether one is its main.
        let mut counts: Vec<(u16, usize, bool)> = Vec::new();
        for (region, &main) in self.regions.iter().zip(mains) {
            match counts.binary_search_by_key(&region.country_code, |&(c, _, _)| c) {
                Ok(i) => {
                    if let Some((_, count, has_main)) = counts.get_mut(i) {
                        *count += 1;
                        *has_main |= main;
                    }
                }
                Err(i) => counts.insert(i, (region.country_code, 1, main)),
            }
        }
        // Where each code's next region other than the main goes.
        let mut next = Vec::with_capacity(counts.len());
        let mut start = 0;
        for &(code, count, has_main) in &counts {
            self.codes.push((code, start, count));
            next.push(start + usize::from(has_main));
            start += count;
        }
        self.code_regions = vec![0; start];
        for (index, (region, &main)) in self.regions.iter().zip(mains).enumerate() {
            let Ok(i) = self
                .codes
                .binary_search_by_key(&region.country_code, |&(c, _, _)| c)
            else {
                continue;
            };
            let slot = if main {
                self.codes.get(i).map(|&(_, start, _)| start)
            } else {
                next.get_mut(i).map(|next| {
                    *next += 1;
                    *next - 1
                })
            };
            if let (Some(slot), Ok(index)) = (
                slot.and_then(|s| self.code_regions.get_mut(s)),
                u16::try_from(index),
            ) {
                *slot = index;
            }
        }
    }
}

/// The state of decoding the records, one region after another.
struct Decoder {
    records: Reader,
    /// The number patterns' programs the records have named so far.
    programs: Programs,
    /// The format patterns' programs the records have named so far.
    format_programs: Programs,
    /// The number of the last two-letter id, which the next one counts on from.
    last_id: u16,
}

impl Decoder {
    fn new() -> Decoder {
        Decoder {
            records: Reader {
                bytes: REGION_RECORDS,
                at: 0,
            },
            programs: Programs::new(matcher::NUMBER_PATTERNS),
            format_programs: Programs::new(matcher::FORMAT_PATTERNS),
            last_id: 0,
        }
    }

    /// The next region (its formats go into `tables`), and whether it is its country code's main region.
    fn region(&mut self, tables: &mut Tables) -> (Region, bool) {
        let r = &mut self.records;
        let id = match r.byte() {
            0 => *b"00",
            step => {
                self.last_id = self.last_id.saturating_add(u16::from(step));
                let number = self.last_id - 1;
                let letter = |n: u16| u8::try_from(n % 26).map_or(b'?', |n| b'A' + n);
                [letter(number / 26), letter(number)]
            }
        };
        let country_code = u16::try_from(r.varint()).unwrap_or(0);
        let flags = r.byte();
        let present = u16::from_le_bytes([r.byte(), r.byte()]);
        let mut programs = [NONE; PROGRAMS_PER_REGION];
        for (bit, program) in programs.iter_mut().enumerate() {
            if present & 1 << bit != 0 {
                *program = self.programs.next(r);
            }
        }
        let [international_prefix, national_prefix, leading_digits, general, types @ ..] = programs;
        let general = Desc {
            program: general,
            lengths: r.lengths(),
        };
        let types = types.map(|program| match program {
            NONE => Desc::ABSENT,
            program => Desc {
                program,
                lengths: r.lengths(),
            },
        });
        let local_lengths = r.varint();
        let rule_len = usize::from(r.byte());
        let transform_rule = std::str::from_utf8(r.take(rule_len)).unwrap_or_default();
        let formats_len = r.varint();
        let formats_start = if flags & SHARED_FORMATS != 0 {
            r.varint()
        } else {
            let start = tables.formats.len();
            for _ in 0..formats_len {
                let format = self.format(tables);
                tables.formats.push(format);
            }
            u32::try_from(start).unwrap_or(u32::MAX)
        };
        let [.., fixed, mobile] = &types;
        let region = Region {
            id,
            country_code,
            international_prefix,
            national_prefix,
            national_prefix_groups: flags >> GROUPS_SHIFT & MAX_PREFIX_GROUPS,
            transform_rule,
            leading_digits,
            formats: u16::try_from(formats_start).unwrap_or(u16::MAX),
            formats_len: u8::try_from(formats_len).unwrap_or(0),
            general,
            same_fixed_mobile: fixed.program != NONE && fixed.program == mobile.program,
            lengths: types
                .iter()
                .filter(|t| t.lengths != u32::MAX)
                .fold(0, |mask, t| mask | t.lengths),
            types,
            local_lengths,
        };
        (region, flags & MAIN_FOR_CODE != 0)
    }

    /// The next number format; its leading-digits programs go into `tables`.
    fn format(&mut self, tables: &mut Tables) -> NumberFormat {
        let r = &mut self.records;
        let pattern = self.format_programs.next(r);
        let leading_start = tables.leading_digits.len();
        let leading_len = r.byte();
        for _ in 0..leading_len {
            let program = self.format_programs.next(r);
            tables.leading_digits.push(program);
        }
        let text = r.byte();
        let format = text & TEXT_MASK;
        let intl_format = match r.byte() {
            INTL_SAME => format,
            INTL_NONE => NO_TEXT,
            intl => intl.wrapping_sub(INTL_TEXT),
        };
        NumberFormat {
            pattern,
            leading_digits: u16::try_from(leading_start).unwrap_or(u16::MAX),
            leading_digits_len: leading_len,
            format,
            intl_format,
            national_prefix_rule: r.byte(),
            national_prefix_optional: text & PREFIX_OPTIONAL != 0,
            carrier_code_rule: text & CARRIER_RULE != 0,
        }
    }
}

/// The programs of a blob the records have named so far (`records.rs`). The records name a blob's programs for the
/// first time in the blob's order, so the `n`th named is the blob's `n`th program.
struct Programs {
    /// Where each program of the blob starts, in order.
    starts: &'static [u16],
    /// How many the records have named so far.
    named: usize,
}

impl Programs {
    fn new(blob: matcher::PatternBlob) -> Programs {
        Programs {
            starts: blob.starts(),
            named: 0,
        }
    }

    /// Reads a program reference: 0 for the next program of the blob, `n` for the `n`th named so far.
    // Out of line: the decoder calls this from many places, and copies of it would only add to the wasm.
    #[inline(never)]
    fn next(&mut self, r: &mut Reader) -> u16 {
        let index = match r.varint() {
            0 => {
                self.named += 1;
                self.named - 1
            }
            n => match usize::try_from(n - 1) {
                Ok(i) if i < self.named => i,
                _ => return NONE,
            },
        };
        self.starts.get(index).copied().unwrap_or(NONE)
    }
}

/// Reads the records: bytes, LEB128 varints and length masks; past the end, zeros.
struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    /// Whether every byte has been read.
    fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        byte
    }

    /// The next `len` bytes (fewer at the end).
    fn take(&mut self, len: usize) -> &'static [u8] {
        let bytes = self.bytes.get(self.at..).unwrap_or(&[]);
        let taken = bytes.get(..len).unwrap_or(bytes);
        self.at += len;
        taken
    }

    /// A LEB128 varint (what does not fit a `u32` is dropped).
    // Out of line: the decoder calls this from many places, and copies of it would only add to the wasm.
    #[inline(never)]
    fn varint(&mut self) -> u32 {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let byte = self.byte();
            value |= u32::from(byte & 0x7F).checked_shl(shift).unwrap_or(0);
            if byte & 0x80 == 0 {
                break;
            }
        }
        value
    }

    /// A length mask: its lowest set bit (or `NO_LENGTHS`), then the mask shifted down by it.
    // Out of line: the decoder calls this from many places, and copies of it would only add to the wasm.
    #[inline(never)]
    fn lengths(&mut self) -> u32 {
        let low = self.byte();
        let rest = self.varint();
        if low == NO_LENGTHS {
            u32::MAX
        } else {
            rest.checked_shl(u32::from(low)).unwrap_or(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tables::VIABLE;
    use super::*;

    /// The records decode to the end, every program where a program starts, and the look-ups find what they did.
    #[test]
    fn the_records_decode_whole() {
        let tables = &*TABLES;
        assert_eq!(tables.regions.len(), 254);
        assert_eq!(tables.by_id.len(), 245);
        // The records name every program of the blobs in order: the number programs up to the character programs
        // (which follow the regions'), and every format program.
        let mut decoder = Decoder::new();
        let mut again = Tables::default();
        while !decoder.records.is_empty() {
            decoder.region(&mut again);
        }
        assert_eq!(decoder.records.at, REGION_RECORDS.len());
        let numbers = &decoder.programs;
        assert_eq!(numbers.starts.get(numbers.named), Some(&VIABLE));
        let formats = &decoder.format_programs;
        assert_eq!(formats.named, formats.starts.len());
        let us = by_id("US").unwrap();
        assert_eq!((us.id(), us.country_code), ("US", 1));
        assert_eq!(main_for_code(1).map(Region::id), Some("US"));
        assert_eq!(main_for_code(44).map(Region::id), Some("GB"));
        assert_eq!(
            by_code(7)
                .iter()
                .filter_map(|&i| region(i))
                .map(Region::id)
                .collect::<Vec<_>>(),
            ["RU", "KZ"]
        );
        assert_eq!(main_for_code(800).map(Region::id), Some("001"));
        assert!(region_ids().eq(tables
            .by_id
            .iter()
            .filter_map(|&i| region(i))
            .map(Region::id)));
        assert!(region_ids().is_sorted());
        assert!(by_id("ZZ").is_none() && by_code(0).is_empty());
    }
}
