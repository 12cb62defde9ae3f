//! Messages from the client to the server.

use super::names::ProtocolEvent;
use super::{Frame, encode, required_channel, str_field};
use crate::Error;
use crate::json::{Json, JsonText, ObjectWriter};
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
    /// Parses a text frame from a client (what a server does).
    pub fn parse(text: &str) -> Result<ClientMessage, Error> {
        Self::from_frame(Frame::parse(text)?)
    }

    /// Types a parsed frame from a client.
    pub fn from_frame(frame: Frame<'_>) -> Result<ClientMessage, Error> {
        let decoded = frame.decoded_data();
        let data = decoded.json();
        let optional = |field: &str| data.get(field).and_then(Json::to_string_value);
        let message = match ProtocolEvent::named(&frame.event) {
            Some(ProtocolEvent::Subscribe) => ClientMessage::Subscribe {
                channel: str_field(data, "channel")?,
                auth: optional("auth"),
                channel_data: optional("channel_data"),
            },
            Some(ProtocolEvent::Unsubscribe) => ClientMessage::Unsubscribe {
                channel: str_field(data, "channel")?,
            },
            Some(ProtocolEvent::Ping) => ClientMessage::Ping,
            Some(ProtocolEvent::Pong) => ClientMessage::Pong,
            Some(ProtocolEvent::Signin) => ClientMessage::Signin {
                auth: str_field(data, "auth")?,
                user_data: str_field(data, "user_data")?,
            },
            None if frame.event.starts_with("client-") => ClientMessage::ClientEvent {
                channel: required_channel(&frame)?,
                event: frame.event,
                data: decoded,
            },
            // What only a server sends, and events the protocol does not define.
            Some(
                ProtocolEvent::ConnectionEstablished
                | ProtocolEvent::Error
                | ProtocolEvent::SubscriptionSucceeded
                | ProtocolEvent::SubscriptionError
                | ProtocolEvent::SubscriptionCount
                | ProtocolEvent::CacheMiss
                | ProtocolEvent::MemberAdded
                | ProtocolEvent::MemberRemoved
                | ProtocolEvent::SigninSuccess
                | ProtocolEvent::Watchlist,
            )
            | None => {
                return Err(Error::MalformedFrame(
                    "unexpected event from a client".to_owned(),
                ));
            }
        };
        Ok(message)
    }

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
