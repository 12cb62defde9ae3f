//! The core's hand-written codecs against the crates they stand in for: `decimal` against
//! `u64::to_string`, `base64_decode` against `base64`'s `STANDARD` engine (same result for any
//! text, and the bytes back for anything `base64` encodes), and the form encoder against
//! `form_urlencoded` (the byte serializer and whole bodies of pairs).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rusher_protocol::text::{Form, base64_decode, decimal, push_form_encoded};

/// Runs one input.
pub fn run(data: &[u8]) {
    if let Some(bytes) = data.first_chunk::<8>() {
        let n = u64::from_le_bytes(*bytes);
        assert_eq!(decimal(n), n.to_string());
    }
    let text = String::from_utf8_lossy(data);
    assert_eq!(
        base64_decode(&text),
        STANDARD.decode(text.as_bytes()).ok(),
        "base64 of {text:?}"
    );
    assert_eq!(base64_decode(&STANDARD.encode(data)), Some(data.to_vec()));

    let mut ours = String::new();
    push_form_encoded(&mut ours, &text);
    let theirs: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    assert_eq!(ours, theirs);

    let pairs: Vec<(&str, &str)> = text
        .split('\n')
        .map(|line| line.split_once('=').unwrap_or((line, "")))
        .collect();
    let mut form = Form::default();
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &pairs {
        form.pair(name, value);
        serializer.append_pair(name, value);
    }
    assert_eq!(form.finish(), serializer.finish());
}
