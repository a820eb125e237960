//! The matcher for libphonenumber's patterns, compiled ahead of time into bytecode by `scripts/phone-tables.sh`.
//!
//! The patterns use a small part of regex syntax (digits, classes, groups, alternation, `?` and counted
//! repetition), so a general regex engine is not needed: each is a short program for a backtracking matcher that
//! tries alternatives in order, as the `regex` crate (and Java's `java.util.regex`, which Google's metadata is
//! written for) report the leftmost-first match. Should an input ever make backtracking costly, the matcher starts
//! over remembering the (instruction, position) pairs that failed, which bounds the work by their product.
//!
//! The bytecode keeps the pattern's shape instead of jumps, so it compresses like the pattern text: a group is a
//! header with its length, its branches separated by `BAR`, and a close. A branch that reaches its `BAR` skips to
//! the close (stepping over nested groups by their length); a branch that fails resumes at the next `BAR`.
//!
//! | byte | operands | meaning |
//! | --- | --- | --- |
//! | `0x00`-`0x09` | | the digit 0-9 (digit programs) |
//! | `0x0A` | | any digit (digit programs) |
//! | `0x0B` | `class: u16` | one symbol of a class: a mask of digits, or an index into `CHAR_CLASSES` |
//! | `0x0C` | `min: u8, max: u8`, an atom | `min` to `max` of the atom, greedily; `max` 255 is unbounded |
//! | `0x0D` | `n: u8`, an atom | exactly `n` of the atom |
//! | `0x0E` / `0x0F` | `len: u8` / `len: u16` | a group: branches and a close, `len` bytes in all |
//! | `0x10` | | ends a branch: continue after the group's close |
//! | `0x11` | | ends a group |
//! | `0x12` | `back: u16` | ends a `STAR` group: go back `back` bytes, to its `STAR` |
//! | `0x13` | | the group that follows is optional (greedy) |
//! | `0x14` | | the group that follows repeats any number of times (greedy) |
//! | `0x15` | `slot: u8` | record the position in a capture slot |
//! | `0x16` | | assert the end of the input |
//! | `0x17` | | match |
//! | `0x18`-`0x1F` | | 2 to 9 digits, any: `0x0D n 0x0A` in one byte (digit programs) |
//! | `0x20`-`0x79` | | the digit range `a`-`b` (`a` < `b`), as `0x20 + 10a + b` (digit programs) |
//! | `0x84`-`0xFF` | | one digit of the class `CLASS_CODES[byte - 0x84]`: the most used classes in a byte (digit programs) |
//!
//! An atom is a digit, any digit, a class, a class code or a range. Offsets are in bytes, multi-byte operands little-endian.
//!
//! The tables hold every group's `len` and every loop's `back` as zeros: both follow from the rest of the bytecode,
//! and as bytes that differ in every copy of an otherwise repeated shape they cost gzip about 3 kB. [`with_jumps`]
//! fills them in, one pass over each blob (67 kB in all), at the first normalization: the metadata's decoder needs
//! both blobs' program starts, which the same pass notes.

use std::cell::RefCell;
use std::sync::LazyLock;

use super::tables::{CHAR_CLASSES, CLASS_CODES, FORMAT_PROGRAMS, PROGRAMS};

use super::bytecode::{
    instruction_len, MAX_GROUPS, OP_ANY, OP_BAR, OP_CLASS, OP_CLASS_CODE, OP_CLOSE, OP_CLOSE_LOOP,
    OP_DIGITS, OP_DIGITS_LAST, OP_END, OP_EXACT, OP_GROUP, OP_GROUP16, OP_MATCH, OP_OPTIONAL,
    OP_RANGE, OP_REPEAT, OP_SAVE, OP_STAR, UNBOUNDED,
};

const OP_RANGE_LAST: u8 = OP_RANGE + 89;
/// Every digit, as a class mask.
const ALL_DIGITS: u16 = 0x3FF;

/// Capture slots: two per group, groups 1 to `MAX_GROUPS` (slots 0 and 1 unused; group 0 is the whole match).
const SLOTS: usize = 2 * (MAX_GROUPS as usize + 1);
/// Steps of plain backtracking before the matcher starts over with memory of failed states.
const STEP_BUDGET: u32 = 20_000;
const UNSET: u32 = u32::MAX;

/// The capture groups of a match: where group `n` starts and ends, when it took part.
#[derive(Debug, Clone)]
pub(super) struct Captures {
    slots: [u32; SLOTS],
    end: usize,
}

