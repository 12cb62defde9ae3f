//! Messages from the client to the server.

use super::encode;
use super::names::ProtocolEvent;
use crate::json::{JsonText, ObjectWriter};
use crate::prelude::*;

/// A frame the client sends, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// `pusher:subscribe`, with `auth` for authorized channels and `channel_data` for presence.
    Subscribe {
        /// The channel.
        channel: String,
        /// `KEY:SIGNATURE`, or empty for the server-to-user channel.
        auth: Option<String>,
        /// The presence member data, a JSON string.
        channel_data: Option<String>,
    },
    /// `pusher:unsubscribe`.
    Unsubscribe {
        /// The channel.
        channel: String,
    },
    /// `pusher:ping`.
    Ping,
    /// `pusher:pong`.
    Pong,
    /// `pusher:signin`.
    Signin {
        /// `KEY:SIGNATURE` over the socket id and `user_data`.
        auth: String,
        /// The user data, a JSON string with at least `id`.
        user_data: String,
    },
    /// A client event (`client-*`) on a private or presence channel.
    ClientEvent {
        /// The event name.
        event: String,
        /// The channel.
        channel: String,
        /// The payload.
        data: JsonText,
    },
}

impl ClientMessage {
    /// Writes the frame exactly as pusher-js does (`data` as an object).
    pub fn to_json(&self) -> String {
        let (event, data) = match self {
            ClientMessage::Subscribe {
                channel,
                auth,
                channel_data,
            } => (
                ProtocolEvent::Subscribe,
                ObjectWriter::new()
                    .string("channel", channel)
                    .string_if("auth", auth.as_deref())
                    .string_if("channel_data", channel_data.as_deref())
                    .finish(),
            ),
            ClientMessage::Unsubscribe { channel } => (
                ProtocolEvent::Unsubscribe,
                ObjectWriter::new().string("channel", channel).finish(),
            ),
            ClientMessage::Ping => (ProtocolEvent::Ping, "{}".to_owned()),
            ClientMessage::Pong => (ProtocolEvent::Pong, "{}".to_owned()),
            ClientMessage::Signin { auth, user_data } => (
                ProtocolEvent::Signin,
                ObjectWriter::new()
                    .string("auth", auth)
                    .string("user_data", user_data)
                    .finish(),
            ),
            ClientMessage::ClientEvent {
                event,
                channel,
                data,
            } => return encode(event, Some(channel), Some(data.as_str()), None),
        };
        encode(event.name(), None, Some(&data), None)
    }
}
