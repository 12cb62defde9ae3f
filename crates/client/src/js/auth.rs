//! Auth for the JavaScript API: the endpoint's headers and params are asked of JavaScript at each
//! request (an application may change them later, as Laravel Echo does with its CSRF token, and
//! pusher-js's `headersProvider` / `paramsProvider` are called there, and awaited when they
//! answer with a promise: a fresh token); a `customHandler` is called by JavaScript, which calls
//! back with its answer as JSON text, or with why it failed.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use rusher_protocol::json::Json;
use rusher_protocol::{AuthError, channel_auth_from_json, user_auth_from_json};
use wasm_bindgen::JsValue;

use super::sink::Sink;
use crate::auth_http::{ChannelAuthorizer, Endpoint, ExtrasProvider, Pairs, UserAuthenticator};
use crate::callback::once;

/// POSTs to `endpoint`, or calls `channelAuthorization.customHandler` when there is none.
pub fn channel_authorizer(sink: &Rc<Sink>, endpoint: Option<String>) -> ChannelAuthorizer {
    let Some(url) = endpoint else {
        let sink = Rc::clone(sink);
        return ChannelAuthorizer::Handler(Rc::new(move |socket_id, channel, done| {
            let callback = answer(move |answer| done(answer.and_then(channel_auth_from_json)));
            sink.authorize(&socket_id, &channel, &callback);
        }));
    };
    ChannelAuthorizer::Endpoint(live_endpoint(sink, url, "channelAuthorization"))
}

/// POSTs to `endpoint`, or calls `userAuthentication.customHandler` when there is none.
pub fn user_authenticator(sink: &Rc<Sink>, endpoint: Option<String>) -> UserAuthenticator {
    let Some(url) = endpoint else {
        let sink = Rc::clone(sink);
        return UserAuthenticator::Handler(Rc::new(move |socket_id, done| {
            let callback = answer(move |answer| done(answer.and_then(user_auth_from_json)));
            sink.signin(&socket_id, &callback);
        }));
    };
    UserAuthenticator::Endpoint(live_endpoint(sink, url, "userAuthentication"))
}

/// An endpoint whose headers and params JavaScript gives at each request.
fn live_endpoint(sink: &Rc<Sink>, url: String, section: &'static str) -> Endpoint {
    let sink = Rc::clone(sink);
    let provider: ExtrasProvider = Rc::new(move |done| {
        let callback = once(move |extras: JsValue, _: JsValue| {
            let extras = extras.as_string().unwrap_or_default();
            let extras = Json::parse(&extras).ok();
            let section = |name: &str| extras.and_then(|extras| extras.get(name));
            done((pairs(section("headers")), pairs(section("params"))));
        });
        sink.extras(section, &callback);
    });
    Endpoint {
        url,
        headers: Vec::new(),
        params: Vec::new(),
        provider: Some(provider),
    }
}

/// The string fields of an object.
fn pairs(object: Option<Json<'_>>) -> Pairs {
    let mut pairs = Vec::new();
    let Some(object) = object else {
        return pairs;
    };
    for (name, value) in object.entries() {
        if let Some(value) = value.to_string_value() {
            pairs.push((name.into_owned(), value));
        }
    }
    pairs
}

/// The callback JavaScript calls once with a handler's answer: `done(json)` with its JSON text
/// when it succeeded, `done(undefined, why)` when it failed.
fn answer(done: impl FnOnce(Result<Json<'_>, AuthError>) + 'static) -> JsValue {
    once(move |text: JsValue, why: JsValue| {
        let text = text.as_string().unwrap_or_default();
        let result = match why.as_string() {
            Some(why) => Err(AuthError::new(
                ["the auth handler failed: ", &why].concat(),
                None,
            )),
            None => Json::parse(&text)
                .map_err(|_| AuthError::new("the auth handler's answer is not JSON", None)),
        };
        done(result);
    })
}
