//! # rusher-widget
//!
//! The Rusher chat widget: a launcher at the bottom right that opens a chat panel with a name
//! login, live messages with history, a "Who's online (N)" list, a typing indicator and a
//! connection status line. It renders state only: the connection, the room and its members come
//! from `rusher-client`; messages are sent through the chat backend (rusher-server's `/chat/*`)
//! or as client events.
//!
//! In a Leptos app, render [`ChatWidget`]; in any page, [`mount`] puts it in a Shadow DOM root;
//! with the `embed` feature, JavaScript calls `mountChat(options)`.

mod backend;
mod chat;
mod config;
#[cfg(feature = "embed")]
mod embed;
mod i18n;
mod model;
mod mount;
mod notify;
mod outbox;
mod view;

pub use backend::{Backend, BackendError};
pub use chat::Chat;
pub use config::{ChatConfig, SendMode, Theme};
#[cfg(feature = "embed")]
pub use embed::{ChatHandle, mount_chat};
pub use i18n::{DE, EN, Strings, strings};
pub use model::{Delivery, Line, Status};
pub use mount::{Mounted, STYLE, mount};
pub use rusher_chat::{Message, User};
pub use view::{ChatRoot, ChatWidget};
