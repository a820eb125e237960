//! Generates `src/phone/tables.rs` from libphonenumber's `PhoneNumberMetadata.xml`: every region's prefixes, lengths
//! and number types as static Rust tables, and every pattern compiled into the bytecode `src/phone/matcher.rs` runs.
//!
//! The XML is read by the `phonenumber` crate's own loader (so the tables hold exactly what its database held), and
//! each pattern is parsed by `regex-syntax`, the parser of the `regex` crate that matched these patterns before: the
//! bytecode is a translation of the same syntax tree, so it matches what the regex matched. Both crates are
//! dev-dependencies; neither reaches a build of the library.
//!
//! The bytecode (documented again, for the reader, in `src/phone/matcher.rs`):
//!
//! | byte | operands | meaning |
//! | --- | --- | --- |
//! | `0x00`-`0x09` | | the digit 0-9 (digit programs) |
//! | `0x0A` | | any digit (digit programs) |
//! | `0x0B` | `class: u16` | one symbol of a class: a mask of digits, or an index into `CHAR_CLASSES` |
//! | `0x0C` | `class: u16, min: u8, max: u8` | `min` to `max` symbols of a class, greedily; `max` 255 is unbounded |
//! | `0x0D` | `min: u8, max: u8` | `min` to `max` digits, greedily (digit programs) |
//! | `0x0E` | `target: u16` | try what follows; on failure, `target` |
//! | `0x0F` | `target: u16` | continue at `target` |
//! | `0x10` | `slot: u8` | record the position in a capture slot |
//! | `0x11` | | assert the end of the input |
//! | `0x12` | | match |
//!
//! Targets are byte offsets from the program's first byte; multi-byte operands are little-endian.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use phonenumber::metadata::loader;
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use sha2::{Digest, Sha256};

const OP_ANY: u8 = 0x0A;
const OP_CLASS: u8 = 0x0B;
const OP_REPEAT: u8 = 0x0C;
const OP_REPEAT_ANY: u8 = 0x0D;
const OP_SPLIT: u8 = 0x0E;
const OP_JUMP: u8 = 0x0F;
const OP_SAVE: u8 = 0x10;
const OP_END: u8 = 0x11;
const OP_MATCH: u8 = 0x12;
/// `max` of a repetition with no upper bound.
const UNBOUNDED: u8 = 0xFF;
/// At most this many capture groups in a pattern (the matcher keeps two slots per group, group 0 unused).
const MAX_GROUPS: u32 = 3;
/// No pattern: the offset the tables use for "absent".
const NONE: u32 = u32::MAX;
/// Google's `VALID_PUNCTUATION`, as a character-class body.
const PUNCTUATION: &str = r"\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{00A0}\x{00AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}";

/// What a program reads: the digits of a national number, or the characters of the input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    Digits,
    Chars,
}

/// One instruction before layout; targets are instruction indices.
#[derive(Clone, Debug)]
enum Inst {
    Digit(u8),
    Any,
    Class(u16),
    Repeat(u16, u8, u8),
    RepeatAny(u8, u8),
    Split(usize),
    Jump(usize),
    Save(u8),
    End,
    Match,
}

impl Inst {
    fn size(&self) -> usize {
        match self {
            Inst::Digit(_) | Inst::Any | Inst::End | Inst::Match => 1,
            Inst::Save(_) => 2,
            Inst::Class(_) | Inst::RepeatAny(..) | Inst::Split(_) | Inst::Jump(_) => 3,
            Inst::Repeat(..) => 5,
        }
    }
}

/// Compiles patterns into one shared blob, each program once.
#[derive(Default)]
struct Compiler {
    blob: Vec<u8>,
    /// Program offset by alphabet and pattern text.
    seen: HashMap<(bool, String), u32>,
    /// Pattern text by program offset, for the generated file's index.
    index: BTreeMap<u32, String>,
    /// Unicode classes by their ranges, for character programs.
    char_classes: Vec<Vec<(char, char)>>,
}

