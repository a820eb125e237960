//! Generates `src/phone/tables.rs` from libphonenumber's `PhoneNumberMetadata.xml`: every region's prefixes, lengths
//! and number types as static Rust tables, and every pattern compiled into the bytecode `src/phone/matcher.rs` runs.
//!
//! The XML is read by the `phonenumber` crate's own loader (so the tables hold exactly what its database held), and
//! each pattern is parsed by `regex-syntax`, the parser of the `regex` crate that matched these patterns before: the
//! bytecode is a translation of the same syntax tree, so it matches what the regex matched. Both crates are
//! dev-dependencies; neither reaches a build of the library.
//!
//! The bytecode keeps the pattern's shape (groups, branches, closes) rather than jumps, so it compresses about as
//! well as the pattern text; `src/phone/matcher.rs` documents it. The few jumps it has (group lengths, a loop's way
//! back) are written as zeros, for the matcher to fill in on first use. The generator runs twice: the first run
//! counts the digit classes the programs use, the second writes the most used as one-byte codes (`CLASS_CODES`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use phonenumber::metadata::loader;
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use sha2::{Digest, Sha256};

/// The opcodes, shared with the matcher that reads them.
#[path = "../../src/phone/bytecode.rs"]
mod bytecode;
use bytecode::*;
/// The layout of the region records, shared with the decoder that reads them.
#[path = "../../src/phone/records.rs"]
mod records;
use records::*;

/// How many digit classes can have a one-byte code: the bytes from `OP_CLASS_CODE` to 0xFF.
const CLASS_CODE_COUNT: usize = 0x100 - OP_CLASS_CODE as usize;
/// No pattern: the offset the tables use for "absent".
const NONE: u32 = u16::MAX as u32;
/// Google's `VALID_PUNCTUATION`, as a character-class body.
const PUNCTUATION: &str = r"\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{00A0}\x{00AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}";

