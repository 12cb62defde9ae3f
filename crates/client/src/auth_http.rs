//! Channel and user authorization: a form POST to the configured endpoint (with its headers and
//! extra params), or a handler the application supplies instead of HTTP.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_net::http::Request;
use rusher_protocol::{AuthError, AuthRequest, ChannelAuth, UserAuth, UserAuthRequest};

/// A boxed future the handlers return.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Signs one channel for a socket: `(socket_id, channel_name)`.
pub type ChannelHandler = Rc<dyn Fn(String, String) -> LocalFuture<Result<ChannelAuth, AuthError>>>;

/// Signs the user in for a socket: `(socket_id)`.
pub type UserHandler = Rc<dyn Fn(String) -> LocalFuture<Result<UserAuth, AuthError>>>;

/// An HTTP auth endpoint (pusher-js's `channelAuthorization` / `userAuthentication`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL, such as `/pusher/auth`.
    pub url: String,
    /// Extra request headers (a CSRF token, a bearer token).
    pub headers: Vec<(String, String)>,
    /// Extra form fields.
    pub params: Vec<(String, String)>,
}

/// How channels are authorized.
#[derive(Clone)]
pub enum ChannelAuthorizer {
    /// POST to an endpoint.
    Endpoint(Endpoint),
    /// Ask the application.
    Handler(ChannelHandler),
}

/// How the user signs in.
#[derive(Clone)]
pub enum UserAuthenticator {
    /// POST to an endpoint.
    Endpoint(Endpoint),
    /// Ask the application.
    Handler(UserHandler),
}

/// POSTs a form; a request that fails before an answer is status 0 with the error as body.
async fn post_form(endpoint: &Endpoint, body: String) -> (u16, String) {
    let mut request =
        Request::post(&endpoint.url).header("Content-Type", "application/x-www-form-urlencoded");
    for (name, value) in &endpoint.headers {
        request = request.header(name, value);
    }
    let sent = match request.body(body) {
        Ok(request) => request.send().await,
        Err(e) => return (0, e.to_string()),
    };
    match sent {
        Ok(response) => {
            let status = response.status();
            (status, response.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

/// Authorizes the channels of a request: one POST (batched or single), or one handler call per
/// channel. Never fails: every channel gets a result.
pub async fn authorize_channels(
    authorizer: &ChannelAuthorizer,
    request: &AuthRequest,
) -> Vec<(String, Result<ChannelAuth, AuthError>)> {
    match authorizer {
        ChannelAuthorizer::Endpoint(endpoint) => {
            let (status, body) = post_form(endpoint, request.form_body(&endpoint.params)).await;
            request.parse_response(status, &body)
        }
        ChannelAuthorizer::Handler(handler) => {
            let mut results = Vec::with_capacity(request.channels.len());
            for channel in &request.channels {
                let result = handler(request.socket_id.clone(), channel.clone()).await;
                results.push((channel.clone(), result));
            }
            results
        }
    }
}

/// Fetches the user sign-in authorization.
pub async fn authenticate_user(
    authenticator: &UserAuthenticator,
    request: &UserAuthRequest,
) -> Result<UserAuth, AuthError> {
    match authenticator {
        UserAuthenticator::Endpoint(endpoint) => {
            let (status, body) = post_form(endpoint, request.form_body(&endpoint.params)).await;
            request.parse_response(status, &body)
        }
        UserAuthenticator::Handler(handler) => handler(request.socket_id.clone()).await,
    }
}
