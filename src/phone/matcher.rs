//! The matcher for libphonenumber's patterns, compiled ahead of time into bytecode by `scripts/phone-tables.sh`.
//!
//! The patterns use a small part of regex syntax (digits, classes, groups, alternation, `?` and counted
//! repetition), so a general regex engine is not needed: each is a short program for a backtracking matcher that
//! tries alternatives in order, as the `regex` crate (and Java's `java.util.regex`, which Google's metadata is
//! written for) report the leftmost-first match. Should an input ever make backtracking costly, the matcher starts
//! over remembering the (instruction, position) pairs that failed, which bounds the work by their product.
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

use super::tables::{CHAR_CLASSES, PROGRAMS};

const OP_ANY: u8 = 0x0A;
const OP_CLASS: u8 = 0x0B;
const OP_REPEAT: u8 = 0x0C;
const OP_REPEAT_ANY: u8 = 0x0D;
const OP_SPLIT: u8 = 0x0E;
const OP_JUMP: u8 = 0x0F;
const OP_SAVE: u8 = 0x10;
const OP_END: u8 = 0x11;
const OP_MATCH: u8 = 0x12;
const UNBOUNDED: u8 = 0xFF;

/// Capture slots: two per group, groups 1-3 (slots 0 and 1 unused; group 0 is the whole match).
const SLOTS: usize = 8;
/// Steps of plain backtracking before the matcher starts over with memory of failed states.
const STEP_BUDGET: u32 = 20_000;
/// Backtracking frames kept on the stack before they spill to the heap.
const INLINE_FRAMES: usize = 32;
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

/// Whether the digit program at `program` matches all of `digits` (`matchesEntirely`).
pub(super) fn digits_whole(program: u32, digits: &str) -> bool {
    run(
        program,
        digits.as_bytes(),
        true,
        &digit_test,
        &mut [UNSET; SLOTS],
    )
    .is_some()
}

/// The end of the digit program's match at the start of `digits` (`lookingAt`), if any.
pub(super) fn digits_prefix(program: u32, digits: &str) -> Option<usize> {
    run(
        program,
        digits.as_bytes(),
        false,
        &digit_test,
        &mut [UNSET; SLOTS],
    )
}

/// The digit program's match at the start of `digits` with its groups, if any.
pub(super) fn digits_captures(program: u32, digits: &str) -> Option<Captures> {
    let mut slots = [UNSET; SLOTS];
    let end = run(program, digits.as_bytes(), false, &digit_test, &mut slots)?;
    Some(Captures { slots, end })
}

/// Whether the character program at `program` matches all of `text`.
pub(super) fn chars_whole(program: u32, text: &[char]) -> bool {
    run(program, text, true, &char_test, &mut [UNSET; SLOTS]).is_some()
}

/// The leftmost position of `text` where the character program matches, searching as `Regex::find` does.
pub(super) fn chars_find(program: u32, text: &[char]) -> Option<usize> {
    (0..=text.len()).find(|&start| {
        text.get(start..).is_some_and(|rest| {
            run(program, rest, false, &char_test, &mut [UNSET; SLOTS]).is_some()
        })
    })
}

/// An ASCII digit against a digit class (a mask of 0-9).
fn digit_test(class: u16, symbol: u8) -> bool {
    let d = symbol.wrapping_sub(b'0');
    d < 10 && class & (1 << d) != 0
}

/// A character against a character class (an index into `CHAR_CLASSES`).
fn char_test(class: u16, symbol: char) -> bool {
    CHAR_CLASSES.get(usize::from(class)).is_some_and(|ranges| {
        ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < symbol {
                    std::cmp::Ordering::Less
                } else if lo > symbol {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    })
}

/// A way back to a choice not yet tried.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// The other branch of a split.
    Alt { pc: u32, pos: u32 },
    /// A greedy repetition that may give back symbols: resume at `pc` with `pos`, down to `min`.
    Repeat { pc: u32, min: u32, pos: u32 },
    /// A capture slot to restore.
    Restore { slot: u8, old: u32 },
}

/// The backtracking stack: a few frames inline, the rest on the heap.
struct Stack {
    inline: [Frame; INLINE_FRAMES],
    len: usize,
    spill: Vec<Frame>,
}