impl Captures {
    /// The end of the whole match.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The text of group `n` (0 is the whole match) in `input`, when it took part in the match.
    pub fn group<'a>(&self, input: &'a str, n: usize) -> Option<&'a str> {
        if n == 0 {
            return input.get(..self.end);
        }
        let start = *self.slots.get(2 * n)?;
        let end = *self.slots.get(2 * n + 1)?;
        if start == UNSET || end == UNSET {
            return None;
        }
        input.get(start as usize..end as usize)
    }
}

/// A blob of programs as the matcher runs it: jumps filled in, and where each program starts.
pub(super) struct FilledBlob {
    bytes: Box<[u8]>,
    starts: Box<[u16]>,
}

/// `PROGRAMS` with its jumps filled in: what the matcher runs.
static FILLED_PROGRAMS: LazyLock<FilledBlob> = LazyLock::new(|| with_jumps(PROGRAMS));
/// `FORMAT_PROGRAMS` with its jumps filled in.
static FILLED_FORMAT_PROGRAMS: LazyLock<FilledBlob> = LazyLock::new(|| with_jumps(FORMAT_PROGRAMS));

/// A blob of digit programs, back to back: the number patterns' (`PROGRAMS`) or the number formats'
/// (`FORMAT_PROGRAMS`), jumps filled in. A program is named by its offset in its blob.
#[derive(Clone, Copy)]
pub(super) struct PatternBlob(&'static LazyLock<FilledBlob>);

/// The number patterns: prefixes and number types (and the character programs, which have their own functions).
pub(super) static NUMBER_PATTERNS: PatternBlob = PatternBlob(&FILLED_PROGRAMS);
/// The number formats' patterns and leading digits.
pub(super) static FORMAT_PATTERNS: PatternBlob = PatternBlob(&FILLED_FORMAT_PROGRAMS);

/// Each method is kept out of line: the callers are many, and a copy of the matcher set-up in each only adds to the
/// wasm (about 0.5 kB gzip), with no gain in speed.
impl PatternBlob {
    /// The programs, back to back (filled in on the first call).
    pub fn bytes(self) -> &'static [u8] {
        &self.0.bytes
    }

    /// Where each program starts, in order.
    pub fn starts(self) -> &'static [u16] {
        &self.0.starts
    }

    /// Whether the digit program at `program` matches all of `digits` (`matchesEntirely`).
    #[inline(never)]
    pub fn whole(self, program: u16, digits: &str) -> bool {
        run(
            self.bytes(),
            program,
            digits.as_bytes(),
            true,
            false,
            &mut [],
        )
        .is_some()
    }

    /// The end of the digit program's match at the start of `digits` (`lookingAt`), if any.
    #[inline(never)]
    pub fn prefix(self, program: u16, digits: &str) -> Option<usize> {
        run(
            self.bytes(),
            program,
            digits.as_bytes(),
            false,
            false,
            &mut [],
        )
    }

    /// The digit program's match at the start of `digits` with its groups, if any.
    #[inline(never)]
    pub fn captures(self, program: u16, digits: &str) -> Option<Captures> {
        let mut slots = [UNSET; SLOTS];
        let end = run(
            self.bytes(),
            program,
            digits.as_bytes(),
            false,
            false,
            &mut slots,
        )?;
        Some(Captures { slots, end })
    }
}

/// Whether the character program at `program` matches all of `text`.
pub(super) fn chars_whole(program: u16, text: &str) -> bool {
    run(
        NUMBER_PATTERNS.bytes(),
        program,
        text.as_bytes(),
        true,
        true,
        &mut [],
    )
    .is_some()
}

/// The byte offset of the leftmost match of the character program in `text`, searching as `Regex::find` does. A
/// text with no character of `required` (which every match holds) has none; otherwise only the positions holding
/// a character of `first` (which every match starts with) are tried.
pub(super) fn chars_find(program: u16, first: u16, required: u16, text: &str) -> Option<usize> {
    if !text.chars().any(|c| char_test(required, u32::from(c))) {
        return None;
    }
    let blob = NUMBER_PATTERNS.bytes();
    text.char_indices()
        .find(|&(start, c)| {
            char_test(first, u32::from(c))
                && text
                    .as_bytes()
                    .get(start..)
                    .is_some_and(|rest| run(blob, program, rest, false, true, &mut []).is_some())
        })
        .map(|(start, _)| start)
}

/// A symbol against a class: an ASCII digit against a digit class (a mask of 0-9) in a digit program, a character
/// against a character class (an index into `CHAR_CLASSES`) in a character program.
#[inline(always)]
fn test(class: u16, symbol: u32, chars: bool) -> bool {
    if chars {
        char_test(class, symbol)
    } else {
        let d = symbol.wrapping_sub(u32::from(b'0'));
        d < 10 && class & (1 << d) != 0
    }
}

