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
use rusher_protocol::json::{Json, JsonText, MAX_DEPTH, Map, ObjectWriter, Value};

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

#[test]
fn json_reads_fields_in_place_as_their_source_text() {
    let frame =
        Json::parse(r#" {"event":"e", "data" : {"a": [1, 2]}, "n": 7, "event":"last"} "#).unwrap();
    assert_eq!(frame.get("data").unwrap().as_text(), r#"{"a": [1, 2]}"#);
    assert_eq!(frame.get("event").unwrap().as_str().unwrap(), "last");
    assert_eq!(frame.get("n").unwrap().as_u64(), Some(7));
    assert_eq!(frame.get("missing"), None);
    let keys: Vec<String> = frame.entries().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["event", "data", "n", "event"]);
    let items: Vec<&str> = Json::parse("[1, \"two\" ,{},[]]")
        .unwrap()
        .items()
        .map(Json::as_text)
        .collect();
    assert_eq!(items, ["1", "\"two\"", "{}", "[]"]);
    // Reading a value as the wrong kind gives nothing, never a panic.
    let number = Json::parse("12").unwrap();
    assert_eq!(number.entries().count(), 0);
    assert_eq!(number.items().count(), 0);
    assert_eq!(number.as_str(), None);
    assert_eq!(Json::parse("-1").unwrap().as_u64(), None);
    assert_eq!(Json::parse("1.5").unwrap().as_u64(), None);
    assert_eq!(Json::parse("\"7\"").unwrap().as_id().as_deref(), Some("7"));
    assert_eq!(Json::parse("7").unwrap().as_id().as_deref(), Some("7"));
}

#[test]
fn json_strings_are_unescaped_only_when_they_have_escapes() {
    let plain = Json::parse(r#""no escapes""#).unwrap().as_str().unwrap();
    assert!(matches!(plain, std::borrow::Cow::Borrowed("no escapes")));
    let escaped = Json::parse(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#).unwrap();
    assert_eq!(escaped.as_str().unwrap(), "a\"b\\c/d\né😀");
}

#[test]
fn payloads_decode_like_pusher_js() {
    // A string holding JSON is that JSON; any other string stays a string.
    assert_eq!(JsonText::decode(r#"{"a":1}"#.into()).as_str(), r#"{"a":1}"#);
    assert_eq!(JsonText::decode(" [1] \n".into()).as_str(), "[1]");
    assert_eq!(JsonText::decode("hello".into()).as_str(), r#""hello""#);
    assert_eq!(JsonText::decode("{oops".into()).as_str(), r#""{oops""#);
    assert_eq!(
        JsonText::decode("say \"hi\"".into()).as_str(),
        r#""say \"hi\"""#
    );
    assert_eq!(JsonText::default().as_str(), "null");
    assert_eq!(
        JsonText::parse(" {\"a\" : 1} ").unwrap().as_str(),
        "{\"a\" : 1}"
    );
    assert!(JsonText::parse("{").is_err());
    assert_eq!(
        JsonText::parse(r#"{"a":[1,{"b":null}]}"#).unwrap().value(),
        json!({"a": [1, {"b": null}]})
    );
}

#[test]
fn the_object_writer_writes_fields_in_order() {
    let text = ObjectWriter::new()
        .string("event", "say \"hi\"\n")
        .raw("data", "{}")
        .number("n", 42)
        .string_if("absent", None)
        .number_if("status", Some(403))
        .number_or_null("code", None)
        .number_or_null("count", Some(2))
        .finish();
    assert_eq!(
        text,
        r#"{"event":"say \"hi\"\n","data":{},"n":42,"status":403,"code":null,"count":2}"#
    );
    assert_eq!(ObjectWriter::new().finish(), "{}");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use rusher_protocol::json::{Json, JsonText, Value};

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
        fn json_reads_every_member_and_item_of_any_value(value in any_json()) {
            let text = serde_json::to_string(&value).unwrap();
            let json = Json::parse(&text).unwrap();
            let read = |json: Json<'_>| serde_json::from_str::<serde_json::Value>(json.as_text()).unwrap();
            match &value {
                serde_json::Value::Object(map) => {
                    let entries: Vec<(String, serde_json::Value)> =
                        json.entries().map(|(k, v)| (k.into_owned(), read(v))).collect();
                    let expected: Vec<(String, serde_json::Value)> =
                        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    prop_assert_eq!(entries, expected);
                    for (key, item) in map {
                        prop_assert_eq!(json.get(key).map(read), Some(item.clone()));
                    }
                }
                serde_json::Value::Array(items) => {
                    let read_items: Vec<serde_json::Value> = json.items().map(read).collect();
                    prop_assert_eq!(&read_items, items);
                }
                serde_json::Value::String(s) => {
                    prop_assert_eq!(json.as_str().unwrap(), s.as_str());
                }
                _ => prop_assert_eq!(read(json), value.clone()),
            }
        }

        #[test]
        fn any_string_payload_decodes_like_json_parse_with_a_fallback(text in ".{0,48}") {
            let decoded = JsonText::decode(text.clone()).value();
            let expected = serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or(serde_json::Value::String(text));
            prop_assert_eq!(decoded, Value::from(expected));
        }

        #[test]
        fn parse_object_hands_over_what_entries_read(value in any_json()) {
            let text = serde_json::to_string(&value).unwrap();
            let mut seen = Vec::new();
            let result = Json::parse_object(&text, &mut |key, value| {
                seen.push((key.into_owned(), value.as_text().to_owned()));
            });
            prop_assert_eq!(result.is_ok(), value.is_object());
            if value.is_object() {
                let entries: Vec<(String, String)> = Json::parse(&text)
                    .unwrap()
                    .entries()
                    .map(|(k, v)| (k.into_owned(), v.as_text().to_owned()))
                    .collect();
                prop_assert_eq!(seen, entries);
            }
        }

        #[test]
        fn parse_object_accepts_exactly_json_objects(text in r#"[ {}\[\]":,a-c0-9.e\\-]{0,48}"#) {
            let ours = Json::parse_object(&text, &mut |_, _| {}).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v.is_object());
            prop_assert_eq!(ours, theirs, "{:?}", text);
        }

        /// Strings are stepped over eight bytes at a time: a quote, a backslash or a control
        /// character anywhere in a run must still end it where JSON says.
        #[test]
        fn strings_end_and_escape_where_json_says(inner in "[a-z\"\\\\/\x01\x1f\x7f é€nu0-9]{0,40}") {
            let text = format!("\"{inner}\"");
            let ours = Value::parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                prop_assert_eq!(ours, Value::from(theirs));
            }
        }

        #[test]
        fn any_text_parses_or_fails_without_panicking(text in ".{0,64}") {
            let ours = Value::parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
        }
    }
}
