//! Messages from the server to the client.

use super::names::ProtocolEvent;
use super::{Frame, missing, str_field, take_channel};
use crate::Error;
use crate::auth::AuthError;
use crate::json::{Json, JsonText, Payload};
use crate::prelude::*;

/// A frame the server sends, typed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerMessage {
    /// `pusher:connection_established`: the handshake.
    ConnectionEstablished {
        /// The socket id, `^\d+\.\d+$` when valid.
        socket_id: String,
        /// The server's activity timeout in seconds (`None` when absent or not a number).
        activity_timeout: Option<u64>,
    },
    /// `pusher:error`, with a code that may be null or absent.
    Error {
        /// The error code.
        code: Option<u16>,
        /// The message text.
        message: String,
    },
    /// `pusher:ping`.
    Ping,
    /// `pusher:pong` (with or without data).
    Pong,
    /// A protocol message about one channel: the frame's `channel`, which these must have.
    Channel {
        /// The frame's `channel`.
        channel: String,
        /// What it says about the channel.
        message: ChannelMessage,
    },
    /// `pusher:signin_success`.
    SigninSuccess {
        /// The signed user data, a JSON string with at least `id`.
        user_data: String,
    },
    /// `pusher_internal:watchlist_events`.
    Watchlist(Vec<WatchlistEvent>),
    /// Any other event: a channel event, a client event, a server-to-user event, or an unknown
    /// connection-level event.
    Event {
        /// The event name.
        event: String,
        /// The channel, if any.
        channel: Option<String>,
        /// The payload: a string `data` read from a frame stays its literal, undecoded.
        data: Payload,
        /// The sender, for client events on presence channels.
        user_id: Option<String>,
    },
}

/// What a protocol message says about its channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChannelMessage {
    /// `pusher_internal:subscription_succeeded`, with members on presence channels.
    SubscriptionSucceeded {
        /// The member list, present on presence channels.
        presence: Option<PresenceData>,
    },
    /// `pusher:subscription_error`: what went wrong.
    SubscriptionError(AuthError),
    /// `pusher_internal:subscription_count`: how many connections are subscribed.
    SubscriptionCount(u64),
    /// `pusher:cache_miss`: a cache channel had no last event.
    CacheMiss,
    /// `pusher_internal:member_added`, on a presence channel.
    MemberAdded {
        /// The member's id.
        user_id: String,
        /// The member's info (`null` when none).
        user_info: JsonText,
    },
    /// `pusher_internal:member_removed`, on a presence channel.
    MemberRemoved {
        /// The member's id.
        user_id: String,
    },
}

impl ChannelMessage {
    /// The message about `channel`.
    pub fn on(self, channel: impl Into<String>) -> ServerMessage {
        ServerMessage::Channel {
            channel: channel.into(),
            message: self,
        }
    }
}

/// The members part of a presence `subscription_succeeded`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PresenceData {
    /// Member ids, in the server's order.
    pub ids: Vec<String>,
    /// Member id to info, in the server's order.
    pub hash: Vec<(String, JsonText)>,
    /// The member count the server reports.
    pub count: u64,
}

impl PresenceData {
    /// Reads `{ids, hash, count}`; each may be missing. Ids may be strings or numbers.
    pub fn from_json(json: Json<'_>) -> Result<Self, Error> {
        if !json.is_object() {
            return Err(Error::MalformedFrame(
                "presence data is not an object".to_owned(),
            ));
        }
        let mut data = PresenceData::default();
        for (key, value) in json.entries() {
            match &*key {
                "ids" => data.ids = value.items().filter_map(Json::as_id).collect(),
                "hash" => {
                    data.hash.clear();
                    for (id, info) in value.entries() {
                        data.hash.push((id.into_owned(), JsonText::from(info)));
                    }
                }
                "count" => data.count = value.as_u64().unwrap_or(0),
                _ => {}
            }
        }
        Ok(data)
    }
}

/// One entry of a watchlist event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchlistEvent {
    /// Online or offline.
    pub kind: WatchlistEventKind,
    /// The users it is about.
    pub user_ids: Vec<String>,
}

/// Whether watched users came online or went offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchlistEventKind {
    /// The users came online.
    Online,
    /// The users went offline.
    Offline,
}

impl WatchlistEventKind {
    /// The name used on the wire and for user events: `online` or `offline`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Offline => "offline",
        }
    }
}

impl ServerMessage {
    /// Parses a text frame from the server.
    pub fn parse(text: &str) -> Result<ServerMessage, Error> {
        Self::from_frame(Frame::parse(text)?)
    }

