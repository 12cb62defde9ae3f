//! [`JsonText`]: a payload kept as the JSON text it came in, checked once, handed to JavaScript
//! for the engine's own `JSON.parse` and read in Rust with [`JsonText::json`] or
//! [`JsonText::value`].

use super::{Json, ParseError, Value, write_string};
use crate::prelude::*;
use core::fmt;

/// An owned JSON text holding one valid value without surrounding whitespace: event data, a
/// member's info, signed-in user data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText(String);

impl Default for JsonText {
    /// `null`.
    fn default() -> Self {
        Self::null()
    }
}

impl JsonText {
    /// Checks a JSON text; surrounding whitespace is dropped.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Json::parse(text).map(Self::from)
    }

    /// `null`.
    pub fn null() -> Self {
        JsonText("null".to_owned())
    }

    /// A JSON string holding `text`.
    pub fn string(text: &str) -> Self {
        let mut out = String::with_capacity(text.len() + 2);
        write_string(text, &mut out);
        JsonText(out)
    }

    /// A payload decoded like pusher-js decodes a string `data`: the JSON it holds when it holds
    /// JSON, else the string itself.
    pub fn decode(text: String) -> Self {
        match Json::parse(&text) {
            Ok(json) if json.as_text().len() == text.len() => JsonText(text),
            Ok(json) => Self::from(json),
            Err(_) => Self::string(&text),
        }
    }

    /// An event's data decoded like pusher-js decodes it: a string as [`decode`](Self::decode)
    /// reads it, any other value as it is.
    pub fn decode_data(data: Json<'_>) -> Self {
        match data.to_string_value() {
            Some(text) => Self::decode(text),
            None => Self::from(data),
        }
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads it in place.
    pub fn json(&self) -> Json<'_> {
        Json::trusted(&self.0)
    }

    /// Reads it into a [`Value`] tree.
    pub fn value(&self) -> Value {
        Value::from(self.json())
    }
}

impl From<Json<'_>> for JsonText {
    fn from(json: Json<'_>) -> Self {
        JsonText(json.as_text().to_owned())
    }
}

impl From<&Value> for JsonText {
    fn from(value: &Value) -> Self {
        JsonText(value.to_json())
    }
}

impl From<Value> for JsonText {
    fn from(value: Value) -> Self {
        JsonText(value.to_json())
    }
}

impl fmt::Display for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
