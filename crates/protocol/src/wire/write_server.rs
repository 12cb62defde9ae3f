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
        // The payload of an internal event: its JSON written into a string.
        let internal = |event: ProtocolEvent, channel: &str, data: &str| {
            encode(
                event.name(),
                Some(channel),
                Some(JsonText::string(data).as_str()),
                None,
            )
        };
        match self {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => {
                let data = ObjectWriter::new()
                    .string("socket_id", socket_id)
                    .number_or_null("activity_timeout", *activity_timeout)
                    .finish();
                let data = JsonText::string(&data);
                encode(
                    ProtocolEvent::ConnectionEstablished.name(),
                    None,
                    Some(data.as_str()),
                    None,
                )
            }
            ServerMessage::Error { code, message } => {
                let data = ObjectWriter::new()
                    .string("message", message)
                    .number_or_null("code", code.map(u64::from))
                    .finish();
                encode(ProtocolEvent::Error.name(), None, Some(&data), None)
            }
            ServerMessage::Ping => encode(ProtocolEvent::Ping.name(), None, Some("{}"), None),
            ServerMessage::Pong => encode(ProtocolEvent::Pong.name(), None, Some("{}"), None),
            ServerMessage::SubscriptionSucceeded { channel, presence } => {
                let data = match presence {
                    Some(p) => ObjectWriter::new().raw("presence", &p.to_json()).finish(),
                    None => "{}".to_owned(),
                };
                internal(ProtocolEvent::SubscriptionSucceeded, channel, &data)
            }
            ServerMessage::SubscriptionError { channel, error } => encode(
                ProtocolEvent::SubscriptionError.name(),
                Some(channel),
                Some(&error.to_json()),
                None,
            ),
            ServerMessage::SubscriptionCount { channel, count } => internal(
                ProtocolEvent::SubscriptionCount,
                channel,
                &ObjectWriter::new()
                    .number("subscription_count", *count)
                    .finish(),
            ),
            ServerMessage::CacheMiss { channel } => {
                encode(ProtocolEvent::CacheMiss.name(), Some(channel), None, None)
            }
            ServerMessage::MemberAdded {
                channel,
                user_id,
                user_info,
            } => internal(
                ProtocolEvent::MemberAdded,
                channel,
                &ObjectWriter::new()
                    .string("user_id", user_id)
                    .raw("user_info", user_info.as_str())
                    .finish(),
            ),
            ServerMessage::MemberRemoved { channel, user_id } => internal(
                ProtocolEvent::MemberRemoved,
                channel,
                &ObjectWriter::new().string("user_id", user_id).finish(),
            ),
            ServerMessage::SigninSuccess { user_data } => encode(
                ProtocolEvent::SigninSuccess.name(),
                None,
                Some(&ObjectWriter::new().string("user_data", user_data).finish()),
                None,
            ),
            ServerMessage::Watchlist(events) => {
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
                let data = ObjectWriter::new().raw("events", &list).finish();
                encode(ProtocolEvent::Watchlist.name(), None, Some(&data), None)
            }
            ServerMessage::Event {
                event,
                channel,
                data,
                user_id,
            } => {
                let json = data.json();
                let data = if json.is_null() {
                    None
                } else if json.is_string() {
                    Some(data.clone())
                } else {
                    Some(JsonText::string(data.as_str()))
                };
                encode(
                    event,
                    channel.as_deref(),
                    data.as_ref().map(JsonText::as_str),
                    user_id.as_deref(),
                )
            }
        }
    }
}