impl Compiler {
    /// Compiles `pattern` (layout whitespace already removed) and returns its offset and number of capture groups.
    fn compile(&mut self, pattern: &str, alphabet: Alphabet) -> (u32, u32) {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .unwrap_or_else(|e| panic!("pattern {pattern:?} does not parse: {e}"));
        let groups = hir.properties().explicit_captures_len() as u32;
        assert!(
            groups <= MAX_GROUPS,
            "pattern {pattern:?} has {groups} groups"
        );
        let key = (alphabet == Alphabet::Digits, pattern.to_owned());
        if let Some(&offset) = self.seen.get(&key) {
            return (offset, groups);
        }
        let mut insts = Vec::new();
        self.emit(&hir, alphabet, &mut insts, pattern);
        insts.push(Inst::Match);
        let offset = u32::try_from(self.blob.len()).expect("programs fit in 4 GB");
        self.blob.extend(layout(&insts));
        self.seen.insert(key, offset);
        self.index.insert(offset, pattern.to_owned());
        (offset, groups)
    }

    /// A literal string compiled as a program (`regex::escape` of it, as the national prefix was matched).
    fn literal(&mut self, text: &str) -> u32 {
        let escaped = regex_syntax::escape(text);
        self.compile(&escaped, Alphabet::Digits).0
    }

    fn class(&mut self, ranges: Vec<(char, char)>, alphabet: Alphabet) -> Inst {
        match alphabet {
            Alphabet::Digits => {
                let mask = digit_mask(&ranges);
                if mask == 0x3FF {
                    Inst::Any
                } else if mask.count_ones() == 1 {
                    Inst::Digit(mask.trailing_zeros() as u8)
                } else {
                    Inst::Class(mask)
                }
            }
            Alphabet::Chars => {
                let index = match self.char_classes.iter().position(|c| *c == ranges) {
                    Some(i) => i,
                    None => {
                        self.char_classes.push(ranges);
                        self.char_classes.len() - 1
                    }
                };
                Inst::Class(u16::try_from(index).expect("few classes"))
            }
        }
    }

    fn emit(&mut self, hir: &Hir, alphabet: Alphabet, out: &mut Vec<Inst>, pattern: &str) {
        match hir.kind() {
            HirKind::Empty => {}
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).expect("Unicode patterns");
                for c in text.chars() {
                    let inst = self.class(vec![(c, c)], alphabet);
                    out.push(inst);
                }
            }
            HirKind::Class(Class::Unicode(class)) => {
                let ranges = class.iter().map(|r| (r.start(), r.end())).collect();
                let inst = self.class(ranges, alphabet);
                out.push(inst);
            }
            HirKind::Class(Class::Bytes(_)) => panic!("pattern {pattern:?} has a byte class"),
            HirKind::Look(Look::End) => out.push(Inst::End),
            HirKind::Look(look) => panic!("pattern {pattern:?} has an assertion {look:?}"),
            HirKind::Capture(capture) => {
                let slot = u8::try_from(capture.index * 2).expect("few groups");
                out.push(Inst::Save(slot));
                self.emit(&capture.sub, alphabet, out, pattern);
                out.push(Inst::Save(slot + 1));
            }
            HirKind::Concat(subs) => {
                for sub in subs {
                    self.emit(sub, alphabet, out, pattern);
                }
            }
            HirKind::Alternation(subs) => {
                let mut jumps = Vec::new();
                for (i, sub) in subs.iter().enumerate() {
                    if i + 1 == subs.len() {
                        self.emit(sub, alphabet, out, pattern);
                    } else {
                        let split = out.len();
                        out.push(Inst::Split(0));
                        self.emit(sub, alphabet, out, pattern);
                        jumps.push(out.len());
                        out.push(Inst::Jump(0));
                        out[split] = Inst::Split(out.len());
                    }
                }
                let end = out.len();
                for j in jumps {
                    out[j] = Inst::Jump(end);
                }
            }
            HirKind::Repetition(rep) => {
                assert!(rep.greedy, "pattern {pattern:?} has a lazy repetition");
                let min = u8::try_from(rep.min).expect("small repetition");
                let max = match rep.max {
                    None => UNBOUNDED,
                    Some(max) => {
                        let max = u8::try_from(max).expect("small repetition");
                        assert!(max < UNBOUNDED, "pattern {pattern:?} repeats too often");
                        max
                    }
                };
                // A repetition of one symbol is one instruction.
                let mut single = Vec::new();
                self.emit(&rep.sub, alphabet, &mut single, pattern);
                match single.as_slice() {
                    [Inst::Any] => {
                        out.push(Inst::RepeatAny(min, max));
                        return;
                    }
                    [Inst::Digit(d)] => {
                        out.push(Inst::Repeat(1 << d, min, max));
                        return;
                    }
                    [Inst::Class(class)] => {
                        out.push(Inst::Repeat(*class, min, max));
                        return;
                    }
                    _ => {}
                }
                for _ in 0..min {
                    self.emit(&rep.sub, alphabet, out, pattern);
                }
                if max == UNBOUNDED {
                    let top = out.len();
                    out.push(Inst::Split(0));
                    self.emit(&rep.sub, alphabet, out, pattern);
                    out.push(Inst::Jump(top));
                    out[top] = Inst::Split(out.len());
                } else {
                    let mut splits = Vec::new();
                    for _ in min..max {
                        splits.push(out.len());
                        out.push(Inst::Split(0));
                        self.emit(&rep.sub, alphabet, out, pattern);
                    }
                    let end = out.len();
                    for s in splits {
                        out[s] = Inst::Split(end);
                    }
                }
            }
        }
    }
}