/// A character (its code point) against a character class (an index into `CHAR_CLASSES`).
fn char_test(class: u16, code: u32) -> bool {
    let Some((ascii, wide)) = CHAR_CLASSES.get(usize::from(class)) else {
        return false;
    };
    if code < 128 {
        return ascii & (1 << code) != 0;
    }
    wide.binary_search_by(|&(lo, hi)| {
        if u32::from(hi) < code {
            std::cmp::Ordering::Less
        } else if u32::from(lo) > code {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

/// The symbol at `pos` of `input` and the position after it: a byte of a digit program's input, a character of a
/// character program's (a `&str`'s bytes, so UTF-8: the lead byte's high ones give the length). Bytes that are not
/// UTF-8 read as some symbol, never past the end.
#[inline(always)]
fn symbol(input: &[u8], pos: usize, chars: bool) -> Option<(u32, usize)> {
    let &lead = input.get(pos)?;
    if !chars || lead < 0x80 {
        return Some((u32::from(lead), pos + 1));
    }
    let len = lead.leading_ones() as usize;
    let mut code = u32::from(lead) & (0x7F >> len);
    for at in pos + 1..pos + len {
        code = code << 6 | u32::from(*input.get(at)? & 0x3F);
    }
    Some((code, pos + len))
}

/// Where the symbol before `pos` starts, no further back than `floor` (a symbol's start below `pos`).
fn back_one(input: &[u8], pos: usize, floor: usize, chars: bool) -> usize {
    let mut at = pos.saturating_sub(1);
    while chars && at > floor && input.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
        at -= 1;
    }
    at
}

/// A way back to a choice not yet tried.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// Resume at `pc` with `pos`: the rest of an optional group or loop.
    Alt { pc: u32, pos: u32 },
    /// The branches of a group after the one starting at `pc`, from `pos`.
    NextBranch { pc: u32, pos: u32 },
    /// A greedy repetition that may give back symbols: resume at `pc` with `pos`, down to `min`.
    Repeat { pc: u32, min: u32, pos: u32 },
    /// A capture slot to restore.
    Restore { slot: u8, old: u32 },
}

thread_local! {
    /// The backtracking stack, kept between matches so a match allocates nothing once it has grown.
    static STACK: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

/// Runs the program at offset `program` of `blob` on `input` (digits, or with `chars` a character program's UTF-8
/// text): the end of the leftmost-first match from position 0 (which must be the end of the input when `whole`),
/// filling `slots` (as many as the caller wants: none when only whether and where the match ends matters).
///
/// Digit and character programs share this one function, rather than one copy each of a generic one: a flag
/// tested per symbol costs less than a second matcher in the wasm (0.4 kB gzip) and no measurable time.
fn run(
    blob: &[u8],
    program: u16,
    input: &[u8],
    whole: bool,
    chars: bool,
    slots: &mut [u32],
) -> Option<usize> {
    let prog = blob.get(usize::from(program)..)?;
    let mut go = |stack: &mut Vec<Frame>| {
        stack.clear();
        match backtrack(prog, input, whole, chars, slots, stack, None) {
            Ok(found) => found,
            Err(OverBudget) => {
                // One bit per (instruction, position): a state that failed once fails again.
                let states = program_len(prog).saturating_mul(input.len() + 1);
                let mut visited = vec![0u64; states.div_ceil(64)];
                slots.fill(UNSET);
                stack.clear();
                backtrack(prog, input, whole, chars, slots, stack, Some(&mut visited))
                    .unwrap_or(None)
            }
        }
    };
    STACK
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut stack) => go(&mut stack),
            Err(_) => go(&mut Vec::new()),
        })
        .unwrap_or_else(|_| go(&mut Vec::new()))
}

/// The length of the program at the start of `prog`, up to and including its match instruction (the memoizing
/// fallback sizes its memory by it).
fn program_len(prog: &[u8]) -> usize {
    let mut pc = 0;
    while let Some(&op) = prog.get(pc) {
        if op == OP_MATCH {
            return pc + 1;
        }
        match skip(prog, pc) {
            Some(next) if next > pc => pc = next,
            // A close or bar at the top level cannot happen; step over it.
            _ => pc += 1,
        }
    }
    prog.len()
}

