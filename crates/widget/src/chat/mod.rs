//! The widget's state and what changes it: one store per concern, each a `Copy` handle that owns
//! its Leptos signals (what the view reads) and its other state, with methods on itself and what
//! it depends on passed in; the [`orchestrator`] makes the stores react to each other, and the
//! [`router`] hands it the Rusher client's events.
//!
//! - [`session`]: who the visitor is, the join form, the client's options, the connection as
//!   shown;
//! - [`messages`]: the message list, history pages, sending and the outbox;
//! - [`rooms`]: the lobby and private rooms, invitations and notices, a room's failed
//!   subscription;
//! - [`presence`]: who is online, and the count of a full room;
//! - [`member_check`]: who is online, checked against the server's list once it has settled;
//! - [`typing`]: who is typing, and telling the room that we type;
//! - [`notifications`]: the panel's open state, unread counts, desktop notifications;
//! - [`link`]: the backend, the Rusher client and its channels, retries after a failure.
//!
//! The view reaches the stores through Leptos's context ([`use_chat`]).

mod link;
mod member_check;
mod messages;
pub(crate) mod notifications;
mod orchestrator;
mod presence;
mod rooms;
mod router;
mod session;
mod typing;

use leptos::prelude::*;

use link::Link;
use member_check::MemberCheck;
pub use messages::Messages;
pub use notifications::Notifications;
pub use presence::Presence;
pub use rooms::Rooms;
pub use session::Session;
pub use typing::Typing;

use crate::backend::Backend;
use crate::config::ChatConfig;
use crate::i18n::{Strings, strings};
use crate::model::Room;

/// How long a room whose subscription failed (its auth endpoint refused, failed or did not
/// answer; the server refused it), or a sign-in that failed, waits before trying again: long
/// enough not to hammer a failing endpoint, short enough that a passing failure costs a reader
/// seconds.
const AUTH_RETRY_MS: u32 = 5000;
/// The client event that carries messages in `send: "client-event"` mode.
const CLIENT_MESSAGE_EVENT: &str = "client-message";

/// The widget's state: its stores. Cheap to copy into every view closure.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The words to show.
    pub strings: Strings,
    /// The visitor and the connection.
    pub session: Session,
    /// The messages.
    pub messages: Messages,
    /// The rooms and invitations.
    pub rooms: Rooms,
    /// Who is online.
    pub presence: Presence,
    /// Who is typing.
    pub typing: Typing,
    /// The panel, unread counts and desktop notifications.
    pub notifications: Notifications,
    /// The lobby's members checked against the server's list.
    member_check: MemberCheck,
    /// The backend and the client.
    link: Link,
}

impl Chat {
    /// The state for a config; nothing happens until [`start`](Self::start).
    pub fn new(config: ChatConfig) -> Self {
        // Which store reads each option: a new option does not compile until it is listed here,
        // and handed to its store below.
        let ChatConfig {
            // The session's (`client_options`, `check`); the backend also the link's.
            key: _,
            ws_host: _,
            ws_port: _,
            force_tls: _,
            auth_endpoint: _,
            user_auth_endpoint: _,
            backend: _,
            user: _,
            // The lobby, the rooms'.
            channel: _,
            send,
            open,
            language,
            // The root view's.
            theme: _,
        } = &config;
        let language = language.clone().unwrap_or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .unwrap_or_default()
        });
        let strings = strings(&language);
        let lobby = Room {
            channel: config.channel(),
            title: strings.lobby.to_owned(),
            unread: 0,
            history_complete: false,
        };
        let link = Link::new(Backend::new(&config.backend()));
        let presence = Presence::new();
        Chat {
            strings,
            messages: Messages::new(*send),
            rooms: Rooms::new(lobby),
            presence,
            member_check: MemberCheck::new(link, presence),
            typing: Typing::new(),
            notifications: Notifications::new(*open),
            session: Session::new(config),
            link,
        }
    }
}

/// The widget's state, as [`ChatRoot`](crate::ChatRoot) provides it to the views under it.
pub(crate) fn use_chat() -> Chat {
    expect_context()
}
