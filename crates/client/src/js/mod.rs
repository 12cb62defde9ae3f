//! The exports the JavaScript API is built on (the `js` feature). `www/npm/pusher.js` holds
//! pusher-js 8's classes (`Pusher`, `Channel`, `Members`, `Connection`, `User`, `Watchlist`) in a
//! small hand-written layer: options, callbacks by event name, and the objects Laravel Echo reads.
//! Everything they do with the connection goes through one [`Core`] per client, which holds the
//! Rust client; all protocol logic stays in the protocol core.
//!
//! The interface is narrow on purpose: every event crosses as `(kind, channel, name, JSON text)`
//! to one JavaScript object, and state is read as JSON text. Each exported method costs wasm
//! code and JavaScript glue, so there are few of them.

mod auth;
mod sink;

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use core::time::Duration;

use rusher_protocol::json::{Json, JsonText, ObjectWriter};
use rusher_protocol::{Access, ChannelKind, Error};
use wasm_bindgen::prelude::*;

use crate::api::{DEFAULT_CHANNEL_AUTH_ENDPOINT, DEFAULT_USER_AUTH_ENDPOINT};
use crate::{Options, Pusher};
use sink::{Reporting, Sink, member};

/// One client, driven from JavaScript.
#[wasm_bindgen]
pub struct Core {
    pusher: Pusher,
}

#[wasm_bindgen]
impl Core {
    /// Creates the client and connects. `options` is JSON text of the options JavaScript has
    /// checked and normalized: `cluster`, `wsHost`, `wsPort`, `wssPort`, `forceTLS`, the three
    /// timeouts in milliseconds, `batchAuth`, the auth endpoints `channelEndpoint` and
    /// `userEndpoint`, and `channelHandler` and `userHandler`, true when the section's
    /// `customHandler` answers instead. Each option left out has [`Options::new`]'s default, the
    /// only place defaults are written.
    #[wasm_bindgen(constructor)]
    pub fn new(key: &str, options: &str, sink: Sink) -> Core {
        let sink = Rc::new(sink);
        let given = Json::parse(options).ok();
        let field = |name: &str| given.and_then(|options| options.get(name));
        let text = |name: &str| field(name).and_then(Json::to_string_value);
        let number = |name: &str| field(name).and_then(Json::as_u64);
        let flag =
            |name: &str, default: bool| field(name).and_then(Json::as_bool).unwrap_or(default);
        let mut options = Options::new(key);
        options.cluster = text("cluster");
        options.ws_host = text("wsHost");
        let port = |name: &str, default: u16| {
            number(name)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(default)
        };
        options.ws_port = port("wsPort", options.ws_port);
        options.wss_port = port("wssPort", options.wss_port);
        options.force_tls = flag("forceTLS", options.force_tls);
        let millis =
            |name: &str, default: Duration| number(name).map_or(default, Duration::from_millis);
        options.activity_timeout = millis("activityTimeout", options.activity_timeout);
        options.pong_timeout = millis("pongTimeout", options.pong_timeout);
        options.unavailable_timeout = millis("unavailableTimeout", options.unavailable_timeout);
        options.batch_auth = flag("batchAuth", options.batch_auth);
        let endpoint = |name: &str, handler: &str, default: &str| {
            let given = text(name).unwrap_or_else(|| default.to_owned());
            (!flag(handler, false)).then_some(given)
        };
        options.channel_authorization = auth::channel_authorizer(
            &sink,
            endpoint(
                "channelEndpoint",
                "channelHandler",
                DEFAULT_CHANNEL_AUTH_ENDPOINT,
            ),
        );
        options.user_authentication = auth::user_authenticator(
            &sink,
            endpoint("userEndpoint", "userHandler", DEFAULT_USER_AUTH_ENDPOINT),
        );
        let pusher = Pusher::new(options);
        let reporting = Reporting::new(pusher.keep_frames());
        pusher.bind_global(move |event| sink.report(event, &reporting));
        Core { pusher }
    }

    /// Subscribes; an invalid name gives the reason instead.
    pub fn subscribe(&self, name: &str) -> Option<String> {
        self.pusher.subscribe(name).err().map(|e| e.message())
    }

    /// Unsubscribes.
    pub fn unsubscribe(&self, name: &str) {
        self.pusher.unsubscribe(name);
    }

    /// Sends a client event with `data` as JSON text (none: JavaScript could not write it as
    /// JSON); the reason when it is not sent.
    pub fn trigger(&self, channel: &str, event: &str, data: Option<String>) -> Option<String> {
        let Some(handle) = self.pusher.channel(channel) else {
            return Some(Error::UnknownChannel(channel.to_owned()).message());
        };
        let Some(Ok(data)) = data.as_deref().map(JsonText::parse) else {
            return Some("the data cannot be sent as JSON".to_owned());
        };
        handle.trigger(event, data).err().map(|e| e.message())
    }

    /// Connects (again).
    pub fn connect(&self) {
        self.pusher.connect();
    }

    /// Disconnects and stops reconnecting.
    pub fn disconnect(&self) {
        self.pusher.disconnect();
    }

    /// Signs the user in, and again after every reconnect.
    pub fn signin(&self) {
        self.pusher.signin();
    }

    /// The connection state, as pusher-js names it.
    pub fn state(&self) -> String {
        self.pusher.state().as_str().to_owned()
    }

    /// The socket id while connected.
    pub fn socket_id(&self) -> Option<String> {
        self.pusher.socket_id()
    }

    /// A channel's `{"subscribed", "pending", "presence", "count"}` as JSON text, or nothing
    /// when it is not subscribed. `presence` is the core's reading of the name: whether the
    /// channel has members.
    pub fn status(&self, channel: &str) -> Option<String> {
        let status = self.pusher.channel(channel)?.status()?;
        let flag = |on: bool| if on { "true" } else { "false" };
        let presence = ChannelKind::of(channel).access == Access::Presence;
        let status = ObjectWriter::new()
            .raw("subscribed", flag(status.subscribed))
            .raw("pending", flag(status.pending))
            .raw("presence", flag(presence))
            .number_if("count", status.subscription_count);
        Some(status.finish())
    }

    /// A presence channel's `{"members": {id: info}, "me": {id, info} | null}` as JSON text.
    pub fn members(&self, channel: &str) -> Option<String> {
        self.pusher.channel(channel)?.read_members(|members| {
            let mut all = ObjectWriter::new();
            for (id, info) in members.iter() {
                all = all.raw(id, info.as_str());
            }
            let me = members.me();
            ObjectWriter::new()
                .raw("members", &all.finish())
                .raw("me", me.as_ref().map_or("null".to_owned(), member).as_str())
                .finish()
        })
    }
}
