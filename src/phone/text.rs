//! Slicing, searching and joining text without a panic path or the formatting machinery.
//!
//! `&s[a..]`, `split_at` and the `&str` searches of `str` (`find`, `rfind`, `replace`) each link core's panic
//! message for a bad character boundary, which formats the text with Debug and brings Unicode's printable tables
//! and a two-way string searcher into the wasm, several kilobytes in every page's download. The offsets these
//! helpers take always come from searches of the same text, so they never fall inside a character; should one
//! ever do, the helpers answer with empty text instead of a panic.
//!
//! `format!` links `alloc::fmt::format` and its panic message; the phone engine joins its strings with [`concat`]
//! and writes numbers with [`decimal`] instead, which is also quicker on the path every number takes (its E.164).

/// `text` from byte `at` on (empty when `at` is past the end or inside a character).
pub(super) fn after(text: &str, at: usize) -> &str {
    text.get(at..).unwrap_or_default()
}

/// `text` up to byte `at` (empty when `at` is past the end or inside a character).
pub(super) fn before(text: &str, at: usize) -> &str {
    text.get(..at).unwrap_or_default()
}

/// The byte offset of the first `needle` in `haystack`. The needles are short URI parameters and prefixes, so a
/// plain scan does.
pub(super) fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

/// The byte offset of the last `needle` in `haystack`.
pub(super) fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len());
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .rposition(|window| window == needle.as_bytes())
}

/// `text` with every `from` replaced by `to`, left to right (`str::replace`; an empty `from` replaces nothing).
pub(super) fn replace(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from) {
        out.push_str(before(rest, at));
        out.push_str(to);
        rest = after(rest, at + from.len());
    }
    out.push_str(rest);
    out
}

/// The parts, joined.
pub(super) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal digits.
pub(super) fn decimal(n: usize) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

fn push_decimal(out: &mut String, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn they_agree_with_the_str_methods() {
        let texts = [
            "",
            "a",
            "$1",
            "0$1",
            "($1)",
            "tel:+1;isub=12;isub=3",
            "дд;д",
            "$1 $1",
            "aaa",
        ];
        let needles = ["", "a", "$1", ";isub=", "д", "aa", "zz"];
        for text in texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
                assert_eq!(
                    rfind(text, needle),
                    text.rfind(needle),
                    "{text:?} {needle:?}"
                );
                if !needle.is_empty() {
                    assert_eq!(replace(text, needle, "<>"), text.replace(needle, "<>"));
                }
            }
            assert_eq!(concat(&[text, "+", text]), format!("{text}+{text}"));
            for at in 0..=text.len() + 1 {
                assert_eq!(after(text, at), text.get(at..).unwrap_or_default());
                assert_eq!(before(text, at), text.get(..at).unwrap_or_default());
            }
        }
    }

    #[test]
    fn decimal_is_display() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            247,
            999,
            1000,
            65_535,
            65_536,
            usize::MAX,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
