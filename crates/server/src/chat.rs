//! The chat backend the widget talks to: sessions with a display name, messages that are
//! validated, stored and then broadcast through the same path as the REST API, and history.
//! A repeated `client_id` returns the stored message and sends nothing again, so the widget's
//! outbox can retry safely.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusher_protocol::Access;
use rusher_protocol::channels::validate_name as validate_channel;
use serde::Deserialize;
use serde_json::json;

use crate::session;
use crate::state::AppState;
use crate::store::{StoreError, User};

/// The longest message, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// The longest `client_id`.
pub const MAX_CLIENT_ID_LEN: usize = 64;
/// History pages hold at most this many messages.
pub const MAX_HISTORY: usize = 100;
/// The event name messages are broadcast with.
pub const MESSAGE_EVENT: &str = "message";
/// The prefix of two-person rooms: `presence-dm-{user_id}-{user_id}`.
pub const DM_PREFIX: &str = "presence-dm-";

/// The private twin of a presence room (`presence-lobby` -> `private-lobby`), which gets its
/// messages too: visitors who cannot join a full presence channel read the room there, and count
/// it by its subscription count. Two-person rooms have none.
pub fn overflow_twin(channel: &str) -> Option<String> {
    let rest = channel.strip_prefix("presence-")?;
    (!channel.starts_with(DM_PREFIX)).then(|| ["private-", rest].concat())
}

/// Whether a user may use a channel: a `presence-dm-` room only if it names the user.
pub fn may_access(user: &User, channel: &str) -> bool {
    match channel.strip_prefix(DM_PREFIX) {
        Some(pair) => pair.split('-').any(|id| id == user.id),
        None => true,
    }
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn storage_failed(e: &StoreError) -> Response {
    tracing::error!("storage: {e}");
    error(StatusCode::INTERNAL_SERVER_ERROR, "storage failed")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `GET /chat/config`: what a page needs to connect here: the app key (public, like in any
/// Pusher page) and the presence member limit (a full room is counted on its private twin). The
/// WebSocket endpoint is this server's own host and port.
pub async fn config(State(state): State<AppState>) -> Response {
    let hub = state.hub();
    let app = hub.app();
    Json(json!({ "key": app.key, "memberLimit": app.member_limit })).into_response()
}

/// The body of `POST /chat/session`.
#[derive(Debug, Deserialize)]
pub struct SignIn {
    name: String,
}

/// `POST /chat/session`: signs in with a display name; the server assigns the user id.
pub async fn sign_in(State(state): State<AppState>, Json(body): Json<SignIn>) -> Response {
    let name = match session::validate_name(&body.name) {
        Ok(name) => name,
        Err(why) => return error(StatusCode::BAD_REQUEST, why),
    };
    let user = User {
        id: session::random_hex(8),
        name,
    };
    let token = session::random_hex(32);
    if let Err(e) = state.store.create_session(&token, &user, now_ms()) {
        return storage_failed(&e);
    }
    ([(SET_COOKIE, session::cookie(&token))], Json(user)).into_response()
}

/// `GET /chat/session`: who is signed in.
pub async fn whoami(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match session::user(&state.store, &headers) {
        Some(user) => Json(user).into_response(),
        None => error(StatusCode::UNAUTHORIZED, "not signed in"),
    }
}

/// `DELETE /chat/session`: signs out.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::token(&headers)
        && let Err(e) = state.store.delete_session(&token)
    {
        return storage_failed(&e);
    }
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session::expired_cookie())],
    )
        .into_response()
}

/// The body of `POST /chat/messages`.
#[derive(Debug, Deserialize)]
pub struct NewMessage {
    channel: String,
    text: String,
    client_id: String,
    /// The sender's socket, left out of the broadcast (it shows the message already).
    #[serde(default)]
    socket_id: Option<String>,
}

/// Checks that a user may chat on a channel: a presence or private channel it may access.
fn check_channel(user: &User, channel: &str) -> Result<(), (StatusCode, String)> {
    let kind = validate_channel(channel).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    if !matches!(kind.access, Access::Presence | Access::Private) || kind.cache {
        return Err((
            StatusCode::BAD_REQUEST,
            "chat messages go on presence or private channels".to_owned(),
        ));
    }
    if !may_access(user, channel) {
        return Err((
            StatusCode::FORBIDDEN,
            "not a member of this room".to_owned(),
        ));
    }
    Ok(())
}

/// `POST /chat/messages`: validates, stores, then broadcasts (once per `client_id`).
pub async fn post_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<NewMessage>,
) -> Response {
    let Some(user) = session::user(&state.store, &headers) else {
        return error(StatusCode::UNAUTHORIZED, "sign in to the chat first");
    };
    if let Err((status, why)) = check_channel(&user, &body.channel) {
        return error(status, &why);
    }
    let text = body.text.trim();
    if text.is_empty() {
        return error(StatusCode::BAD_REQUEST, "the message is empty");
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the message is longer than 2000 characters",
        );
    }
    if body.client_id.is_empty() || body.client_id.len() > MAX_CLIENT_ID_LEN {
        return error(StatusCode::BAD_REQUEST, "client_id must be 1-64 characters");
    }
    let stored = state
        .store
        .add_message(&body.channel, &user, text, &body.client_id, now_ms());
    let (message, new) = match stored {
        Ok(stored) => stored,
        Err(e) => return storage_failed(&e),
    };
    if new {
        let data = serde_json::to_string(&message).unwrap_or_default();
        let mut channels = vec![message.channel.clone()];
        channels.extend(overflow_twin(&message.channel));
        state
            .hub()
            .publish(&channels, MESSAGE_EVENT, &data, body.socket_id.as_deref());
    }
    Json(message).into_response()
}

/// The query of `GET /chat/history`.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    channel: String,
    #[serde(default)]
    before: Option<i64>,
    #[serde(default)]
    limit: Option<usize>,
}

/// `GET /chat/history?channel=…&before=ID&limit=N`: the last messages, oldest first.
pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HistoryQuery>,
) -> Response {
    let Some(user) = session::user(&state.store, &headers) else {
        return error(StatusCode::UNAUTHORIZED, "sign in to the chat first");
    };
    if let Err((status, why)) = check_channel(&user, &query.channel) {
        return error(status, &why);
    }
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_HISTORY);
    match state.store.history(&query.channel, query.before, limit) {
        Ok(messages) => Json(json!({ "messages": messages })).into_response(),
        Err(e) => storage_failed(&e),
    }
}
