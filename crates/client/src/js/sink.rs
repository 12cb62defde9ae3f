//! The JavaScript object the exports report to (written in `www/npm/pusher.js`): every event of
//! the core as `(kind, channel, name, data)`, with the data as JSON text for the engine's own
//! `JSON.parse`, and the auth requests that JavaScript answers.

use alloc::string::String;

use rusher_protocol::json::Value;
use rusher_protocol::object;
use rusher_protocol::wire::WatchlistEventKind;
use rusher_protocol::{Error, Event, Member};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JavaScript side of one client.
    pub type Sink;

    /// One event: see [`Kind`] for what `channel` and `name` mean.
    #[wasm_bindgen(method)]
    fn event(
        this: &Sink,
        kind: u8,
        channel: Option<&str>,
        name: &str,
        data: Option<String>,
        user_id: Option<&str>,
    );

    /// The auth endpoint's headers and params as they are now (`section` is
    /// `channelAuthorization` or `userAuthentication`): `{"headers": {..}, "params": {..}}`.
    #[wasm_bindgen(method)]
    pub fn extras(this: &Sink, section: &str) -> String;

    /// Calls `channelAuthorization.customHandler`, then `done(json)`, or `done("!" + why)`.
    #[wasm_bindgen(method)]
    pub fn authorize(this: &Sink, socket_id: &str, channel: &str, done: &JsValue);

    /// Calls `userAuthentication.customHandler`, then `done(json)`, or `done("!" + why)`.
    #[wasm_bindgen(method)]
    pub fn signin(this: &Sink, socket_id: &str, done: &JsValue);
}

/// What an event is for, which decides whose callbacks it goes to.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    /// An event from the server or another client: `channel` (if any), event name, data, and the
    /// sender's `user_id`. Server-to-user events have the `#server-to-user-…` channel.
    Message = 0,
    /// One of pusher-js's `pusher:…` events on a channel.
    Channel = 1,
    /// A state change: `channel` is the previous state, `name` the current.
    State = 2,
    /// A connection event (`connecting_in`, `error`) with data.
    Connection = 3,
    /// An event only the client's global callbacks get (`pusher:error`, sign-in results).
    Global = 4,
    /// A watchlist event: `online` or `offline` with `{name, user_ids}`.
    Watchlist = 5,
}

impl Sink {
    fn emit(&self, kind: Kind, channel: Option<&str>, name: &str, data: Option<&Value>) {
        self.event(kind as u8, channel, name, data.map(Value::to_json), None);
    }

    /// Reports one of the core's events.
    pub fn report(&self, event: &Event) {
        match event {
            Event::StateChange { previous, current } => {
                self.emit(Kind::State, Some(previous.as_str()), current.as_str(), None);
            }
            Event::ConnectingIn(delay) => {
                // Rounded to whole seconds, as pusher-js does.
                let seconds = Value::from((delay.as_millis() as u64 + 500) / 1000);
                self.emit(Kind::Connection, None, "connecting_in", Some(&seconds));
            }
            Event::Error(error) => {
                self.emit(Kind::Connection, None, "error", Some(&error_data(error)));
                if let Error::Server { code, message } = error {
                    let data = object! {"code": *code, "message": message};
                    self.emit(Kind::Global, None, "pusher:error", Some(&data));
                }
            }
            Event::Message {
                channel,
                event: name,
                data,
                user_id,
            } => {
                let channel = channel.as_deref();
                self.event(
                    Kind::Message as u8,
                    channel,
                    name,
                    Some(data.to_json()),
                    user_id.as_deref(),
                );
            }
            Event::SubscriptionSucceeded { channel } => {
                let data = object! {};
                self.channel(channel, "pusher:subscription_succeeded", Some(&data));
            }
            Event::SubscriptionError { channel, error } => {
                let data = error.to_value();
                self.channel(channel, "pusher:subscription_error", Some(&data));
            }
            Event::SubscriptionCount { channel, count } => {
                let data = object! { "subscription_count": *count };
                self.channel(channel, "pusher:subscription_count", Some(&data));
            }
            Event::CacheMiss { channel } => self.channel(channel, "pusher:cache_miss", None),
            Event::MemberAdded { channel, member: m } => {
                self.channel(channel, "pusher:member_added", Some(&member(m)));
            }
            Event::MemberRemoved { channel, member: m } => {
                self.channel(channel, "pusher:member_removed", Some(&member(m)));
            }
            Event::SignedIn { user_data, .. } => {
                let data = object! { "user_data": user_data.to_json() };
                self.emit(Kind::Global, None, "pusher:signin_success", Some(&data));
            }
            Event::SigninError(error) => {
                let data = error.to_value();
                self.emit(Kind::Global, None, "pusher:signin_error", Some(&data));
            }
            Event::Watchlist { kind, user_ids } => {
                let name = match kind {
                    WatchlistEventKind::Online => "online",
                    WatchlistEventKind::Offline => "offline",
                };
                let data = object! {"name": name, "user_ids": user_ids.clone()};
                self.emit(Kind::Watchlist, None, name, Some(&data));
            }
        }
    }

    fn channel(&self, channel: &str, name: &str, data: Option<&Value>) {
        self.emit(Kind::Channel, Some(channel), name, data);
    }
}

/// `{id, info}`, as pusher-js gives a member.
pub fn member(member: &Member) -> Value {
    object! {"id": &member.id, "info": member.info.clone()}
}

/// The argument of a connection `error` callback: `{type, error}`, plus pusher-js's
/// `data: {code, message}` for errors the server sent, and the channel where there is one.
fn error_data(error: &Error) -> Value {
    let (kind, message) = (error_type(error), alloc::string::ToString::to_string(error));
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
