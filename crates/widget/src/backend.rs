//! The chat backend (`/chat/*`, the contract in `rusher-chat-api`): the session, sending and
//! history. Requests carry the session cookie (`credentials: include`); a backend on another
//! origin also gets the session token as `Authorization: Bearer`, since browsers do not send its
//! SameSite=Lax cookie from another site. That token is kept in `localStorage` per backend.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use rusher_chat_api::{
    Answer, ErrorBody, History, Invite, Members, Message, NewMessage, PageConfig, Refusal,
    RoomAnswer, Session, SignIn, Summary, User, routes,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

use crate::json;

/// Why a backend call failed: the status (0 when there was no answer), the backend's message and
/// the kind of refusal, when it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    /// The HTTP status, or 0 when the request did not get an answer.
    pub status: u16,
    /// What the backend said, or why the request failed.
    pub message: String,
    /// The refusal's kind, from backends that send it.
    pub kind: Option<Refusal>,
    /// How long the backend asked to wait before trying again (`Retry-After`, in seconds), in
    /// milliseconds, at most [`MAX_RETRY_AFTER_MS`].
    pub retry_after_ms: Option<u32>,
}

/// The longest `Retry-After` the widget honours: a backend asking for more is retried after
/// five minutes anyway, so that a wrong header cannot silence a visitor for the rest of the visit.
pub const MAX_RETRY_AFTER_MS: u32 = 300_000;

/// Where the session token of a backend on another origin is kept between page loads (the key
/// ends with the backend's base URL).
pub(crate) const TOKEN_KEY_PREFIX: &str = "rusher-chat-token:";

/// Where the backend is, and the session token when it is on another origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    base: String,
    /// Set when the backend is on another origin and the visitor signed in.
    token: Rc<RefCell<Option<String>>>,
}

impl Backend {
    /// A backend at `base` (`""` for the page's own origin, or `https://chat.example.com`).
    pub fn new(base: &str) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        let token = token_storage(&base).and_then(|(storage, key)| storage.get_item(&key).ok()?);
        Backend {
            base,
            token: Rc::new(RefCell::new(token)),
        }
    }

    fn url(&self, path: &str) -> String {
        [self.base.as_str(), path].concat()
    }

    /// The `Authorization` header for the session token, when there is one: the auth endpoints
    /// need it too.
    pub fn authorization(&self) -> Option<(String, String)> {
        let token = self.token.borrow();
        let token = token.as_deref()?;
        Some(("Authorization".to_owned(), ["Bearer ", token].concat()))
    }

    /// A `POST` of `body` as JSON to `path`, with the session.
    fn post<B: Serialize>(&self, path: &str, body: &B) -> Result<Request, BackendError> {
        let text = json::to_text(body).ok_or_else(|| unreadable(0))?;
        self.with_cookies(Request::post(&self.url(path)))
            .header("content-type", "application/json")
            .body(text)
            .map_err(failed)
    }

    fn with_cookies(&self, request: RequestBuilder) -> RequestBuilder {
        let request = request.credentials(RequestCredentials::Include);
        match self.authorization() {
            Some((name, value)) => request.header(&name, &value),
            None => request,
        }
    }

    /// Keeps (or forgets) the session token, for a backend on another origin: for this page's
    /// life, and in `localStorage` when the page has it.
    fn keep_token(&self, token: Option<String>) {
        if let Some((storage, key)) = token_storage(&self.base) {
            let _ = match &token {
                Some(token) => storage.set_item(&key, token),
                None => storage.remove_item(&key),
            };
        }
        *self.token.borrow_mut() = token;
    }

    /// The app key and member limit the server publishes for its pages.
    pub async fn config(&self) -> Result<PageConfig, BackendError> {
        read(Request::get(&self.url(routes::CONFIG)).send().await).await
    }

    /// Who is signed in, if anyone.
    pub async fn whoami(&self) -> Result<Option<User>, BackendError> {
        let request = self.with_cookies(Request::get(&self.url(routes::SESSION)));
        let sent = request.send().await;
        // 204: no session (yet, or any more).
        if sent.as_ref().is_ok_and(|response| response.status() == 204) {
            self.keep_token(None);
            return Ok(None);
        }
        read::<User>(sent).await.map(Some)
    }

    /// Signs in with a display name; the server assigns the id.
    pub async fn join(&self, name: &str) -> Result<User, BackendError> {
        let request = self.post(
            routes::SESSION,
            &SignIn {
                name: name.to_owned(),
            },
        )?;
        let session: Session = read(request.send().await).await?;
        // Only a backend on another origin answers a token (the cookie serves the rest).
        if session.token.is_some() {
            self.keep_token(session.token);
        }
        Ok(session.user)
    }

    /// Sends a message; a repeated `client_id` returns the stored message without sending again.
    pub async fn send(
        &self,
        channel: &str,
        text: &str,
        client_id: &str,
        socket_id: Option<&str>,
    ) -> Result<Message, BackendError> {
        let body = NewMessage {
            channel: channel.to_owned(),
            text: text.to_owned(),
            client_id: client_id.to_owned(),
            socket_id: socket_id.map(str::to_owned),
        };
        let request = self.post(routes::MESSAGES, &body)?;
        read(request.send().await).await
    }

    /// Invites a user to the private room of the two; returns the room.
    pub async fn invite(&self, to: &str) -> Result<String, BackendError> {
        let request = self.post(routes::INVITATIONS, &Invite { to: to.to_owned() })?;
        let answer: RoomAnswer = read(request.send().await).await?;
        Ok(answer.room)
    }

    /// Accepts or declines an invitation from `from`; returns the room.
    pub async fn answer(&self, from: &str, accept: bool) -> Result<String, BackendError> {
        let request = self.post(
            routes::INVITATION_ANSWER,
            &Answer {
                from: from.to_owned(),
                accept,
            },
        )?;
        let answer: RoomAnswer = read(request.send().await).await?;
        Ok(answer.room)
    }

    /// Up to `limit` messages before `before` (or the latest), oldest first.
    pub async fn history(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Message>, BackendError> {
        // The fields of rusher_chat_api::HistoryQuery.
        let limit = limit.to_string();
        let before = before.map(|b| b.to_string());
        let mut query = vec![("channel", channel), ("limit", limit.as_str())];
        if let Some(before) = &before {
            query.push(("before", before));
        }
        let request = self.with_cookies(Request::get(&self.url(routes::HISTORY)).query(query));
        let history: History = read(request.send().await).await?;
        Ok(history.messages)
    }

    /// The room's summary: how many are online, and the messages of others after `after`.
    pub async fn summary(
        &self,
        channel: &str,
        after: Option<i64>,
    ) -> Result<Summary, BackendError> {
        // The fields of rusher_chat_api::SummaryQuery.
        let after = after.map(|a| a.to_string());
        let mut query = vec![("channel", channel)];
        if let Some(after) = &after {
            query.push(("after", after));
        }
        let request = self.with_cookies(Request::get(&self.url(routes::SUMMARY)).query(query));
        read(request.send().await).await
    }

    /// The user ids the realtime server lists on a presence room (the whole cluster's).
    pub async fn members(&self, channel: &str) -> Result<Vec<String>, BackendError> {
        // The fields of rusher_chat_api::MembersQuery.
        let query = [("channel", channel)];
        let request = self.with_cookies(Request::get(&self.url(routes::MEMBERS)).query(query));
        let members: Members = read(request.send().await).await?;
        Ok(members.ids)
    }
}

