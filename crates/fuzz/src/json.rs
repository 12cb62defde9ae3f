//! The core's JSON reader and writer against `serde_json`: the same accept or refuse decision
//! for any text, the same values, and written text that `serde_json` reads back as the same
//! value. The tree reader (`Value`) and the in-place scanner (`Json`) agree with each other.
//!
//! Where the core departs from `serde_json` on purpose, as a browser's `JSON.parse` (and so
//! pusher-js) does, the target allows it and nothing else:
//! - a lone UTF-16 surrogate in a `\u` escape reads as U+FFFD (`serde_json` refuses the text);
//! - a number outside `f64`'s range is kept as written (`serde_json` refuses it);
//! - nesting is limited to `MAX_DEPTH` levels (`serde_json` has its own limit of 128);
//! - a number is kept as written, so a long one compares to `serde_json`'s `f64` (which may be
//!   one unit in the last place off) within a few units in the last place.

use rusher_protocol::json::{Json, Value};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = Value::parse(text);
    assert_eq!(
        ours.is_ok(),
        Json::parse(text).is_ok(),
        "the tree and the scanner disagree on {text:?}"
    );
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            assert!(same(ours, theirs), "{text:?}: {ours:?} is not {theirs:?}");
            let written = ours.to_json();
            match serde_json::from_str::<serde_json::Value>(&written) {
                Ok(read) => assert_eq!(&read, theirs, "{text:?} written as {written:?}"),
                Err(e) => panic!("{text:?} written as {written:?}, which serde_json refuses: {e}"),
            }
        }
        (Ok(_), Err(e)) => assert!(
            has_surrogate_escape(text) || allowed_departure(&e.to_string()),
            "the core reads {text:?}, serde_json refuses it: {e}"
        ),
        (Err(e), Ok(_)) => assert_eq!(
            e.reason, "nested too deeply",
            "serde_json reads {text:?}, the core refuses it"
        ),
        (Err(_), Err(_)) => {}
    }
}

/// Whether `text` has a `\u` escape of a UTF-16 surrogate (`\uD800` to `\uDFFF`), which
/// `serde_json` refuses when it stands alone.
fn has_surrogate_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(4).enumerate().any(|(at, w)| {
        w[0] == b'u'
            && matches!(w[1], b'd' | b'D')
            && matches!(w[2], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
            && escaped(bytes, at)
    })
}

/// Whether the byte at `at` follows an odd number of backslashes (it is escaped).
fn escaped(bytes: &[u8], at: usize) -> bool {
    let backslashes = bytes
        .get(..at)
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|b| **b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// Whether `serde_json`'s error is one of the other departures the module documents.
fn allowed_departure(error: &str) -> bool {
    ["number out of range", "recursion limit"]
        .iter()
        .any(|reason| error.contains(reason))
}

/// Whether two values are the same: numbers by value (the core keeps a number's text).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    match (ours, theirs) {
        (Value::Null, serde_json::Value::Null) => true,
        (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (Value::String(a), serde_json::Value::String(b)) => a == b,
        (Value::Number(a), serde_json::Value::Number(b)) => {
            let text = a.as_str();
            match (b.as_u64(), b.as_i64(), b.as_f64()) {
                (Some(b), _, _) => {
                    text.parse::<u64>().ok() == Some(b) || same_float(text, b as f64)
                }
                (_, Some(b), _) => {
                    text.parse::<i64>().ok() == Some(b) || same_float(text, b as f64)
                }
                (_, _, Some(b)) => same_float(text, b),
                _ => false,
            }
        }
        (Value::Array(a), serde_json::Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        // A repeated key reads as its last value in both; the core keeps every entry.
        (Value::Object(a), serde_json::Value::Object(b)) => {
            a.keys().all(|key| b.contains_key(key))
                && b.iter()
                    .all(|(key, b)| a.get(key).is_some_and(|a| same(a, b)))
        }
        _ => false,
    }
}

/// Whether the number written `text` is `value`, to within the last bits: `serde_json` (without
/// its `float_roundtrip` feature) may round a long number one unit in the last place off.
fn same_float(text: &str, value: f64) -> bool {
    text.parse::<f64>().is_ok_and(|ours| {
        ours == value || (ours - value).abs() <= 4.0 * f64::EPSILON * ours.abs().max(value.abs())
    })
}
