//! The layout of the region records (`REGION_RECORDS` in `tables.rs`): written by the generator
//! (`scripts/phone-tables/generate.rs`, which includes this file) and decoded once by `metadata.rs`, so the two
//! cannot disagree.
//!
//! The records are bytes rather than Rust structs so that they compress: a struct table is mostly absolute offsets
//! into the program blobs and padding, which gzip cannot shrink. Here a pattern is named by what the decoder
//! already knows: the programs are compiled in the order the records name them, so a pattern seen for the first
//! time is simply "the next program" (its length is read off its bytecode), and one seen before is its ordinal.
//!
//! Numbers are LEB128 varints (`var`). One record per region, in the metadata file's order:
//!
//! | field | bytes | meaning |
//! | --- | --- | --- |
//! | id | 1 | 0 for `001`; else how far the two-letter id is, as `26 * letter + letter + 1`, past the last one |
//! | country code | var | |
//! | flags | 1 | [`MAIN_FOR_CODE`], [`SHARED_FORMATS`], national prefix groups from [`GROUPS_SHIFT`] |
//! | present | 2 | bit `i` set when program `i` is there: international prefix, national prefix, leading digits, general, the ten number types |
//! | programs | var each | for each present one: 0 for the next program of `PROGRAMS`, `n` for the `n`th named so far |
//! | lengths | 1 + var each | for the general description and each present type: the lowest set bit (or [`NO_LENGTHS`]), then the mask shifted down by it |
//! | local lengths | var | a mask |
//! | transform rule | 1 + len | its length, then its text |
//! | formats | var (+ var) | how many, then, with [`SHARED_FORMATS`], where another region's run of them starts; else the formats, each: |
//! | pattern | var | a program of `FORMAT_PROGRAMS`, named as above |
//! | leading digits | 1 + var each | how many, then the programs |
//! | text | 1 | the `FORMAT_TEXTS` index, with [`PREFIX_OPTIONAL`] and [`CARRIER_RULE`] |
//! | international text | 1 | [`INTL_SAME`], [`INTL_NONE`], or [`INTL_TEXT`] plus a `FORMAT_TEXTS` index |
//! | national prefix rule | 1 | a `NATIONAL_PREFIX_RULES` index, or 255 for none |

/// Flag: the region is its country calling code's main one (the US for +1).
pub const MAIN_FOR_CODE: u8 = 1;
/// Flag: the region's formats are another region's, which come earlier.
pub const SHARED_FORMATS: u8 = 2;
/// The national prefix pattern's number of groups sits in the flags from this bit on.
pub const GROUPS_SHIFT: u8 = 2;
/// The most national prefix groups the flags hold.
pub const MAX_PREFIX_GROUPS: u8 = 0x3F;

/// Lowest-bit byte of a description whose metadata lists no lengths (a mask of `u32::MAX`).
pub const NO_LENGTHS: u8 = 0xFF;

/// How many programs a region names: international prefix, national prefix, leading digits, general, ten types.
pub const PROGRAMS_PER_REGION: usize = 14;

/// The bits of a format's text index; the flags above them.
pub const TEXT_MASK: u8 = 0x1F;
/// Format flag: national formatting may leave the national prefix out.
pub const PREFIX_OPTIONAL: u8 = 0x20;
/// Format flag: the format has a carrier code formatting rule.
pub const CARRIER_RULE: u8 = 0x40;

/// International text: the same as the national one.
pub const INTL_SAME: u8 = 0;
/// International text: none (`NA`, not used internationally).
pub const INTL_NONE: u8 = 1;
/// International text: this plus a `FORMAT_TEXTS` index.
pub const INTL_TEXT: u8 = 2;
