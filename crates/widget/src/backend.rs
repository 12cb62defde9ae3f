//! The chat backend (rusher-server's `/chat/*`): the session, sending and history. Requests carry
//! the session cookie (same origin, or `credentials: include` for another origin).

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Deserialize;
use serde_json::json;
use web_sys::RequestCredentials;

use crate::model::{StoredMessage, User};

/// Why a backend call failed: the status (0 when there was no answer) and the backend's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    /// The HTTP status, or 0 when the request did not get an answer.
    pub status: u16,
    /// What the backend said, or why the request failed.
    pub message: String,
}

/// Where the backend is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    base: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

#[derive(Deserialize)]
struct History {
    messages: Vec<StoredMessage>,
}

#[derive(Deserialize)]
struct RoomAnswer {
    room: String,
}

/// What the backend publishes for its pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerConfig {
    /// The app key.
    pub key: String,
    /// The most members of a presence room, when the server says.
    #[serde(default)]
    pub member_limit: Option<usize>,
}

impl Backend {
    /// A backend at `base` (`""` for the page's own origin, or `https://chat.example.com`).
    pub fn new(base: &str) -> Self {
        Backend {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        [self.base.as_str(), path].concat()
    }

    fn with_cookies(request: RequestBuilder) -> RequestBuilder {
        request.credentials(RequestCredentials::Include)
    }

    /// The app key and member limit the server publishes for its pages.
    pub async fn config(&self) -> Result<ServerConfig, BackendError> {
        read(Request::get(&self.url("/chat/config")).send().await).await
    }

    /// Who is signed in, if anyone.
    pub async fn whoami(&self) -> Result<Option<User>, BackendError> {
        let request = Self::with_cookies(Request::get(&self.url("/chat/session")));
        match read::<User>(request.send().await).await {
            Ok(user) => Ok(Some(user)),
            Err(e) if e.status == 401 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Signs in with a display name; the server assigns the id.
    pub async fn join(&self, name: &str) -> Result<User, BackendError> {
        let request = Self::with_cookies(Request::post(&self.url("/chat/session")))
            .json(&json!({ "name": name }))
            .map_err(failed)?;
        read(request.send().await).await
    }

    /// Sends a message; a repeated `client_id` returns the stored message without sending again.
    pub async fn send(
        &self,
        channel: &str,
        text: &str,
        client_id: &str,
        socket_id: Option<&str>,
    ) -> Result<StoredMessage, BackendError> {
        let body = json!({
            "channel": channel, "text": text, "client_id": client_id, "socket_id": socket_id,
        });
        let request = Self::with_cookies(Request::post(&self.url("/chat/messages")))
            .json(&body)
            .map_err(failed)?;
        read(request.send().await).await
    }

    /// Invites a user to the private room of the two; returns the room.
    pub async fn invite(&self, to: &str) -> Result<String, BackendError> {
        let request = Self::with_cookies(Request::post(&self.url("/chat/invitations")))
            .json(&json!({ "to": to }))
            .map_err(failed)?;
        let answer: RoomAnswer = read(request.send().await).await?;
        Ok(answer.room)
    }

    /// Accepts or declines an invitation from `from`; returns the room.
    pub async fn answer(&self, from: &str, accept: bool) -> Result<String, BackendError> {
        let request = Self::with_cookies(Request::post(&self.url("/chat/invitations/answer")))
            .json(&json!({ "from": from, "accept": accept }))
            .map_err(failed)?;
        let answer: RoomAnswer = read(request.send().await).await?;
        Ok(answer.room)
    }

    /// Up to `limit` messages before `before` (or the latest), oldest first.
    pub async fn history(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, BackendError> {
        let limit = limit.to_string();
        let before = before.map(|b| b.to_string());
        let mut query = vec![("channel", channel), ("limit", limit.as_str())];
        if let Some(before) = &before {
            query.push(("before", before));
        }
        let request = Self::with_cookies(Request::get(&self.url("/chat/history")).query(query));
        let history: History = read(request.send().await).await?;
        Ok(history.messages)
    }
}

/// A request that could not be made.
fn failed(error: gloo_net::Error) -> BackendError {
    BackendError {
        status: 0,
        message: error.to_string(),
    }
}

/// Reads a JSON answer, or the backend's `{"error"}` with the status.
async fn read<T: for<'de> Deserialize<'de>>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, BackendError> {
    let response = sent.map_err(failed)?;
    let status = response.status();
    if response.ok() {
        return response.json().await.map_err(failed);
    }
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.error,
        Err(_) => response.status_text(),
    };
    Err(BackendError { status, message })
}
