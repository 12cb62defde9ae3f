//! One app's credentials and limits, as the server enforces them.

use std::time::Duration;

/// The app the server serves: credentials and the limits it enforces.
#[derive(Debug, Clone)]
pub struct App {
    /// The app id in REST paths (`/apps/{id}/...`).
    pub id: String,
    /// The public key clients connect with.
    pub key: String,
    /// The secret that signs auth and REST requests; never sent to a browser.
    pub secret: String,
    /// The master key encrypted channels' keys derive from; never sent to a browser.
    pub master_key: [u8; 32],
    /// Silence after which the server pings a client, announced in the handshake.
    pub activity_timeout: Duration,
    /// How long a client may take to answer the server's ping before it is closed with 4201.
    pub pong_timeout: Duration,
    /// The most members of one presence channel.
    pub member_limit: usize,
    /// The most client events one connection may send per second; beyond it, close with 4301.
    pub client_events_per_second: u32,
}

impl App {
    /// An app with Pusher's default limits.
    pub fn new(id: &str, key: &str, secret: &str, master_key: [u8; 32]) -> Self {
        Self {
            id: id.to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            master_key,
            activity_timeout: Duration::from_secs(120),
            pong_timeout: Duration::from_secs(30),
            member_limit: 100,
            client_events_per_second: 10,
        }
    }
}
