//! Messages from the client to the server.

use super::{Frame, encode, required_channel, str_field};
use crate::Error;
use crate::json::{Map, Value};
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
        data: Value,
    },
}

impl ClientMessage {
    /// Parses a text frame from a client (what a server does).
    pub fn parse(text: &str) -> Result<ClientMessage, Error> {
        Self::from_frame(Frame::parse(text)?)
    }

    /// Types a parsed frame from a client.
    pub fn from_frame(frame: Frame) -> Result<ClientMessage, Error> {
        let data = frame.decoded_data();
        let optional = |field: &str| data.get(field).and_then(Value::as_str).map(str::to_owned);
        let message = match frame.event.as_str() {
            "pusher:subscribe" => ClientMessage::Subscribe {
                channel: str_field(&data, "channel")?,
                auth: optional("auth"),
                channel_data: optional("channel_data"),
            },
            "pusher:unsubscribe" => ClientMessage::Unsubscribe {
                channel: str_field(&data, "channel")?,
            },
            "pusher:ping" => ClientMessage::Ping,
            "pusher:pong" => ClientMessage::Pong,
            "pusher:signin" => ClientMessage::Signin {
                auth: str_field(&data, "auth")?,
                user_data: str_field(&data, "user_data")?,
            },
            event if event.starts_with("client-") => ClientMessage::ClientEvent {
                channel: required_channel(&frame)?,
                event: frame.event,
                data,
            },
            _ => {
                return Err(Error::MalformedFrame(
                    "unexpected event from a client".to_owned(),
                ));
            }
        };
        Ok(message)
    }

    /// Writes the frame exactly as pusher-js does (`data` as an object).
    pub fn to_json(&self) -> String {
        let text = |s: &str| Value::from(s);
        match self {
            ClientMessage::Subscribe {
                channel,
                auth,
                channel_data,
            } => {
                let mut data = vec![("channel", text(channel))];
                if let Some(auth) = auth {
                    data.push(("auth", text(auth)));
                }
                if let Some(channel_data) = channel_data {
                    data.push(("channel_data", text(channel_data)));
                }
                encode("pusher:subscribe", None, Some(Value::object(data)), None)
            }
            ClientMessage::Unsubscribe { channel } => encode(
                "pusher:unsubscribe",
                None,
                Some(Value::fields(vec![("channel", text(channel))])),
                None,
            ),
            ClientMessage::Ping => encode("pusher:ping", None, Some(Map::new().into()), None),
            ClientMessage::Pong => encode("pusher:pong", None, Some(Map::new().into()), None),
            ClientMessage::Signin { auth, user_data } => encode(
                "pusher:signin",
                None,
                Some(Value::fields(vec![
                    ("auth", text(auth)),
                    ("user_data", text(user_data)),
                ])),
                None,
            ),
            ClientMessage::ClientEvent {
                event,
                channel,
                data,
            } => encode(event, Some(channel), Some(data.clone()), None),
        }
    }
}
