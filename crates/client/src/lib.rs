//! # rusher-client
//!
//! A Pusher Channels client for the browser: the `rusher-protocol` core driving the browser's
//! WebSocket, timers and auth requests. The core stays the only place with protocol logic; this
//! crate only moves bytes and time in and out.
//!
//! The crate has no `std` (only `alloc`), so that the npm bundle can leave out std's panic and
//! formatting machinery; a Rust application links std as usual.

#![no_std]

extern crate alloc;

pub mod api;
pub mod auth_http;
mod browser;
#[cfg(all(feature = "bundle", target_arch = "wasm32"))]
mod bundle;
mod callback;
mod clock;
mod driver;
#[cfg(feature = "js")]
mod js;
#[cfg(feature = "js")]
mod json_frame;
#[cfg(feature = "js")]
mod kept_frames;
#[cfg(feature = "leptos")]
pub mod leptos;
mod socket;
pub mod stream;

pub use api::{Binding, Channel, Metadata, Options, Pusher};
pub use auth_http::{ChannelAuthorizer, Endpoint, UserAuthenticator};
pub use rusher_protocol::json::{JsonText, Payload, Value};
pub use rusher_protocol::{
    AUTH_ERROR, AuthError, ChannelAuth, Error, Event, INVALID_CHANNEL, LIMIT_REACHED, Member,
    Members, OVER_CAPACITY, State, UserAuth, is_server_to_user, object,
};
pub use stream::EventStream;
