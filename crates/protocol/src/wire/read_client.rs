//! Reading what a client sends: the server's half of [`ClientMessage`] (the `server` feature).

use super::names::ProtocolEvent;
use super::{ClientMessage, Frame, str_field, take_channel};
use crate::Error;
use crate::json::Json;
use crate::prelude::*;

impl ClientMessage {
    /// Parses a text frame from a client (what a server does).
    pub fn parse(text: &str) -> Result<ClientMessage, Error> {
        Self::from_frame(Frame::parse(text)?)
    }

    /// Types a parsed frame from a client.
    pub fn from_frame(mut frame: Frame<'_>) -> Result<ClientMessage, Error> {
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
                channel: take_channel(&mut frame)?,
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
}
