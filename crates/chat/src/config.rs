//! `GET /chat/config`: what a page needs to reach the realtime server the backend publishes to.

use serde::{Deserialize, Serialize};

/// The answer of `GET /chat/config`. Only public values: the app key is public in every Pusher
/// page; the secret and the encryption master key never leave the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageConfig {
    /// The app key to connect with.
    pub key: String,
    /// The most members of one presence room, when the backend knows it: a visitor beyond it
    /// reads the room on its private twin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_limit: Option<usize>,
    /// The realtime server's WebSocket host, when it is not the page's own host (the backend
    /// publishes to another server: Pusher, a sockudo cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_host: Option<String>,
    /// Its WebSocket port, when `ws_host` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_port: Option<u16>,
    /// Whether it takes TLS (`wss:`), when `ws_host` is given.
    #[serde(default, rename = "forceTLS", skip_serializing_if = "Option::is_none")]
    pub force_tls: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pusher_js_options() {
        let config = PageConfig {
            key: "k".into(),
            member_limit: None,
            ws_host: Some("ws-eu.pusher.com".into()),
            ws_port: Some(443),
            force_tls: Some(true),
        };
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(
            json,
            r#"{"key":"k","wsHost":"ws-eu.pusher.com","wsPort":443,"forceTLS":true}"#
        );
        let read: PageConfig = serde_json::from_str(r#"{"key":"k"}"#).unwrap();
        assert_eq!(read.ws_host, None);
    }
}
