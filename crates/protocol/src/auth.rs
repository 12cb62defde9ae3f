//! Channel authorization and user sign-in requests: what the core asks the driver to fetch, how the
//! request body looks (docs/protocol.md section 5) and how an answer is read.
//!
//! The driver only moves bytes: it posts [`AuthRequest::form_body`] to the auth endpoint (or calls a
//! user handler) and hands the status and body to [`AuthRequest::parse_response`].

use crate::json::{Json, ObjectWriter};
use crate::prelude::*;
use crate::text::{Form, decimal, prefix};

/// Identifies one auth request, so that a late answer for an older request is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AuthRequestId(pub u64);

/// The core asks the driver to authorize one or more channels for a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// Pass this back with the answer.
    pub id: AuthRequestId,
    /// The socket the channels are for.
    pub socket_id: String,
    /// The channels to authorize (one, unless batching is on).
    pub channels: Vec<String>,
    /// Whether to use the batched request and answer format.
    pub batched: bool,
}

/// The core asks the driver to fetch a user sign-in authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAuthRequest {
    /// Pass this back with the answer.
    pub id: AuthRequestId,
    /// The socket to sign in on.
    pub socket_id: String,
}

/// A successful channel authorization.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ChannelAuth {
    /// `KEY:SIGNATURE`.
    pub auth: String,
    /// Presence member data, a JSON string (presence channels).
    pub channel_data: Option<String>,
    /// The channel's base64 key (encrypted channels).
    pub shared_secret: Option<String>,
}

impl core::fmt::Debug for ChannelAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChannelAuth")
            .field("auth", &self.auth)
            .field("channel_data", &self.channel_data)
            .field(
                "shared_secret",
                &self.shared_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A successful user sign-in authorization.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserAuth {
    /// `KEY:SIGNATURE`.
    pub auth: String,
    /// The user data, a JSON string with at least `id`.
    pub user_data: String,
}

/// The `type` of a refusal whose auth failed or was refused (pusher-js's, and the default when a
/// server names none).
pub const AUTH_ERROR: &str = "AuthError";
/// The `type` of a refusal because a limit is reached: a presence channel full, or a connection
/// at its most channels.
pub const LIMIT_REACHED: &str = "LimitReached";
/// The `type` of a refusal of a name that is not a valid channel name.
pub const INVALID_CHANNEL: &str = "InvalidChannel";
/// The `type` of a refusal of an encrypted channel by a core built without the `encrypted`
/// feature (pusher-js's error for the same, without its nacl).
pub const UNSUPPORTED_FEATURE: &str = "UnsupportedFeature";

/// Why a channel could not be subscribed or a user could not sign in:
/// the payload of `pusher:subscription_error` and `pusher:signin_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// [`AUTH_ERROR`] for an auth endpoint failure; servers may use other types, such as
    /// [`LIMIT_REACHED`] and [`INVALID_CHANNEL`].
    pub kind: String,
    /// A readable message.
    pub error: String,
    /// The HTTP status of the auth endpoint or the server, when there was one.
    pub status: Option<u16>,
}

impl AuthError {
    /// An `AuthError` with a message and an optional HTTP status.
    pub fn new(error: impl Into<String>, status: Option<u16>) -> Self {
        Self {
            kind: AUTH_ERROR.to_owned(),
            error: error.into(),
            status,
        }
    }

    /// `{"type", "error", "status"?}`, as in `pusher:subscription_error`.
    pub fn to_json(&self) -> String {
        ObjectWriter::new()
            .string("type", &self.kind)
            .string("error", &self.error)
            .number_if("status", self.status.map(u64::from))
            .finish()
    }

    /// Reads the payload of a `pusher:subscription_error`, leniently.
    pub fn from_json(data: Json<'_>) -> Self {
        let error = data.get("error");
        Self {
            kind: data
                .get("type")
                .and_then(Json::to_string_value)
                .unwrap_or_else(|| AUTH_ERROR.to_owned()),
            error: error
                .and_then(Json::to_string_value)
                .or_else(|| error.map(|e| e.as_text().to_owned()))
                .unwrap_or_default(),
            status: data
                .get("status")
                .and_then(Json::as_u64)
                .and_then(|s| u16::try_from(s).ok()),
        }
    }
}

/// The largest auth response body the core reads.
pub const MAX_AUTH_RESPONSE_BYTES: usize = 64 * 1024;

impl AuthRequest {
    /// The `application/x-www-form-urlencoded` body: `socket_id` and `channel_name` (or
    /// `channel_name[i]` when batched), then the configured extra `params`.
    pub fn form_body(&self, params: &[(String, String)]) -> String {
        let mut form = Form::default();
        form.pair("socket_id", &self.socket_id);
        if self.batched {
            for (i, channel) in (0u64..).zip(&self.channels) {
                form.pair(&["channel_name[", &decimal(i), "]"].concat(), channel);
            }
        } else {
            for channel in &self.channels {
                form.pair("channel_name", channel);
            }
        }
        for (key, value) in params {
            form.pair(key, value);
        }
        form.finish()
    }

