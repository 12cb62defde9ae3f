//! Small JSON, built for code size and speed in a browser bundle: a general JSON library costs
//! the bundle more than the whole protocol does.
//!
//! - [`Json`] reads a checked text in place: fields by key, items, strings unescaped on demand.
//!   Frames, auth answers and options are read this way, without building a tree.
//! - [`JsonText`] keeps a payload (event data, member info) as the JSON text it came in, for
//!   JavaScript's own `JSON.parse` or [`JsonText::value`].
//! - [`Payload`] is an event's data: JSON text, or a string `data` left as its literal for the
//!   reader to decode (or where the driver keeps it).
//! - [`ObjectWriter`] and [`write_string`] write frames and payloads directly.
//! - [`Value`] is a tree for Rust code that wants one (servers, tests, the Rust API's callbacks):
//!   numbers stay as their text (no float parsing or printing), objects keep their order. The
//!   API follows `serde_json::Value` (`get`, `as_str`, `as_u64`, …), and output is byte-for-byte
//!   what `serde_json::to_string` writes. With the `serde_json` feature, values convert to and
//!   from `serde_json::Value`.

use crate::prelude::*;
use crate::text::decimal;
use core::fmt;

mod payload;
mod scan;
mod strings;
mod text;
mod write;

pub use payload::{Payload, StringLiteral};
pub use scan::{Entries, Items, Json};
pub use text::JsonText;
pub use write::{ObjectWriter, string_array, write_string};

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in its order.
    Object(Map),
}

/// A JSON number, kept as its text (valid JSON number syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: keys and values in order. A repeated key reads as its last value, as in
/// JavaScript's `JSON.parse`.
#[derive(Debug, Clone, Default)]
pub struct Map(Vec<(String, Value)>);

/// Why a text is not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// The byte offset where parsing stopped.
    pub offset: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&[self.reason, " at byte ", &decimal(self.offset as u64)].concat())
    }
}

impl Number {
    /// The number's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value when the number is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        Json::trusted(&self.0).as_u64()
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        Number(decimal(n))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// The value of `key` (its last one).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, replacing its value if it is there.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.0.iter_mut().rev().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Removes `key` and returns its (last) value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut found = None;
        self.0.retain_mut(|(k, v)| {
            if k == key {
                found = Some(core::mem::take(v));
                false
            } else {
                true
            }
        });
        found
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Each key once, sorted.
    fn sorted_keys(&self) -> Vec<&String> {
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The keys and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = alloc::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl PartialEq for Map {
    /// Objects are equal when they have the same keys with equal values, in any order.
    fn eq(&self, other: &Self) -> bool {
        let mine = self.sorted_keys();
        mine == other.sorted_keys() && mine.iter().all(|k| self.get(k) == other.get(k))
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k.into(), v);
        }
        map
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// Parses a JSON text (one value, surrounded by optional whitespace).
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        Json::parse(text).map(Value::from)
    }

    /// An object from key-value pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(pairs.into_iter().collect())
    }

    /// An object of named fields (what [`object!`](crate::object) builds). One function for
    /// every field list, where [`Value::object`] of an array has a copy per array length.
    pub fn fields(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A non-negative integer number.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The compact JSON text, exactly as `serde_json::to_string` writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the compact JSON text to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (key, value)) in map.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n.into())
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}

impl From<u16> for Value {
    fn from(n: u16) -> Self {
        Value::from(u64::from(n))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl From<Json<'_>> for Value {
    /// The tree of a checked text (its nesting is bounded by [`MAX_DEPTH`]).
    fn from(json: Json<'_>) -> Self {
        if let Some(b) = json.as_bool() {
            Value::Bool(b)
        } else if json.is_number() {
            Value::Number(Number(json.as_text().to_owned()))
        } else if let Some(s) = json.as_str() {
            Value::String(s.into_owned())
        } else if json.is_object() {
            let mut map = Map::new();
            for (key, value) in json.entries() {
                map.0.push((key.into_owned(), Value::from(value)));
            }
            Value::Object(map)
        } else if json.as_text().starts_with('[') {
            Value::Array(json.items().map(Value::from).collect())
        } else {
            Value::Null
        }
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Self {
        Value::Object(map)
    }
}

/// `vec!`, for [`object!`](crate::object) in crates without `alloc` in scope.
#[doc(hidden)]
pub use alloc::vec as __vec;

/// Builds an object: `object! {"a": 1u64, "b": "text", "c": object! {}}`. Each value goes
/// through `Value::from`.
#[macro_export]
macro_rules! object {
    () => {
        $crate::json::Value::Object($crate::json::Map::new())
    };
    ($($key:literal : $value:expr),+ $(,)?) => {
        $crate::json::Value::fields($crate::json::__vec![$(($key, $crate::json::Value::from($value))),+])
    };
}

#[cfg(feature = "serde_json")]
mod serde_conversions {
    use super::{JsonText, Map, Number, Payload, Value};
    use alloc::string::ToString;

    impl From<serde_json::Value> for JsonText {
        fn from(value: serde_json::Value) -> Self {
            JsonText::from(Value::from(value))
        }
    }

    impl From<JsonText> for serde_json::Value {
        fn from(text: JsonText) -> Self {
            serde_json::from_str(text.as_str()).unwrap_or(serde_json::Value::Null)
        }
    }

    impl From<serde_json::Value> for Payload {
        fn from(value: serde_json::Value) -> Self {
            Payload::Json(JsonText::from(value))
        }
    }

    impl From<Payload> for serde_json::Value {
        /// The data decoded.
        fn from(payload: Payload) -> Self {
            serde_json::Value::from(payload.decode())
        }
    }

    impl From<serde_json::Value> for Value {
        fn from(value: serde_json::Value) -> Self {
            match value {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => Value::Number(Number(n.to_string())),
                serde_json::Value::String(s) => Value::String(s),
                serde_json::Value::Array(items) => {
                    Value::Array(items.into_iter().map(Value::from).collect())
                }
                serde_json::Value::Object(map) => Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, Value::from(v)))
                        .collect::<Map>(),
                ),
            }
        }
    }

    impl From<&Value> for serde_json::Value {
        fn from(value: &Value) -> Self {
            serde_json::from_str(&value.to_json()).unwrap_or(serde_json::Value::Null)
        }
    }

    impl From<Value> for serde_json::Value {
        fn from(value: Value) -> Self {
            serde_json::Value::from(&value)
        }
    }
}
