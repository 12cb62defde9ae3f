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

use core::fmt;

use crate::json::{Json, JsonText, ObjectWriter, Payload, StringLiteral};
use crate::{Access, ChannelKind, Error};

/// The largest frame the core parses. Pusher limits event data to 10 KB; presence
/// `subscription_succeeded` with a large member list is the biggest legitimate frame.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// Whether `id` has a socket id's shape, `^\d+\.\d+$`: what a client accepts in the handshake,
/// and what a backend signs auth for.
pub fn is_socket_id(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    id.split_once('.')
        .is_some_and(|(a, b)| digits(a) && digits(b))
}

/// The envelope of every frame: `{"event", "channel"?, "data"?, "user_id"?}`, read in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// The event name, such as `pusher:ping` or `new-message`.
    pub event: String,
    /// The channel the event belongs to, if any.
    pub channel: Option<String>,
    /// The payload as sent: often a string holding JSON, sometimes an object, sometimes absent.
    data: Option<FrameData<'a>>,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

/// Where a frame's `data` is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FrameData<'a> {
    /// In the frame's text.
    InText(Json<'a>),
    /// A string the driver read out of the frame itself ([`Envelope`]).
    Kept(KeptData<'a>),
}

/// A frame that a driver has read as JSON itself, in a browser's `JSON.parse`, which takes less
/// time than copying the frame into wasm and reading it there. It is a JSON object whose `event`
/// is a string, whose `channel` and `user_id` are strings or absent, and whose `data` is a string
/// or absent, of at most [`MAX_FRAME_BYTES`]; any other frame is read as text
/// ([`Connection::handle_message`](crate::Connection::handle_message)).
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// The event name.
    pub event: String,
    /// The channel, if any.
    pub channel: Option<String>,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
    /// The string `data`, if any.
    pub data: Option<KeptData<'a>>,
}

/// A string `data` the driver keeps in the frame it read (see [`Envelope`]): a number the driver
/// finds it again by, which an event that passes it on carries ([`Payload::Kept`]), and its text,
/// asked for only when the core reads it (the protocol's own events, encrypted channels).
#[derive(Clone, Copy)]
pub struct KeptData<'a> {
    /// The driver's number for the frame.
    pub id: u32,
    /// The string's text.
    pub text: &'a dyn Fn() -> String,
}

impl fmt::Debug for KeptData<'_> {
    /// Its number (the text is a function).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("KeptData").field(&self.id).finish()
    }
}

impl PartialEq for KeptData<'_> {
    /// The same data when the driver numbered it the same.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
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
            data: data.map(FrameData::InText),
            user_id: text_field(user_id)?,
        };
        Ok(frame)
    }

    /// The frame a driver read itself.
    pub fn from_envelope(envelope: Envelope<'a>) -> Frame<'a> {
        Frame {
            event: envelope.event,
            channel: envelope.channel,
            data: envelope.data.map(FrameData::Kept),
            user_id: envelope.user_id,
        }
    }

    /// Whether the frame has a `data`.
    pub fn has_data(&self) -> bool {
        self.data.is_some()
    }

    /// The payload as an event passes it on: a string left as its literal, for the reader to
    /// decode, or where the driver keeps it. Data the core decrypts is read now.
    pub fn payload(&self) -> Payload {
        match self.data {
            None => Payload::Absent,
            Some(FrameData::InText(json)) if json.is_string() => {
                Payload::Literal(StringLiteral::new(json))
            }
            Some(FrameData::InText(json)) => Payload::Json(JsonText::from(json)),
            Some(FrameData::Kept(kept)) if self.is_encrypted() => {
                Payload::Json(JsonText::decode((kept.text)()))
            }
            Some(FrameData::Kept(kept)) => Payload::Kept(kept.id),
        }
    }

    /// Whether the frame is on an encrypted channel, whose events' data the core decrypts. By
    /// its name, as `Subscriptions::event` decides (`ChannelKind::of` gives a subscribed
    /// channel's access); a kept data it does read would decode as `null` and fail to decrypt.
    fn is_encrypted(&self) -> bool {
        self.channel
            .as_deref()
            .is_some_and(|name| ChannelKind::of(name).access == Access::Encrypted)
    }

    /// The payload decoded like pusher-js: a string is parsed as JSON when it is JSON and kept as a
    /// string otherwise; an absent payload is `null`.
    pub fn decoded_data(&self) -> JsonText {
        match self.data {
            None => JsonText::null(),
            Some(FrameData::InText(json)) => JsonText::decode_data(json),
            Some(FrameData::Kept(kept)) => JsonText::decode((kept.text)()),
        }
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

/// A [`Error::MalformedFrame`] naming a missing field.
fn missing(field: &str) -> Error {
    Error::MalformedFrame(["missing field `", field, "`"].concat())
}

/// The channel a message must carry, taken out of its frame.
fn take_channel(frame: &mut Frame<'_>) -> Result<String, Error> {
    frame
        .channel
        .take()
        .ok_or_else(|| Error::MalformedFrame([frame.event.as_str(), " without a channel"].concat()))
}
