//! The HTTP REST API (docs/protocol.md section 9): every request signed with the app secret, checked
//! before anything else; errors mapped to status codes in one place.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rusher_protocol::channels::{PRESENCE_PREFIX, validate_name_server};
use rusher_protocol::sign::{RestRequest, verify_rest_request};
use rusher_protocol::{Access, ChannelKind, MAX_EVENT_NAME_LEN};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::hub::{ChannelInfo, Hub};
use crate::state::AppState;

/// The largest event payload Pusher accepts.
pub const MAX_EVENT_DATA_BYTES: usize = 10 * 1024;
/// The most channels one trigger may name.
pub const MAX_TRIGGER_CHANNELS: usize = 100;
/// The most events in one batch.
pub const MAX_BATCH: usize = 10;

/// A refused REST request.
#[derive(Debug)]
pub enum RestError {
    /// 400, with what is wrong.
    BadRequest(String),
    /// 401: signature, key or timestamp.
    Unauthorized(String),
    /// 404: unknown app.
    NotFound,
    /// 413: data too large.
    TooLarge(String),
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            RestError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            RestError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m),
            RestError::NotFound => (StatusCode::NOT_FOUND, "Unknown app".to_owned()),
            RestError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
        };
        (status, message).into_response()
    }
}

type RestResult = Result<Json<Value>, RestError>;

/// The largest REST request body read (a batch of 10 events of 10 KB, with room to spare).
const MAX_BODY_BYTES: usize = 256 * 1024;

/// A REST request whose app id and signature were checked: its query parameters and body.
/// Every REST handler takes one, so no request reaches a handler unsigned.
pub struct Signed {
    params: BTreeMap<String, String>,
    body: Bytes,
}

impl FromRequest<AppState> for Signed {
    type Rejection = RestError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, RestError> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| RestError::TooLarge("request body is too large".to_owned()))?;
        let app_id = parts
            .uri
            .path()
            .strip_prefix("/apps/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        let params: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let hub = state.hub();
        let app = hub.app();
        if app_id != app.id {
            return Err(RestError::NotFound);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let signed_body = (parts.method == Method::POST).then_some(&body[..]);
        verify_rest_request(
            &app.key,
            &app.secret,
            &RestRequest {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                params: &params,
                body: signed_body,
            },
            now,
        )
        .map_err(|e| RestError::Unauthorized(e.to_string()))?;
        Ok(Signed {
            params: params.into_iter().collect(),
            body,
        })
    }
}

/// One event to trigger, as in `POST /events` and each item of `POST /batch_events`.
#[derive(Debug, Deserialize)]
struct Trigger {
    name: String,
    data: Value,
    #[serde(default)]
    channels: Option<Vec<String>>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    socket_id: Option<String>,
    #[serde(default)]
    info: Option<String>,
}

/// Which channel attributes an `info` parameter asks for.
#[derive(Debug, Default, Clone, Copy)]
struct InfoWanted {
    user_count: bool,
    subscription_count: bool,
}

impl InfoWanted {
    fn parse(info: Option<&str>) -> Self {
        let mut wanted = InfoWanted::default();
        for attribute in info.unwrap_or_default().split(',').map(str::trim) {
            match attribute {
                "user_count" => wanted.user_count = true,
                "subscription_count" => wanted.subscription_count = true,
                _ => {}
            }
        }
        wanted
    }

    fn render(self, info: &ChannelInfo) -> Value {
        let mut out = Map::new();
        if self.user_count
            && let Some(users) = info.user_count
        {
            out.insert("user_count".to_owned(), json!(users));
        }
        if self.subscription_count {
            out.insert(
                "subscription_count".to_owned(),
                json!(info.subscription_count),
            );
        }
        Value::Object(out)
    }

    fn any(self) -> bool {
        self.user_count || self.subscription_count
    }
}

/// A trigger that passed every check.
struct Valid {
    name: String,
    data: String,
    channels: Vec<String>,
    socket_id: Option<String>,
    wanted: InfoWanted,
}

impl Valid {
    fn publish(&self, hub: &mut Hub) {
        hub.publish(
            &self.channels,
            &self.name,
            &self.data,
            self.socket_id.as_deref(),
        );
    }
}