/// What a program reads: the digits of a national number, or the characters of the input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    Digits,
    Chars,
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
    /// The digit classes written as one-byte codes (`OP_CLASS_CODE` on), the most used first.
    class_codes: Vec<u16>,
    /// How many times the digit programs use each digit class written out with `OP_CLASS`.
    class_uses: HashMap<u16, u32>,
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
        let mut program = Vec::new();
        self.emit(&hir, alphabet, &mut program, pattern);
        program.push(OP_MATCH);
        if alphabet == Alphabet::Digits {
            self.count_classes(&program);
        }
        blank_jumps(&mut program);
        let offset = u32::try_from(self.blob.len()).expect("programs fit in 4 GB");
        self.blob.extend(program);
        self.seen.insert(key, offset);
        self.index.insert(offset, pattern.to_owned());
        (offset, groups)
    }

    /// For a search program: the class of characters its match can start with, and a class every match contains,
    /// for `chars_find` to skip positions and texts that cannot match.
    fn search_classes(&mut self, pattern: &str) -> (u16, u16) {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .unwrap_or_else(|e| panic!("pattern {pattern:?} does not parse: {e}"));
        let (set, nullable) = first_chars(&hir);
        assert!(
            !nullable,
            "search pattern {pattern:?} matches the empty string"
        );
        let first = self.atom(merge_ranges(set), Alphabet::Chars);
        let required = required_chars(&hir).expect("a search pattern with a required class");
        let required = self.atom(merge_ranges(required), Alphabet::Chars);
        (
            u16::from_le_bytes([first[1], first[2]]),
            u16::from_le_bytes([required[1], required[2]]),
        )
    }

    /// Counts the digit classes a finished digit program writes out with `OP_CLASS`.
    fn count_classes(&mut self, program: &[u8]) {
        let mut pc = 0;
        while let Some(&op) = program.get(pc) {
            if op == OP_CLASS {
                let mask = u16::from_le_bytes([program[pc + 1], program[pc + 2]]);
                *self.class_uses.entry(mask).or_default() += 1;
            }
            pc += instruction_len(op);
        }
    }

    /// A literal string compiled as a program (`regex::escape` of it, as the national prefix was matched).
    fn literal(&mut self, text: &str) -> u32 {
        let escaped = regex_syntax::escape(text);
        self.compile(&escaped, Alphabet::Digits).0
    }

    /// The bytes of an atom: one symbol of a class.
    fn atom(&mut self, ranges: Vec<(char, char)>, alphabet: Alphabet) -> Vec<u8> {
        match alphabet {
            Alphabet::Digits => {
                let mask = digit_mask(&ranges);
                let (low, high) = (mask.trailing_zeros(), 15 - mask.leading_zeros());
                if mask == 0x3FF {
                    vec![OP_ANY]
                } else if mask.count_ones() == 1 {
                    vec![low as u8]
                } else if mask != 0 && mask.count_ones() == high - low + 1 {
                    vec![OP_RANGE + 10 * low as u8 + high as u8]
                } else if let Some(code) = self.class_codes.iter().position(|&m| m == mask) {
                    vec![OP_CLASS_CODE + u8::try_from(code).expect("at most 124 codes")]
                } else {
                    let [lo, hi] = mask.to_le_bytes();
                    vec![OP_CLASS, lo, hi]
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
                let [lo, hi] = u16::try_from(index).expect("few classes").to_le_bytes();
                vec![OP_CLASS, lo, hi]
            }
        }
    }

    fn emit(&mut self, hir: &Hir, alphabet: Alphabet, out: &mut Vec<u8>, pattern: &str) {
        match hir.kind() {
            HirKind::Empty => {}
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).expect("Unicode patterns");
                for c in text.chars() {
                    let atom = self.atom(vec![(c, c)], alphabet);
                    out.extend(atom);
                }
            }
            HirKind::Class(Class::Unicode(class)) => {
                let ranges = class.iter().map(|r| (r.start(), r.end())).collect();
                let atom = self.atom(ranges, alphabet);
                out.extend(atom);
            }
            HirKind::Class(Class::Bytes(_)) => panic!("pattern {pattern:?} has a byte class"),
            HirKind::Look(Look::End) => out.push(OP_END),
            HirKind::Look(look) => panic!("pattern {pattern:?} has an assertion {look:?}"),
            HirKind::Capture(capture) => {
                let slot = u8::try_from(capture.index * 2).expect("few groups");
                out.extend([OP_SAVE, slot]);
                self.emit(&capture.sub, alphabet, out, pattern);
                out.extend([OP_SAVE, slot + 1]);
            }
            HirKind::Concat(subs) => {
                for sub in subs {
                    self.emit(sub, alphabet, out, pattern);
                }
            }
            HirKind::Alternation(subs) => {
                let mut body = Vec::new();
                for (i, sub) in subs.iter().enumerate() {
                    if i > 0 {
                        body.push(OP_BAR);
                    }
                    self.emit(sub, alphabet, &mut body, pattern);
                }
                group(out, body, OP_CLOSE, &[]);
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
                let mut body = Vec::new();
                self.emit(&rep.sub, alphabet, &mut body, pattern);
                // A repetition of one symbol is one instruction.
                if is_atom(&body) {
                    match (min, max) {
                        (1, 1) => out.extend(body),
                        (n, m)
                            if n == m
                                && body == [OP_ANY]
                                && (2..=OP_DIGITS_LAST - OP_DIGITS + 2).contains(&n) =>
                        {
                            out.push(OP_DIGITS + n - 2)
                        }
                        (n, m) if n == m => {
                            out.extend([OP_EXACT, n]);
                            out.extend(body);
                        }
                        (n, m) => {
                            out.extend([OP_REPEAT, n, m]);
                            out.extend(body);
                        }
                    }
                    return;
                }
                for _ in 0..min {
                    out.extend_from_slice(&body);
                }
                if max == UNBOUNDED {
                    // STAR, the group, and a close that jumps back to the STAR.
                    let mut looped = vec![OP_STAR];
                    let mut inner = body.clone();
                    inner.push(OP_CLOSE_LOOP);
                    let header = if inner.len() + 2 < 256 { 2 } else { 3 };
                    let back = 1 + header + inner.len() - 1;
                    inner.extend(u16::try_from(back).expect("small loops").to_le_bytes());
                    group(&mut looped, inner, 0, &[]);
                    out.extend(looped);
                } else {
                    // `X{0,3}` is `(X(X(X)?)?)?`, built from the inside out.
                    let mut tail: Vec<u8> = Vec::new();
                    for _ in min..max {
                        let mut inner = body.clone();
                        inner.extend(tail);
                        let mut optional = vec![OP_OPTIONAL];
                        group(&mut optional, inner, OP_CLOSE, &[]);
                        tail = optional;
                    }
                    out.extend(tail);
                }
            }
        }
    }
}