/// The digits 0-9 a class holds, as a mask.
fn digit_mask(ranges: &[(char, char)]) -> u16 {
    (0..10u16)
        .filter(|d| {
            let c = char::from(b'0' + *d as u8);
            ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
        })
        .fold(0, |mask, d| mask | 1 << d)
}

/// Lays instructions out as bytes, targets as byte offsets from the program's start.
fn layout(insts: &[Inst]) -> Vec<u8> {
    let mut offsets = Vec::with_capacity(insts.len() + 1);
    let mut at = 0usize;
    for inst in insts {
        offsets.push(at);
        at += inst.size();
    }
    offsets.push(at);
    let target = |i: usize| {
        u16::try_from(offsets[i])
            .expect("programs under 64 KiB")
            .to_le_bytes()
    };
    let mut out = Vec::with_capacity(at);
    for inst in insts {
        match *inst {
            Inst::Digit(d) => out.push(d),
            Inst::Any => out.push(OP_ANY),
            Inst::Class(c) => {
                out.push(OP_CLASS);
                out.extend(c.to_le_bytes());
            }
            Inst::Repeat(c, min, max) => {
                out.push(OP_REPEAT);
                out.extend(c.to_le_bytes());
                out.extend([min, max]);
            }
            Inst::RepeatAny(min, max) => out.extend([OP_REPEAT_ANY, min, max]),
            Inst::Split(t) => {
                out.push(OP_SPLIT);
                out.extend(target(t));
            }
            Inst::Jump(t) => {
                out.push(OP_JUMP);
                out.extend(target(t));
            }
            Inst::Save(slot) => out.extend([OP_SAVE, slot]),
            Inst::End => out.push(OP_END),
            Inst::Match => out.push(OP_MATCH),
        }
    }
    out
}

