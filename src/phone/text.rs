//! Slicing and searching text without a panic path.
//!
//! `&s[a..]`, `split_at` and the `&str` searches of `str` (`find`, `rfind`, `replace`) each link core's panic
//! message for a bad character boundary, which formats the text with Debug and brings Unicode's printable tables
//! and a two-way string searcher into the wasm, several kilobytes in every page's download. The offsets these
//! helpers take always come from searches of the same text, so they never fall inside a character; should one
//! ever do, the helpers answer with empty text instead of a panic.

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

/// `text` with every `from` replaced by `to`, left to right (`str::replace`).
pub(super) fn replace(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(before(rest, at));
        out.push_str(to);
        rest = after(rest, at + from.len());
    }
    out.push_str(rest);
    out
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
            for at in 0..=text.len() + 1 {
                assert_eq!(after(text, at), text.get(at..).unwrap_or_default());
                assert_eq!(before(text, at), text.get(..at).unwrap_or_default());
            }
        }
    }
}
