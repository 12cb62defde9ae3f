//! User sign-in (docs/protocol.md section 6): fetch a user authorization, send `pusher:signin`, and on
//! `pusher:signin_success` know who we are. Repeated on every new connection once asked for.

use crate::json::{Json, JsonText};
use crate::prelude::*;

use crate::auth::{AuthError, AuthRequestId, UserAuth, UserAuthRequest};
use crate::event::{Event, Output, Outputs};
use crate::time::Instant;
use crate::wire::ClientMessage;
use core::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SigninState {
    /// Not signing in on this socket.
    Idle,
    /// A user auth request goes out at the next flush.
    AwaitingAuth,
    /// Waiting for the user auth endpoint.
    Authorizing(AuthRequestId),
    /// `pusher:signin` sent; waiting for the server.
    Pending,
    /// The server confirmed.
    SignedIn,
}

/// The sign-in state of the connection.
#[derive(Debug)]
pub(crate) struct User {
    wanted: bool,
    state: SigninState,
    id: Option<String>,
    /// When the sign-in under way gives up: its auth endpoint or the server did not answer
    /// (a server refuses a sign-in with a `pusher:error` that names no request).
    deadline: Option<Instant>,
}

impl Default for User {
    fn default() -> Self {
        Self {
            wanted: false,
            state: SigninState::Idle,
            id: None,
            deadline: None,
        }
    }
}

impl User {
    /// The user asked to sign in: now when connected, else on the next connection. The sign-in
    /// gives up after `timeout` without an answer.
    pub(crate) fn request(&mut self, connected: bool, now: Instant, timeout: Duration) {
        self.wanted = true;
        if connected && self.state == SigninState::Idle {
            self.start(now, timeout);
        }
    }

    /// A new connection: sign in again if the user ever asked to.
    pub(crate) fn on_connected(&mut self, now: Instant, timeout: Duration) {
        if self.wanted {
            self.start(now, timeout);
        }
    }

    fn start(&mut self, now: Instant, timeout: Duration) {
        self.state = SigninState::AwaitingAuth;
        self.deadline = Some(now + timeout);
    }

    /// The socket is gone: the sign-in was tied to it.
    pub(crate) fn reset(&mut self) {
        self.state = SigninState::Idle;
        self.id = None;
        self.deadline = None;
    }

    /// When [`expire`](Self::expire) must be called, if a sign-in is under way.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Gives up on a sign-in that got no answer by its deadline: `signin_error`
    /// (`SigninTimeout`); a late answer is ignored, and `signin()` tries again.
    pub(crate) fn expire(&mut self, now: Instant, out: &mut Outputs) {
        if self.deadline.is_none_or(|at| at > now) {
            return;
        }
        self.deadline = None;
        let waiting = match self.state {
            SigninState::AwaitingAuth | SigninState::Authorizing(_) => "the user auth endpoint",
            SigninState::Pending => "the server",
            SigninState::Idle | SigninState::SignedIn => return,
        };
        self.state = SigninState::Idle;
        out.event(Event::SigninError(AuthError {
            kind: "SigninTimeout".to_owned(),
            error: [waiting, " did not answer the sign-in"].concat(),
            status: None,
        }));
    }

    /// Asks the driver for a user authorization when one is due.
    pub(crate) fn flush_auth(&mut self, socket_id: &str, next_id: &mut u64, out: &mut Outputs) {
        if self.state == SigninState::AwaitingAuth {
            *next_id = next_id.wrapping_add(1);
            let id = AuthRequestId(*next_id);
            self.state = SigninState::Authorizing(id);
            out.push(Output::AuthorizeUser(UserAuthRequest {
                id,
                socket_id: socket_id.to_owned(),
            }));
        }
    }

    /// Takes the user auth answer: sends `pusher:signin`, or reports `signin_error`.
    pub(crate) fn handle_auth(
        &mut self,
        id: AuthRequestId,
        result: Result<UserAuth, AuthError>,
        out: &mut Outputs,
    ) {
        if self.state != SigninState::Authorizing(id) {
            return;
        }
        let checked = result.and_then(|auth| {
            parse_user_data(&auth.user_data)
                .map(|_| auth)
                .map_err(|reason| AuthError::new(reason, Some(200)))
        });
        match checked {
            Ok(auth) => {
                out.send(&ClientMessage::Signin {
                    auth: auth.auth,
                    user_data: auth.user_data,
                });
                self.state = SigninState::Pending;
            }
            Err(error) => {
                self.state = SigninState::Idle;
                self.deadline = None;
                out.event(Event::SigninError(error));
            }
        }
    }

    /// Takes `pusher:signin_success`; returns the user id when we are now signed in.
    pub(crate) fn handle_success(&mut self, user_data: &str, out: &mut Outputs) -> Option<String> {
        if self.state != SigninState::Pending {
            return None;
        }
        match parse_user_data(user_data) {
            Ok((id, data)) => {
                self.state = SigninState::SignedIn;
                self.deadline = None;
                self.id = Some(id.clone());
                out.event(Event::SignedIn {
                    user_id: id.clone(),
                    user_data: data,
                });
                Some(id)
            }
            Err(reason) => {
                self.state = SigninState::Idle;
                self.deadline = None;
                out.event(Event::SigninError(AuthError::new(reason, None)));
                None
            }
        }
    }

    /// The signed-in user's id.
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// Reads `user_data`: a JSON object whose `id` is a non-empty string.
fn parse_user_data(text: &str) -> Result<(String, JsonText), String> {
    let data = Json::parse(text).map_err(|_| "user_data is not JSON".to_owned())?;
    match data.get("id").and_then(Json::to_string_value) {
        Some(id) if !id.is_empty() => Ok((id, JsonText::from(data))),
        _ => Err("user_data.id must be a non-empty string".to_owned()),
    }
}