impl Stack {
    fn new() -> Self {
        Stack {
            inline: [Frame::Alt { pc: 0, pos: 0 }; INLINE_FRAMES],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, frame: Frame) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = frame;
                self.len += 1;
            }
            None => self.spill.push(frame),
        }
    }

    fn pop(&mut self) -> Option<Frame> {
        if let Some(frame) = self.spill.pop() {
            return Some(frame);
        }
        self.len = self.len.checked_sub(1)?;
        self.inline.get(self.len).copied()
    }
}

/// Runs the program at `program` on `input`: the end of the leftmost-first match from position 0 (which must be
/// the end of the input when `whole`), filling `slots`.
fn run<S: Copy>(
    program: u32,
    input: &[S],
    whole: bool,
    test: &impl Fn(u16, S) -> bool,
    slots: &mut [u32; SLOTS],
) -> Option<usize> {
    let prog = PROGRAMS.get(program as usize..)?;
    match backtrack(prog, input, whole, test, slots, None) {
        Ok(found) => found,
        Err(OverBudget) => {
            // One bit per (instruction, position): a state that failed once fails again.
            let states = prog.len().saturating_mul(input.len() + 1);
            let mut visited = vec![0u64; states.div_ceil(64)];
            *slots = [UNSET; SLOTS];
            backtrack(prog, input, whole, test, slots, Some(&mut visited)).unwrap_or(None)
        }
    }
}

/// Plain backtracking ran out of its step budget.
struct OverBudget;

fn read_u16(prog: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*prog.get(at)?, *prog.get(at + 1)?]))
}

fn backtrack<S: Copy>(
    prog: &[u8],
    input: &[S],
    whole: bool,
    test: &impl Fn(u16, S) -> bool,
    slots: &mut [u32; SLOTS],
    mut visited: Option<&mut Vec<u64>>,
) -> Result<Option<usize>, OverBudget> {
    let mut stack = Stack::new();
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
                0..=9 | OP_ANY | OP_CLASS => {
                    let (class, size) = match op {
                        OP_ANY => (0x3FF, 1),
                        OP_CLASS => match read_u16(prog, pc + 1) {
                            Some(class) => (class, 3),
                            None => break 'step false,
                        },
                        digit => (1 << digit, 1),
                    };
                    match input.get(pos) {
                        Some(&symbol) if test(class, symbol) => {
                            pos += 1;
                            pc += size;
                            true
                        }
                        _ => false,
                    }
                }
                OP_REPEAT | OP_REPEAT_ANY => {
                    let (class, at) = if op == OP_REPEAT {
                        match read_u16(prog, pc + 1) {
                            Some(class) => (class, pc + 3),
                            None => break 'step false,
                        }
                    } else {
                        (0x3FF, pc + 1)
                    };
                    let (Some(&min), Some(&max)) = (prog.get(at), prog.get(at + 1)) else {
                        break 'step false;
                    };
                    let limit = if max == UNBOUNDED {
                        usize::MAX
                    } else {
                        usize::from(max)
                    };
                    let taken = input
                        .get(pos..)
                        .unwrap_or_default()
                        .iter()
                        .take(limit)
                        .take_while(|&&symbol| test(class, symbol))
                        .count();
                    if taken < usize::from(min) {
                        break 'step false;
                    }
                    let next = at + 2;
                    let lowest = pos + usize::from(min);
                    pos += taken;
                    if pos > lowest {
                        stack.push(Frame::Repeat {
                            pc: next as u32,
                            min: lowest as u32,
                            pos: (pos - 1) as u32,
                        });
                    }
                    pc = next;
                    true
                }
                OP_SPLIT => match read_u16(prog, pc + 1) {
                    Some(target) => {
                        stack.push(Frame::Alt {
                            pc: u32::from(target),
                            pos: pos as u32,
                        });
                        pc += 3;
                        true
                    }
                    None => false,
                },
                OP_JUMP => match read_u16(prog, pc + 1) {
                    Some(target) => {
                        pc = usize::from(target);
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
                    None => false,
                },
                OP_END if pos == input.len() => {
                    pc += 1;
                    true
                }
                OP_MATCH if !whole || pos == input.len() => return Ok(Some(pos)),
                _ => false,
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
                Some(Frame::Repeat {
                    pc: to,
                    min,
                    pos: at,
                }) => {
                    if at > min {
                        stack.push(Frame::Repeat {
                            pc: to,
                            min,
                            pos: at - 1,
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
