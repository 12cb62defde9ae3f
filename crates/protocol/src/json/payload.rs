//! [`Payload`]: an event's data as the core passes it on, decoded only where the core has to
//! read it.

use super::{Json, JsonText, Value};
use crate::prelude::*;

/// An event's `data`. Most events carry a string of JSON text (`"data":"{\"a\":1}"`). The core
/// does not read that string, so it passes the string on as the literal it came as, and the
/// reader decodes it; or, from a frame the driver read itself, it is left where the driver keeps
/// it. Rust code calls [`Payload::decode`] or [`Payload::value`].
#[derive(Debug, Clone)]
pub enum Payload {
    /// Data the core has read or made: a `data` that is not a string (an object, a number,
    /// `null`…), or decrypted data.
    Json(JsonText),
    /// A string `data`, not decoded yet.
    Literal(StringLiteral),
    /// No `data` in the frame. pusher-js hands its callbacks `undefined` for it; it decodes as
    /// `null`.
    Absent,
    /// A string `data` that the driver keeps, by its number, in the frame it read itself
    /// ([`Envelope`](crate::wire::Envelope)): only a driver that reads frames with
    /// [`Connection::handle_envelope`](crate::Connection::handle_envelope) meets it, and it reads
    /// the data there. The core never held its text: it decodes as `null`.
    Kept(u32),
}

/// A JSON string literal as it stands in a frame, quotes and escapes included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLiteral(String);

impl StringLiteral {
    /// `literal`, a checked JSON string (from [`Json`]).
    pub(crate) fn new(literal: Json<'_>) -> Self {
        Self(literal.as_text().to_owned())
    }

    /// The literal, quotes and escapes included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Payload {
    /// The data as JSON text, decoded like pusher-js decodes a string `data`: the JSON it holds
    /// when it holds JSON, else the string itself.
    pub fn decode(&self) -> JsonText {
        match self {
            Payload::Json(json) => json.clone(),
            Payload::Literal(literal) => JsonText::decode_data(Json::trusted(literal.as_str())),
            Payload::Absent | Payload::Kept(_) => JsonText::null(),
        }
    }

    /// The decoded data as a [`Value`] tree.
    pub fn value(&self) -> Value {
        self.decode().value()
    }
}

impl PartialEq for Payload {
    /// Payloads are equal when they decode to the same JSON text, whatever their form.
    fn eq(&self, other: &Self) -> bool {
        self.decode() == other.decode()
    }
}

impl Eq for Payload {}

impl From<Value> for Payload {
    fn from(value: Value) -> Self {
        Payload::Json(JsonText::from(value))
    }
}

impl From<JsonText> for Payload {
    fn from(json: JsonText) -> Self {
        Payload::Json(json)
    }
}
