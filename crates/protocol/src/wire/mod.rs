//! The wire format: JSON text frames, parsed leniently like pusher-js and written exactly like
//! docs/protocol.md shows them.
//!
//! [`Frame`] is the raw envelope; [`ServerMessage`] and [`ClientMessage`] are the typed messages in
//! each direction. A client parses server messages and writes client messages; the halves a
//! server needs (parsing client messages, writing server messages) come with the `server`
//! feature.

use crate::prelude::*;
mod client;
mod names;
#[cfg(feature = "server")]
mod read_client;
mod server;
#[cfg(feature = "server")]
mod write_server;

pub use client::ClientMessage;
pub use server::{ChannelMessage, PresenceData, ServerMessage, WatchlistEvent, WatchlistEventKind};

use crate::Error;
use crate::json::{Json, JsonText, ObjectWriter, Payload, StringLiteral};

/// The largest frame the core parses. Pusher limits event data to 10 KB; presence
/// `subscription_succeeded` with a large member list is the biggest legitimate frame.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// The envelope of every frame: `{"event", "channel"?, "data"?, "user_id"?}`, read in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// The event name, such as `pusher:ping` or `new-message`.
    pub event: String,
    /// The channel the event belongs to, if any.
    pub channel: Option<String>,
    /// The payload as sent: often a string holding JSON, sometimes an object, sometimes absent.
    pub data: Option<Json<'a>>,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
    /// Where `data` starts in the frame's text, in bytes.
    data_at: usize,
}

impl<'a> Frame<'a> {
    /// Parses a text frame. Anything that is not a JSON object with a string `event` is an
    /// [`Error::MalformedFrame`]. A repeated field reads as its last value, as in `JSON.parse`.
    pub fn parse(text: &'a str) -> Result<Frame<'a>, Error> {
        if text.len() > MAX_FRAME_BYTES {
            return Err(malformed("the frame is over the 1 MiB limit"));
        }
        let (mut event, mut channel, mut data, mut user_id) = (None, None, None, None);
        // One pass over the text checks it and finds the fields: the payload, usually most of
        // the frame, is stepped over once. A repeated field reads as its last value.
        Json::parse_object(text, &mut |key, value| match &*key {
            "event" => event = Some(value),
            "channel" => channel = Some(value),
            "data" => data = Some(value),
            "user_id" => user_id = Some(value),
            _ => {}
        })
        .map_err(|e| malformed(e.reason))?;
        let text_field = |value: Option<Json<'_>>| match value {
            Some(value) if !value.is_null() => value
                .to_string_value()
                .map(Some)
                .ok_or_else(|| malformed("a frame field that must be a string is not")),
            _ => Ok(None),
        };
        let frame = Frame {
            event: text_field(event)?.ok_or_else(|| malformed("the frame has no `event`"))?,
            channel: text_field(channel)?,
            // `data` is a slice of `text`, so the distance between their starts is its place.
            data_at: data.map_or(0, |data: Json<'_>| {
                (data.as_text().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
            }),
            data,
            user_id: text_field(user_id)?,
        };
        Ok(frame)
    }

    /// The payload as an event passes it on: a string left as its literal, for the reader to
    /// decode.
    pub fn payload(&self) -> Payload {
        match self.data {
            None => Payload::Absent,
            Some(data) if data.is_string() => {
                Payload::Literal(StringLiteral::new(data, self.data_at))
            }
            Some(data) => Payload::Json(JsonText::from(data)),
        }
    }

    /// The payload decoded like pusher-js: a string is parsed as JSON when it is JSON and kept as a
    /// string otherwise; an absent payload is `null`.
    pub fn decoded_data(&self) -> JsonText {
        self.data.map_or_else(JsonText::null, JsonText::decode_data)
    }
}

/// A [`Error::MalformedFrame`] with a fixed reason.
fn malformed(reason: &str) -> Error {
    Error::MalformedFrame(reason.to_owned())
}

/// Writes a frame with fields in protocol order. `data` is JSON text written as given: a string
/// (already JSON-encoded, for server-to-client payloads) or an object.
fn encode(event: &str, channel: Option<&str>, data: Option<&str>, user_id: Option<&str>) -> String {
    let mut frame = ObjectWriter::new()
        .string("event", event)
        .string_if("channel", channel);
    if let Some(data) = data {
        frame = frame.raw("data", data);
    }
    frame.string_if("user_id", user_id).finish()
}

/// Reads a field that must be a string.
fn str_field(data: Json<'_>, field: &str) -> Result<String, Error> {
    data.get(field)
        .and_then(Json::to_string_value)
        .ok_or_else(|| missing(field))
}

/// Reads a user id, which servers send as a string and occasionally as a number.
fn user_id_field(data: Json<'_>, field: &str) -> Result<String, Error> {
    data.get(field)
        .and_then(Json::as_id)
        .ok_or_else(|| missing(field))
}

/// A [`Error::MalformedFrame`] naming a missing field.
fn missing(field: &str) -> Error {
    Error::MalformedFrame(["missing field `", field, "`"].concat())
}

/// The channel a message must carry.
fn required_channel(frame: &Frame<'_>) -> Result<String, Error> {
    frame
        .channel
        .clone()
        .ok_or_else(|| Error::MalformedFrame([frame.event.as_str(), " without a channel"].concat()))
}
