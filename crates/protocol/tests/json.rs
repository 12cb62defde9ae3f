//! The small JSON module: it reads what JSON allows and nothing else, and writes exactly what
//! `serde_json` writes, so frames stay byte-for-byte the same.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use common::json;
use rusher_protocol::json::{MAX_DEPTH, Map, Value};

/// Parses with both, and checks that both agree and that writing gives `serde_json`'s bytes
/// (whose objects come out with sorted keys, so the inputs have them sorted).
fn same_as_serde(text: &str) {
    let ours = Value::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(ours, Value::from(theirs.clone()), "{text}");
    assert_eq!(
        ours.to_json(),
        serde_json::to_string(&theirs).unwrap(),
        "{text}"
    );
}

#[test]
fn reads_and_writes_like_serde_json() {
    for text in [
        "null",
        "true",
        "false",
        "0",
        "42",
        "18446744073709551615",
        "-12",
        r#""""#,
        r#""plain text""#,
        r#""quote \" backslash \\ slash \/ controls \b\f\n\r\t""#,
        r#""\u0001\u001f\u007f""#,
        r#""héllo wörld ✓ 😀""#,
        r#""\u00e9\u2713\ud83d\ude00""#,
        "[]",
        "{}",
        r#"[1,"two",[3,[4]],{"five":5}]"#,
        r#" { "data" : { } , "event" : "pusher:ping" } "#,
        r#"{"a":{"nested":[true,false,null]},"b":1}"#,
    ] {
        same_as_serde(text);
    }
}

#[test]
fn objects_keep_their_order() {
    let text = r#"{"event":"e","channel":"c","data":{"z":1,"a":2}}"#;
    assert_eq!(Value::parse(text).unwrap().to_json(), text);
}

#[test]
fn numbers_keep_their_text() {
    for text in [
        "-0",
        "1.5",
        "-0.25",
        "1e3",
        "2E-7",
        "1.0",
        "123456789012345678901234567890",
    ] {
        let value = Value::parse(text).unwrap();
        assert_eq!(value.to_json(), text);
    }
    assert_eq!(Value::parse("42").unwrap().as_u64(), Some(42));
    assert_eq!(
        Value::parse("18446744073709551615").unwrap().as_u64(),
        Some(u64::MAX)
    );
    for not_u64 in ["18446744073709551616", "-1", "1.0", "1e3"] {
        assert_eq!(Value::parse(not_u64).unwrap().as_u64(), None, "{not_u64}");
    }
    assert_eq!(Value::from(0u64).to_json(), "0");
    assert_eq!(Value::from(u64::MAX).to_json(), "18446744073709551615");
}

#[test]
fn refuses_what_json_does_not_allow() {
    for text in [
        "",
        " ",
        "nul",
        "True",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "NaN",
        r#""unterminated"#,
        "\"tab\there\"",
        r#""bad \x escape""#,
        r#""\u12""#,
        "[1,]",
        "[1 2]",
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
        "{a:1}",
        "{\"a\":1}}",
        "1 2",
        "[",
        "{",
    ] {
        assert!(Value::parse(text).is_err(), "{text:?} should be refused");
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_err(),
            "{text:?}"
        );
    }
}

#[test]
fn nesting_is_limited_and_never_overflows_the_stack() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(Value::parse(&ok).is_ok());
    let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
    let error = Value::parse(&deep).unwrap_err();
    assert_eq!(error.reason, "nested too deeply");
    let huge = "[".repeat(1_000_000);
    assert!(Value::parse(&huge).is_err());
}

#[test]
fn lone_surrogates_become_the_replacement_character() {
    let value = Value::parse(r#""a\ud800b\udc00c""#).unwrap();
    assert_eq!(value.as_str(), Some("a\u{fffd}b\u{fffd}c"));
    let value = Value::parse(r#""\ud800\u0041""#).unwrap();
    assert_eq!(value.as_str(), Some("\u{fffd}A"));
}

#[test]
fn objects_read_the_last_of_a_repeated_key_and_compare_in_any_order() {
    let value = Value::parse(r#"{"a":1,"a":2}"#).unwrap();
    assert_eq!(value.get("a").and_then(Value::as_u64), Some(2));
    assert_eq!(
        Value::parse(r#"{"x":1,"y":[1,2]}"#).unwrap(),
        Value::parse(r#"{"y":[1,2],"x":1}"#).unwrap()
    );
    assert_ne!(
        Value::parse("[1,2]").unwrap(),
        Value::parse("[2,1]").unwrap()
    );
    let mut map = Map::new();
    map.insert("k".into(), json!(1));
    map.insert("k".into(), json!(2));
    assert_eq!(map.len(), 1);
    assert_eq!(map.remove("k"), Some(json!(2)));
    assert!(map.is_empty());
}

#[test]
fn the_object_macro_builds_in_order() {
    let value = rusher_protocol::object! {
        "event": "pusher:subscribe",
        "count": 2u64,
        "missing": None::<String>,
        "nested": rusher_protocol::object! {},
    };
    assert_eq!(
        value.to_json(),
        r#"{"event":"pusher:subscribe","count":2,"missing":null,"nested":{}}"#
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use rusher_protocol::json::Value;

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            ".*".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
                prop::collection::btree_map(".*", inner, 0..8)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_writes_like_serde_json_and_reads_back(value in any_json()) {
            let text = serde_json::to_string(&value).unwrap();
            let ours = Value::parse(&text).unwrap();
            prop_assert_eq!(ours.to_json(), text);
            prop_assert_eq!(ours, Value::from(value));
        }

        #[test]
        fn any_text_parses_or_fails_without_panicking(text in ".{0,64}") {
            let ours = Value::parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
        }
    }
}
