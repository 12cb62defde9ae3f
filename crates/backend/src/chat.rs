//! The chat endpoints: sessions with a display name, messages that are validated, stored and
//! then published, and history. A repeated `client_id` returns the stored message and publishes
//! nothing again, unless the first try could not publish it: then the retry publishes it, so the
//! widget's outbox can retry safely either way. Delivery is at least once: two tries racing
//! before either has published both publish, and the widget shows a message once per
//! `client_id`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusher_chat_api::{
    History, HistoryQuery, MESSAGE_EVENT, Members, MembersQuery, Message, NewMessage, PageConfig,
    Refusal, Session, SignIn, Summary, SummaryQuery, User, check_client_id, check_name, check_text,
    may_access, overflow_twin,
};
use rusher_protocol::channels::validate_name as validate_channel;
use rusher_protocol::{Access, ChannelKind};

use crate::BackendState;
use crate::publisher::Publication;
use crate::session;
use crate::store::{MessageToStore, StoreError};
use rusher_protocol::wire::is_socket_id;

/// A refusal as a response: its status and `{"error", "kind"}`.
pub(crate) fn refuse(refusal: Refusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(refusal.body())).into_response()
}

fn storage_failed(e: &StoreError) -> Response {
    tracing::error!("storage: {e}");
    refuse(Refusal::StorageFailed)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `GET /chat/config`: what a page needs to connect: the app key (public, like in any Pusher
/// page), the presence member limit when known, and where the sockets are: the upstream's
/// address, or (inside rusher-server) the host and port this request came to, so that a page on
/// another origin connects here too.
pub async fn config(State(backend): State<BackendState>, headers: HeaderMap) -> Response {
    let (ws_host, ws_port, force_tls) = match &backend.websocket {
        Some(upstream) => (
            Some(upstream.host.clone()),
            Some(upstream.port),
            Some(upstream.tls),
        ),
        None => {
            let authority = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.parse::<Authority>().ok());
            (
                authority.as_ref().map(|a| a.host().to_owned()),
                authority.as_ref().and_then(Authority::port_u16),
                None,
            )
        }
    };
    Json(PageConfig {
        key: backend.app.key.clone(),
        member_limit: backend.member_limit,
        ws_host,
        ws_port,
        force_tls,
    })
    .into_response()
}

/// `POST /chat/session`: signs in with a display name; the backend assigns the user id. The
/// session is an HttpOnly cookie; a page on an allowed other origin also gets its token.
pub async fn sign_in(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> Response {
    let name = match check_name(&body.name) {
        Ok(name) => name.to_owned(),
        Err(refusal) => return refuse(refusal),
    };
    let user = User {
        id: session::random_hex(8),
        name,
    };
    let token = session::random_hex(32);
    if let Err(e) = backend.store.create_session(&token, &user, now_ms()).await {
        return storage_failed(&e);
    }
    let cookie = session::cookie(&token);
    let allowed_page = headers
        .get(ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .is_some_and(|origin| backend.allowed_origins.iter().any(|o| o == origin));
    let token = allowed_page.then_some(token);
    ([(SET_COOKIE, cookie)], Json(Session { user, token })).into_response()
}

/// `GET /chat/session`: who is signed in, or 204 No Content. A visitor with no session yet is the
/// usual case on a first visit, not an error (a 401 would be logged as an error by the browser on
/// every first visit).
pub async fn whoami(State(backend): State<BackendState>, headers: HeaderMap) -> Response {
    match session::user(&backend.store, &headers).await {
        Some(user) => Json(user).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// `DELETE /chat/session`: signs out.
pub async fn sign_out(State(backend): State<BackendState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::token(&headers)
        && let Err(e) = backend.store.delete_session(&token).await
    {
        return storage_failed(&e);
    }
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session::expired_cookie())],
    )
        .into_response()
}

/// Checks that a user may chat on a channel: a presence or private channel it may access.
fn check_room(user: &User, channel: &str) -> Result<(), Refusal> {
    let kind = validate_channel(channel).map_err(|_| Refusal::NotARoom)?;
    if !matches!(kind.access, Access::Presence | Access::Private) || kind.cache {
        return Err(Refusal::NotARoom);
    }
    if !may_access(&user.id, channel) {
        return Err(Refusal::NotAMember);
    }
    Ok(())
}

/// `POST /chat/messages`: validates, stores, then publishes on the room and its private twin
/// (once per `client_id`; again on a retry only if the first publish failed). When the realtime
/// server does not take it, the message stays stored and the answer is `publish-failed`.
pub async fn post_message(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Json(body): Json<NewMessage>,
) -> Response {
    let Some(user) = session::user(&backend.store, &headers).await else {
        return refuse(Refusal::NotSignedIn);
    };
    let checked = check_room(&user, &body.channel)
        .and_then(|()| check_client_id(&body.client_id))
        .and_then(|()| check_text(&body.text));
    let text = match checked {
        Ok(text) => text,
        Err(refusal) => return refuse(refusal),
    };
    let stored = backend
        .store
        .add_message(MessageToStore {
            channel: &body.channel,
            user: &user,
            text,
            client_id: &body.client_id,
            time: now_ms(),
        })
        .await;
    let (message, published) = match stored {
        Ok(stored) => stored,
        Err(e) => return storage_failed(&e),
    };
    if !published {
        // Only an exclusion hint: one the server would refuse is left out, not the message.
        let socket_id = body.socket_id.as_deref().filter(|id| is_socket_id(id));
        if let Err(refusal) = publish(&backend, &message, socket_id).await {
            return refuse(refusal);
        }
        if let Err(e) = backend.store.mark_published(message.id).await {
            // Delivered all the same; a retry would publish it again, which the widget, keying
            // messages by client_id, shows once.
            tracing::error!("message {} published but not marked so: {e}", message.id);
        }
    }
    Json(message).into_response()
}

/// Publishes a stored message on its room and the room's private twin, in one request.
async fn publish(
    backend: &BackendState,
    message: &Message,
    socket_id: Option<&str>,
) -> Result<(), Refusal> {
    let data = serde_json::to_string(message).map_err(|_| Refusal::StorageFailed)?;
    let mut channels = vec![message.channel.clone()];
    channels.extend(overflow_twin(&message.channel));
    let publication = Publication {
        channels: &channels,
        event: MESSAGE_EVENT,
        data: &data,
        socket_id,
    };
    backend.publisher.publish(publication).await.map_err(|e| {
        tracing::warn!("message {} stored but not published: {e}", message.id);
        e.refusal()
    })
}

/// The signed-in visitor, if they may read `channel`; else the refusal.
async fn member(
    backend: &BackendState,
    headers: &HeaderMap,
    channel: &str,
) -> Result<User, Response> {
    let user = session::user(&backend.store, headers)
        .await
        .ok_or_else(|| refuse(Refusal::NotSignedIn))?;
    check_room(&user, channel).map_err(refuse)?;
    Ok(user)
}

/// `GET /chat/history?channel=…&before=ID&limit=N`: the last messages, oldest first.
pub async fn history(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Query(query): Query<HistoryQuery>,
) -> Response {
    if let Err(refused) = member(&backend, &headers, &query.channel).await {
        return refused;
    }
    match backend.store.history(&query).await {
        Ok(messages) => Json(History { messages }).into_response(),
        Err(e) => storage_failed(&e),
    }
}

/// `GET /chat/summary`: what the launcher shows before the widget loads, for a signed-in
/// visitor: how many are online in the room (as the widget counts them: its members, or its
/// private twin's subscriptions once the room is full), and how many messages of others came
/// after the one they saw last. An unanswered count leaves `online` out; it fails nothing.
pub async fn summary(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Query(query): Query<SummaryQuery>,
) -> Response {
    let user = match member(&backend, &headers, &query.channel).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let unread = match query.after {
        Some(after) => match backend.store.unread(&query.channel, after, &user.id).await {
            Ok(unread) => unread,
            Err(e) => return storage_failed(&e),
        },
        None => 0,
    };
    Json(Summary {
        online: online(&backend, &query.channel).await,
        unread,
    })
    .into_response()
}

/// `GET /chat/members?channel=…`: the user ids the realtime server lists on a presence room, for
/// a signed-in member of it (the widget checks its who's-online list against them). A server
/// that does not answer is a `publish-failed` refusal (502).
pub async fn members(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    Query(query): Query<MembersQuery>,
) -> Response {
    if let Err(refused) = member(&backend, &headers, &query.channel).await {
        return refused;
    }
    if ChannelKind::of(&query.channel).access != Access::Presence {
        return refuse(Refusal::NotARoom);
    }
    match backend.publisher.members(&query.channel).await {
        Ok(ids) => {
            let mut ids = ids.as_ref().clone();
            ids.sort_unstable();
            ids.dedup();
            Json(Members { ids }).into_response()
        }
        Err(e) => {
            tracing::warn!("listing the members of {}: {e}", query.channel);
            refuse(e.refusal())
        }
    }
}

/// How many are online in a room, as the widget counts them; `None` when the realtime server
/// does not answer.
async fn online(backend: &BackendState, room: &str) -> Option<u64> {
    let counted = |channel: String| async move {
        backend
            .publisher
            .count(&channel)
            .await
            .inspect_err(|e| tracing::warn!("counting {channel}: {e}"))
            .ok()
    };
    let members = counted(room.to_owned()).await?;
    let full = backend
        .member_limit
        .is_some_and(|limit| members >= limit as u64);
    match overflow_twin(room).filter(|_| full) {
        Some(twin) => counted(twin).await,
        None => Some(members),
    }
}
