//! Verification codes: drawn uniformly from a CSPRNG, compared in constant time.

use subtle::ConstantTimeEq;

use super::Randomness;

/// The shortest code a Service may use, and the shortest custom code.
pub const MIN_CODE_LENGTH: usize = 4;
/// The longest.
pub const MAX_CODE_LENGTH: usize = 10;

/// A code of `length` decimal digits, each uniform: random bytes of 250 or more are drawn again, so `% 10` has no
/// bias.
pub fn generate_code(length: usize, random: &mut dyn Randomness) -> String {
    let mut code = String::with_capacity(length);
    let mut bytes = [0u8; 16];
    while code.len() < length {
        random.fill(&mut bytes);
        for &b in bytes.iter().filter(|&&b| b < 250) {
            if code.len() < length {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    code
}

/// Whether `given` is `expected`, in time that depends only on their lengths (which are public: the Service's code
/// length), never on where they differ.
pub fn codes_match(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// Whether `code` has a length Twilio accepts for `Code` and `CustomCode`: 4 to 10 characters.
pub fn has_valid_length(code: &str) -> bool {
    (MIN_CODE_LENGTH..=MAX_CODE_LENGTH).contains(&code.chars().count())
}
