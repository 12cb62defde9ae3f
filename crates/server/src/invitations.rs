//! Invitations to a private chat: `POST /chat/invitations` sends the invitee an `invitation`
//! server-to-user event naming a two-person room (`presence-dm-{a}-{b}`, ids sorted, which only
//! those two may join); `POST /chat/invitations/answer` sends the inviter an `invitation-answer`.
//! Server-to-user events reach only connections signed in with user authentication.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusher_protocol::channels::SERVER_TO_USER_PREFIX;
use serde::Deserialize;
use serde_json::json;

use crate::chat::{DM_PREFIX, error};
use crate::session;
use crate::state::AppState;
use crate::store::User;

/// The event an invitee receives.
pub const INVITATION_EVENT: &str = "invitation";
/// The event an inviter receives.
pub const ANSWER_EVENT: &str = "invitation-answer";

/// The body of `POST /chat/invitations`.
#[derive(Debug, Deserialize)]
pub struct Invite {
    /// The invitee's user id.
    to: String,
}

/// The body of `POST /chat/invitations/answer`.
#[derive(Debug, Deserialize)]
pub struct Answer {
    /// The inviter's user id.
    from: String,
    /// Whether the invitation is accepted.
    accept: bool,
}

/// The two-person room of two users.
pub fn dm_room(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    [DM_PREFIX, first, "-", second].concat()
}

/// Whether a string can be a user id the server assigned (hex, so it never contains `-`).
fn is_user_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Sends `event` to every signed-in connection of `user_id`.
fn send_to_user(state: &AppState, user_id: &str, event: &str, data: &serde_json::Value) {
    let channel = [SERVER_TO_USER_PREFIX, user_id].concat();
    state
        .hub()
        .publish(&[channel], event, &data.to_string(), None);
}

/// Checks the session and the other user's id.
fn parties(
    state: &AppState,
    headers: &HeaderMap,
    other: &str,
) -> Result<User, (StatusCode, &'static str)> {
    let Some(me) = session::user(&state.store, headers) else {
        return Err((StatusCode::UNAUTHORIZED, "sign in to the chat first"));
    };
    if !is_user_id(other) || other == me.id {
        return Err((StatusCode::BAD_REQUEST, "not a user to chat with"));
    }
    Ok(me)
}

/// `POST /chat/invitations`: invites a user to the private room of the two; answers `{room}`.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Invite>,
) -> Response {
    let me = match parties(&state, &headers, &body.to) {
        Ok(me) => me,
        Err((status, why)) => return error(status, why),
    };
    let room = dm_room(&me.id, &body.to);
    let data = json!({ "from": me, "room": room });
    send_to_user(&state, &body.to, INVITATION_EVENT, &data);
    Json(json!({ "room": room })).into_response()
}

/// `POST /chat/invitations/answer`: tells the inviter whether the invitation is accepted.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Answer>,
) -> Response {
    let me = match parties(&state, &headers, &body.from) {
        Ok(me) => me,
        Err((status, why)) => return error(status, why),
    };
    let room = dm_room(&me.id, &body.from);
    let data = json!({ "from": me, "room": room, "accepted": body.accept });
    send_to_user(&state, &body.from, ANSWER_EVENT, &data);
    Json(json!({ "room": room })).into_response()
}
