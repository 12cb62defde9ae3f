//! The auth endpoints the client calls: `POST /pusher/auth` (single and batched) and
//! `POST /pusher/user-auth`, signed with the app's secret. They answer only for a signed-in chat
//! session: presence member data comes from the session, encrypted channels get their shared
//! secret, and the app secret and master key never leave the backend.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusher_protocol::channels::validate_name;
use rusher_protocol::wire::is_socket_id;
use rusher_protocol::{Access, sign};
use serde_json::{Map, Value, json};

use rusher_chat_api::{User, is_overflow_twin, may_access};

use crate::BackendState;
use crate::faults::Answer;
use crate::session;

/// The form fields of an auth request.
struct AuthForm {
    socket_id: String,
    /// `channel_name`, or every `channel_name[i]` in order.
    channels: Vec<String>,
    batched: bool,
}

/// Reads the form; the error is the 400 message.
fn parse_form(body: &[u8]) -> Result<AuthForm, &'static str> {
    let mut socket_id = None;
    let mut single = None;
    let mut batch: Vec<(usize, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "socket_id" => socket_id = Some(value.into_owned()),
            "channel_name" => single = Some(value.into_owned()),
            other => {
                if let Some(index) = other
                    .strip_prefix("channel_name[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .and_then(|i| i.parse::<usize>().ok())
                {
                    batch.push((index, value.into_owned()));
                }
            }
        }
    }
    let socket_id = socket_id
        .filter(|id| is_socket_id(id))
        .ok_or("socket_id is missing or invalid")?;
    batch.sort();
    let batched = !batch.is_empty();
    let channels = if batched {
        batch.into_iter().map(|(_, c)| c).collect()
    } else {
        vec![single.ok_or("channel_name is missing")?]
    };
    Ok(AuthForm {
        socket_id,
        channels,
        batched,
    })
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, message.to_owned()).into_response()
}

/// Signs one channel for a user, or says why not (status and message).
fn authorize_channel(
    backend: &BackendState,
    user: &User,
    socket_id: &str,
    channel: &str,
) -> Result<Value, (StatusCode, String)> {
    let kind = validate_name(channel).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    if !may_access(&user.id, channel) {
        return Err((
            StatusCode::FORBIDDEN,
            "this private room is for its two members only".to_owned(),
        ));
    }
    let app = &backend.app;
    let forged;
    let secret = if backend.faults.answer() == Answer::Forged {
        forged = format!("not {}", app.secret);
        &forged
    } else {
        &app.secret
    };
    if let Some(counts) = &backend.twin_counts
        && kind.access == Access::Private
        && is_overflow_twin(channel)
    {
        counts.joined(channel);
    }
    match kind.access {
        Access::Private => Ok(json!({
            "auth": sign::channel_auth(&app.key, secret, socket_id, channel, None)
        })),
        Access::Encrypted => Ok(json!({
            "auth": sign::channel_auth(&app.key, secret, socket_id, channel, None),
            "shared_secret": sign::shared_secret(
                &backend.faults.master_key().unwrap_or(app.master_key),
                channel,
            )
            .to_base64(),
        })),
        Access::Presence => {
            let channel_data = json!({
                "user_id": user.id,
                "user_info": { "name": user.name },
            })
            .to_string();
            Ok(json!({
                "auth": sign::channel_auth(&app.key, secret, socket_id, channel, Some(&channel_data)),
                "channel_data": channel_data,
            }))
        }
        Access::Public | Access::ServerToUser => Err((
            StatusCode::BAD_REQUEST,
            format!("{channel} needs no authorization"),
        )),
    }
}

/// The session's user; without one, the 403 pusher-js reports as an auth error.
async fn session_user(backend: &BackendState, headers: &HeaderMap) -> Result<User, Response> {
    session::user(&backend.store, headers)
        .await
        .ok_or_else(|| (StatusCode::FORBIDDEN, "sign in to the chat first").into_response())
}

/// `POST /pusher/auth`: one channel, or a batch (`channel_name[i]`) answered per channel.
pub async fn channel_auth(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match parse_form(&body) {
        Ok(form) => form,
        Err(why) => return bad_request(why),
    };
    let user = match session_user(&backend, &headers).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    if !form.batched {
        let channel = form
            .channels
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        return match authorize_channel(&backend, &user, &form.socket_id, channel) {
            Ok(data) => Json(data).into_response(),
            Err((status, message)) => (status, message).into_response(),
        };
    }
    let answers: Map<String, Value> = form
        .channels
        .iter()
        .map(|channel| {
            let answer = match authorize_channel(&backend, &user, &form.socket_id, channel) {
                Ok(data) => json!({ "status": 200, "data": data }),
                Err((status, _)) => json!({ "status": status.as_u16() }),
            };
            (channel.clone(), answer)
        })
        .collect();
    Json(json!({ form.socket_id: answers })).into_response()
}

/// `POST /pusher/user-auth`: signs the session's user for `pusher:signin`.
pub async fn user_auth(
    State(backend): State<BackendState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let socket_id = form_urlencoded::parse(&body)
        .find(|(key, _)| key == "socket_id")
        .map(|(_, value)| value.into_owned())
        .filter(|id| is_socket_id(id));
    let Some(socket_id) = socket_id else {
        return bad_request("socket_id is missing or invalid");
    };
    let user = match session_user(&backend, &headers).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let user_data = json!({ "id": user.id, "user_info": { "name": user.name } }).to_string();
    let app = &backend.app;
    Json(json!({
        "auth": sign::user_auth(&app.key, &app.secret, &socket_id, &user_data),
        "user_data": user_data,
    }))
    .into_response()
}
