//! Encrypted payloads: any `data` of an encrypted event opens or is refused without a panic; a
//! payload sealed with the channel's key opens to its plaintext, and with one byte of it changed
//! (or another key) it is refused.

use arbitrary::{Arbitrary, Unstructured};
use rusher_protocol::crypto::{NONCE_LEN, SharedSecret};
use rusher_protocol::json::{Json, JsonText};

/// Runs one input.
pub fn run(data: &[u8]) {
    let key = SharedSecret::from_bytes([7; 32]);
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(json) = Json::parse(text)
    {
        let _ = key.decrypt(json);
    }
    let mut input = Unstructured::new(data);
    let (Ok(nonce), Ok(plaintext), Ok(flip)) = (
        <[u8; NONCE_LEN]>::arbitrary(&mut input),
        String::arbitrary(&mut input),
        usize::arbitrary(&mut input),
    ) else {
        return;
    };
    let sealed = key.encrypt(&nonce, plaintext.as_bytes()).to_json();
    let opened = Json::parse(&sealed).map(|json| key.decrypt(json));
    assert_eq!(
        opened,
        Ok(Ok(JsonText::decode(plaintext.clone()))),
        "sealed {plaintext:?}"
    );
    let other = SharedSecret::from_bytes([8; 32]);
    assert!(Json::parse(&sealed).is_ok_and(|json| other.decrypt(json).is_err()));
    // Change one character of the ciphertext's base64 (not the padding) for another of its alphabet.
    let Some(start) = sealed.find("\"ciphertext\":\"").map(|i| i + 14) else {
        panic!("no ciphertext in {sealed}");
    };
    let body_len = sealed[start..]
        .find('=')
        .or_else(|| sealed[start..].find('"'));
    if let Some(len) = body_len.filter(|len| *len > 0) {
        let at = start + flip % len;
        let mut tampered = sealed.into_bytes();
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap_or_default();
        let opened = Json::parse(&tampered).map(|json| key.decrypt(json));
        assert!(matches!(opened, Ok(Err(_))), "tampered {tampered} opened");
    }
}