/// The characters a match of `hir` can start with (a superset), and whether it can match the empty string.
fn first_chars(hir: &Hir) -> (Vec<(char, char)>, bool) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (Vec::new(), true),
        HirKind::Literal(literal) => {
            let text = std::str::from_utf8(&literal.0).expect("Unicode patterns");
            match text.chars().next() {
                Some(c) => (vec![(c, c)], false),
                None => (Vec::new(), true),
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            (class.iter().map(|r| (r.start(), r.end())).collect(), false)
        }
        HirKind::Class(Class::Bytes(_)) => panic!("byte classes are not supported"),
        HirKind::Capture(capture) => first_chars(&capture.sub),
        HirKind::Repetition(rep) => {
            let (set, nullable) = first_chars(&rep.sub);
            (set, nullable || rep.min == 0)
        }
        HirKind::Concat(subs) => {
            let mut set = Vec::new();
            for sub in subs {
                let (more, nullable) = first_chars(sub);
                set.extend(more);
                if !nullable {
                    return (set, false);
                }
            }
            (set, true)
        }
        HirKind::Alternation(subs) => {
            let mut set = Vec::new();
            let mut any_nullable = false;
            for sub in subs {
                let (more, nullable) = first_chars(sub);
                set.extend(more);
                any_nullable |= nullable;
            }
            (set, any_nullable)
        }
    }
}

/// A class every match of `hir` must contain a character of (`None` when no such class is known, as when it can
/// match the empty string): a text without one cannot match anywhere. Picks the rarest class in a sequence.
fn required_chars(hir: &Hir) -> Option<Vec<(char, char)>> {
    let cost = |ranges: &Vec<(char, char)>| {
        let digits = ranges.iter().any(|&(lo, hi)| lo <= '9' && hi >= '0');
        let size: u32 = ranges
            .iter()
            .map(|&(lo, hi)| u32::from(hi) - u32::from(lo) + 1)
            .sum();
        u64::from(size) + if digits { 1 << 32 } else { 0 }
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(literal) => {
            let text = std::str::from_utf8(&literal.0).expect("Unicode patterns");
            let c = text
                .chars()
                .find(|c| !c.is_ascii_digit())
                .or_else(|| text.chars().next())?;
            Some(vec![(c, c)])
        }
        HirKind::Class(Class::Unicode(class)) => {
            Some(class.iter().map(|r| (r.start(), r.end())).collect())
        }
        HirKind::Class(Class::Bytes(_)) => panic!("byte classes are not supported"),
        HirKind::Capture(capture) => required_chars(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required_chars(&rep.sub),
        HirKind::Repetition(_) => None,
        HirKind::Concat(subs) => subs.iter().filter_map(required_chars).min_by_key(cost),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for sub in subs {
                all.extend(required_chars(sub)?);
            }
            Some(all)
        }
    }
}

