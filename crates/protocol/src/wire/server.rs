//! Messages from the server to the client.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Frame, encode, json_string, required_channel, str_field, user_id_field};
use crate::Error;
use crate::auth::AuthError;

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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PresenceData {
    /// Member ids, in the server's order.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Member id to info.
    #[serde(default)]
    pub hash: Map<String, Value>,
    /// The member count the server reports.
    #[serde(default)]
    pub count: u64,
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
                    Some(p) => Some(
                        serde_json::from_value(p.clone())
                            .map_err(|e| Error::MalformedFrame(format!("presence data: {e}")))?,
                    ),
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
        #[derive(Serialize)]
        struct Established<'a> {
            socket_id: &'a str,
            activity_timeout: Option<u64>,
        }
        #[derive(Serialize)]
        struct ErrorData<'a> {
            message: &'a str,
            code: Option<u16>,
        }
        #[derive(Serialize)]
        struct Succeeded<'a> {
            presence: &'a PresenceData,
        }
        #[derive(Serialize)]
        struct Count {
            subscription_count: u64,
        }
        #[derive(Serialize)]
        struct MemberData<'a> {
            user_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            user_info: Option<&'a Value>,
        }
        #[derive(Serialize)]
        struct Signin<'a> {
            user_data: &'a str,
        }
        #[derive(Serialize)]
        struct WatchlistEntry<'a> {
            name: &'a str,
            user_ids: &'a [String],
        }
        #[derive(Serialize)]
        struct Watchlist<'a> {
            events: Vec<WatchlistEntry<'a>>,
        }
        let internal = |event: &str, channel: &str, data: String| {
            encode(event, Some(channel), Some(data), None)
        };
        match self {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => encode(
                "pusher:connection_established",
                None,
                Some(json_string(&Established {
                    socket_id,
                    activity_timeout: *activity_timeout,
                })),
                None,
            ),
            ServerMessage::Error { code, message } => encode(
                "pusher:error",
                None,
                Some(ErrorData {
                    message,
                    code: *code,
                }),
                None,
            ),
            ServerMessage::Ping => encode("pusher:ping", None, Some(Map::new()), None),
            ServerMessage::Pong => encode("pusher:pong", None, Some(Map::new()), None),
            ServerMessage::SubscriptionSucceeded { channel, presence } => internal(
                "pusher_internal:subscription_succeeded",
                channel,
                presence.as_ref().map_or_else(
                    || "{}".to_owned(),
                    |presence| json_string(&Succeeded { presence }),
                ),
            ),
            ServerMessage::SubscriptionError { channel, error } => encode(
                "pusher:subscription_error",
                Some(channel),
                Some(error),
                None,
            ),
            ServerMessage::SubscriptionCount { channel, count } => internal(
                "pusher_internal:subscription_count",
                channel,
                json_string(&Count {
                    subscription_count: *count,
                }),
            ),
            ServerMessage::CacheMiss { channel } => {
                encode::<()>("pusher:cache_miss", Some(channel), None, None)
            }
            ServerMessage::MemberAdded {
                channel,
                user_id,
                user_info,
            } => internal(
                "pusher_internal:member_added",
                channel,
                json_string(&MemberData {
                    user_id,
                    user_info: Some(user_info),
                }),
            ),
            ServerMessage::MemberRemoved { channel, user_id } => internal(
                "pusher_internal:member_removed",
                channel,
                json_string(&MemberData {
                    user_id,
                    user_info: None,
                }),
            ),
            ServerMessage::SigninSuccess { user_data } => encode(
                "pusher:signin_success",
                None,
                Some(Signin { user_data }),
                None,
            ),
            ServerMessage::Watchlist(events) => encode(
                "pusher_internal:watchlist_events",
                None,
                Some(Watchlist {
                    events: events
                        .iter()
                        .map(|e| WatchlistEntry {
                            name: e.kind.as_str(),
                            user_ids: &e.user_ids,
                        })
                        .collect(),
                }),
                None,
            ),
            ServerMessage::Event {
                event,
                channel,
                data,
                user_id,
            } => {
                let data = match data {
                    Value::Null => None,
                    Value::String(text) => Some(text.clone()),
                    other => Some(json_string(other)),
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
    events
        .iter()
        .map(|event| {
            let kind = match event.get("name").and_then(Value::as_str) {
                Some("online") => WatchlistEventKind::Online,
                Some("offline") => WatchlistEventKind::Offline,
                other => {
                    return Err(Error::MalformedFrame(format!(
                        "unknown watchlist event {other:?}"
                    )));
                }
            };
            let user_ids = event
                .get("user_ids")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|id| match id {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(WatchlistEvent { kind, user_ids })
        })
        .collect()
}
