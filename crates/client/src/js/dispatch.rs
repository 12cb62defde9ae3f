//! Turns the core's events into the callbacks pusher-js would call, with the same names,
//! arguments and order: a channel's callbacks first, then the client's global ones.

use std::rc::Rc;

use rusher_protocol::channels::SERVER_TO_USER_PREFIX;
use rusher_protocol::json::Value;
use rusher_protocol::object;
use rusher_protocol::wire::WatchlistEventKind;
use rusher_protocol::{Error, Event};
use wasm_bindgen::JsValue;

use super::channel::{JsMembers, is_presence, member};
use super::convert::to_js;
use super::pusher::Shared;
use super::registry::Scope;

/// Calls every JavaScript callback that `event` concerns.
pub fn dispatch(shared: &Rc<Shared>, event: &Event) {
    let registry = &shared.registry;
    let on_channel = |channel: &str, name: &str, data: &JsValue, metadata: Option<&JsValue>| {
        registry.emit(&Scope::Channel(channel.to_owned()), name, data, metadata);
    };
    match event {
        Event::StateChange { previous, current } => {
            let change = object! {"previous": previous.as_str(), "current": current.as_str()};
            registry.emit(&Scope::Connection, "state_change", &to_js(&change), None);
            registry.emit(
                &Scope::Connection,
                current.as_str(),
                &JsValue::UNDEFINED,
                None,
            );
        }
        Event::ConnectingIn(delay) => {
            let seconds = JsValue::from_f64(delay.as_secs_f64().round());
            registry.emit(&Scope::Connection, "connecting_in", &seconds, None);
        }
        Event::Error(error) => {
            registry.emit(
                &Scope::Connection,
                "error",
                &to_js(&error_data(error)),
                None,
            );
            if let Error::Server { code, message } = error {
                let data = to_js(&object! {"code": *code, "message": message});
                registry.emit(&Scope::Global, "pusher:error", &data, None);
            }
        }
        Event::Message {
            channel,
            event: name,
            data,
            user_id,
        } => {
            let data = to_js(data);
            if registry.wants(&Scope::Connection, "message") {
                let message =
                    object! {"event": name, "channel": channel.clone(), "user_id": user_id.clone()};
                let message = to_js(&message);
                drop(js_sys::Reflect::set(&message, &"data".into(), &data));
                registry.emit(&Scope::Connection, "message", &message, None);
            }
            match channel.as_deref() {
                Some(user) if user.starts_with(SERVER_TO_USER_PREFIX) => {
                    registry.emit(&Scope::User, name, &data, None);
                }
                Some(channel) => {
                    let metadata = to_js(
                        &user_id
                            .as_ref()
                            .map_or_else(|| object! {}, |id| object! {"user_id": id}),
                    );
                    on_channel(channel, name, &data, Some(&metadata));
                }
                None => {}
            }
            registry.emit(&Scope::Global, name, &data, None);
        }
        Event::SubscriptionSucceeded { channel } => {
            let data = if is_presence(channel) {
                JsValue::from(JsMembers {
                    shared: Rc::clone(shared),
                    channel: channel.clone(),
                })
            } else {
                to_js(&object! {})
            };
            on_channel(channel, "pusher:subscription_succeeded", &data, None);
        }
        Event::SubscriptionError { channel, error } => {
            let data = to_js(&error.to_value());
            on_channel(channel, "pusher:subscription_error", &data, None);
        }
        Event::SubscriptionCount { channel, count } => {
            let data = to_js(&object! { "subscription_count": *count });
            on_channel(channel, "pusher:subscription_count", &data, None);
        }
        Event::CacheMiss { channel } => {
            on_channel(channel, "pusher:cache_miss", &JsValue::UNDEFINED, None);
            let data = to_js(&object! { "channel": channel });
            registry.emit(&Scope::Global, "pusher:cache_miss", &data, None);
        }
        Event::MemberAdded { channel, member: m } => {
            on_channel(channel, "pusher:member_added", &member(m), None);
        }
        Event::MemberRemoved { channel, member: m } => {
            on_channel(channel, "pusher:member_removed", &member(m), None);
        }
        Event::SignedIn { user_data, .. } => {
            shared.user_data.replace(Some(user_data.clone()));
            let data = to_js(&object! { "user_data": user_data.to_json() });
            registry.emit(&Scope::Global, "pusher:signin_success", &data, None);
        }
        Event::SigninError(error) => {
            let data = to_js(&error.to_value());
            registry.emit(&Scope::Global, "pusher:signin_error", &data, None);
        }
        Event::Watchlist { kind, user_ids } => {
            let name = match kind {
                WatchlistEventKind::Online => "online",
                WatchlistEventKind::Offline => "offline",
            };
            let data = to_js(&object! {"name": name, "user_ids": user_ids.clone()});
            registry.emit(&Scope::Watchlist, name, &data, None);
        }
    }
}

/// The argument of a connection `error` callback: `{type, error}`, plus pusher-js's
/// `data: {code, message}` for errors the server sent, and the channel where there is one.
fn error_data(error: &Error) -> Value {
    let (kind, message) = (error_type(error), error.to_string());
    match error {
        Error::Server { code, message: m } => {
            object! {"type": kind, "error": message, "data": object! {"code": *code, "message": m}}
        }
        Error::Closed { code, reason } => {
            object! {"type": kind, "error": message, "data": object! {"code": *code, "message": reason}}
        }
        Error::ClientEventDropped { channel, .. } | Error::Decryption { channel, .. } => {
            object! {"type": kind, "error": message, "channel": channel}
        }
        _ => object! {"type": kind, "error": message},
    }
}

/// The `type` of an error: pusher-js's `PusherError` for the server's, else Rusher's own name.
fn error_type(error: &Error) -> &'static str {
    match error {
        Error::Server { .. } | Error::Closed { .. } => "PusherError",
        Error::MalformedFrame(_) => "MalformedFrame",
        Error::InvalidHandshake(_) => "InvalidHandshake",
        Error::InvalidChannelName { .. } => "InvalidChannelName",
        Error::UnknownChannel(_) => "UnknownChannel",
        Error::ClientEventRefused(_) => "ClientEventRefused",
        Error::ClientEventDropped { .. } => "ClientEventDropped",
        Error::InvalidAuthResponse(_) => "InvalidAuthResponse",
        Error::Decryption { .. } => "DecryptionError",
        Error::TooManyMembers(_) => "TooManyMembers",
    }
}
