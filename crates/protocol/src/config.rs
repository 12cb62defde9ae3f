//! Connection options, with pusher-js 8's defaults.

use crate::prelude::*;
use crate::text::{decimal, push_form_encoded};
use core::time::Duration;

use crate::backoff::BackoffConfig;
use crate::outbox::OutboxConfig;

/// The protocol version Rusher speaks.
pub const PROTOCOL_VERSION: u8 = 7;

/// pusher-js 8's defaults, written once: [`Config`] starts from them, and so do the client's
/// options (Rust and JavaScript).
pub mod defaults {
    use core::time::Duration;

    /// The port for `ws://`.
    pub const WS_PORT: u16 = 80;
    /// The port for `wss://`.
    pub const WSS_PORT: u16 = 443;
    /// Whether to connect with TLS.
    pub const USE_TLS: bool = true;
    /// [`Config::activity_timeout`](super::Config::activity_timeout).
    pub const ACTIVITY_TIMEOUT: Duration = Duration::from_secs(120);
    /// [`Config::pong_timeout`](super::Config::pong_timeout).
    pub const PONG_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`Config::unavailable_timeout`](super::Config::unavailable_timeout).
    pub const UNAVAILABLE_TIMEOUT: Duration = Duration::from_secs(10);
    /// [`Config::subscription_timeout`](super::Config::subscription_timeout).
    pub const SUBSCRIPTION_TIMEOUT: Duration = Duration::from_secs(30);
    /// [`Config::batch_auth`](super::Config::batch_auth).
    pub const BATCH_AUTH: bool = false;
}

/// Where and how to connect, and the timers and limits of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The app key.
    pub key: String,
    /// The WebSocket host, such as `ws-eu.pusher.com` or `127.0.0.1`.
    pub host: String,
    /// The port for `ws://`.
    pub ws_port: u16,
    /// The port for `wss://`.
    pub wss_port: u16,
    /// Whether to connect with TLS (`wss://`). A close with code 4000 turns it on.
    pub use_tls: bool,
    /// Silence after which we ping; the server's value wins when it is lower.
    pub activity_timeout: Duration,
    /// How long we wait for any frame after our ping.
    pub pong_timeout: Duration,
    /// How long a connect attempt may take before the state becomes `unavailable`.
    pub unavailable_timeout: Duration,
    /// How long a subscription may wait for the auth endpoint's answer, and then for the
    /// server's, before it fails with an `AuthTimeout` or `SubscriptionTimeout` error (an auth
    /// endpoint may hang; some servers answer a refused subscription with a channel-less
    /// `pusher:error` only). It is retried on the next connection, like any failed one. A
    /// sign-in gets as long for both answers together (`SigninTimeout`).
    pub subscription_timeout: Duration,
    /// Reconnect delays.
    pub backoff: BackoffConfig,
    /// The client-event outbox and rate limit.
    pub outbox: OutboxConfig,
    /// Authorize channels waiting at the same moment in one request (docs/protocol.md section 5).
    pub batch_auth: bool,
}

impl Config {
    /// Options for a Pusher cluster (`ws-{cluster}.pusher.com`, TLS on).
    pub fn for_cluster(key: &str, cluster: &str) -> Self {
        Self::for_host(
            key,
            &Self::cluster_host(cluster),
            defaults::WS_PORT,
            defaults::WSS_PORT,
            defaults::USE_TLS,
        )
    }

    /// The WebSocket host of a Pusher cluster: `ws-{cluster}.pusher.com`.
    pub fn cluster_host(cluster: &str) -> String {
        ["ws-", cluster, ".pusher.com"].concat()
    }

    /// Options for a self-hosted server.
    pub fn for_host(key: &str, host: &str, ws_port: u16, wss_port: u16, use_tls: bool) -> Self {
        Self {
            key: key.to_owned(),
            host: host.to_owned(),
            ws_port,
            wss_port,
            use_tls,
            activity_timeout: defaults::ACTIVITY_TIMEOUT,
            pong_timeout: defaults::PONG_TIMEOUT,
            unavailable_timeout: defaults::UNAVAILABLE_TIMEOUT,
            subscription_timeout: defaults::SUBSCRIPTION_TIMEOUT,
            backoff: BackoffConfig::default(),
            outbox: OutboxConfig::default(),
            batch_auth: defaults::BATCH_AUTH,
        }
    }

    /// The WebSocket URL, `ws[s]://HOST:PORT/app/KEY?protocol=7&client=rusher&version=X.Y.Z`.
    pub fn url(&self, use_tls: bool) -> String {
        let (scheme, port) = if use_tls {
            ("wss", self.wss_port)
        } else {
            ("ws", self.ws_port)
        };
        let mut key = String::new();
        push_form_encoded(&mut key, &self.key);
        [
            scheme,
            "://",
            &self.host,
            ":",
            &decimal(port.into()),
            "/app/",
            &key,
            "?protocol=",
            &decimal(PROTOCOL_VERSION.into()),
            "&client=rusher&version=",
            env!("CARGO_PKG_VERSION"),
        ]
        .concat()
    }
}