/// `blob` with its jumps filled in: each group's `len` (what follows its header, up to and including its close)
/// and each loop's `back` (from its close to its `STAR`), which the tables hold as zeros. One pass, with a stack of
/// the groups still open, that also notes where each program starts (the metadata's decoder needs them).
fn with_jumps(blob: &[u8]) -> FilledBlob {
    let mut out: Box<[u8]> = blob.into();
    let mut open: Vec<usize> = Vec::new();
    let mut starts = Vec::new();
    let mut start = 0;
    let mut pc = 0;
    while let Some(&op) = out.get(pc) {
        let size = instruction_len(op);
        match op {
            OP_GROUP | OP_GROUP16 => open.push(pc),
            OP_CLOSE | OP_CLOSE_LOOP => {
                if let Some(header) = open.pop() {
                    if op == OP_CLOSE_LOOP {
                        // The loop's STAR is the byte before its group's header.
                        let back = (pc + 1 - header).to_le_bytes();
                        if let Some(slot) = out.get_mut(pc + 1..pc + 3) {
                            slot.copy_from_slice(&back[..2]);
                        }
                    }
                    let header_len = out.get(header).map_or(2, |&op| instruction_len(op));
                    let len = (pc + size - header - header_len).to_le_bytes();
                    if let Some(slot) = out.get_mut(header + 1..header + header_len) {
                        slot.copy_from_slice(&len[..header_len - 1]);
                    }
                }
            }
            OP_MATCH if open.is_empty() => {
                starts.push(u16::try_from(start).unwrap_or(u16::MAX));
                start = pc + 1;
            }
            _ => {}
        }
        pc += size;
    }
    FilledBlob {
        bytes: out,
        starts: starts.into(),
    }
}

/// Plain backtracking ran out of its step budget.
struct OverBudget;

fn read_u16(prog: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*prog.get(at)?, *prog.get(at + 1)?]))
}

/// The atom at `pc`: its class (a digit mask, or a character class index) and its size in bytes.
fn atom(prog: &[u8], pc: usize) -> Option<(u16, usize)> {
    match *prog.get(pc)? {
        digit @ 0..=9 => Some((1 << digit, 1)),
        OP_ANY => Some((ALL_DIGITS, 1)),
        OP_CLASS => Some((read_u16(prog, pc + 1)?, 3)),
        range @ OP_RANGE..=OP_RANGE_LAST => {
            let (low, high) = ((range - OP_RANGE) / 10, (range - OP_RANGE) % 10);
            // Bits low..=high.
            Some(((ALL_DIGITS >> (9 - high)) & !((1 << low) - 1), 1))
        }
        code @ OP_CLASS_CODE.. => Some((*CLASS_CODES.get(usize::from(code - OP_CLASS_CODE))?, 1)),
        _ => None,
    }
}

/// A group's header at `pc`: where its body starts and where the group ends.
fn group(prog: &[u8], pc: usize) -> Option<(usize, usize)> {
    match *prog.get(pc)? {
        OP_GROUP => {
            let body = pc + 2;
            Some((body, body + usize::from(*prog.get(pc + 1)?)))
        }
        OP_GROUP16 => {
            let body = pc + 3;
            Some((body, body + usize::from(read_u16(prog, pc + 1)?)))
        }
        _ => None,
    }
}

/// The position after the item at `pc`, stepping over a whole group, a prefixed group or a repetition.
fn skip(prog: &[u8], pc: usize) -> Option<usize> {
    match *prog.get(pc)? {
        OP_GROUP | OP_GROUP16 => group(prog, pc).map(|(_, end)| end),
        OP_OPTIONAL | OP_STAR => skip(prog, pc + 1),
        OP_REPEAT => atom(prog, pc + 3).map(|(_, size)| pc + 3 + size),
        OP_EXACT => atom(prog, pc + 2).map(|(_, size)| pc + 2 + size),
        OP_SAVE => Some(pc + 2),
        OP_END | OP_MATCH | OP_DIGITS..=OP_DIGITS_LAST => Some(pc + 1),
        _ => atom(prog, pc).map(|(_, size)| pc + size),
    }
}

/// From inside a branch at `pc`, the `BAR` or close that ends it: its position and byte.
fn branch_end(prog: &[u8], mut pc: usize) -> Option<(usize, u8)> {
    loop {
        match *prog.get(pc)? {
            op @ (OP_BAR | OP_CLOSE | OP_CLOSE_LOOP) => return Some((pc, op)),
            _ => pc = skip(prog, pc)?,
        }
    }
}

