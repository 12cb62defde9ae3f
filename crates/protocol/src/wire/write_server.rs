//! Writing what a server sends: the server's half of [`ServerMessage`] (the `server` feature).

use super::names::ProtocolEvent;
use super::{PresenceData, ServerMessage, encode};
use crate::json::{JsonText, ObjectWriter, string_array};
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
    fn fields(&self) -> (&str, Option<&str>, Option<String>, Option<&str>) {
        use ProtocolEvent as P;
        match self {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => {
                let data = ObjectWriter::new()
                    .string("socket_id", socket_id)
                    .number_or_null("activity_timeout", *activity_timeout);
                (P::ConnectionEstablished.name(), None, as_string(data), None)
            }
            ServerMessage::Error { code, message } => {
                let data = ObjectWriter::new()
                    .string("message", message)
                    .number_or_null("code", code.map(u64::from));
                (P::Error.name(), None, Some(data.finish()), None)
            }
            ServerMessage::Ping => (P::Ping.name(), None, Some("{}".to_owned()), None),
            ServerMessage::Pong => (P::Pong.name(), None, Some("{}".to_owned()), None),
            ServerMessage::SubscriptionSucceeded { channel, presence } => {
                let data = match presence {
                    Some(p) => ObjectWriter::new().raw("presence", &p.to_json()),
                    None => ObjectWriter::new(),
                };
                (
                    P::SubscriptionSucceeded.name(),
                    Some(channel),
                    as_string(data),
                    None,
                )
            }
            ServerMessage::SubscriptionError { channel, error } => (
                P::SubscriptionError.name(),
                Some(channel),
                Some(error.to_json()),
                None,
            ),
            ServerMessage::SubscriptionCount { channel, count } => {
                let data = ObjectWriter::new().number("subscription_count", *count);
                (
                    P::SubscriptionCount.name(),
                    Some(channel),
                    as_string(data),
                    None,
                )
            }
            ServerMessage::CacheMiss { channel } => {
                (P::CacheMiss.name(), Some(channel), None, None)
            }
            ServerMessage::MemberAdded {
                channel,
                user_id,
                user_info,
            } => {
                let data = ObjectWriter::new()
                    .string("user_id", user_id)
                    .raw("user_info", user_info.as_str());
                (P::MemberAdded.name(), Some(channel), as_string(data), None)
            }
            ServerMessage::MemberRemoved { channel, user_id } => {
                let data = ObjectWriter::new().string("user_id", user_id);
                (
                    P::MemberRemoved.name(),
                    Some(channel),
                    as_string(data),
                    None,
                )
            }
            ServerMessage::SigninSuccess { user_data } => {
                let data = ObjectWriter::new().string("user_data", user_data);
                (P::SigninSuccess.name(), None, Some(data.finish()), None)
            }
            ServerMessage::Watchlist(events) => {
                (P::Watchlist.name(), None, Some(watchlist(events)), None)
            }
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
fn event_data(data: &JsonText) -> Option<String> {
    let json = data.json();
    if json.is_null() {
        None
    } else if json.is_string() {
        Some(data.as_str().to_owned())
    } else {
        Some(JsonText::string(data.as_str()).as_str().to_owned())
    }
}
