//! The wire format: JSON text frames, parsed leniently like pusher-js and written exactly like
//! PROTOCOL.md shows them.
//!
//! [`Frame`] is the raw envelope; [`ServerMessage`] and [`ClientMessage`] are the typed messages in
//! each direction, each of which can be parsed from and written to a frame (the client parses
//! server messages, the local server parses client messages).

mod client;
mod server;

pub use client::ClientMessage;
pub use server::{PresenceData, ServerMessage, WatchlistEvent, WatchlistEventKind};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;

/// The largest frame the core parses. Pusher limits event data to 10 KB; presence
/// `subscription_succeeded` with a large member list is the biggest legitimate frame.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// The envelope of every frame: `{"event", "channel"?, "data"?, "user_id"?}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Frame {
    /// The event name, such as `pusher:ping` or `new-message`.
    pub event: String,
    /// The channel the event belongs to, if any.
    #[serde(default)]
    pub channel: Option<String>,
    /// The payload as sent: often a string holding JSON, sometimes an object, sometimes absent.
    #[serde(default)]
    pub data: Option<Value>,
    /// The sender of a client event on a presence channel.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl Frame {
    /// Parses a text frame. Anything that is not a JSON object with a string `event` is an
    /// [`Error::MalformedFrame`].
    pub fn parse(text: &str) -> Result<Frame, Error> {
        if text.len() > MAX_FRAME_BYTES {
            return Err(Error::MalformedFrame(format!(
                "frame of {} bytes is over the {MAX_FRAME_BYTES}-byte limit",
                text.len()
            )));
        }
        serde_json::from_str(text).map_err(|e| Error::MalformedFrame(e.to_string()))
    }

    /// The payload decoded like pusher-js: a string is parsed as JSON when it is JSON and kept as a
    /// string otherwise; an absent payload is `null`.
    pub fn decoded_data(&self) -> Value {
        decode_data(self.data.as_ref())
    }
}

/// Decodes a frame's `data` like pusher-js: JSON inside a string is parsed, anything else is kept.
pub fn decode_data(data: Option<&Value>) -> Value {
    match data {
        None => Value::Null,
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(other) => other.clone(),
    }
}

/// Writes a frame with fields in protocol order. `data` is written as given: callers pass a
/// `String` (already JSON-encoded, for server-to-client payloads) or a serializable object.
fn encode<D: Serialize>(
    event: &str,
    channel: Option<&str>,
    data: Option<D>,
    user_id: Option<&str>,
) -> String {
    #[derive(Serialize)]
    struct Out<'a, D> {
        event: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<D>,
        #[serde(skip_serializing_if = "Option::is_none")]
        user_id: Option<&'a str>,
    }
    serde_json::to_string(&Out {
        event,
        channel,
        data,
        user_id,
    })
    .unwrap_or_default()
}

/// Encodes a value as a JSON string, the way servers put payloads inside `data`.
fn json_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads a field that must be a string.
fn str_field(data: &Value, field: &str) -> Result<String, Error> {
    data.get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error::MalformedFrame(format!("missing string field `{field}`")))
}

/// Reads a user id, which servers send as a string and occasionally as a number.
fn user_id_field(data: &Value, field: &str) -> Result<String, Error> {
    match data.get(field) {
        Some(Value::String(id)) => Ok(id.clone()),
        Some(Value::Number(id)) => Ok(id.to_string()),
        _ => Err(Error::MalformedFrame(format!(
            "missing user id field `{field}`"
        ))),
    }
}

/// The channel a message must carry.
fn required_channel(frame: &Frame) -> Result<String, Error> {
    frame
        .channel
        .clone()
        .ok_or_else(|| Error::MalformedFrame(format!("`{}` without a channel", frame.event)))
}
