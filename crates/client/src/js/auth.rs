//! Auth from JavaScript options: an endpoint whose `headers` and `params` are read at each request
//! (so an application can change them later, as Laravel Echo does with its CSRF token), plus
//! `headersProvider` and `paramsProvider`; or a `customHandler(params, callback)`.

use std::rc::Rc;

use js_sys::{Function, Object, Promise};
use rusher_protocol::json::Value;
use rusher_protocol::object;
use rusher_protocol::{AuthError, channel_auth_from_value, user_auth_from_value};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

use super::convert::{describe, from_js, get, to_js};
use super::options::{RawAuth, function};
use crate::auth_http::{ChannelAuthorizer, Endpoint, ExtrasProvider, Pairs, UserAuthenticator};

/// How channels are authorized, from `channelAuthorization` (or `authEndpoint` and `auth`).
pub fn channel_authorizer(raw: &RawAuth, source: &JsValue) -> Result<ChannelAuthorizer, String> {
    if let Some(handler) = function(source, "customHandler")? {
        return Ok(ChannelAuthorizer::Handler(Rc::new(
            move |socket_id, channel| {
                let handler = handler.clone();
                Box::pin(async move {
                    let params = to_js(&object! {"socketId": socket_id, "channelName": channel});
                    channel_auth_from_value(&call_handler(&handler, &params).await?)
                })
            },
        )));
    }
    Ok(ChannelAuthorizer::Endpoint(endpoint(
        raw,
        source,
        "/pusher/auth",
    )?))
}

/// How the user signs in, from `userAuthentication`.
pub fn user_authenticator(raw: &RawAuth, source: &JsValue) -> Result<UserAuthenticator, String> {
    if let Some(handler) = function(source, "customHandler")? {
        return Ok(UserAuthenticator::Handler(Rc::new(move |socket_id| {
            let handler = handler.clone();
            Box::pin(async move {
                let params = to_js(&object! {"socketId": socket_id});
                user_auth_from_value(&call_handler(&handler, &params).await?)
            })
        })));
    }
    Ok(UserAuthenticator::Endpoint(endpoint(
        raw,
        source,
        "/pusher/user-auth",
    )?))
}

/// An endpoint that reads `source.headers`, `source.params` and the providers at each request.
fn endpoint(raw: &RawAuth, source: &JsValue, default_url: &str) -> Result<Endpoint, String> {
    if let Some(transport) = raw.transport.as_deref()
        && transport != "ajax"
    {
        return Err([
            "transport \"",
            transport,
            "\" is not supported (only \"ajax\")",
        ]
        .concat());
    }
    let headers_provider = function(source, "headersProvider")?;
    let params_provider = function(source, "paramsProvider")?;
    let source = source.clone();
    let provider: ExtrasProvider = Rc::new(move || {
        let mut headers = pairs(&get(&source, "headers"));
        let mut params = pairs(&get(&source, "params"));
        if let Some(provider) = &headers_provider {
            headers.extend(pairs(&call(provider)));
        }
        if let Some(provider) = &params_provider {
            params.extend(pairs(&call(provider)));
        }
        (headers, params)
    });
    Ok(Endpoint {
        provider: Some(provider),
        ..Endpoint::new(raw.endpoint.as_deref().unwrap_or(default_url))
    })
}

/// Calls a provider; what it throws is logged and counts as no extras.
fn call(provider: &Function) -> JsValue {
    provider.call0(&JsValue::UNDEFINED).unwrap_or_else(|error| {
        web_sys::console::error_2(&JsValue::from_str("Rusher: a provider threw"), &error);
        JsValue::UNDEFINED
    })
}

/// An object's string, number and boolean entries as name-value pairs.
fn pairs(object: &JsValue) -> Pairs {
    let Some(object) = wasm_bindgen::JsCast::dyn_ref::<Object>(object) else {
        return Vec::new();
    };
    Object::entries(object)
        .iter()
        .filter_map(|entry| {
            let name = get(&entry, "0").as_string()?;
            let value = match from_js(&get(&entry, "1"))? {
                Value::String(s) => s,
                v @ (Value::Number(_) | Value::Bool(_)) => v.to_json(),
                _ => return None,
            };
            Some((name, value))
        })
        .collect()
}

/// Calls a pusher-js style handler `(params, callback(error, data))` and waits for its callback.
async fn call_handler(handler: &Function, params: &JsValue) -> Result<Value, AuthError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let failed = reject.clone();
        let done = Closure::once_into_js(move |error: JsValue, data: JsValue| {
            let outcome = if error.is_null() || error.is_undefined() {
                resolve.call1(&JsValue::UNDEFINED, &data)
            } else {
                reject.call1(&JsValue::UNDEFINED, &error)
            };
            drop(outcome);
        });
        if let Err(error) = handler.call2(&JsValue::UNDEFINED, params, &done) {
            drop(failed.call1(&JsValue::UNDEFINED, &error));
        }
    });
    match JsFuture::from(promise).await {
        Ok(data) => from_js(&data)
            .ok_or_else(|| AuthError::new("the auth handler's answer is not JSON", None)),
        Err(error) => Err(AuthError::new(
            ["the auth handler failed: ", &describe(&error)].concat(),
            None,
        )),
    }
}
