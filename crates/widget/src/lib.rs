//! # rusher-widget
//!
//! The Rusher chat widget: a launcher at the bottom right that opens a chat panel with a name
//! login, live messages with history, a "Who's online (N)" list, a typing indicator and a
//! connection status line. It renders state only: the connection, the room and its members come
//! from `rusher-client`; messages are sent through the chat backend (rusher-server's `/chat/*`)
//! or as client events.
//!
//! In a Leptos app, render [`ChatWidget`]; in any page, [`mount`] puts it in a Shadow DOM root;
//! with the `embed` feature, the `rusher-chat` package's launcher (`www/npm-chat/`) loads it when
//! the visitor opens the chat and calls its `mountChat(options, shadowRoot)`. With the `page`
//! feature, the module mounts the widget as it starts: the page `trunk serve` runs at the top of
//! the repository.

mod backend;
mod chat;
mod config;
#[cfg(feature = "embed")]
mod embed;
#[cfg(any(test, feature = "embed"))]
mod embed_events;
mod i18n;
mod json;
mod log_scroll;
mod log_window;
mod model;
mod mount;
mod notify;
mod outbox;
#[cfg(feature = "page")]
mod page;
mod view;
mod viewport;

pub use backend::{Backend, BackendError};
pub use chat::Chat;
pub use config::{ChatConfig, SendMode, Theme};
#[cfg(feature = "embed")]
pub use embed::{ChatHandle, mount_chat};
pub use i18n::{DE, EN, Strings, strings};
pub use model::{Delivery, Line, Status};
pub use mount::{Mounted, STYLE, mount, mount_in};
pub use rusher_chat_api::{Message, User};
pub use view::{ChatRoot, ChatWidget};

/// The package's launcher (`www/npm-chat/rusher-chat.js`) stands in for the widget until it
/// loads: it must look and read as the widget's launcher, read what the widget stores, and ask
/// the backend and join the room the widget would. The demo's embed page asks the backend's
/// route too.
#[cfg(test)]
mod launcher_matches_the_widget {
    const LAUNCHER: &str = include_str!("../../../www/npm-chat/rusher-chat.js");

    fn quoted(text: &str) -> String {
        ["\"", text, "\""].concat()
    }

    #[test]
    fn the_same_label_icon_storage_keys_room_and_routes() {
        for expected in [
            ["en: ", &quoted(crate::EN.open_chat)].concat(),
            ["de: ", &quoted(crate::DE.open_chat)].concat(),
            quoted(crate::view::LAUNCHER_ICON),
            quoted(crate::view::PANEL_FIELD),
            quoted(crate::chat::notifications::OPEN_KEY),
            quoted(crate::chat::notifications::SEEN_KEY_PREFIX),
            quoted(crate::backend::TOKEN_KEY_PREFIX),
            [
                "const DEFAULT_ROOM = ",
                &quoted(rusher_chat_api::DEFAULT_ROOM),
            ]
            .concat(),
            [
                "const SUMMARY_ROUTE = ",
                &quoted(rusher_chat_api::routes::SUMMARY),
            ]
            .concat(),
        ] {
            assert!(LAUNCHER.contains(&expected), "the launcher has {expected}");
        }
        let embed = include_str!("../../../www/embed.js");
        let config = ["fetch(", &quoted(rusher_chat_api::routes::CONFIG), ")"].concat();
        assert!(embed.contains(&config), "www/embed.js has {config}");
    }
}
