//! Messages from the server to the client.

use super::{Frame, encode, required_channel, str_field, user_id_field};
use crate::Error;
use crate::auth::AuthError;
use crate::json::{Map, Value};
use crate::prelude::*;

/// A frame the server sends, typed.
#[derive(Debug, Clone, PartialEq)]
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
    /// `pusher_internal:subscription_succeeded`, with members on presence channels.
    SubscriptionSucceeded {
        /// The channel.
        channel: String,
        /// The member list, present on presence channels.
        presence: Option<PresenceData>,
    },
    /// `pusher:subscription_error`.
    SubscriptionError {
        /// The channel.
        channel: String,
        /// What went wrong.
        error: AuthError,
    },
    /// `pusher_internal:subscription_count`.
    SubscriptionCount {
        /// The channel.
        channel: String,
        /// How many connections are subscribed.
        count: u64,
    },
    /// `pusher:cache_miss`: a cache channel had no last event.
    CacheMiss {
        /// The channel.
        channel: String,
    },
    /// `pusher_internal:member_added`.
    MemberAdded {
        /// The presence channel.
        channel: String,
        /// The member's id.
        user_id: String,
        /// The member's info (`null` when none).
        user_info: Value,
    },
    /// `pusher_internal:member_removed`.
    MemberRemoved {
        /// The presence channel.
        channel: String,
        /// The member's id.
        user_id: String,
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
        /// The payload, decoded (JSON in a string is parsed).
        data: Value,
        /// The sender, for client events on presence channels.
        user_id: Option<String>,
    },
}

/// The members part of a presence `subscription_succeeded`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PresenceData {
    /// Member ids, in the server's order.
    pub ids: Vec<String>,
    /// Member id to info.
    pub hash: Map,
    /// The member count the server reports.
    pub count: u64,
}