/// Sorted, merged ranges.
fn merge_ranges(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort();
    let mut merged: Vec<(char, char)> = Vec::new();
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// Whether `bytes` is exactly one atom (a digit, any digit, a range or a class).
fn is_atom(bytes: &[u8]) -> bool {
    match bytes {
        [op] => *op <= OP_ANY || *op >= OP_RANGE,
        [OP_CLASS, _, _] => true,
        _ => false,
    }
}

/// Appends a group: its header (the length of what follows it), `body`, then `close` (none when 0) and `extra`.
fn group(out: &mut Vec<u8>, mut body: Vec<u8>, close: u8, extra: &[u8]) {
    if close != 0 {
        body.push(close);
    }
    body.extend_from_slice(extra);
    match u8::try_from(body.len()) {
        Ok(len) => out.extend([OP_GROUP, len]),
        Err(_) => {
            out.push(OP_GROUP16);
            out.extend(
                u16::try_from(body.len())
                    .expect("groups under 64 KiB")
                    .to_le_bytes(),
            );
        }
    }
    out.extend(body);
}

/// Zeroes every group's length and every loop's way back in a finished program. They follow from the bytecode
/// (the matcher's `with_jumps` restores them on first use), and as ever-different bytes inside shapes that otherwise
/// repeat they cost gzip about 3 kB of the package.
fn blank_jumps(program: &mut [u8]) {
    let mut pc = 0;
    while let Some(&op) = program.get(pc) {
        let size = instruction_len(op);
        if matches!(op, OP_GROUP | OP_GROUP16 | OP_CLOSE_LOOP) {
            // The operand is the whole jump.
            program[pc + 1..pc + size].fill(0);
        }
        pc += size;
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
    // Twice: first to count the digit classes the programs write out, then with the most used (more than once) as
    // one-byte codes. A code saves two bytes a use for two in `CLASS_CODES`.
    let (_, uses) = generate_with(xml, source, &[]);
    let mut ranked: Vec<(u16, u32)> = uses.into_iter().filter(|&(_, n)| n > 1).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let codes: Vec<u16> = ranked
        .iter()
        .take(CLASS_CODE_COUNT)
        .map(|&(mask, _)| mask)
        .collect();
    generate_with(xml, source, &codes).0
}

/// The tables for `xml` with `codes` as the one-byte digit classes, and how many times the digit programs write
/// out each other class.
fn generate_with(xml: &[u8], source: &str, codes: &[u16]) -> (String, HashMap<u16, u32>) {
    let regions = loader::load(std::io::Cursor::new(xml)).expect("the metadata XML loads");
    let sha = Sha256::digest(xml);
    let sha: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let mut c = Compiler {
        class_codes: codes.to_vec(),
        ..Compiler::default()
    };
    let mut formats = FormatTables::default();
    formats.programs.class_codes = codes.to_vec();

    let mut records = Vec::new();
    let mut mains: BTreeMap<u16, usize> = BTreeMap::new();
    for (index, meta) in regions.iter().enumerate() {
        let id = meta.id.clone().expect("every territory has an id");
        let code = meta
            .country_code
            .expect("every territory has a country code");
        // The decoder lists a country code's regions main first, the others in file order, as the phonenumber
        // crate's database orders them; that needs one main region at most.
        if meta.main_country_for_code {
            assert!(
                mains.insert(code, index).is_none(),
                "two main regions for +{code}"
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
        // The decoder takes "fixed line and mobile are the same pattern" from their programs (one per text).
        let same_fixed_mobile = match (&meta.fixed_line, &meta.mobile) {
            (Some(f), Some(m)) => f.national_number == m.national_number,
            _ => false,
        };
        assert_eq!(
            same_fixed_mobile,
            types[8].0 != NONE && types[8].0 == types[9].0,
            "region {id}: fixed line and mobile share a program exactly when their patterns are the same"
        );
        // `testNumberLength`'s lengths: the union over the number types (which the decoder recomputes from their
        // masks), and the local-only ones not in it.
        let mut national = 0u32;
        let mut local = 0u32;
        for d in typed.iter().filter_map(|d| d.as_ref()) {
            national |= length_mask(&d.possible_length);
            local |= length_mask(&d.possible_local_length);
        }
        local &= !national;
        let union = types
            .iter()
            .filter(|&&(p, l)| p != NONE && l != u32::MAX)
            .fold(0, |mask, &(_, l)| mask | l);
        assert_eq!(national, union, "region {id}: lengths are the types' union");

        // Two bytes: "001" (no country) is "00".
        let short_id: String = id.chars().take(2).collect();
        assert!(
            short_id.len() == 2 && (id.len() == 2 || id == "001"),
            "region {id}"
        );
        let formats = formats.region(meta);
        let mut programs = vec![idd, npp, leading, general.0];
        programs.extend(types.iter().map(|&(p, _)| p));
        let mut lengths = vec![general.1];
        lengths.extend(types.iter().map(|&(_, l)| l));
        records.push(RegionRecord {
            id: short_id,
            code,
            main: meta.main_country_for_code,
            groups,
            programs,
            lengths,
            local,
            rule,
            formats,
        });
    }

    let viable_pattern =
        format!(r"\d{{2}}|[+\x{{FF0B}}]*(?:[{PUNCTUATION}*]*\d){{3,}}[{PUNCTUATION}*A-Za-z\d]*");
    let viable = c.compile(&viable_pattern, Alphabet::Chars).0;
    let second_number_pattern = r"[\\/] *x";
    let second_number = c.compile(second_number_pattern, Alphabet::Chars).0;
    let (second_number_first, second_number_required) = c.search_classes(second_number_pattern);
    let extension_pattern = r"(?i)(?:;ext=\d{1,20}|[ \x{00A0}\t,]*(?:e?xt(?:ensi(?:o\x{0301}?|ó))?n?|ｅ?ｘｔｎ?|доб|anexo|[;,xｘ#＃~～]|int|ｉｎｔ)[:\.．]?[ \x{00A0}\t,-]*\d{1,20}#?|[- ]+\d{1,6}#)$";
    let extension = c.compile(extension_pattern, Alphabet::Chars).0;
    let (extension_first, extension_required) = c.search_classes(extension_pattern);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by scripts/phone-tables.sh from {source}\n\
         // (SHA-256 {sha}). Do not edit: run `bash scripts/phone-tables.sh` instead.\n\
         \n\
         //! libphonenumber's metadata as static tables: the patterns compiled into bytecode, and each region's\n\
         //! prefixes, lengths, number types and formats in a byte record that `metadata.rs` decodes once, on first use.\n\
         \n\
         /// The SHA-256 of the `PhoneNumberMetadata.xml` these tables were generated from.\n\
         pub(super) const SOURCE_SHA256: &str = \"{sha}\";\n"
    );
    let mut region_programs = ProgramRefs::new(&c);
    let mut format_programs = ProgramRefs::new(&formats.programs);
    let _ = writeln!(
        out,
        "/// Every region's record (`records.rs` has their layout), one a line, in the metadata file's order.\n\
         pub(super) static REGION_RECORDS: &[u8] = b\"\\"
    );
    let mut last_id = 0;
    for record in &records {
        let bytes = record.encode(
            &mut last_id,
            &mut region_programs,
            &formats,
            &mut format_programs,
        );
        let _ = writeln!(out, "{}\\", byte_string(&bytes));
    }
    let _ = writeln!(out, "\";\n");
    let _ = writeln!(
        out,
        "/// Google's `VALID_PHONE_NUMBER_PATTERN` without the extension: a character program.\n\
         pub(super) const VIABLE: u16 = {viable};\n\
         /// Google's `SECOND_NUMBER_START_PATTERN`: a character program.\n\
         pub(super) const SECOND_NUMBER: u16 = {second_number};\n\
         /// The characters a match of `SECOND_NUMBER` can start with: an index into `CHAR_CLASSES`.\n\
         pub(super) const SECOND_NUMBER_FIRST: u16 = {second_number_first};\n\
         /// A class every match of `SECOND_NUMBER` holds a character of: an index into `CHAR_CLASSES`.\n\
         pub(super) const SECOND_NUMBER_REQUIRED: u16 = {second_number_required};\n\
         /// Google's extension pattern for parsing, anchored at the end: a character program.\n\
         pub(super) const EXTENSION: u16 = {extension};\n\
         /// The characters a match of `EXTENSION` can start with: an index into `CHAR_CLASSES`.\n\
         pub(super) const EXTENSION_FIRST: u16 = {extension_first};\n\
         /// A class every match of `EXTENSION` holds a character of: an index into `CHAR_CLASSES`.\n\
         pub(super) const EXTENSION_REQUIRED: u16 = {extension_required};\n\
         /// The patterns the character programs were compiled from, which the matcher's tests run the regex crate on.\n\
         #[cfg(test)]\n\
         pub(super) const CHAR_PATTERNS: [(u16, &str); 3] = [\n    \
         (VIABLE, {viable_pattern:?}),\n    \
         (SECOND_NUMBER, {second_number_pattern:?}),\n    \
         (EXTENSION, {extension_pattern:?}),\n];\n"
    );
    let classes: Vec<String> = c
        .char_classes
        .iter()
        .map(|ranges| {
            let ascii = (0u8..128)
                .filter(|&b| {
                    ranges
                        .iter()
                        .any(|&(lo, hi)| lo <= char::from(b) && char::from(b) <= hi)
                })
                .fold(0u128, |bits, b| bits | 1 << b);
            let wide: Vec<String> = ranges
                .iter()
                .filter(|&&(_, hi)| u32::from(hi) >= 128)
                .map(|&(a, b)| format!("({:?}, {b:?})", a.max('\u{80}')))
                .collect();
            format!("    ({ascii:#x}, &[{}]),", wide.join(", "))
        })
        .collect();
    let _ = writeln!(
        out,
        "/// The character classes of the character programs: the ASCII characters as a bit set, the others as sorted\n\
         /// inclusive ranges.\n\
         pub(super) static CHAR_CLASSES: [(u128, &[(char, char)]); {}] = [\n{}\n];\n",
        classes.len(),
        classes.join("\n")
    );
    let codes: Vec<String> = codes.iter().map(|mask| format!("{mask:#05x}")).collect();
    let _ = writeln!(
        out,
        "/// The digit classes (masks of 0-9) of the one-byte codes from `OP_CLASS_CODE` on, the most used first.\n\
         pub(super) static CLASS_CODES: [u16; {}] = [{}];\n",
        codes.len(),
        codes.join(", ")
    );
    formats.write(&mut out);
    write_programs(
        &mut out,
        &c,
        "PROGRAMS",
        "Every program, back to back, each ending in its match instruction.",
    );
    let mut uses = c.class_uses;
    for (mask, n) in formats.programs.class_uses {
        *uses.entry(mask).or_default() += n;
    }
    (out, uses)
}

/// Writes a compiled blob as a byte-string static, with the pattern of each program as a comment above it.
fn write_programs(out: &mut String, c: &Compiler, name: &str, doc: &str) {
    assert!(
        c.blob.len() < NONE as usize,
        "{name} must stay under 64 KiB for u16 offsets"
    );
    let _ = writeln!(
        out,
        "// The patterns the programs of {name} were compiled from, by offset:"
    );
    for (offset, pattern) in &c.index {
        let _ = writeln!(out, "// {offset}: {pattern}");
    }
    let _ = writeln!(out, "/// {doc}");
    let _ = writeln!(out, "pub(super) static {name}: &[u8] = b\"\\");
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
}

/// Marks an absent format text or rule (`NA` international format, no national prefix rule) in a `u8` index.
const NO_TEXT: u8 = u8::MAX;

/// Each region's `<availableFormats>`, interned: patterns compiled into their own blob (the number patterns' blob
/// is near the 64 KiB its `u16` offsets reach), format texts and national prefix rules in small tables, and a
/// region whose list is another's sharing its rows.
#[derive(Default)]
struct FormatTables {
    programs: Compiler,
    texts: Vec<String>,
    rules: Vec<String>,
    rows: Vec<FormatRecord>,
    lists: HashMap<Vec<FormatRecord>, (usize, usize)>,
}

/// One `<numberFormat>`: its programs (offsets in `FORMAT_PROGRAMS`) and text indices.
#[derive(Clone, PartialEq, Eq, Hash)]
struct FormatRecord {
    pattern: u32,
    leading: Vec<u32>,
    text: u8,
    intl: u8,
    rule: u8,
    optional: bool,
    carrier: bool,
}

impl FormatRecord {
    /// Appends the record's bytes.
    fn encode(&self, out: &mut Vec<u8>, programs: &mut ProgramRefs) {
        programs.write(out, self.pattern);
        out.push(u8::try_from(self.leading.len()).expect("few leading-digits patterns"));
        for &program in &self.leading {
            programs.write(out, program);
        }
        assert!(self.text <= TEXT_MASK, "too many format texts");
        out.push(
            self.text
                | if self.optional { PREFIX_OPTIONAL } else { 0 }
                | if self.carrier { CARRIER_RULE } else { 0 },
        );
        out.push(match self.intl {
            NO_TEXT => INTL_NONE,
            intl if intl == self.text => INTL_SAME,
            intl => intl.checked_add(INTL_TEXT).expect("few format texts"),
        });
        out.push(self.rule);
    }
}

impl FormatTables {
    /// Adds a region's formats; returns where its rows start in the decoded formats and how many there are.
    fn region(&mut self, meta: &loader::Metadata) -> (usize, usize) {
        let national_prefix = meta.national_prefix.as_deref().unwrap_or_default();
        // The loader lists international formats apart, dropping `NA` ones; each comes from the national format
        // with its pattern and leading digits, in order. Pairing them in order gives Google's `intlNumberFormat`
        // list (the same texts in the same order) even where two formats share a pattern.
        let mut international = meta.international_formats.iter().peekable();
        let mut rows = Vec::new();
        for format in &meta.formats {
            let pattern = squeeze(format.pattern.as_deref().expect("a format has a pattern"));
            let intl = international
                .next_if(|i| {
                    i.pattern.as_deref().map(squeeze).as_deref() == Some(pattern.as_str())
                        && i.leading_digits == format.leading_digits
                })
                .map(|i| {
                    i.format
                        .clone()
                        .expect("an international format has a text")
                });
            let (program, groups) = self.programs.compile(&pattern, Alphabet::Digits);
            // Every leading-digits pattern, each more detailed than the one before: Google formats with the last,
            // its as-you-type formatter with the one for the number of digits typed.
            let leading: Vec<u32> = format
                .leading_digits
                .iter()
                .map(|p| self.programs.compile(&squeeze(p), Alphabet::Digits).0)
                .collect();
            let text = format.format.clone().expect("a format has a text");
            assert!(
                is_format_text(&text, groups),
                "region {:?}: format {text:?} of {pattern:?}",
                meta.id
            );
            let text = intern(&mut self.texts, text);
            let intl = intl.map_or(NO_TEXT, |t| intern(&mut self.texts, t));
            // `$NP` is the national prefix and `$FG` the first group, as Google's metadata builder writes them.
            let rule = format
                .national_prefix_formatting_rule
                .as_deref()
                .filter(|r| !r.is_empty())
                .map_or(NO_TEXT, |r| {
                    let rule = r
                        .replacen("$NP", national_prefix, 1)
                        .replacen("$FG", "$1", 1);
                    intern(&mut self.rules, rule)
                });
            rows.push(FormatRecord {
                pattern: program,
                leading,
                text,
                intl,
                rule,
                optional: format.national_prefix_optional_when_formatting,
                carrier: format
                    .domestic_carrier
                    .as_deref()
                    .is_some_and(|r| !r.is_empty()),
            });
        }
        assert!(
            international.next().is_none(),
            "region {:?}: an international format without its national one",
            meta.id
        );
        if rows.is_empty() {
            return (0, 0);
        }
        let next = self.rows.len();
        let &mut (start, len) = self.lists.entry(rows.clone()).or_insert((next, rows.len()));
        if start == next {
            self.rows.extend(rows);
        }
        assert!(len < 256, "region {:?} has {len} formats", meta.id);
        (start, len)
    }

    fn write(&self, out: &mut String) {
        let texts: Vec<String> = self.texts.iter().map(|t| string_literal(t)).collect();
        let _ = writeln!(
            out,
            "/// The format texts (`$1 $2-$3`) of the number formats.\npub(super) static FORMAT_TEXTS: [&str; {}] = [{}];\n",
            texts.len(),
            texts.join(", ")
        );
        let rules: Vec<String> = self.rules.iter().map(|t| string_literal(t)).collect();
        let _ = writeln!(
            out,
            "/// The national prefix formatting rules of the number formats, the national prefix written in and `$1`\n\
             /// for the first group (`0$1`, `($1)`).\npub(super) static NATIONAL_PREFIX_RULES: [&str; {}] = [{}];\n",
            rules.len(),
            rules.join(", ")
        );
        write_programs(
            out,
            &self.programs,
            "FORMAT_PROGRAMS",
            "The number formats' patterns and leading digits, back to back, each ending in its match instruction.",
        );
    }
}

/// One region's metadata as the generator collects it, before it is written as a record.
struct RegionRecord {
    /// Two letters, or `00` for `001`.
    id: String,
    code: u16,
    main: bool,
    /// Capture groups of the national prefix pattern.
    groups: u32,
    /// International prefix, national prefix, leading digits, general, the ten types: offsets in `PROGRAMS`.
    programs: Vec<u32>,
    /// The general description's and the ten types' length masks.
    lengths: Vec<u32>,
    local: u32,
    rule: String,
    /// Where the region's formats start among every region's, and how many.
    formats: (usize, usize),
}

impl RegionRecord {
    /// The record's bytes (`records.rs`). `last_id` is the previous two-letter id's number; `format_programs`
    /// also counts the formats the records so far hold.
    fn encode(
        &self,
        last_id: &mut u32,
        programs: &mut ProgramRefs,
        formats: &FormatTables,
        format_programs: &mut ProgramRefs,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        if self.id == "00" {
            out.push(0);
        } else {
            let [a, b] = <[u8; 2]>::try_from(self.id.as_bytes()).expect("two letters");
            assert!(
                a.is_ascii_uppercase() && b.is_ascii_uppercase(),
                "region {}",
                self.id
            );
            let number = 26 * u32::from(a - b'A') + u32::from(b - b'A') + 1;
            let step = number.checked_sub(*last_id).filter(|&s| s > 0);
            out.push(step.and_then(|s| u8::try_from(s).ok()).unwrap_or_else(|| {
                panic!(
                    "region {} out of order: the records want ids sorted",
                    self.id
                )
            }));
            *last_id = number;
        }
        varint(&mut out, u32::from(self.code));
        let groups = u8::try_from(self.groups)
            .ok()
            .filter(|&g| g <= MAX_PREFIX_GROUPS)
            .expect("few national prefix groups");
        let (start, len) = self.formats;
        let shared = len > 0 && start < format_programs.formats_written;
        out.push(
            if self.main { MAIN_FOR_CODE } else { 0 }
                | if shared { SHARED_FORMATS } else { 0 }
                | groups << GROUPS_SHIFT,
        );
        assert_eq!(self.programs.len(), PROGRAMS_PER_REGION);
        let present = self
            .programs
            .iter()
            .enumerate()
            .filter(|&(_, &p)| p != NONE)
            .fold(0u16, |mask, (i, _)| mask | 1 << i);
        out.extend(present.to_le_bytes());
        for &program in self.programs.iter().filter(|&&p| p != NONE) {
            programs.write(&mut out, program);
        }
        // The general description's lengths, then each present type's.
        let described = std::iter::once(&self.lengths[0]).chain(
            self.lengths[1..]
                .iter()
                .zip(&self.programs[4..])
                .filter(|&(_, &p)| p != NONE)
                .map(|(l, _)| l),
        );
        for &mask in described {
            match mask {
                u32::MAX => out.extend([NO_LENGTHS, 0]),
                0 => out.extend([0, 0]),
                mask => {
                    let low = mask.trailing_zeros();
                    out.push(low as u8);
                    varint(&mut out, mask >> low);
                }
            }
        }
        varint(&mut out, self.local);
        out.push(u8::try_from(self.rule.len()).expect("a short transform rule"));
        out.extend(self.rule.as_bytes());
        varint(&mut out, len as u32);
        if shared {
            varint(&mut out, start as u32);
        } else if len > 0 {
            assert_eq!(
                start, format_programs.formats_written,
                "formats in region order"
            );
            for format in &formats.rows[start..start + len] {
                format.encode(&mut out, format_programs);
            }
            format_programs.formats_written += len;
        }
        out
    }
}

/// Names programs in the records as the decoder knows them: a program named for the first time is the next one in
/// its blob (which the generator compiled in that same order), one named before is its ordinal among those.
struct ProgramRefs {
    /// Each program's length, by offset.
    lengths: BTreeMap<u32, u32>,
    /// The ordinal of each program named so far.
    named: HashMap<u32, u32>,
    /// Where the next program never named yet must start.
    next: u32,
    /// How many formats the records so far hold (for the blob of format programs).
    formats_written: usize,
}

impl ProgramRefs {
    fn new(c: &Compiler) -> ProgramRefs {
        let ends = c.index.keys().skip(1).copied().chain([c.blob.len() as u32]);
        let lengths = c.index.keys().zip(ends).map(|(&s, e)| (s, e - s)).collect();
        ProgramRefs {
            lengths,
            named: HashMap::new(),
            next: 0,
            formats_written: 0,
        }
    }

    /// Appends the reference to the program at `offset`.
    fn write(&mut self, out: &mut Vec<u8>, offset: u32) {
        if let Some(&ordinal) = self.named.get(&offset) {
            varint(out, ordinal + 1);
            return;
        }
        assert_eq!(
            offset, self.next,
            "programs are compiled in the order the records name them"
        );
        self.named.insert(offset, self.named.len() as u32);
        self.next += self.lengths[&offset];
        varint(out, 0);
    }
}

/// Appends `value` as a LEB128 varint.
fn varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The index of `text` in `table`, added if new.
fn intern(table: &mut Vec<String>, text: String) -> u8 {
    let index = match table.iter().position(|t| *t == text) {
        Some(i) => i,
        None => {
            table.push(text);
            table.len() - 1
        }
    };
    let index = u8::try_from(index).expect("few format texts");
    assert!(index != NO_TEXT, "too many format texts");
    index
}

/// Whether a format text is punctuation and `$N` references to groups the pattern has.
fn is_format_text(text: &str, groups: u32) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '$' => match chars.next().and_then(|d| d.to_digit(10)) {
                Some(n) if (1..=groups).contains(&n) => {}
                _ => return false,
            },
            '0'..='9' | ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return false,
        }
    }
    true
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
