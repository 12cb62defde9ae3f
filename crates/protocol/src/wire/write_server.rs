//! Writing what a server sends: the server's half of [`ServerMessage`] (the `server` feature).

use super::names::ProtocolEvent;
use super::{ChannelMessage, PresenceData, ServerMessage, encode};
use crate::json::{JsonText, ObjectWriter, Payload, string_array};
use crate::prelude::*;

impl PresenceData {
    /// `{"ids", "hash", "count"}`.
    pub fn to_json(&self) -> String {
        let mut hash = ObjectWriter::new();
        for (id, info) in &self.hash {
            hash = hash.raw(id, info.as_str());
        }
        ObjectWriter::new()
            .raw("ids", &string_array(&self.ids))
            .raw("hash", &hash.finish())
            .number("count", self.count)
            .finish()
    }
}

impl ServerMessage {
    /// Writes the frame as Pusher does: payloads of internal events as JSON strings, error payloads
    /// as objects, fields in the order docs/protocol.md shows.
    pub fn to_json(&self) -> String {
        let (event, channel, data, user_id) = self.fields();
        encode(event, channel, data.as_deref(), user_id)
    }

    /// The frame's event name, channel, payload (JSON text, as it goes in `data`) and sender.
    fn fields(&self) -> Fields<'_> {
        use ProtocolEvent as P;
        match self {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => {
                let data = ObjectWriter::new()
                    .string("socket_id", socket_id)
                    .number_or_null("activity_timeout", *activity_timeout);
                global(P::ConnectionEstablished, as_string(data))
            }
            ServerMessage::Error { code, message } => {
                let data = ObjectWriter::new()
                    .string("message", message)
                    .number_or_null("code", code.map(u64::from));
                global(P::Error, Some(data.finish()))
            }
            ServerMessage::Ping => global(P::Ping, Some("{}".to_owned())),
            ServerMessage::Pong => global(P::Pong, Some("{}".to_owned())),
            ServerMessage::Channel { channel, message } => message.fields(channel),
            ServerMessage::SigninSuccess { user_data } => {
                let data = ObjectWriter::new().string("user_data", user_data);
                global(P::SigninSuccess, Some(data.finish()))
            }
            ServerMessage::Watchlist(events) => global(P::Watchlist, Some(watchlist(events))),
            ServerMessage::Event {
                event,
                channel,
                data,
                user_id,
            } => (
                event,
                channel.as_deref(),
                event_data(data),
                user_id.as_deref(),
            ),
        }
    }
}

impl ChannelMessage {
    /// The frame's fields for this message about `channel`.
    fn fields<'a>(&self, channel: &'a str) -> Fields<'a> {
        use ProtocolEvent as P;
        match self {
            ChannelMessage::SubscriptionSucceeded { presence } => {
                let data = match presence {
                    Some(p) => ObjectWriter::new().raw("presence", &p.to_json()),
                    None => ObjectWriter::new(),
                };
                on(P::SubscriptionSucceeded, channel, as_string(data))
            }
            ChannelMessage::SubscriptionError(error) => {
                on(P::SubscriptionError, channel, Some(error.to_json()))
            }
            ChannelMessage::SubscriptionCount(count) => {
                let data = ObjectWriter::new().number("subscription_count", *count);
                on(P::SubscriptionCount, channel, as_string(data))
            }
            ChannelMessage::CacheMiss => on(P::CacheMiss, channel, None),
            ChannelMessage::MemberAdded { user_id, user_info } => {
                let data = ObjectWriter::new()
                    .string("user_id", user_id)
                    .raw("user_info", user_info.as_str());
                on(P::MemberAdded, channel, as_string(data))
            }
            ChannelMessage::MemberRemoved { user_id } => {
                let data = ObjectWriter::new().string("user_id", user_id);
                on(P::MemberRemoved, channel, as_string(data))
            }
        }
    }
}

/// A frame's event name, channel, payload and sender.
type Fields<'a> = (&'a str, Option<&'a str>, Option<String>, Option<&'a str>);

/// The fields of a protocol event on no channel.
fn global(event: ProtocolEvent, data: Option<String>) -> Fields<'static> {
    (event.name(), None, data, None)
}

/// The fields of a protocol event on `channel`.
fn on(event: ProtocolEvent, channel: &str, data: Option<String>) -> Fields<'_> {
    (event.name(), Some(channel), data, None)
}

/// An internal event's payload: its JSON written into a string, as Pusher sends it.
fn as_string(data: ObjectWriter) -> Option<String> {
    Some(JsonText::string(&data.finish()).as_str().to_owned())
}

/// `{"events": [{"name", "user_ids"}, …]}`.
fn watchlist(events: &[super::WatchlistEvent]) -> String {
    let mut list = String::from("[");
    for event in events {
        if list.len() > 1 {
            list.push(',');
        }
        let entry = ObjectWriter::new()
            .string("name", event.kind.as_str())
            .raw("user_ids", &string_array(&event.user_ids))
            .finish();
        list.push_str(&entry);
    }
    list.push(']');
    ObjectWriter::new().raw("events", &list).finish()
}

/// An event's payload as it goes on the wire: absent when null, a string as it is, anything
/// else written into a string.
fn event_data(data: &Payload) -> Option<String> {
    let data = match data {
        // A literal is already the string the frame carries.
        Payload::Literal(literal) => return Some(literal.as_str().to_owned()),
        Payload::Json(data) => data,
        Payload::Absent | Payload::Kept(_) => return None,
    };
    let json = data.json();
    if json.is_null() {
        None
    } else if json.is_string() {
        Some(data.as_str().to_owned())
    } else {
        Some(JsonText::string(data.as_str()).as_str().to_owned())
    }
}
