//! # rusher-protocol
//!
//! The Pusher Channels protocol 7 as a sans-IO state machine, in the style of quinn-proto and
//! str0m: no sockets, no clock, no randomness, no globals. A driver (the browser client, a test)
//! feeds inputs with the current time and drains outputs.
//!
//! ```
//! use rusher_protocol::{Config, Connection, Instant, Output, SocketHandle};
//!
//! let mut conn = Connection::new(Config::for_host("app-key", "127.0.0.1", 6001, 6002, false), 42);
//! let now = Instant::from_millis(0);
//! conn.subscribe("my-channel", now).unwrap();
//! conn.connect(now);
//! let mut socket = None;
//! while let Some(output) = conn.poll_output() {
//!     if let Output::Open { handle, url } = output {
//!         assert!(url.starts_with("ws://127.0.0.1:6001/app/app-key?protocol=7"));
//!         socket = Some(handle);
//!     }
//! }
//! let socket: SocketHandle = socket.unwrap();
//! conn.handle_message(
//!     socket,
//!     r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}"#,
//!     now,
//! );
//! let sent: Vec<Output> = std::iter::from_fn(|| conn.poll_output()).collect();
//! assert!(sent.contains(&Output::Send(
//!     r#"{"event":"pusher:subscribe","data":{"channel":"my-channel"}}"#.to_owned()
//! )));
//! ```
//!
//! Modules: [`wire`] parses and writes frames; [`Connection`] decides everything else.
//! With the `server` feature, [`sign`] has the signatures servers need.

#![deny(missing_docs)]
// Unit tests link std (proptest needs it); the library never does.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

/// What every module takes from `alloc` (the crate has no `std`, so that a browser bundle can
/// leave out std's panic and formatting machinery).
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::string::String;
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub mod auth;
mod backoff;
pub mod channels;
mod config;
mod connection;
pub mod crypto;
mod error;
mod event;
pub mod json;
mod outbox;
pub mod presence;
pub mod pusher_events;
#[cfg(feature = "server")]
pub mod sign;
mod sorted_map;
mod string_table;
mod subscriptions;
pub mod text;
mod time;
mod user;
pub mod wire;

pub use auth::{
    AUTH_ERROR, AuthError, AuthRequest, AuthRequestId, ChannelAuth, INVALID_CHANNEL, LIMIT_REACHED,
    UNSUPPORTED_FEATURE, UserAuth, UserAuthRequest, channel_auth_from_json, user_auth_from_json,
};
pub use backoff::BackoffConfig;
pub use channels::{Access, ChannelKind, is_server_to_user};
pub use config::{Config, PROTOCOL_VERSION, defaults};
pub use connection::{Connection, MAX_CLIENT_EVENT_BYTES, MAX_EVENT_NAME_LEN};
pub use error::{DropReason, Error, OVER_CAPACITY};
pub use event::{Event, Output, SocketHandle, State};
pub use outbox::OutboxConfig;
pub use presence::{Member, Members};
pub use subscriptions::ChannelStatus;
pub use time::{Instant, millis};
