//! What a site owner configures (`mountChat({...})` or [`ChatConfig`] in Rust). Everything is
//! optional: by default the widget talks to the server that served the page.

use serde::Deserialize;

use rusher_chat::User;

/// How messages are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendMode {
    /// `POST /chat/messages`: validated, stored (history) and broadcast by the backend.
    #[default]
    Backend,
    /// Client events on the presence channel: no backend write, no history.
    ClientEvent,
}

/// The color theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system (`prefers-color-scheme`).
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The value of the widget's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The widget's configuration, with pusher-js's names where they overlap.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChatConfig {
    /// The app key; fetched from the backend's `/chat/config` when absent.
    pub key: Option<String>,
    /// The WebSocket host; the page's host when absent.
    pub ws_host: Option<String>,
    /// The WebSocket port; the page's port when absent.
    pub ws_port: Option<u16>,
    /// TLS; as the page when absent.
    pub force_tls: Option<bool>,
    /// The channel auth endpoint (default: the backend's `/pusher/auth`).
    pub auth_endpoint: Option<String>,
    /// The user auth endpoint (default: the backend's `/pusher/user-auth`).
    pub user_auth_endpoint: Option<String>,
    /// The room (default `presence-lobby`).
    pub channel: Option<String>,
    /// The chat backend's base URL (default: the page's origin).
    pub backend: Option<String>,
    /// How messages are sent.
    pub send: SendMode,
    /// The color theme.
    pub theme: Theme,
    /// The language (`en`, `de`); `navigator.language` when absent.
    pub language: Option<String>,
    /// A user the host page already knows: no join form (its auth endpoints must sign them).
    pub user: Option<User>,
    /// Start open (otherwise as the visitor left it).
    pub open: Option<bool>,
}

impl ChatConfig {
    /// The room's channel name.
    pub fn channel(&self) -> String {
        self.channel
            .clone()
            .unwrap_or_else(|| "presence-lobby".to_owned())
    }

    /// The backend base URL (`""` is the page's origin).
    pub fn backend(&self) -> String {
        self.backend.clone().unwrap_or_default()
    }
}
