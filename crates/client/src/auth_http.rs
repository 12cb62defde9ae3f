//! Channel and user authorization: a form POST to the configured endpoint (with its headers and
//! extra params), or a handler the application supplies instead of HTTP.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;

use js_sys::Promise;
use rusher_protocol::{AuthError, AuthRequest, ChannelAuth, UserAuth, UserAuthRequest};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

/// A boxed future the handlers return.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Signs one channel for a socket: `(socket_id, channel_name)`.
pub type ChannelHandler = Rc<dyn Fn(String, String) -> LocalFuture<Result<ChannelAuth, AuthError>>>;

/// Signs the user in for a socket: `(socket_id)`.
pub type UserHandler = Rc<dyn Fn(String) -> LocalFuture<Result<UserAuth, AuthError>>>;

/// Name-value pairs: request headers or form fields.
pub type Pairs = Vec<(String, String)>;

/// Computes more headers and form fields for each request (pusher-js's `headersProvider` and
/// `paramsProvider`, or headers an application changes after start-up).
pub type ExtrasProvider = Rc<dyn Fn() -> (Pairs, Pairs)>;

/// An HTTP auth endpoint (pusher-js's `channelAuthorization` / `userAuthentication`).
#[derive(Clone, Default)]
pub struct Endpoint {
    /// The URL, such as `/pusher/auth`.
    pub url: String,
    /// Extra request headers (a CSRF token, a bearer token).
    pub headers: Pairs,
    /// Extra form fields.
    pub params: Pairs,
    /// Headers and form fields computed at request time, added to the fixed ones.
    pub provider: Option<ExtrasProvider>,
}

impl Endpoint {
    /// An endpoint with no extra headers or fields.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            ..Self::default()
        }
    }

    /// The fixed headers and fields, then the provider's.
    fn extras(&self) -> (Pairs, Pairs) {
        let (mut headers, mut params) = (self.headers.clone(), self.params.clone());
        if let Some(provider) = &self.provider {
            let (more_headers, more_params) = provider();
            headers.extend(more_headers);
            params.extend(more_params);
        }
        (headers, params)
    }
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

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)`, in windows and workers alike.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Promise;
}

/// POSTs a form (credentials same-origin); a request that fails before an answer is status 0
/// with an empty body.
async fn post_form(url: &str, headers: &Pairs, body: &str) -> (u16, String) {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_body(&JsValue::from_str(body));
    if let Ok(request_headers) = Headers::new() {
        let _ = request_headers.append("Content-Type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            // A header name or value the browser refuses is left out rather than failing the
            // request.
            let _ = request_headers.append(name, value);
        }
        init.set_headers(&request_headers);
    }
    let Ok(response) = JsFuture::from(fetch_with_init(url, &init)).await else {
        return (0, String::new());
    };
    let response: Response = response.unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    (response.status(), text.unwrap_or_default())
}

/// Authorizes the channels of a request: one POST (batched or single), or one handler call per
/// channel. Never fails: every channel gets a result.
pub async fn authorize_channels(
    authorizer: &ChannelAuthorizer,
    request: &AuthRequest,
) -> Vec<(String, Result<ChannelAuth, AuthError>)> {
    match authorizer {
        ChannelAuthorizer::Endpoint(endpoint) => {
            let (headers, params) = endpoint.extras();
            let (status, body) =
                post_form(&endpoint.url, &headers, &request.form_body(&params)).await;
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
            let (headers, params) = endpoint.extras();
            let (status, body) =
                post_form(&endpoint.url, &headers, &request.form_body(&params)).await;
            request.parse_response(status, &body)
        }
        UserAuthenticator::Handler(handler) => handler(request.socket_id.clone()).await,
    }
}
