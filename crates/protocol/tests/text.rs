//! The hand-written encodings against the crates they replace in the bundle.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use rusher_protocol::text::{Form, base64_decode, decimal, prefix};

#[test]
fn known_answers() {
    assert_eq!(decimal(0), "0");
    assert_eq!(decimal(u64::MAX), "18446744073709551615");
    assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
    assert_eq!(base64_decode(""), Some(Vec::new()));
    for bad in ["aGk", "aG=k", "aGk==", "====", "aGl=", "a*k=", "aGk=aGk="] {
        assert_eq!(base64_decode(bad), None, "{bad}");
    }
    assert_eq!(prefix("", 2), "");
    assert_eq!(prefix("aü€😀b", 4), "aü€😀");
    assert_eq!(prefix("aü", 5), "aü");
    let mut form = Form::default();
    form.pair("channel_name[0]", "private-a b&c=ü");
    form.pair("socket_id", "1.2");
    assert_eq!(
        form.finish(),
        "channel_name%5B0%5D=private-a+b%26c%3D%C3%BC&socket_id=1.2"
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;
    use rusher_protocol::text::{base64_decode, decimal, prefix, push_form_encoded};

    proptest! {
        #[test]
        fn decimal_matches_to_string(n: u64) {
            prop_assert_eq!(decimal(n), n.to_string());
        }

        #[test]
        fn form_encoding_matches_form_urlencoded(text in "\\PC*") {
            let mut ours = String::new();
            push_form_encoded(&mut ours, &text);
            let theirs: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn prefix_is_the_first_characters(text in "\\PC*", max in 0usize..8) {
            let theirs: String = text.chars().take(max).collect();
            prop_assert_eq!(prefix(&text, max), theirs);
        }

        #[test]
        fn base64_round_trips(bytes: Vec<u8>) {
            prop_assert_eq!(base64_decode(&STANDARD.encode(&bytes)), Some(bytes));
        }

        #[test]
        fn base64_accepts_what_the_crate_accepts(text in "[A-Za-z0-9+/=*]{0,12}") {
            prop_assert_eq!(base64_decode(&text), STANDARD.decode(&text).ok());
        }
    }
}
