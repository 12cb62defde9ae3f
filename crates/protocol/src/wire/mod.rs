//! The wire format: JSON text frames, parsed leniently like pusher-js and written exactly like
//! PROTOCOL.md shows them.
//!
//! [`Frame`] is the raw envelope; [`ServerMessage`] and [`ClientMessage`] are the typed messages in
//! each direction, each of which can be parsed from and written to a frame (the client parses
//! server messages, the local server parses client messages).

use crate::prelude::*;
mod client;
mod server;

pub use client::ClientMessage;
pub use server::{PresenceData, ServerMessage, WatchlistEvent, WatchlistEventKind};

use crate::Error;
use crate::json::Value;

/// The largest frame the core parses. Pusher limits event data to 10 KB; presence
/// `subscription_succeeded` with a large member list is the biggest legitimate frame.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// The envelope of every frame: `{"event", "channel"?, "data"?, "user_id"?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The event name, such as `pusher:ping` or `new-message`.
    pub event: String,
    /// The channel the event belongs to, if any.
    pub channel: Option<String>,
    /// The payload as sent: often a string holding JSON, sometimes an object, sometimes absent.
    pub data: Option<Value>,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

impl Frame {
    /// Parses a text frame. Anything that is not a JSON object with a string `event` is an
    /// [`Error::MalformedFrame`].
    pub fn parse(text: &str) -> Result<Frame, Error> {
        if text.len() > MAX_FRAME_BYTES {
            return Err(malformed("the frame is over the 1 MiB limit"));
        }
        let value = Value::parse(text).map_err(|e| malformed(e.reason))?;
        let Value::Object(mut map) = value else {
            return Err(malformed("the frame is not a JSON object"));
        };
        let mut text_field = |name: &str| match map.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(malformed("a frame field that must be a string is not")),
        };
        let event = text_field("event")?.ok_or_else(|| malformed("the frame has no `event`"))?;
        let channel = text_field("channel")?;
        let user_id = text_field("user_id")?;
        Ok(Frame {
            event,
            channel,
            data: map.remove("data"),
            user_id,
        })
    }

    /// The payload decoded like pusher-js: a string is parsed as JSON when it is JSON and kept as a
    /// string otherwise; an absent payload is `null`.
    pub fn decoded_data(&self) -> Value {
        decode_data(self.data.as_ref())
    }
}

/// A [`Error::MalformedFrame`] with a fixed reason.
fn malformed(reason: &str) -> Error {
    Error::MalformedFrame(reason.to_owned())
}

/// Decodes a frame's `data` like pusher-js: JSON inside a string is parsed, anything else is kept.
pub fn decode_data(data: Option<&Value>) -> Value {
    match data {
        None => Value::Null,
        Some(Value::String(text)) => {
            Value::parse(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(other) => other.clone(),
    }
}

/// Writes a frame with fields in protocol order. `data` is written as given: a string (already
/// JSON-encoded, for server-to-client payloads) or an object.
fn encode(
    event: &str,
    channel: Option<&str>,
    data: Option<Value>,
    user_id: Option<&str>,
) -> String {
    let mut fields = vec![("event", Value::from(event))];
    if let Some(channel) = channel {
        fields.push(("channel", channel.into()));
    }
    if let Some(data) = data {
        fields.push(("data", data));
    }
    if let Some(user_id) = user_id {
        fields.push(("user_id", user_id.into()));
    }
    Value::object(fields).to_json()
}

/// Reads a field that must be a string.
fn str_field(data: &Value, field: &str) -> Result<String, Error> {
    data.get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| missing(field))
}

/// Reads a user id, which servers send as a string and occasionally as a number.
fn user_id_field(data: &Value, field: &str) -> Result<String, Error> {
    match data.get(field) {
        Some(Value::String(id)) => Ok(id.clone()),
        Some(Value::Number(id)) => Ok(id.as_str().to_owned()),
        _ => Err(missing(field)),
    }
}

/// A [`Error::MalformedFrame`] naming a missing field.
fn missing(field: &str) -> Error {
    let mut reason = "missing field `".to_owned();
    reason.push_str(field);
    reason.push('`');
    Error::MalformedFrame(reason)
}

/// The channel a message must carry.
fn required_channel(frame: &Frame) -> Result<String, Error> {
    frame.channel.clone().ok_or_else(|| {
        let mut reason = frame.event.clone();
        reason.push_str(" without a channel");
        Error::MalformedFrame(reason)
    })
}
