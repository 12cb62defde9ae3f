//! The few text encodings the core writes and reads, by hand: decimal numbers, form encoding and
//! base64 decoding. `format!`, `form_urlencoded` and the `base64` crate would each pull kilobytes
//! of generic code into the browser bundle for what is a few lines here; the tests check these
//! against those crates.

use crate::prelude::*;

/// `n` in decimal.
pub fn decimal(mut n: u64) -> String {
    let mut digits = Vec::with_capacity(20);
    loop {
        // `n % 10` is below 10, so the cast is exact.
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// The first `max` characters of `text` (all of it when it has no more), for error messages
/// that quote what they refuse. A slice of `text` rather than a collected `String`: no UTF-8
/// encoding code in the browser bundle.
pub fn prefix(text: &str, max: usize) -> &str {
    let mut count = 0;
    for at in 0..text.len() {
        if text.is_char_boundary(at) {
            if count == max {
                return text.get(..at).unwrap_or(text);
            }
            count += 1;
        }
    }
    text
}

/// Appends `text` encoded as `application/x-www-form-urlencoded` does (the WHATWG URL standard's
/// byte serializer): letters, digits and `*-._` stay, a space becomes `+`, every other byte
/// becomes `%XX`.
pub fn push_form_encoded(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                for nibble in [byte >> 4, byte & 15] {
                    let digit = if nibble < 10 { b'0' } else { b'A' - 10 };
                    out.push(char::from(digit + nibble));
                }
            }
        }
    }
}

/// A form body built pair by pair: `name=value&name=value`.
#[derive(Default)]
pub struct Form(String);

impl Form {
    /// Appends one pair.
    pub fn pair(&mut self, name: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        push_form_encoded(&mut self.0, name);
        self.0.push('=');
        push_form_encoded(&mut self.0, value);
    }

    /// The body.
    pub fn finish(self) -> String {
        self.0
    }
}

/// What each ASCII byte is worth as a base64 digit ([`NOT_BASE64`] outside the alphabet): one
/// table lookup per character instead of a chain of range tests makes encrypted events about a
/// fifth faster (`cargo xtask bench`).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of bounds fails the build"
)]
const BASE64_VALUES: [u8; 128] = {
    let mut values = [NOT_BASE64; 128];
    let mut i = 0;
    while i < 26 {
        values[b'A' as usize + i] = i as u8;
        values[b'a' as usize + i] = 26 + i as u8;
        if i < 10 {
            values[b'0' as usize + i] = 52 + i as u8;
        }
        i += 1;
    }
    values[b'+' as usize] = 62;
    values[b'/' as usize] = 63;
    values
};

/// The value [`BASE64_VALUES`] gives a byte outside the alphabet.
const NOT_BASE64: u8 = 64;

/// Up to four base64 characters as one number, six bits each (the first in the highest bits);
/// `None` when one is outside the alphabet.
fn base64_bits(chars: &[u8]) -> Option<u32> {
    chars.iter().try_fold(0u32, |bits, &c| {
        let value = BASE64_VALUES.get(usize::from(c)).copied()?;
        (value != NOT_BASE64).then_some((bits << 6) | u32::from(value))
    })
}

/// Decodes standard base64 with padding (RFC 4648 section 4), as the `base64` crate's `STANDARD`
/// engine does: `None` for a wrong length, a byte outside the alphabet, misplaced padding, or
/// leftover bits that are not zero. Four characters at a time become three bytes.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return None;
    }
    let data = bytes.get(..bytes.len() - padding)?;
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    let (quads, rest) = data.as_chunks::<4>();
    for quad in quads {
        let [_, a, b, c] = base64_bits(quad)?.to_be_bytes();
        out.extend_from_slice(&[a, b, c]);
    }
    // Padding makes the length a multiple of 4: what is left is two characters (one byte and 4
    // spare bits) or three (two bytes and 2 spare bits), and the spare bits must be 0.
    let bits = base64_bits(rest)?;
    match rest.len() {
        0 => {}
        2 if bits & 0xF == 0 => out.push((bits >> 4) as u8),
        3 if bits & 0x3 == 0 => {
            let [_, _, a, b] = (bits >> 2).to_be_bytes();
            out.extend_from_slice(&[a, b]);
        }
        _ => return None,
    }
    Some(out)
}
