//! Channel and user authorization: a form POST to the configured endpoint (with its headers and
//! extra params), or a handler the application supplies instead of HTTP.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use rusher_protocol::{AuthError, AuthRequest, ChannelAuth, UserAuth, UserAuthRequest};
use wasm_bindgen::prelude::*;

use crate::browser::{Headers, RequestInit, Response, Thenable, fetch};
use crate::callback::once;

/// Where a handler delivers its answer, once.
pub type Done<T> = Box<dyn FnOnce(T)>;

/// Signs one channel for a socket: `(socket_id, channel_name, done)`. The handler may answer
/// at once or later (after its own request, say).
pub type ChannelHandler = Rc<dyn Fn(String, String, Done<Result<ChannelAuth, AuthError>>)>;

/// Signs the user in for a socket: `(socket_id, done)`.
pub type UserHandler = Rc<dyn Fn(String, Done<Result<UserAuth, AuthError>>)>;

/// Name-value pairs: request headers or form fields.
pub type Pairs = Vec<(String, String)>;

/// Computes more headers and form fields for each request (pusher-js's `headersProvider` and
/// `paramsProvider`, or headers an application changes after start-up), and hands them to the
/// callback: at once, or later (a provider fetching a fresh token first).
pub type ExtrasProvider = Rc<dyn Fn(Done<(Pairs, Pairs)>)>;

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

    /// POSTs a form with the fixed headers and fields, then the provider's, once it has
    /// answered: `form(params)` gives the body and what to call with the answer's status and
    /// body. Boxed, so that channel and user auth share one copy of this code.
    fn post(&self, form: Form) {
        let (mut headers, mut params) = (self.headers.clone(), self.params.clone());
        let url = self.url.clone();
        let send = move |(more_headers, more_params): (Pairs, Pairs)| {
            headers.extend(more_headers);
            params.extend(more_params);
            let (body, answer) = form(&params);
            post_form(&url, &headers, &body, answer);
        };
        match &self.provider {
            Some(provider) => provider(Box::new(send)),
            None => send((Vec::new(), Vec::new())),
        }
    }
}

/// What is called with an auth answer's status and body.
type Answer = Box<dyn FnOnce(u16, String)>;

/// Writes an auth request's form body from its fields, and gives what takes the answer.
type Form = Box<dyn FnOnce(&Pairs) -> (String, Answer)>;

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

/// Calls `callback` with what `promise` settles with, fulfilled or rejected.
fn when_settled(promise: &Thenable, callback: impl FnOnce(JsValue) + 'static) {
    let callback = once(move |outcome, _| callback(outcome));
    promise.settled(&callback, &callback);
}

/// POSTs a form (credentials same-origin), then calls `done(status, body)`; a request that fails
/// before an answer is status 0 with an empty body. Callbacks rather than `async`: the futures
/// executor and its closures would be a tenth of the browser bundle. `done` is boxed, so that
/// channel and user auth share one copy of this code (about 290 B of the gzip bundle).
fn post_form(url: &str, headers: &Pairs, body: &str, done: Answer) {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_credentials("same-origin");
    init.set_body(body);
    let request_headers = Headers::new();
    let _ = request_headers.append("Content-Type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        // A header name or value the browser refuses is left out rather than failing the
        // request.
        let _ = request_headers.append(name, value);
    }
    init.set_headers(&request_headers);
    let on_response = move |response: JsValue| {
        let Some(response) = response.dyn_ref::<Response>() else {
            return done(0, String::new());
        };
        let status = response.status();
        when_settled(&response.text(), move |text: JsValue| {
            done(status, text.as_string().unwrap_or_default());
        });
    };
    when_settled(&fetch(url, &init), on_response);
}

/// Authorizes the channels of a request, then calls `done` with a result for every channel: one
/// POST (batched or single), or one handler call per channel.
pub fn authorize_channels(
    authorizer: &ChannelAuthorizer,
    request: AuthRequest,
    done: impl FnOnce(AuthRequest, Vec<(String, Result<ChannelAuth, AuthError>)>) + 'static,
) {
    match authorizer {
        ChannelAuthorizer::Endpoint(endpoint) => endpoint.post(Box::new(move |params| {
            let body = request.form_body(params);
            let answer: Answer = Box::new(move |status, body| {
                let results = request.parse_response(status, &body);
                done(request, results);
            });
            (body, answer)
        })),
        ChannelAuthorizer::Handler(_) if request.channels.is_empty() => done(request, Vec::new()),
        ChannelAuthorizer::Handler(handler) => {
            let channels = request.channels.clone();
            let socket_id = request.socket_id.clone();
            let waiting = Rc::new(RefCell::new(Some((request, Vec::new(), done))));
            for channel in channels {
                let waiting = Rc::clone(&waiting);
                let name = channel.clone();
                let answer: Done<Result<ChannelAuth, AuthError>> = Box::new(move |result| {
                    let mut slot = waiting.borrow_mut();
                    let complete = slot.as_mut().is_some_and(|(request, results, _)| {
                        results.push((name, result));
                        results.len() == request.channels.len()
                    });
                    if complete && let Some((request, results, done)) = slot.take() {
                        drop(slot);
                        done(request, results);
                    }
                });
                handler(socket_id.clone(), channel, answer);
            }
        }
    }
}

/// Fetches the user sign-in authorization, then calls `done`.
pub fn authenticate_user(
    authenticator: &UserAuthenticator,
    request: UserAuthRequest,
    done: impl FnOnce(UserAuthRequest, Result<UserAuth, AuthError>) + 'static,
) {
    match authenticator {
        UserAuthenticator::Endpoint(endpoint) => endpoint.post(Box::new(move |params| {
            let body = request.form_body(params);
            let answer: Answer = Box::new(move |status, body| {
                let result = request.parse_response(status, &body);
                done(request, result);
            });
            (body, answer)
        })),
        UserAuthenticator::Handler(handler) => {
            let socket_id = request.socket_id.clone();
            handler(socket_id, Box::new(move |result| done(request, result)));
        }
    }
}