/// A pattern as the metadata holds it, without the XML's layout whitespace (as Google's metadata builder removes it).
fn squeeze(pattern: &str) -> String {
    pattern.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The possible lengths as a mask: bit `n` for length `n`.
fn length_mask(lengths: &[u16]) -> u32 {
    lengths
        .iter()
        .filter(|&&n| n != u16::MAX)
        .fold(0, |mask, &n| {
            assert!(n < 31, "a possible length of {n}");
            mask | 1 << n
        })
}

/// One descriptor: its program and the lengths `matchNationalNumber` checks first (`u32::MAX`: none listed).
fn descriptor(c: &mut Compiler, desc: Option<&loader::Descriptor>) -> (u32, u32) {
    let Some(desc) = desc else { return (NONE, 0) };
    let pattern = desc
        .national_number
        .as_deref()
        .expect("every descriptor has a pattern");
    let (program, _) = c.compile(&squeeze(pattern), Alphabet::Digits);
    let lengths = if desc.possible_length.is_empty() {
        u32::MAX
    } else {
        length_mask(&desc.possible_length)
    };
    (program, lengths)
}

/// Escapes bytes for a Rust byte-string literal.
fn byte_string(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            // Spaces too: a line continuation would swallow one at the start of a line.
            0x21..=0x7E if b != b'"' && b != b'\\' => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}

/// A string as a Rust literal.
fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

/// The generated `src/phone/tables.rs` for `xml`, whose origin `source` names.
pub fn generate(xml: &[u8], source: &str) -> String {
    let regions = loader::load(std::io::Cursor::new(xml)).expect("the metadata XML loads");
    let sha = Sha256::digest(xml);
    let sha: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let mut c = Compiler::default();

    let mut rows = Vec::new();
    let mut by_code: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (index, meta) in regions.iter().enumerate() {
        let id = meta.id.clone().expect("every territory has an id");
        let code = meta
            .country_code
            .expect("every territory has a country code");
        // As the phonenumber crate's database orders them: the main region first, the others in file order.
        let list = by_code.entry(code).or_default();
        if meta.main_country_for_code {
            list.insert(0, index);
        } else {
            list.push(index);
        }
        if id.len() == 2 {
            assert!(
                by_id.insert(id.clone(), index).is_none(),
                "region {id} twice"
            );
        }

        let idd = meta
            .international_prefix
            .as_deref()
            .map_or(NONE, |p| c.compile(&squeeze(p), Alphabet::Digits).0);
        // Google parses the national prefix with `nationalPrefixForParsing`, or else the plain national prefix.
        let (npp, groups) = match (&meta.national_prefix_for_parsing, &meta.national_prefix) {
            (Some(p), _) => c.compile(&squeeze(p), Alphabet::Digits),
            (None, Some(p)) if !p.is_empty() => (c.literal(&squeeze(p)), 0),
            _ => (NONE, 0),
        };
        let rule = meta
            .national_prefix_transform_rule
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_default();
        assert!(
            is_simple_rule(&rule),
            "region {id}: transform rule {rule:?} is not digits and $N"
        );
        let leading = meta
            .leading_digits
            .as_deref()
            .map_or(NONE, |p| c.compile(&squeeze(p), Alphabet::Digits).0);
        let general = descriptor(&mut c, meta.general.as_ref());
        // In the order `getNumberTypeHelper` tries them.
        let typed = [
            &meta.premium_rate,
            &meta.toll_free,
            &meta.shared_cost,
            &meta.voip,
            &meta.personal_number,
            &meta.pager,
            &meta.uan,
            &meta.voicemail,
            &meta.fixed_line,
            &meta.mobile,
        ];
        let types: Vec<(u32, u32)> = typed
            .iter()
            .map(|d| descriptor(&mut c, d.as_ref()))
            .collect();
        let same_fixed_mobile = match (&meta.fixed_line, &meta.mobile) {
            (Some(f), Some(m)) => f.national_number == m.national_number,
            _ => false,
        };
        // `testNumberLength`'s lengths: the union over the number types, and the local-only ones not in it.
        let mut national = 0u32;
        let mut local = 0u32;
        for d in typed.iter().filter_map(|d| d.as_ref()) {
            national |= length_mask(&d.possible_length);
            local |= length_mask(&d.possible_local_length);
        }
        local &= !national;

        let mut row = format!(
            "    Region {{ id: {}, country_code: {code}, international_prefix: {}, national_prefix: {}, national_prefix_groups: {groups}, transform_rule: {}, leading_digits: {}, general: {}, types: [",
            string_literal(&id),
            offset(idd),
            offset(npp),
            string_literal(&rule),
            offset(leading),
            desc_literal(general),
        );
        let types: Vec<String> = types.into_iter().map(desc_literal).collect();
        row.push_str(&types.join(", "));
        let _ = write!(
            row,
            "], same_fixed_mobile: {same_fixed_mobile}, lengths: {national:#x}, local_lengths: {local:#x} }},"
        );
        rows.push(row);
    }

    let viable = c
        .compile(
            &format!(
                r"\d{{2}}|[+\x{{FF0B}}]*(?:[{PUNCTUATION}*]*\d){{3,}}[{PUNCTUATION}*A-Za-z\d]*"
            ),
            Alphabet::Chars,
        )
        .0;
    let second_number = c.compile(r"[\\/] *x", Alphabet::Chars).0;
    let extension = c
        .compile(
            r"(?i)(?:;ext=\d{1,20}|[ \x{00A0}\t,]*(?:e?xt(?:ensi(?:o\x{0301}?|ó))?n?|ｅ?ｘｔｎ?|доб|anexo|[;,xｘ#＃~～]|int|ｉｎｔ)[:\.．]?[ \x{00A0}\t,-]*\d{1,20}#?|[- ]+\d{1,6}#)$",
            Alphabet::Chars,
        )
        .0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by scripts/phone-tables.sh from {source}\n\
         // (SHA-256 {sha}). Do not edit: run `bash scripts/phone-tables.sh` instead.\n\
         \n\
         //! libphonenumber's metadata as static tables: nothing here is parsed or compiled at run time.\n\
         \n\
         use super::metadata::{{Desc, Region, NONE}};\n\
         \n\
         /// The SHA-256 of the `PhoneNumberMetadata.xml` these tables were generated from.\n\
         pub(super) const SOURCE_SHA256: &str = \"{sha}\";\n"
    );
    let _ = writeln!(
        out,
        "/// Every region, in the metadata file's order.\npub(super) static REGIONS: [Region; {}] = [",
        rows.len()
    );
    for row in &rows {
        let _ = writeln!(out, "{row}");
    }
    let _ = writeln!(out, "];\n");

    let mut ids: Vec<(&String, &usize)> = by_id.iter().collect();
    ids.sort();
    let _ = writeln!(
        out,
        "/// The regions with a two-letter id, sorted by it: indices into `REGIONS`.\npub(super) static BY_ID: [u16; {}] = [{}];\n",
        ids.len(),
        ids.iter().map(|(_, i)| i.to_string()).collect::<Vec<_>>().join(", ")
    );
    let mut list = Vec::new();
    let mut codes = Vec::new();
    for (code, regions) in &by_code {
        codes.push(format!("({code}, {}, {})", list.len(), regions.len()));
        list.extend(regions.iter().map(|i| i.to_string()));
    }
    let _ = writeln!(
        out,
        "/// Each country calling code, sorted, with where its regions start in `CODE_REGIONS` and how many there are.\n\
         pub(super) static CODES: [(u16, u16, u8); {}] = [{}];\n",
        codes.len(),
        codes.join(", ")
    );
    let _ = writeln!(
        out,
        "/// The regions of each country calling code, its main region first: indices into `REGIONS`.\n\
         pub(super) static CODE_REGIONS: [u16; {}] = [{}];\n",
        list.len(),
        list.join(", ")
    );
    let _ = writeln!(
        out,
        "/// Google's `VALID_PHONE_NUMBER_PATTERN` without the extension: a character program.\n\
         pub(super) const VIABLE: u32 = {viable};\n\
         /// Google's `SECOND_NUMBER_START_PATTERN`: a character program.\n\
         pub(super) const SECOND_NUMBER: u32 = {second_number};\n\
         /// Google's extension pattern for parsing, anchored at the end: a character program.\n\
         pub(super) const EXTENSION: u32 = {extension};\n"
    );
    let classes: Vec<String> = c
        .char_classes
        .iter()
        .map(|ranges| {
            let ranges: Vec<String> = ranges
                .iter()
                .map(|(a, b)| format!("({a:?}, {b:?})"))
                .collect();
            format!("    &[{}],", ranges.join(", "))
        })
        .collect();
    let _ = writeln!(
        out,
        "/// The character classes of the character programs, as sorted inclusive ranges.\n\
         pub(super) static CHAR_CLASSES: [&[(char, char)]; {}] = [\n{}\n];\n",
        classes.len(),
        classes.join("\n")
    );
    let _ = writeln!(
        out,
        "// The patterns the programs were compiled from, by offset:"
    );
    for (offset, pattern) in &c.index {
        let _ = writeln!(out, "// {offset}: {pattern}");
    }
    let _ = writeln!(
        out,
        "/// Every program, back to back, each ending in its match instruction."
    );
    let _ = writeln!(out, "pub(super) static PROGRAMS: &[u8] = b\"\\");
    for (start, end) in c
        .index
        .keys()
        .zip(c.index.keys().skip(1).chain([&(c.blob.len() as u32)]))
    {
        let _ = writeln!(
            out,
            "{}\\",
            byte_string(&c.blob[*start as usize..*end as usize])
        );
    }
    let _ = writeln!(out, "\";");
    out
}

fn offset(o: u32) -> String {
    if o == NONE {
        "NONE".to_owned()
    } else {
        o.to_string()
    }
}

fn desc_literal((program, lengths): (u32, u32)) -> String {
    if program == NONE {
        "Desc::ABSENT".to_owned()
    } else {
        format!("Desc {{ program: {program}, lengths: {lengths:#x} }}")
    }
}

/// Whether a transform rule is only digits and `$N` group references.
fn is_simple_rule(rule: &str) -> bool {
    let mut chars = rule.chars();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {}
            '$' => {
                if !chars.next().is_some_and(|d| d.is_ascii_digit()) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}
