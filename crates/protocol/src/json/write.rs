//! Writing JSON text directly: string literals escaped like `serde_json`, and objects field by
//! field, so that frames and event payloads are written without building a tree first.

use crate::prelude::*;
use crate::text::decimal;

/// Appends `s` as a JSON string literal, escaping like `serde_json`.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(
                HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
            ));
            out.push(char::from(
                HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
            ));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// A JSON array of strings.
pub fn string_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for item in items {
        if out.len() > 1 {
            out.push(',');
        }
        write_string(item, &mut out);
    }
    out.push(']');
    out
}

/// Writes one JSON object, field by field in the order given:
/// `ObjectWriter::new().string("event", "pusher:ping").raw("data", "{}").finish()`.
#[derive(Debug, Clone)]
pub struct ObjectWriter(String);

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    /// An object with no fields yet.
    pub fn new() -> Self {
        ObjectWriter(String::from("{"))
    }

    /// Writes `"key":`, after a comma unless it is the first field.
    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_string(key, &mut self.0);
        self.0.push(':');
    }

    /// Adds a field whose value is JSON text, written as given (it must be valid JSON).
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    /// Adds a string field.
    pub fn string(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        write_string(value, &mut self.0);
        self
    }

    /// Adds a number field.
    pub fn number(self, key: &str, value: u64) -> Self {
        self.raw(key, &decimal(value))
    }

    /// Adds a number field, `null` when there is no value.
    pub fn number_or_null(self, key: &str, value: Option<u64>) -> Self {
        match value {
            Some(value) => self.number(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// Adds a string field when there is a value.
    pub fn string_if(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.string(key, value),
            None => self,
        }
    }

    /// Adds a number field when there is a value.
    pub fn number_if(self, key: &str, value: Option<u64>) -> Self {
        match value {
            Some(value) => self.number(key, value),
            None => self,
        }
    }

    /// The object's text.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}
