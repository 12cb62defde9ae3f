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

/// Decodes standard base64 with padding (RFC 4648 section 4), as the `base64` crate's `STANDARD`
/// engine does: `None` for a wrong length, a byte outside the alphabet, misplaced padding, or
/// leftover bits that are not zero.
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
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for byte in data {
        let six = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(six);
        count += 6;
        if count >= 8 {
            count -= 8;
            // The low 8 bits of what is left; the cast keeps exactly those.
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // Padding makes the length a multiple of 4, so 0, 2 or 4 bits are left, and they must be 0.
    (bits == 0).then_some(out)
}
