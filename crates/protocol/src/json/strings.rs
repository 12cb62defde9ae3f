//! The strings of JSON text: where a run of plain characters ends, found eight bytes at a time,
//! and a string's inside with its escapes decoded.

use crate::prelude::*;

/// One in each byte of a word.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// The high bit of each byte of a word.
const HIGHS: u64 = ONES << 7;

/// Whether any byte of `word` is below `n` (`n` at most 128): `(x - n * ONES) & !x & HIGHS` is
/// not zero exactly then (a borrow only starts at such a byte).
fn has_byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS != 0
}

/// Whether any byte of `word` is `byte` (a zero byte of `word ^ byte * ONES`).
fn has_byte(word: u64, byte: u8) -> bool {
    has_byte_below(word ^ (ONES * u64::from(byte)), 1)
}

/// Whether any of a word's eight bytes is a `"`, a `\` or a control character, which end a
/// run of plain characters in a string.
pub(super) fn may_end_a_run(word: u64) -> bool {
    has_byte_below(word, 0x20) || has_byte(word, b'"') || has_byte(word, b'\\')
}

/// From `at`, steps over the whole eight-byte words of `bytes` in which `stop` finds nothing;
/// gives where the first word it stops at (or the last, shorter part) starts.
pub(super) fn skip_words(bytes: &[u8], mut at: usize, stop: impl Fn(u64) -> bool) -> usize {
    while let Some(word) = bytes
        .get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        if stop(u64::from_le_bytes(word)) {
            break;
        }
        at += 8;
    }
    at
}

/// Where the first `\` of `text` is: eight bytes at a time, then one at a time.
pub(super) fn find_backslash(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = skip_words(bytes, 0, |word| has_byte(word, b'\\'));
    bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b'\\')
        .map(|i| at + i)
}

/// The text of a checked string's inside, with its escapes decoded. A lone surrogate, which a
/// Rust string cannot hold (JavaScript would keep it), becomes U+FFFD.
///
/// Copied byte by byte: a string with escapes is usually JSON text, whose runs between escapes
/// are a few bytes, too short for a copy of each run to pay.
pub(super) fn unescape(inner: &str) -> String {
    let bytes = inner.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        let Some(&escaped) = bytes.get(at) else {
            break;
        };
        at += 1;
        let decoded = match escaped {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let (c, used) = unicode_escape(bytes.get(at..).unwrap_or_default());
                at += used;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            // `"`, `\` and `/` stand for themselves.
            other => other,
        };
        out.push(decoded);
    }
    // Always valid: the text was UTF-8, each escape became a whole character, and what an escape
    // leaves unused is copied whole.
    String::from_utf8(out).unwrap_or_default()
}

/// The character of a `\u` escape whose four hex digits start `after` (with the low half of a
/// surrogate pair when one follows), and how many bytes of `after` it used. Without four hex
/// digits (not in checked text) it is U+FFFD and uses none, so what follows is copied whole and
/// the result stays UTF-8.
fn unicode_escape(after: &[u8]) -> (char, usize) {
    let Some(first) = hex4(after) else {
        return (char::REPLACEMENT_CHARACTER, 0);
    };
    if (0xD800..0xDC00).contains(&first)
        && let Some(next) = after.get(4..).and_then(|rest| rest.strip_prefix(b"\\u"))
        && let Some(second) = hex4(next).filter(|s| (0xDC00..0xE000).contains(s))
    {
        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        return (
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
            10,
        );
    }
    (
        char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
        4,
    )
}

/// Four hex digits at the start of `text`.
fn hex4(text: &[u8]) -> Option<u32> {
    let mut n = 0;
    for b in text.get(..4)? {
        n = n * 16 + char::from(*b).to_digit(16)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn unescaping_keeps_every_character_even_after_a_broken_escape() {
        assert_eq!(unescape(r"a\n\u00e9\ud83d\ude00\/"), "a\né😀/");
        assert_eq!(unescape(r"\ud800x"), "\u{FFFD}x");
        // Not in checked text, but never a loss: the bytes after `\u` are copied whole.
        assert_eq!(unescape(r"\uZZé!"), "\u{FFFD}ZZé!");
        assert_eq!(unescape(r"\u12"), "\u{FFFD}12");
    }
}
