//! Invitations to a private chat: `POST /chat/invitations` sends the invitee an `invitation`
//! server-to-user event naming a two-person room (`presence-dm-{a}-{b}`, which only those two may
//! join); `POST /chat/invitations/answer` sends the inviter an `invitation-answer`.
//! Server-to-user events reach only connections signed in with user authentication.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use rusher_chat_api::{
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

/// Checks the session and the other user's id, then sends the other user `event` with the data
/// `make(me, room)` builds for the room of the two; answers `{room}`.
async fn tell<T: Serialize>(
    backend: &BackendState,
    headers: &HeaderMap,
    other: &str,
    event: &str,
    make: impl FnOnce(User, String) -> T,
) -> Response {
    let Some(me) = session::user(&backend.store, headers).await else {
        return refuse(Refusal::NotSignedIn);
    };
    if !is_user_id(other) || other == me.id {
        return refuse(Refusal::NotAUser);
    }
    let room = dm_room(&me.id, other);
    let data = make(me, room.clone());
    match send_to_user(backend, other, event, &data).await {
        Ok(()) => Json(RoomAnswer { room }).into_response(),
        Err(refusal) => refuse(refusal),
    }
}

/// `POST /chat/invitations`: invites a user to the private room of the two; answers `{room}`.
pub async fn invite(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<Invite>,
) -> Response {
    tell(
        &backend,
        &headers,
        &body.to,
        INVITATION_EVENT,
        |from, room| Invitation { from, room },
    )
    .await
}

/// `POST /chat/invitations/answer`: tells the inviter whether the invitation is accepted.
pub async fn answer(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<Answer>,
) -> Response {
    tell(
        &backend,
        &headers,
        &body.from,
        ANSWER_EVENT,
        |from, room| InvitationAnswer {
            from,
            room,
            accepted: body.accept,
        },
    )
    .await
}
