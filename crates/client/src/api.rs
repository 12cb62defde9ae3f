//! The Rust API, shaped like pusher-js: a `Pusher` that connects on creation, `Channel` handles
//! with `bind` and `trigger`, presence members, sign-in, and the connection state.

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use rusher_protocol::json::{JsonText, Value};
use rusher_protocol::{ChannelStatus, Config, Connection, Error, Event, Members, State, defaults};

use crate::auth_http::{ChannelAuthorizer, Endpoint, UserAuthenticator};
use crate::driver::Driver;
use crate::stream::EventStream;

/// Options, with pusher-js's names and defaults.
#[derive(Clone)]
pub struct Options {
    /// The app key.
    pub key: String,
    /// A Pusher cluster (`eu`, `mt1`…), used when `ws_host` is not set.
    pub cluster: Option<String>,
    /// A self-hosted server's host.
    pub ws_host: Option<String>,
    /// The port for `ws://` (80, as every default here: the protocol core's [`Config`]).
    pub ws_port: u16,
    /// The port for `wss://` (443).
    pub wss_port: u16,
    /// Connect with TLS.
    pub force_tls: bool,
    /// Silence before a ping (120 s; the server's value wins when lower).
    pub activity_timeout: Duration,
    /// Time allowed for an answer to our ping (30 s).
    pub pong_timeout: Duration,
    /// Time before a connect attempt counts as `unavailable` (10 s).
    pub unavailable_timeout: Duration,
    /// Time a subscription may wait for the auth endpoint, and then for the server, before it
    /// fails with an `AuthTimeout` or `SubscriptionTimeout` error (30 s).
    pub subscription_timeout: Duration,
    /// How channels are authorized (`POST /pusher/auth` by default).
    pub channel_authorization: ChannelAuthorizer,
    /// How the user signs in (`POST /pusher/user-auth` by default).
    pub user_authentication: UserAuthenticator,
    /// Authorize channels waiting at the same moment in one request.
    pub batch_auth: bool,
}

/// The Pusher cluster connected to when neither a cluster nor a host is given, as pusher-js.
pub const DEFAULT_CLUSTER: &str = "mt1";
/// Where channels are authorized when no endpoint or handler is given, as pusher-js.
pub const DEFAULT_CHANNEL_AUTH_ENDPOINT: &str = "/pusher/auth";
/// Where the user signs in when no endpoint or handler is given, as pusher-js.
pub const DEFAULT_USER_AUTH_ENDPOINT: &str = "/pusher/user-auth";

impl Options {
    /// Defaults for an app key: [`DEFAULT_CLUSTER`], the protocol core's [`defaults`] (ports,
    /// TLS, timers), auth at [`DEFAULT_CHANNEL_AUTH_ENDPOINT`] and
    /// [`DEFAULT_USER_AUTH_ENDPOINT`].
    pub fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            cluster: None,
            ws_host: None,
            ws_port: defaults::WS_PORT,
            wss_port: defaults::WSS_PORT,
            force_tls: defaults::USE_TLS,
            activity_timeout: defaults::ACTIVITY_TIMEOUT,
            pong_timeout: defaults::PONG_TIMEOUT,
            unavailable_timeout: defaults::UNAVAILABLE_TIMEOUT,
            subscription_timeout: defaults::SUBSCRIPTION_TIMEOUT,
            channel_authorization: ChannelAuthorizer::Endpoint(Endpoint::new(
                DEFAULT_CHANNEL_AUTH_ENDPOINT,
            )),
            user_authentication: UserAuthenticator::Endpoint(Endpoint::new(
                DEFAULT_USER_AUTH_ENDPOINT,
            )),
            batch_auth: defaults::BATCH_AUTH,
        }
    }

    fn config(&self) -> Config {
        let host = self.ws_host.clone().unwrap_or_else(|| {
            Config::cluster_host(self.cluster.as_deref().unwrap_or(DEFAULT_CLUSTER))
        });
        let mut config = Config::for_host(
            &self.key,
            &host,
            self.ws_port,
            self.wss_port,
            self.force_tls,
        );
        config.activity_timeout = self.activity_timeout;
        config.pong_timeout = self.pong_timeout;
        config.unavailable_timeout = self.unavailable_timeout;
        config.subscription_timeout = self.subscription_timeout;
        config.batch_auth = self.batch_auth;
        config
    }
}

