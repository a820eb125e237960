//! The opcodes of the pattern bytecode: written by the generator (`scripts/phone-tables/generate.rs`, which includes
//! this file) and read by the matcher (`matcher.rs`, which documents each), so the two cannot disagree.

/// Any digit.
pub const OP_ANY: u8 = 0x0A;
/// One symbol of a class.
pub const OP_CLASS: u8 = 0x0B;
/// `min` to `max` of an atom.
pub const OP_REPEAT: u8 = 0x0C;
/// Exactly `n` of an atom.
pub const OP_EXACT: u8 = 0x0D;
/// A group whose length fits a byte.
pub const OP_GROUP: u8 = 0x0E;
/// A group whose length needs two bytes.
pub const OP_GROUP16: u8 = 0x0F;
/// Ends a branch.
pub const OP_BAR: u8 = 0x10;
/// Ends a group.
pub const OP_CLOSE: u8 = 0x11;
/// Ends a `STAR` group.
pub const OP_CLOSE_LOOP: u8 = 0x12;
/// The group that follows is optional.
pub const OP_OPTIONAL: u8 = 0x13;
/// The group that follows repeats any number of times.
pub const OP_STAR: u8 = 0x14;
/// Records the position in a capture slot.
pub const OP_SAVE: u8 = 0x15;
/// Asserts the end of the input.
pub const OP_END: u8 = 0x16;
/// Match.
pub const OP_MATCH: u8 = 0x17;
/// `n` digits, any, for `n` from 2 to 9: the one byte `OP_DIGITS + n - 2` (what `OP_EXACT n OP_ANY` would say in
/// three).
pub const OP_DIGITS: u8 = 0x18;
/// The last of the `OP_DIGITS` bytes: nine digits.
pub const OP_DIGITS_LAST: u8 = OP_DIGITS + 7;
/// A digit range `[a-b]` is the one byte `OP_RANGE + 10 * a + b`.
pub const OP_RANGE: u8 = 0x20;
/// One digit of the class `CLASS_CODES[op - OP_CLASS_CODE]`: the most used digit classes of the digit programs in
/// one byte, where `OP_CLASS` takes three. The bytes from here to 0xFF.
pub const OP_CLASS_CODE: u8 = 0x84;
/// `max` of a repetition with no upper bound.
pub const UNBOUNDED: u8 = 0xFF;
/// At most this many capture groups in a pattern (the matcher keeps two slots per group, group 0 unused): number
/// formats split a number into up to five groups (`$1 $2 $3 $4 $5`), one more leaves room for newer metadata.
pub const MAX_GROUPS: u32 = 6;

/// How many bytes the instruction starting with `op` takes, its operands included. The atom a repetition applies to
/// follows it as an instruction of its own.
pub const fn instruction_len(op: u8) -> usize {
    match op {
        OP_CLASS | OP_REPEAT | OP_GROUP16 | OP_CLOSE_LOOP => 3,
        OP_EXACT | OP_SAVE | OP_GROUP => 2,
        _ => 1,
    }
}