impl PresenceData {
    /// Reads `{ids, hash, count}`; each may be missing. Ids may be strings or numbers.
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        if value.as_object().is_none() {
            return Err(Error::MalformedFrame(
                "presence data is not an object".to_owned(),
            ));
        }
        let ids = value
            .get("ids")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(id_text).collect())
            .unwrap_or_default();
        Ok(PresenceData {
            ids,
            hash: value
                .get("hash")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            count: value.get("count").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    /// `{"ids", "hash", "count"}`.
    pub fn to_value(&self) -> Value {
        Value::fields(vec![
            ("ids", Value::from(self.ids.clone())),
            ("hash", Value::Object(self.hash.clone())),
            ("count", self.count.into()),
        ])
    }
}

/// A user id sent as a string or a number.
fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_str().to_owned()),
        _ => None,
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

    /// Types a parsed frame.
    pub fn from_frame(frame: Frame) -> Result<ServerMessage, Error> {
        let data = frame.decoded_data();
        let message = match frame.event.as_str() {
            "pusher:connection_established" => ServerMessage::ConnectionEstablished {
                socket_id: str_field(&data, "socket_id")?,
                activity_timeout: data.get("activity_timeout").and_then(Value::as_u64),
            },
            "pusher:error" => ServerMessage::Error {
                code: data
                    .get("code")
                    .and_then(Value::as_u64)
                    .and_then(|c| u16::try_from(c).ok()),
                message: data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            "pusher:ping" => ServerMessage::Ping,
            "pusher:pong" => ServerMessage::Pong,
            "pusher_internal:subscription_succeeded" => {
                let presence = match data.get("presence") {
                    Some(p) => Some(PresenceData::from_value(p)?),
                    None => None,
                };
                ServerMessage::SubscriptionSucceeded {
                    channel: required_channel(&frame)?,
                    presence,
                }
            }
            "pusher:subscription_error" => ServerMessage::SubscriptionError {
                channel: required_channel(&frame)?,
                error: AuthError::from_value(&data),
            },
            "pusher_internal:subscription_count" => ServerMessage::SubscriptionCount {
                channel: required_channel(&frame)?,
                count: data
                    .get("subscription_count")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| {
                        Error::MalformedFrame("missing `subscription_count`".to_owned())
                    })?,
            },
            "pusher:cache_miss" => ServerMessage::CacheMiss {
                channel: required_channel(&frame)?,
            },
            "pusher_internal:member_added" => ServerMessage::MemberAdded {
                channel: required_channel(&frame)?,
                user_id: user_id_field(&data, "user_id")?,
                user_info: data.get("user_info").cloned().unwrap_or(Value::Null),
            },
            "pusher_internal:member_removed" => ServerMessage::MemberRemoved {
                channel: required_channel(&frame)?,
                user_id: user_id_field(&data, "user_id")?,
            },
            "pusher:signin_success" => ServerMessage::SigninSuccess {
                user_data: str_field(&data, "user_data")?,
            },
            "pusher_internal:watchlist_events" => ServerMessage::Watchlist(parse_watchlist(&data)?),
            _ => ServerMessage::Event {
                event: frame.event,
                channel: frame.channel,
                data,
                user_id: frame.user_id,
            },
        };
        Ok(message)
    }

    /// Writes the frame as Pusher does: payloads of internal events as JSON strings, error payloads
    /// as objects, fields in the order PROTOCOL.md shows.
    pub fn to_json(&self) -> String {
        let internal = |event: &str, channel: &str, data: Value| {
            encode(event, Some(channel), Some(data.to_json().into()), None)
        };
        match self {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => {
                let data = Value::fields(vec![
                    ("socket_id", Value::from(socket_id.as_str())),
                    ("activity_timeout", (*activity_timeout).into()),
                ]);
                let data = Some(data.to_json().into());
                encode("pusher:connection_established", None, data, None)
            }
            ServerMessage::Error { code, message } => {
                let data = Value::fields(vec![
                    ("message", Value::from(message.as_str())),
                    ("code", code.map(u64::from).into()),
                ]);
                encode("pusher:error", None, Some(data), None)
            }
            ServerMessage::Ping => encode("pusher:ping", None, Some(Map::new().into()), None),
            ServerMessage::Pong => encode("pusher:pong", None, Some(Map::new().into()), None),
            ServerMessage::SubscriptionSucceeded { channel, presence } => internal(
                "pusher_internal:subscription_succeeded",
                channel,
                presence.as_ref().map_or_else(
                    || Map::new().into(),
                    |p| Value::fields(vec![("presence", p.to_value())]),
                ),
            ),
            ServerMessage::SubscriptionError { channel, error } => encode(
                "pusher:subscription_error",
                Some(channel),
                Some(error.to_value()),
                None,
            ),
            ServerMessage::SubscriptionCount { channel, count } => internal(
                "pusher_internal:subscription_count",
                channel,
                Value::fields(vec![("subscription_count", (*count).into())]),
            ),
            ServerMessage::CacheMiss { channel } => {
                encode("pusher:cache_miss", Some(channel), None, None)
            }
            ServerMessage::MemberAdded {
                channel,
                user_id,
                user_info,
            } => internal(
                "pusher_internal:member_added",
                channel,
                Value::fields(vec![
                    ("user_id", Value::from(user_id.as_str())),
                    ("user_info", user_info.clone()),
                ]),
            ),
            ServerMessage::MemberRemoved { channel, user_id } => internal(
                "pusher_internal:member_removed",
                channel,
                Value::fields(vec![("user_id", Value::from(user_id.as_str()))]),
            ),
            ServerMessage::SigninSuccess { user_data } => encode(
                "pusher:signin_success",
                None,
                Some(Value::fields(vec![(
                    "user_data",
                    user_data.as_str().into(),
                )])),
                None,
            ),
            ServerMessage::Watchlist(events) => {
                let events: Vec<Value> = events
                    .iter()
                    .map(|e| {
                        Value::fields(vec![
                            ("name", Value::from(e.kind.as_str())),
                            ("user_ids", Value::from(e.user_ids.clone())),
                        ])
                    })
                    .collect();
                let data = Value::fields(vec![("events", Value::Array(events))]);
                encode("pusher_internal:watchlist_events", None, Some(data), None)
            }
            ServerMessage::Event {
                event,
                channel,
                data,
                user_id,
            } => {
                let data = match data {
                    Value::Null => None,
                    Value::String(text) => Some(text.as_str().into()),
                    other => Some(other.to_json().into()),
                };
                encode(event, channel.as_deref(), data, user_id.as_deref())
            }
        }
    }
}

fn parse_watchlist(data: &Value) -> Result<Vec<WatchlistEvent>, Error> {
    let events = data
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::MalformedFrame("watchlist event without `events`".to_owned()))?;
    let mut parsed = Vec::with_capacity(events.len());
    for event in events {
        let kind = match event.get("name").and_then(Value::as_str) {
            Some("online") => WatchlistEventKind::Online,
            Some("offline") => WatchlistEventKind::Offline,
            _ => return Err(Error::MalformedFrame("unknown watchlist event".to_owned())),
        };
        let mut user_ids = Vec::new();
        for id in event
            .get("user_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            user_ids.extend(id_text(id));
        }
        parsed.push(WatchlistEvent { kind, user_ids });
    }
    Ok(parsed)
}