/// A connection to a Pusher server, with its channels.
#[derive(Clone)]
pub struct Pusher {
    driver: Rc<Driver>,
}

/// Removes a callback registered with `bind` or `bind_global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding(u64);

impl Pusher {
    /// Creates the client and connects, like `new Pusher(key, options)`.
    pub fn new(options: Options) -> Self {
        let seed = (crate::browser::random() * (u64::MAX as f64)) as u64;
        let conn = Connection::new(options.config(), seed);
        let driver = Driver::new(
            conn,
            options.channel_authorization.clone(),
            options.user_authentication.clone(),
        );
        let pusher = Self { driver };
        pusher.connect();
        pusher
    }

    /// Connects (again, after `disconnect`).
    pub fn connect(&self) {
        self.driver.input(|conn, now| conn.connect(now));
    }

    /// Disconnects and stops reconnecting; channels are kept for the next `connect`.
    pub fn disconnect(&self) {
        self.driver.input(|conn, _| conn.disconnect());
    }

    /// Subscribes to a channel (now, or once connected).
    pub fn subscribe(&self, name: &str) -> Result<Channel, Error> {
        self.driver.input(|conn, now| conn.subscribe(name, now))?;
        Ok(self.handle(name))
    }

    /// Unsubscribes from a channel.
    pub fn unsubscribe(&self, name: &str) {
        self.driver.input(|conn, _| conn.unsubscribe(name));
    }

    /// A subscribed (or subscribing) channel.
    pub fn channel(&self, name: &str) -> Option<Channel> {
        self.driver
            .read(|conn| conn.channel(name).is_some())
            .then(|| self.handle(name))
    }

    /// Every channel subscribed or subscribing.
    pub fn all_channels(&self) -> Vec<Channel> {
        let names: Vec<String> = self
            .driver
            .read(|conn| conn.channels().map(str::to_owned).collect());
        names.iter().map(|name| self.handle(name)).collect()
    }

    /// Signs the user in (and again after every reconnect).
    pub fn signin(&self) {
        self.driver.input(|conn, now| conn.signin(now));
    }

    /// The connection state.
    pub fn state(&self) -> State {
        self.driver.read(Connection::state)
    }

    /// The socket id while connected.
    pub fn socket_id(&self) -> Option<String> {
        self.driver.read(|conn| conn.socket_id().map(str::to_owned))
    }

    /// The signed-in user's id.
    pub fn user_id(&self) -> Option<String> {
        self.driver.read(|conn| conn.user_id().map(str::to_owned))
    }

    /// The frames read as JSON in JavaScript from now on, for the JavaScript sink (see
    /// `Driver::keep_frames`).
    #[cfg(feature = "js")]
    pub(crate) fn keep_frames(&self) -> crate::kept_frames::KeptFrames {
        self.driver.keep_frames()
    }

    /// Calls `callback` for every event: state changes, errors, channel events, members.
    pub fn bind_global(&self, callback: impl Fn(&Event) + 'static) -> Binding {
        Binding(self.driver.listen(Rc::new(callback)))
    }

    /// Removes a callback.
    pub fn unbind(&self, binding: Binding) {
        self.driver.unlisten(binding.0);
    }

    /// Every event from now on, as an async stream.
    pub fn events(&self) -> EventStream<Event> {
        EventStream::new(self, |event| Some(event.clone()))
    }

    /// The connection state after each change, as an async stream (for a Leptos signal or a
    /// status line).
    pub fn states(&self) -> EventStream<State> {
        EventStream::new(self, |event| match event {
            Event::StateChange { current, .. } => Some(*current),
            _ => None,
        })
    }

