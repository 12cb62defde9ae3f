//! Invitations to a private chat: `POST /chat/invitations` sends the invitee an `invitation`
//! server-to-user event naming a two-person room (`presence-dm-{a}-{b}`, which only those two may
//! join); `POST /chat/invitations/answer` sends the inviter an `invitation-answer`.
//! Server-to-user events reach only connections signed in with user authentication.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use rusher_chat::{
    ANSWER_EVENT, Answer, INVITATION_EVENT, Invitation, InvitationAnswer, Invite, Refusal,
    RoomAnswer, User, dm_room, is_user_id,
};
use rusher_protocol::channels::SERVER_TO_USER_PREFIX;
use serde::Serialize;

use crate::BackendState;
use crate::chat::refuse;
use crate::publisher::Publication;
use crate::session;

/// Sends `event` to every signed-in connection of `user_id`.
async fn send_to_user(
    backend: &BackendState,
    user_id: &str,
    event: &str,
    data: &impl Serialize,
) -> Result<(), Refusal> {
    let channels = [[SERVER_TO_USER_PREFIX, user_id].concat()];
    let data = serde_json::to_string(data).map_err(|_| Refusal::PublishFailed)?;
    let publication = Publication {
        channels: &channels,
        event,
        data: &data,
        socket_id: None,
    };
    backend.publisher.publish(publication).await.map_err(|e| {
        tracing::warn!("{event} to {user_id} not published: {e}");
        e.refusal()
    })
}

/// Checks the session and the other user's id.
async fn parties(
    backend: &BackendState,
    headers: &HeaderMap,
    other: &str,
) -> Result<User, Refusal> {
    let me = session::user(&backend.store, headers)
        .await
        .ok_or(Refusal::NotSignedIn)?;
    if !is_user_id(other) || other == me.id {
        return Err(Refusal::NotAUser);
    }
    Ok(me)
}

/// `POST /chat/invitations`: invites a user to the private room of the two; answers `{room}`.
pub async fn invite(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<Invite>,
) -> Response {
    let me = match parties(&backend, &headers, &body.to).await {
        Ok(me) => me,
        Err(refusal) => return refuse(refusal),
    };
    let room = dm_room(&me.id, &body.to);
    let invitation = Invitation {
        from: me,
        room: room.clone(),
    };
    match send_to_user(&backend, &body.to, INVITATION_EVENT, &invitation).await {
        Ok(()) => Json(RoomAnswer { room }).into_response(),
        Err(refusal) => refuse(refusal),
    }
}

/// `POST /chat/invitations/answer`: tells the inviter whether the invitation is accepted.
pub async fn answer(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<Answer>,
) -> Response {
    let me = match parties(&backend, &headers, &body.from).await {
        Ok(me) => me,
        Err(refusal) => return refuse(refusal),
    };
    let room = dm_room(&me.id, &body.from);
    let answer = InvitationAnswer {
        from: me,
        room: room.clone(),
        accepted: body.accept,
    };
    match send_to_user(&backend, &body.from, ANSWER_EVENT, &answer).await {
        Ok(()) => Json(RoomAnswer { room }).into_response(),
        Err(refusal) => refuse(refusal),
    }
}