/// The page's storage and the token's key there, when the backend is on another origin than the
/// page (a same-origin backend is reached with its HttpOnly cookie alone).
fn token_storage(base: &str) -> Option<(web_sys::Storage, String)> {
    let window = web_sys::window()?;
    let origin = window.location().origin().ok()?;
    let same_origin = base == origin || base.starts_with(&[origin.as_str(), "/"].concat());
    let other_origin = base.contains("://") && !same_origin;
    if !other_origin {
        return None;
    }
    let storage = window.local_storage().ok()??;
    Some((storage, [TOKEN_KEY_PREFIX, base].concat()))
}

/// A request that could not be made. gloo-net's own errors are read one by one: its `Display`
/// would bring serde_json's error messages (and std's I/O error names) into the module for an
/// error the widget never meets (it reads JSON through [`json`], not gloo-net): 1.4 KB.
fn failed(error: gloo_net::Error) -> BackendError {
    let message = match error {
        gloo_net::Error::JsError(error) => error.to_string(),
        gloo_net::Error::GlooError(message) => message,
        _ => "the answer could not be read".to_owned(),
    };
    BackendError {
        status: 0,
        message,
        kind: None,
        retry_after_ms: None,
    }
}

/// An answer (with `status`; 0 for a request body) that is not the JSON it should be.
fn unreadable(status: u16) -> BackendError {
    BackendError {
        status,
        message: "the backend's answer is not what the chat's contract says".to_owned(),
        kind: None,
        retry_after_ms: None,
    }
}

/// Reads a JSON answer, or the backend's `{"error"}` with the status.
async fn read<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, BackendError> {
    let (status, text) = answered(sent).await?;
    json::from_text(&text).ok_or_else(|| unreadable(status))
}

/// A successful answer's status and text, or the backend's `{"error"}` with the status. Apart
/// from [`read`], which is made once for every type the backend answers, so that this is not.
async fn answered(sent: Result<Response, gloo_net::Error>) -> Result<(u16, String), BackendError> {
    let response = sent.map_err(failed)?;
    let status = response.status();
    let text = response.text().await.map_err(failed)?;
    if response.ok() {
        return Ok((status, text));
    }
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .and_then(|seconds| seconds.trim().parse::<u32>().ok())
        .map(|seconds| seconds.saturating_mul(1000).min(MAX_RETRY_AFTER_MS));
    let (message, kind) = match json::from_text::<ErrorBody>(&text) {
        Some(body) => (body.error, body.kind),
        None => (response.status_text(), None),
    };
    Err(BackendError {
        status,
        message,
        kind,
        retry_after_ms,
    })
}