    /// Reads the endpoint's answer into one result per requested channel. A non-200 status fails
    /// every channel with that status; in a batched answer, a channel that is missing or has a
    /// non-200 status fails alone.
    pub fn parse_response(
        &self,
        status: u16,
        body: &str,
    ) -> Vec<(String, Result<ChannelAuth, AuthError>)> {
        let whole = if status == 200 {
            parse_json_body(body)
        } else {
            Err(AuthError::new(
                [
                    "auth endpoint answered ",
                    &decimal(status.into()),
                    ": ",
                    excerpt(body),
                ]
                .concat(),
                Some(status),
            ))
        };
        // A batched answer's entries for this socket, found once for every channel.
        let answers = match whole {
            Ok(value) if self.batched => value.get(&self.socket_id),
            _ => None,
        };
        let answer_for = |channel: &str| {
            let value = *whole.as_ref().map_err(Clone::clone)?;
            if !self.batched {
                return channel_auth_from_json(value);
            }
            batched_answer(answers.and_then(|answers| answers.get(channel)))
        };
        // One loop for every case: each iterator chain would be its own code in the bundle.
        let mut results = Vec::with_capacity(self.channels.len());
        for channel in &self.channels {
            results.push((channel.clone(), answer_for(channel)));
        }
        results
    }
}

/// One channel's entry in a batched auth answer (`{"status": 200, "data": {...}}`), if any.
fn batched_answer(entry: Option<Json>) -> Result<ChannelAuth, AuthError> {
    let entry = entry.ok_or_else(|| {
        AuthError::new(
            "the batched auth answer has no entry for this channel",
            None,
        )
    })?;
    match entry.get("status").and_then(Json::as_u64).unwrap_or(0) {
        200 => entry.get("data").map_or_else(
            || {
                Err(AuthError::new(
                    "the batched auth answer has no data",
                    Some(200),
                ))
            },
            channel_auth_from_json,
        ),
        other => Err(AuthError::new(
            [
                "auth endpoint answered ",
                &decimal(other),
                " for this channel",
            ]
            .concat(),
            u16::try_from(other).ok(),
        )),
    }
}

impl UserAuthRequest {
    /// The form body: `socket_id`, then the configured extra `params`.
    pub fn form_body(&self, params: &[(String, String)]) -> String {
        let mut form = Form::default();
        form.pair("socket_id", &self.socket_id);
        for (key, value) in params {
            form.pair(key, value);
        }
        form.finish()
    }

    /// Reads the endpoint's answer: `{"auth": ..., "user_data": ...}` with status 200.
    pub fn parse_response(&self, status: u16, body: &str) -> Result<UserAuth, AuthError> {
        if status != 200 {
            return Err(AuthError::new(
                [
                    "user auth endpoint answered ",
                    &decimal(status.into()),
                    ": ",
                    excerpt(body),
                ]
                .concat(),
                Some(status),
            ));
        }
        user_auth_from_json(parse_json_body(body)?)
    }
}

/// Reads `{"auth", "user_data"}` from a JSON value (an endpoint's answer or a handler's result).
pub fn user_auth_from_json(value: Json<'_>) -> Result<UserAuth, AuthError> {
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Json::to_string_value)
            .ok_or_else(|| {
                AuthError::new(
                    ["the user auth answer has no string `", name, "`"].concat(),
                    Some(200),
                )
            })
    };
    Ok(UserAuth {
        auth: field("auth")?,
        user_data: field("user_data")?,
    })
}

/// Reads `{"auth", "channel_data"?, "shared_secret"?}` from a JSON value.
pub fn channel_auth_from_json(value: Json<'_>) -> Result<ChannelAuth, AuthError> {
    let optional = |name: &str| value.get(name).and_then(Json::to_string_value);
    let Some(auth) = optional("auth") else {
        return Err(AuthError::new(
            "the auth answer has no string `auth`",
            Some(200),
        ));
    };
    Ok(ChannelAuth {
        auth,
        channel_data: optional("channel_data"),
        shared_secret: optional("shared_secret"),
    })
}

fn parse_json_body(body: &str) -> Result<Json<'_>, AuthError> {
    if body.len() > MAX_AUTH_RESPONSE_BYTES {
        return Err(AuthError::new("the auth answer is too large", Some(200)));
    }
    Json::parse(body).map_err(|e| {
        AuthError::new(
            ["the auth answer is not JSON: ", e.reason].concat(),
            Some(200),
        )
    })
}

/// The start of a response body, for error messages.
fn excerpt(body: &str) -> &str {
    prefix(body, 200)
}