/// From inside a branch at `pc`, the position of the group's close.
fn group_close(prog: &[u8], mut pc: usize) -> Option<usize> {
    loop {
        match branch_end(prog, pc)? {
            (bar, OP_BAR) => pc = bar + 1,
            (close, _) => return Some(close),
        }
    }
}

fn backtrack(
    prog: &[u8],
    input: &[u8],
    whole: bool,
    chars: bool,
    slots: &mut [u32],
    stack: &mut Vec<Frame>,
    mut visited: Option<&mut Vec<u64>>,
) -> Result<Option<usize>, OverBudget> {
    let mut pc = 0usize;
    let mut pos = 0usize;
    let mut steps = 0u32;
    let width = input.len() + 1;
    loop {
        let advanced = 'step: {
            match visited.as_deref_mut() {
                None => {
                    steps += 1;
                    if steps > STEP_BUDGET {
                        return Err(OverBudget);
                    }
                }
                Some(bits) => {
                    let state = pc.saturating_mul(width).saturating_add(pos);
                    match bits.get_mut(state / 64) {
                        Some(word) if *word & (1 << (state % 64)) == 0 => {
                            *word |= 1 << (state % 64);
                        }
                        _ => break 'step false,
                    }
                }
            }
            let Some(&op) = prog.get(pc) else {
                break 'step false;
            };
            match op {
                OP_REPEAT | OP_EXACT | OP_DIGITS..=OP_DIGITS_LAST => {
                    // How many, and where the atom is: after the operands, or (n digits, any) the byte itself.
                    let (min, max, atom_at) = match op {
                        OP_REPEAT => match (prog.get(pc + 1), prog.get(pc + 2)) {
                            (Some(&min), Some(&max)) => (min, max, Some(pc + 3)),
                            _ => break 'step false,
                        },
                        OP_EXACT => match prog.get(pc + 1) {
                            Some(&n) => (n, n, Some(pc + 2)),
                            None => break 'step false,
                        },
                        _ => (op - OP_DIGITS + 2, op - OP_DIGITS + 2, None),
                    };
                    // The class, and the instruction after the repetition.
                    let counted = match atom_at {
                        Some(at) => atom(prog, at).map(|(class, size)| (class, at + size)),
                        None => Some((ALL_DIGITS, pc + 1)),
                    };
                    let Some((class, next)) = counted else {
                        break 'step false;
                    };
                    let limit = if max == UNBOUNDED {
                        usize::MAX
                    } else {
                        usize::from(max)
                    };
                    // As many as match, up to `limit`; `lowest` is where the first `min` of them end.
                    let (mut end, mut lowest, mut taken) = (pos, pos, 0);
                    while taken < limit {
                        match symbol(input, end, chars) {
                            Some((s, after)) if test(class, s, chars) => {
                                end = after;
                                taken += 1;
                                if taken == usize::from(min) {
                                    lowest = end;
                                }
                            }
                            _ => break,
                        }
                    }
                    if taken < usize::from(min) {
                        break 'step false;
                    }
                    pos = end;
                    if pos > lowest {
                        stack.push(Frame::Repeat {
                            pc: next as u32,
                            min: lowest as u32,
                            pos: back_one(input, pos, lowest, chars) as u32,
                        });
                    }
                    pc = next;
                    true
                }
                OP_GROUP | OP_GROUP16 => match group(prog, pc) {
                    Some((body, _)) => {
                        stack.push(Frame::NextBranch {
                            pc: body as u32,
                            pos: pos as u32,
                        });
                        pc = body;
                        true
                    }
                    None => false,
                },
                OP_BAR => match group_close(prog, pc) {
                    // A branch matched: on past the group's close (a loop's close acts there).
                    Some(close) => {
                        pc = close;
                        true
                    }
                    None => false,
                },
                OP_CLOSE => {
                    pc += 1;
                    true
                }
                OP_CLOSE_LOOP => match read_u16(prog, pc + 1) {
                    Some(back) => match pc.checked_sub(usize::from(back)) {
                        Some(star) => {
                            pc = star;
                            true
                        }
                        None => false,
                    },
                    None => false,
                },
                OP_OPTIONAL | OP_STAR => match group(prog, pc + 1) {
                    Some((_, end)) => {
                        stack.push(Frame::Alt {
                            pc: end as u32,
                            pos: pos as u32,
                        });
                        pc += 1;
                        true
                    }
                    None => false,
                },
                OP_SAVE => match prog
                    .get(pc + 1)
                    .and_then(|&s| slots.get_mut(usize::from(s)))
                {
                    Some(slot) => {
                        stack.push(Frame::Restore {
                            slot: prog.get(pc + 1).copied().unwrap_or_default(),
                            old: *slot,
                        });
                        *slot = pos as u32;
                        pc += 2;
                        true
                    }
                    // A caller that wants no groups passes no slots: the match is the same without them.
                    None => {
                        pc += 2;
                        true
                    }
                },
                OP_END if pos == input.len() => {
                    pc += 1;
                    true
                }
                OP_MATCH if !whole || pos == input.len() => return Ok(Some(pos)),
                _ => match atom(prog, pc) {
                    Some((class, size)) => match symbol(input, pos, chars) {
                        Some((s, after)) if test(class, s, chars) => {
                            pos = after;
                            pc += size;
                            true
                        }
                        _ => false,
                    },
                    None => false,
                },
            }
        };
        if advanced {
            continue;
        }
        loop {
            match stack.pop() {
                None => return Ok(None),
                Some(Frame::Restore { slot, old }) => {
                    if let Some(s) = slots.get_mut(usize::from(slot)) {
                        *s = old;
                    }
                }
                Some(Frame::Alt { pc: to, pos: at }) => {
                    pc = to as usize;
                    pos = at as usize;
                    break;
                }
                Some(Frame::NextBranch {
                    pc: branch,
                    pos: at,
                }) => {
                    // The branch from `branch` failed: the next one, if the group has another.
                    if let Some((bar, OP_BAR)) = branch_end(prog, branch as usize) {
                        stack.push(Frame::NextBranch {
                            pc: (bar + 1) as u32,
                            pos: at,
                        });
                        pc = bar + 1;
                        pos = at as usize;
                        break;
                    }
                }
                Some(Frame::Repeat {
                    pc: to,
                    min,
                    pos: at,
                }) => {
                    if at > min {
                        stack.push(Frame::Repeat {
                            pc: to,
                            min,
                            pos: back_one(input, at as usize, min as usize, chars) as u32,
                        });
                    }
                    pc = to as usize;
                    pos = at as usize;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::metadata::{region, NONE};
    use crate::phone::rng::Rng;
    use crate::phone::tables::{
        CHAR_PATTERNS, EXTENSION, EXTENSION_FIRST, EXTENSION_REQUIRED, SECOND_NUMBER,
        SECOND_NUMBER_FIRST, SECOND_NUMBER_REQUIRED, VIABLE,
    };

    /// Random ASCII digits, fewer than `below` of them.
    fn random_digits(rng: &mut Rng, below: usize) -> Vec<u8> {
        let len = rng.below(below);
        (0..len).map(|_| b'0' + rng.below(10) as u8).collect()
    }

    /// Random text: fewer than `below` of `pieces`, end to end.
    fn random_text(rng: &mut Rng, pieces: &[&str], below: usize) -> String {
        let len = rng.below(below);
        (0..len).map(|_| rng.pick(pieces)).collect()
    }

    /// Runs a program both ways: plain backtracking, and the memoizing fallback a step budget switches to.
    fn both_ways(blob: &[u8], program: u16, input: &[u8], whole: bool, chars: bool) {
        let prog = blob.get(usize::from(program)..).unwrap();
        let (mut plain_slots, mut memo_slots) = ([UNSET; SLOTS], [UNSET; SLOTS]);
        let plain = backtrack(
            prog,
            input,
            whole,
            chars,
            &mut plain_slots,
            &mut Vec::new(),
            None,
        );
        let states = program_len(prog) * (input.len() + 1);
        let mut visited = vec![0u64; states.div_ceil(64)];
        let memo = backtrack(
            prog,
            input,
            whole,
            chars,
            &mut memo_slots,
            &mut Vec::new(),
            Some(&mut visited),
        );
        let (Ok(plain), Ok(memo)) = (plain, memo) else {
            panic!("program {program} ran over its budget on a short input");
        };
        assert_eq!(
            (plain, plain_slots),
            (memo, memo_slots),
            "program {program}"
        );
        // Without capture slots (as callers that want no groups run it), the same match.
        let bare = backtrack(prog, input, whole, chars, &mut [], &mut Vec::new(), None);
        assert_eq!(bare.ok(), Some(plain), "program {program} without slots");
    }

    /// Every jump `with_jumps` fills in lands where it should: a group's length just past its close (or its loop
    /// close and that close's operand), a loop's way back on its `STAR`. Zeroing them again gives back the tables,
    /// and the program starts it notes are where walking program by program finds them.
    #[test]
    fn the_jumps_are_filled_in_where_the_groups_close() {
        for (patterns, table) in [
            (NUMBER_PATTERNS, PROGRAMS),
            (FORMAT_PATTERNS, FORMAT_PROGRAMS),
        ] {
            let blob = patterns.bytes();
            let mut starts = Vec::new();
            assert_eq!(blob.len(), table.len());
            let (mut groups, mut loops) = (0, 0);
            let mut blanked = blob.to_vec();
            let mut start = 0;
            while start < blob.len() {
                let prog = &blob[start..];
                let len = program_len(prog);
                starts.push(start as u16);
                let mut pc = 0;
                while pc < len {
                    match prog[pc] {
                        OP_GROUP | OP_GROUP16 => {
                            let (body, end) = group(prog, pc).unwrap();
                            blanked[start + pc + 1..start + body].fill(0);
                            groups += 1;
                            if prog[end - 1] != OP_CLOSE {
                                assert_eq!(prog[end - 3], OP_CLOSE_LOOP, "at {}", start + pc);
                                let back = usize::from(read_u16(prog, end - 2).unwrap());
                                assert_eq!(end - 3 - back, pc - 1, "at {}", start + pc);
                                assert_eq!(prog[pc - 1], OP_STAR);
                                blanked[start + end - 2..start + end].fill(0);
                                loops += 1;
                            }
                            pc = body;
                        }
                        op => pc += instruction_len(op),
                    }
                }
                assert_eq!(prog[len - 1], OP_MATCH);
                start += len;
            }
            assert_eq!(blanked, table);
            assert_eq!(patterns.starts(), starts);
            assert!(groups > 100, "{groups} groups");
            if std::ptr::eq(table, PROGRAMS) {
                assert!(loops > 0, "the character programs loop");
            }
        }
    }

    /// The one-byte forms match as what they stand for: every program, with each class code written out as
    /// `OP_CLASS mask`, each `OP_DIGITS` as `OP_EXACT n OP_ANY` and each group with a two-byte length (the jumps
    /// filled in again), gives the same match and groups on random digits.
    #[test]
    fn the_one_byte_forms_match_as_the_long_ones() {
        let mut rng = Rng(0x5EED_C0DE_BA5E_1234);
        let (mut codes, mut fused) = (0, 0);
        for (patterns, table) in [
            (NUMBER_PATTERNS, PROGRAMS),
            (FORMAT_PATTERNS, FORMAT_PROGRAMS),
        ] {
            let mut long = Vec::new();
            let mut pc = 0;
            while let Some(&op) = table.get(pc) {
                match op {
                    OP_CLASS_CODE.. => {
                        let mask = CLASS_CODES[usize::from(op - OP_CLASS_CODE)];
                        long.push(OP_CLASS);
                        long.extend(mask.to_le_bytes());
                        codes += 1;
                    }
                    OP_DIGITS..=OP_DIGITS_LAST => {
                        long.extend([OP_EXACT, op - OP_DIGITS + 2, OP_ANY]);
                        fused += 1;
                    }
                    // The longer body may no longer fit a one-byte length.
                    OP_GROUP => long.extend([OP_GROUP16, 0, 0]),
                    _ => long.extend(&table[pc..pc + instruction_len(op)]),
                }
                pc += instruction_len(op);
            }
            let long = with_jumps(&long);
            assert_eq!(long.starts.len(), patterns.starts().len());
            for (&short_start, &long_start) in patterns.starts().iter().zip(long.starts.iter()) {
                for _ in 0..12 {
                    let digits = random_digits(&mut rng, 14);
                    for whole in [true, false] {
                        let (mut short_slots, mut long_slots) = ([UNSET; SLOTS], [UNSET; SLOTS]);
                        let short = run(
                            patterns.bytes(),
                            short_start,
                            &digits,
                            whole,
                            false,
                            &mut short_slots,
                        );
                        let long = run(
                            &long.bytes,
                            long_start,
                            &digits,
                            whole,
                            false,
                            &mut long_slots,
                        );
                        assert_eq!(
                            (short, short_slots),
                            (long, long_slots),
                            "program {short_start} on {:?} whole {whole}",
                            String::from_utf8_lossy(&digits)
                        );
                    }
                }
            }
        }
        assert!(
            codes > 1000 && fused > 100,
            "{codes} class codes, {fused} fused"
        );
    }

    /// The fallback gives the same match and groups as plain backtracking, and running without capture slots the
    /// same match, on every region's programs, the formats' programs and the character programs.
    #[test]
    fn the_memoizing_fallback_matches_as_plain_backtracking_does() {
        let mut rng = Rng(0x0DDB_A11C_0FFE_E005);
        let mut formats = Vec::new();
        for meta in (0..).map_while(region) {
            formats.extend(meta.number_formats());
            let mut programs = vec![
                meta.international_prefix,
                meta.national_prefix,
                meta.leading_digits,
                meta.general.program,
            ];
            programs.extend(meta.types.iter().map(|d| d.program));
            for program in programs.into_iter().filter(|&p| p != NONE) {
                for _ in 0..40 {
                    let digits = random_digits(&mut rng, 16);
                    both_ways(NUMBER_PATTERNS.bytes(), program, &digits, true, false);
                    both_ways(NUMBER_PATTERNS.bytes(), program, &digits, false, false);
                }
            }
        }
        for format in formats {
            for &program in [format.pattern].iter().chain(format.leading_digits()) {
                for _ in 0..20 {
                    let digits = random_digits(&mut rng, 16);
                    both_ways(FORMAT_PATTERNS.bytes(), program, &digits, true, false);
                    both_ways(FORMAT_PATTERNS.bytes(), program, &digits, false, false);
                }
            }
        }
        let pieces = [
            "1", "2", "+", " ", "-", "(", ")", "x", "X", ";", "e", "t", "#", ".", "/", "д",
            "\u{663}", "a",
        ];
        for _ in 0..20_000 {
            let text = random_text(&mut rng, &pieces, 20);
            both_ways(NUMBER_PATTERNS.bytes(), VIABLE, text.as_bytes(), true, true);
            for (start, _) in text.char_indices() {
                let rest = &text.as_bytes()[start..];
                both_ways(NUMBER_PATTERNS.bytes(), EXTENSION, rest, false, true);
                both_ways(NUMBER_PATTERNS.bytes(), SECOND_NUMBER, rest, false, true);
            }
        }
    }

    /// The character programs read UTF-8 a character at a time, and give back whole characters: on random text of
    /// the characters their patterns name (one to four bytes each, some ending in bytes that read as ASCII
    /// punctuation were a character cut), each matches and finds as the regex crate does with the pattern it was
    /// compiled from.
    #[test]
    fn the_character_programs_match_as_the_regex_crate_does() {
        let regex = |pattern: &str| regex::Regex::new(pattern).unwrap();
        let source = |program| {
            CHAR_PATTERNS
                .iter()
                .find(|&&(p, _)| p == program)
                .unwrap()
                .1
        };
        let viable = regex(&format!("^(?:{})$", source(VIABLE)));
        let second_number = regex(source(SECOND_NUMBER));
        let extension = regex(source(EXTENSION));
        // Two alphabets, split at `|`: a number's (digits of four scripts, punctuation of one to three bytes), and
        // an extension's (its words and separators).
        let number = "1|2|7|+|\u{FF0B}| |-|(|)|.|/|[|~|*|x|\u{AD}|\u{A0}|\u{2010}|\u{2212}|\u{30FC}|\u{FF0D}|\u{3000}|\
                      \u{FF08}|\u{2053}|\u{663}|\u{FF11}|\u{1D7D9}|a";
        let extension_words = "1|2|#| |,|;|x|X|e|t|:|ext=|ext|int|anexo|o\u{301}|ó|\u{A0}|\u{FF58}|\u{FF03}|\u{FF5E}|\
                               \u{FF45}\u{FF58}\u{FF54}|доб|д|\\|/|-|\u{FF0E}|\u{1F4DE}";
        let alphabets: [Vec<&str>; 2] = [
            number.split('|').collect(),
            extension_words.split('|').collect(),
        ];
        let mut rng = Rng(0xC4A2_5EED_0F7E_57AB);
        let (mut viable_count, mut found) = (0, 0);
        for round in 0..30_000 {
            let text = random_text(&mut rng, &alphabets[round % 2], 14);
            let whole = chars_whole(VIABLE, &text);
            assert_eq!(whole, viable.is_match(&text), "VIABLE on {text:?}");
            viable_count += usize::from(whole);
            for (program, first, required, reference) in [
                (
                    SECOND_NUMBER,
                    SECOND_NUMBER_FIRST,
                    SECOND_NUMBER_REQUIRED,
                    &second_number,
                ),
                (EXTENSION, EXTENSION_FIRST, EXTENSION_REQUIRED, &extension),
            ] {
                let at = chars_find(program, first, required, &text);
                assert_eq!(
                    at,
                    reference.find(&text).map(|m| m.start()),
                    "program {program} on {text:?}"
                );
                found += usize::from(at.is_some());
            }
        }
        assert!(
            viable_count > 1000 && found > 1000,
            "{viable_count} viable, {found} found"
        );
    }
}