    /// Types a parsed frame. Over 60 lines: one arm per server message.
    pub fn from_frame(mut frame: Frame<'_>) -> Result<ServerMessage, Error> {
        let known = ProtocolEvent::named(&frame.event);
        // The data of an event the protocol defines is read here; any other passes on undecoded.
        let decoded = known.map(|_| frame.decoded_data());
        let data = decoded
            .as_ref()
            .map_or(Json::trusted("null"), JsonText::json);
        let message = match known {
            Some(ProtocolEvent::ConnectionEstablished) => ServerMessage::ConnectionEstablished {
                socket_id: str_field(data, "socket_id")?,
                activity_timeout: data.get("activity_timeout").and_then(Json::as_u64),
            },
            Some(ProtocolEvent::Error) => parse_error(data),
            Some(ProtocolEvent::Ping) => ServerMessage::Ping,
            Some(ProtocolEvent::Pong) => ServerMessage::Pong,
            Some(ProtocolEvent::SubscriptionSucceeded) => {
                let presence = data
                    .get("presence")
                    .map(PresenceData::from_json)
                    .transpose()?;
                ChannelMessage::SubscriptionSucceeded { presence }.on(take_channel(&mut frame)?)
            }
            Some(ProtocolEvent::SubscriptionError) => {
                ChannelMessage::SubscriptionError(AuthError::from_json(data))
                    .on(take_channel(&mut frame)?)
            }
            Some(ProtocolEvent::SubscriptionCount) => {
                ChannelMessage::SubscriptionCount(count_field(data)?).on(take_channel(&mut frame)?)
            }
            Some(ProtocolEvent::CacheMiss) => {
                ChannelMessage::CacheMiss.on(take_channel(&mut frame)?)
            }
            Some(ProtocolEvent::MemberAdded) => {
                // Both fields in one pass (a presence channel's busiest frame); the last of a
                // repeated one, as `get` reads it. Servers send the id as a string, and
                // occasionally as a number.
                let (mut user_id, mut user_info) = (None, None);
                for (key, value) in data.entries() {
                    match &*key {
                        "user_id" => user_id = Some(value),
                        "user_info" => user_info = Some(value),
                        _ => {}
                    }
                }
                ChannelMessage::MemberAdded {
                    user_id: user_id
                        .and_then(Json::as_id)
                        .ok_or_else(|| missing("user_id"))?,
                    user_info: user_info.map(JsonText::from).unwrap_or_default(),
                }
                .on(take_channel(&mut frame)?)
            }
            Some(ProtocolEvent::MemberRemoved) => ChannelMessage::MemberRemoved {
                user_id: data
                    .get("user_id")
                    .and_then(Json::as_id)
                    .ok_or_else(|| missing("user_id"))?,
            }
            .on(take_channel(&mut frame)?),
            Some(ProtocolEvent::SigninSuccess) => ServerMessage::SigninSuccess {
                user_data: str_field(data, "user_data")?,
            },
            Some(ProtocolEvent::Watchlist) => ServerMessage::Watchlist(parse_watchlist(data)?),
            // What only a client sends, and events the protocol does not define, pass as events.
            Some(ProtocolEvent::Subscribe | ProtocolEvent::Unsubscribe | ProtocolEvent::Signin)
            | None => ServerMessage::Event {
                data: frame.payload(),
                event: frame.event,
                channel: frame.channel,
                user_id: frame.user_id,
            },
        };
        Ok(message)
    }
}

/// `pusher:error`: a code when it is one, and the message (empty when missing).
fn parse_error(data: Json<'_>) -> ServerMessage {
    ServerMessage::Error {
        code: data
            .get("code")
            .and_then(Json::as_u64)
            .and_then(|c| u16::try_from(c).ok()),
        message: data
            .get("message")
            .and_then(Json::to_string_value)
            .unwrap_or_default(),
    }
}

/// `subscription_count`, which a count event must have.
fn count_field(data: Json<'_>) -> Result<u64, Error> {
    data.get("subscription_count")
        .and_then(Json::as_u64)
        .ok_or_else(|| Error::MalformedFrame("missing `subscription_count`".to_owned()))
}

fn parse_watchlist(data: Json<'_>) -> Result<Vec<WatchlistEvent>, Error> {
    let events = data
        .get("events")
        .filter(|events| events.as_text().starts_with('['))
        .ok_or_else(|| Error::MalformedFrame("watchlist event without `events`".to_owned()))?;
    let mut parsed = Vec::new();
    for event in events.items() {
        let kind = match event.get("name").and_then(Json::as_str).as_deref() {
            Some("online") => WatchlistEventKind::Online,
            Some("offline") => WatchlistEventKind::Offline,
            _ => return Err(Error::MalformedFrame("unknown watchlist event".to_owned())),
        };
        let user_ids = event.get("user_ids").map_or_else(Vec::new, |ids| {
            ids.items().filter_map(Json::as_id).collect()
        });
        parsed.push(WatchlistEvent { kind, user_ids });
    }
    Ok(parsed)
}