/// Checks a trigger: event name, data size, channel names and count, encrypted channels alone.
fn validate(trigger: Trigger) -> Result<Valid, RestError> {
    if trigger.name.is_empty() || trigger.name.len() > MAX_EVENT_NAME_LEN {
        return Err(RestError::BadRequest(
            "event name must be 1-200 characters".to_owned(),
        ));
    }
    let data = match trigger.data {
        Value::String(text) => text,
        other => other.to_string(),
    };
    if data.len() > MAX_EVENT_DATA_BYTES {
        return Err(RestError::TooLarge(
            "event data is larger than 10 KB".to_owned(),
        ));
    }
    let channels = match (trigger.channels, trigger.channel) {
        (Some(list), None) => list,
        (None, Some(one)) => vec![one],
        _ => {
            return Err(RestError::BadRequest(
                "give either channels or channel".to_owned(),
            ));
        }
    };
    if channels.is_empty() || channels.len() > MAX_TRIGGER_CHANNELS {
        return Err(RestError::BadRequest(
            "a trigger names 1 to 100 channels".to_owned(),
        ));
    }
    for channel in &channels {
        validate_name_server(channel).map_err(|e| RestError::BadRequest(e.to_string()))?;
    }
    let encrypted = channels
        .iter()
        .filter(|c| ChannelKind::of(c).access == Access::Encrypted)
        .count();
    if encrypted > 0 && channels.len() > 1 {
        return Err(RestError::BadRequest(
            "a trigger on an encrypted channel may name only that channel".to_owned(),
        ));
    }
    Ok(Valid {
        name: trigger.name,
        data,
        channels,
        socket_id: trigger.socket_id,
        wanted: InfoWanted::parse(trigger.info.as_deref()),
    })
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, RestError> {
    serde_json::from_slice(body).map_err(|e| RestError::BadRequest(format!("invalid body: {e}")))
}

/// `POST /apps/{id}/events`
pub async fn events(State(state): State<AppState>, signed: Signed) -> RestResult {
    let valid = validate(parse_body(&signed.body)?)?;
    let mut hub = state.hub();
    valid.publish(&mut hub);
    if !valid.wanted.any() {
        return Ok(Json(json!({})));
    }
    let infos: Map<String, Value> = valid
        .channels
        .iter()
        .map(|c| (c.clone(), valid.wanted.render(&hub.channel_info(c))))
        .collect();
    Ok(Json(json!({ "channels": infos })))
}

/// `POST /apps/{id}/batch_events`
pub async fn batch_events(State(state): State<AppState>, signed: Signed) -> RestResult {
    #[derive(Deserialize)]
    struct Batch {
        batch: Vec<Trigger>,
    }
    let request: Batch = parse_body(&signed.body)?;
    if request.batch.len() > MAX_BATCH {
        return Err(RestError::BadRequest(
            "a batch holds at most 10 events".to_owned(),
        ));
    }
    if request.batch.iter().any(|item| item.channels.is_some()) {
        return Err(RestError::BadRequest(
            "batch events name one channel each".to_owned(),
        ));
    }
    let valid = request
        .batch
        .into_iter()
        .map(validate)
        .collect::<Result<Vec<_>, _>>()?;
    let mut hub = state.hub();
    let results: Vec<Value> = valid
        .iter()
        .map(|item| {
            item.publish(&mut hub);
            item.channels
                .first()
                .map_or_else(|| json!({}), |c| item.wanted.render(&hub.channel_info(c)))
        })
        .collect();
    Ok(Json(json!({ "batch": results })))
}

/// `GET /apps/{id}/channels`
pub async fn channels(State(state): State<AppState>, signed: Signed) -> RestResult {
    let params = &signed.params;
    let prefix = params.get("filter_by_prefix").cloned().unwrap_or_default();
    let wanted = InfoWanted::parse(params.get("info").map(String::as_str));
    if wanted.user_count && !prefix.starts_with(PRESENCE_PREFIX) {
        return Err(RestError::BadRequest(
            "info=user_count needs filter_by_prefix=presence-".to_owned(),
        ));
    }
    let hub = state.hub();
    let list: Map<String, Value> = hub
        .occupied_channels(&prefix)
        .into_iter()
        .map(|(name, info)| (name, wanted.render(&info)))
        .collect();
    Ok(Json(json!({ "channels": list })))
}

/// `GET /apps/{id}/channels/{name}`
pub async fn channel(
    State(state): State<AppState>,
    Path((_, name)): Path<(String, String)>,
    signed: Signed,
) -> RestResult {
    let params = &signed.params;
    validate_name_server(&name).map_err(|e| RestError::BadRequest(e.to_string()))?;
    let wanted = InfoWanted::parse(params.get("info").map(String::as_str));
    if wanted.user_count && ChannelKind::of(&name).access != Access::Presence {
        return Err(RestError::BadRequest(
            "info=user_count is only for presence channels".to_owned(),
        ));
    }
    let info = state.hub().channel_info(&name);
    let mut out = wanted.render(&info);
    if let Some(map) = out.as_object_mut() {
        map.insert("occupied".to_owned(), json!(info.occupied));
    }
    Ok(Json(out))
}

/// `GET /apps/{id}/channels/{name}/users`
pub async fn users(
    State(state): State<AppState>,
    Path((_, name)): Path<(String, String)>,
    _signed: Signed,
) -> RestResult {
    if ChannelKind::of(&name).access != Access::Presence {
        return Err(RestError::BadRequest(
            "users are listed only for presence channels".to_owned(),
        ));
    }
    let users: Vec<Value> = state
        .hub()
        .presence_users(&name)
        .into_iter()
        .map(|id| json!({ "id": id }))
        .collect();
    Ok(Json(json!({ "users": users })))
}

/// `POST /apps/{id}/users/{user_id}/terminate_connections`
pub async fn terminate(
    State(state): State<AppState>,
    Path((_, user_id)): Path<(String, String)>,
    _signed: Signed,
) -> RestResult {
    let hub = state.hub();
    for socket in hub.user_sockets(&user_id) {
        hub.close(&socket, 4009, "connection terminated by the server");
    }
    Ok(Json(json!({})))
}