    /// How many browser listeners are alive (the socket's and the network's).
    pub fn live_listeners(&self) -> usize {
        self.driver.live_listeners()
    }

    fn handle(&self, name: &str) -> Channel {
        Channel {
            pusher: self.clone(),
            name: name.to_owned(),
        }
    }
}

/// A handle on one channel.
#[derive(Clone)]
pub struct Channel {
    pub(crate) pusher: Pusher,
    name: String,
}

/// The sender of a client event on a presence channel (pusher-js's metadata argument).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// The sender's user id.
    pub user_id: Option<String>,
}

impl Channel {
    /// The channel's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `callback(data, metadata)` for each `event` on this channel, with the data read
    /// into a [`Value`] (see [`Event::Message`] for the JSON text itself).
    pub fn bind(&self, event: &str, callback: impl Fn(&Value, &Metadata) + 'static) -> Binding {
        let name = self.name.clone();
        let wanted = event.to_owned();
        self.pusher.bind_global(move |e| {
            if let Event::Message {
                channel: Some(channel),
                event,
                data,
                user_id,
            } = e
                && *channel == name
                && *event == wanted
            {
                callback(
                    &data.value(),
                    &Metadata {
                        user_id: user_id.clone(),
                    },
                );
            }
        })
    }

    /// Calls `callback` for every event about this channel (its messages, subscription results,
    /// members, counts).
    pub fn bind_all(&self, callback: impl Fn(&Event) + 'static) -> Binding {
        let name = self.name.clone();
        self.pusher.bind_global(move |e| {
            if event_channel(e) == Some(name.as_str()) {
                callback(e);
            }
        })
    }

    /// Removes a callback.
    pub fn unbind(&self, binding: Binding) {
        self.pusher.unbind(binding);
    }

    /// Every event about this channel from now on (as [`bind_all`](Self::bind_all) sees them),
    /// as an async stream.
    pub fn events(&self) -> EventStream<Event> {
        let name = self.name.clone();
        EventStream::new(&self.pusher, move |event| {
            (event_channel(event) == Some(name.as_str())).then(|| event.clone())
        })
    }

    /// Triggers a client event (`client-…`) with a [`Value`] or [`JsonText`]; kept in the outbox
    /// until it can be sent.
    pub fn trigger(&self, event: &str, data: impl Into<JsonText>) -> Result<(), Error> {
        let data = data.into();
        self.pusher
            .driver
            .input(|conn, now| conn.trigger(&self.name, event, data, now))
    }

    /// The subscription's state, if still subscribed or subscribing.
    pub fn status(&self) -> Option<ChannelStatus> {
        self.pusher.driver.read(|conn| conn.channel(&self.name))
    }

    /// Whether the server confirmed the subscription.
    pub fn subscribed(&self) -> bool {
        self.status().is_some_and(|s| s.subscribed)
    }

    /// A presence channel's members, once subscribed.
    pub fn members(&self) -> Option<Members> {
        self.read_members(Members::clone)
    }

    /// Reads a presence channel's members in place, without copying them.
    pub fn read_members<T>(&self, read: impl FnOnce(&Members) -> T) -> Option<T> {
        self.pusher
            .driver
            .read(|conn| conn.members(&self.name).map(read))
    }
}

/// The channel an event is about, if any.
pub fn event_channel(event: &Event) -> Option<&str> {
    match event {
        Event::Message { channel, .. } => channel.as_deref(),
        Event::SubscriptionSucceeded { channel }
        | Event::SubscriptionError { channel, .. }
        | Event::SubscriptionCount { channel, .. }
        | Event::CacheMiss { channel }
        | Event::MemberAdded { channel, .. }
        | Event::MemberRemoved { channel, .. } => Some(channel),
        Event::Error(
            Error::ClientEventDropped { channel, .. } | Error::Decryption { channel, .. },
        ) => Some(channel),
        _ => None,
    }
}
