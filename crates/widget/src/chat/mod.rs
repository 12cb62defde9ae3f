//! The widget's state and what changes it: one store per concern, each a `Copy` handle on Leptos
//! signals that the view reads, behind a thin [`router`] for the Rusher client's events.
//!
//! - [`session`]: who the visitor is, the join form, connecting, the connection as shown;
//! - [`messages`]: the message list, history, sending and the outbox;
//! - [`rooms`]: the lobby and private rooms, invitations, a room's failed subscription;
//! - [`presence`]: who is online, and the count of a full room;
//! - [`member_check`]: who is online, checked against the server's list once it has settled;
//! - [`typing`]: who is typing, and telling the room that we type;
//! - [`notifications`]: the panel's open state, unread counts, desktop notifications.
//!
//! The client, its channels and the backend live in local storage beside the signals
//! ([`Services`]). The client may report events synchronously while it is called, so it is never
//! called from inside a `services` update or read: clones come out first.

mod member_check;
mod messages;
pub(crate) mod notifications;
mod presence;
mod rooms;
mod router;
mod session;
mod typing;

use leptos::prelude::*;
use rusher_client::{Channel, Pusher};

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
use crate::outbox::Queued;

/// How long a room whose subscription failed (its auth endpoint refused, failed or did not
/// answer; the server refused it), or a sign-in that failed, waits before trying again: long
/// enough not to hammer a failing endpoint, short enough that a passing failure costs a reader
/// seconds.
const AUTH_RETRY_MS: u32 = 5000;
/// The client event that carries messages in `send: "client-event"` mode.
const CLIENT_MESSAGE_EVENT: &str = "client-message";

/// The parts that are not signals: the client, the rooms' channels and the backend.
struct Services {
    backend: Backend,
    config: ChatConfig,
    pusher: Option<Pusher>,
    channels: Vec<Channel>,
    last_typing_sent: f64,
    /// Messages waiting for the backend, oldest first.
    outbox: Vec<Queued>,
    /// Whether a flush of the outbox is running.
    flushing: bool,
    /// What waits to be tried again after a failure: one wait each, however many failures
    /// (each reconnection during an auth outage adds one) come meanwhile.
    retries: Vec<Retry>,
    /// The server's presence member limit, when it says.
    member_limit: Option<usize>,
    /// Whether the lobby's private twin is subscribed (the room is full: it gives the count).
    counting: bool,
    /// The owner the widget runs under (see [`Chat::start`]): the client's events are routed
    /// under it, and unbound when it is cleaned up.
    owner: Option<Owner>,
    /// The newest message read as it came, and its room, not written to storage yet
    /// (notifications.rs).
    read_live: Option<(String, i64)>,
    /// The latest check of the lobby's member list (member_check.rs): an earlier one gives up.
    member_check: u32,
    /// How often the list was read again on this connection (member_check.rs).
    member_reads: u32,
    /// Members the client holds that the server does not list, left out of the list
    /// (member_check.rs).
    unlisted: Vec<String>,
}

impl Services {
    fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name() == name)
    }
}

/// Something tried again after a failure, later.
#[derive(Clone, PartialEq)]
enum Retry {
    /// Offering the outbox to the backend again.
    Publish,
    /// Signing in again.
    Signin,
    /// Subscribing a room's channel again.
    Room(String),
}

/// The widget's state. Cheap to copy into every view closure.
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
    services: StoredValue<Services, LocalStorage>,
}

impl Chat {
    /// Runs `then` in `delay_ms`, unless `retry` already waits: a failure that comes while it
    /// waits adds no second wait. Nothing runs when the widget is removed meanwhile.
    fn retry_later(self, retry: Retry, delay_ms: u32, then: impl FnOnce() + 'static) {
        let first = self.services.try_update_value(|s| {
            let first = !s.retries.contains(&retry);
            if first {
                s.retries.push(retry.clone());
            }
            first
        });
        if first != Some(true) {
            return;
        }
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(delay_ms).await;
            let waited = self
                .services
                .try_update_value(|s| s.retries.retain(|r| *r != retry));
            if waited.is_some() {
                then();
            }
        });
    }

    /// The state for a config; nothing happens until [`start`](Self::start).
    pub fn new(config: ChatConfig) -> Self {
        let language = config.language.clone().unwrap_or_else(|| {
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
        Chat {
            strings,
            session: Session::new(),
            messages: Messages::new(),
            rooms: Rooms::new(lobby),
            presence: Presence::new(),
            typing: Typing::new(),
            notifications: Notifications::new(config.open),
            services: StoredValue::new_local(Services {
                backend: Backend::new(&config.backend()),
                config,
                pusher: None,
                channels: Vec::new(),
                last_typing_sent: f64::NEG_INFINITY,
                outbox: Vec::new(),
                flushing: false,
                retries: Vec::new(),
                member_limit: None,
                counting: false,
                owner: None,
                read_live: None,
                member_check: 0,
                member_reads: 0,
                unlisted: Vec::new(),
            }),
        }
    }
}
