//! What the core gives back: [`Output`]s for the driver and [`Event`]s for the user.

use crate::prelude::*;
use core::time::Duration;

use crate::json::{JsonText, Payload};

use crate::Error;
use crate::auth::{AuthError, AuthRequest, UserAuthRequest};
use crate::presence::Member;
use crate::wire::WatchlistEventKind;

/// pusher-js's connection states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Created, `connect()` not called yet.
    Initialized,
    /// Trying to connect (or waiting to retry).
    Connecting,
    /// The handshake is done; a socket id is known.
    Connected,
    /// Attempts take longer than the unavailable timeout, or the browser is offline; still trying.
    Unavailable,
    /// The driver has no usable transport; nothing more will happen.
    Failed,
    /// Disconnected by the user or refused by the server for good.
    Disconnected,
}

impl State {
    /// The pusher-js name: `initialized`, `connecting`, `connected`, `unavailable`, `failed`,
    /// `disconnected`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Initialized => "initialized",
            State::Connecting => "connecting",
            State::Connected => "connected",
            State::Unavailable => "unavailable",
            State::Failed => "failed",
            State::Disconnected => "disconnected",
        }
    }
}

/// Identifies one WebSocket the driver opened for the core; inputs for an older socket are
/// ignored, so a late event from a replaced socket cannot confuse the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketHandle(pub u64);

/// Something the driver must do, or tell the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Open a WebSocket to `url` and report it with `handle`.
    Open {
        /// The handle to pass back with this socket's inputs.
        handle: SocketHandle,
        /// The URL to connect to.
        url: String,
    },
    /// Send this text frame on the open socket.
    Send(String),
    /// Close the socket with this code and reason; no further inputs are expected from it.
    Close {
        /// The socket to close.
        handle: SocketHandle,
        /// 1000 (normal closure).
        code: u16,
        /// Why.
        reason: String,
    },
    /// Authorize channels (POST to the auth endpoint, or call the user's handler).
    Authorize(AuthRequest),
    /// Fetch a user sign-in authorization.
    AuthorizeUser(UserAuthRequest),
    /// Tell the user.
    Event(Event),
}

/// What the user can bind to. Not `#[non_exhaustive]`: the crates that match on it are released
/// with the core, and a new variant fails to compile until each has handled it (the client's
/// JavaScript sink gives it pusher-js's form).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The connection state changed; pusher-js also emits an event named after the new state.
    StateChange {
        /// The old state.
        previous: State,
        /// The new state.
        current: State,
    },
    /// A reconnect attempt is scheduled after this delay (`connecting_in`).
    ConnectingIn(Duration),
    /// A connection-level error, or a channel error such as a dropped client event.
    Error(Error),
    /// An event on a channel (decrypted on encrypted channels), or an unknown connection-level
    /// event. Never `pusher_internal:*`.
    Message {
        /// The channel, if any (`#server-to-user-…` for server-to-user events).
        channel: Option<String>,
        /// The event name.
        event: String,
        /// The payload: a string `data` (the usual form) as its literal, undecoded, or where the
        /// driver keeps it (from a frame it read itself); JSON text where the core read the data
        /// (decrypted, or not a string); or none, when the frame had no `data`.
        /// [`Payload::decode`] reads each.
        data: Payload,
        /// The sender of a client event on a presence channel.
        user_id: Option<String>,
    },
    /// `pusher:subscription_succeeded`. On presence channels the members are ready to read.
    SubscriptionSucceeded {
        /// The channel.
        channel: String,
    },
    /// `pusher:subscription_error`: the auth endpoint or the server refused the channel.
    SubscriptionError {
        /// The channel.
        channel: String,
        /// `{type, error, status}`.
        error: AuthError,
    },
    /// `pusher:subscription_count`.
    SubscriptionCount {
        /// The channel.
        channel: String,
        /// Connections subscribed to it.
        count: u64,
    },
    /// `pusher:cache_miss`: a cache channel has no last event.
    CacheMiss {
        /// The channel.
        channel: String,
    },
    /// `pusher:member_added`: a new user joined a presence channel.
    MemberAdded {
        /// The channel.
        channel: String,
        /// Who joined.
        member: Member,
    },
    /// `pusher:member_removed`: a user's last connection left a presence channel.
    MemberRemoved {
        /// The channel.
        channel: String,
        /// Who left.
        member: Member,
    },
    /// User sign-in succeeded (`pusher:signin_success`).
    SignedIn {
        /// The user's id.
        user_id: String,
        /// The whole signed user data.
        user_data: JsonText,
    },
    /// User sign-in failed (`pusher:signin_error`).
    SigninError(AuthError),
    /// Watched users came online or went offline.
    Watchlist {
        /// Online or offline.
        kind: WatchlistEventKind,
        /// Whom it is about.
        user_ids: Vec<String>,
    },
}

/// The queue of outputs the driver drains: a `Vec` read from the front by an index, emptied once
/// everything is taken. (Not a `VecDeque`: each `VecDeque` element type costs its own copy of the
/// ring-buffer code in the bundle; not `remove(0)`, which would make a burst quadratic.)
#[derive(Debug, Default)]
pub(crate) struct Outputs {
    items: Vec<Option<Output>>,
    next: usize,
}

impl Outputs {
    pub(crate) fn push(&mut self, output: Output) {
        self.items.push(Some(output));
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.push(Output::Event(event));
    }

    pub(crate) fn error(&mut self, error: Error) {
        self.event(Event::Error(error));
    }

    pub(crate) fn send(&mut self, message: &crate::wire::ClientMessage) {
        self.push(Output::Send(message.to_json()));
    }

    pub(crate) fn pop(&mut self) -> Option<Output> {
        let output = self.items.get_mut(self.next).and_then(Option::take);
        self.next += 1;
        if self.next >= self.items.len() {
            self.items.clear();
            self.next = 0;
        }
        output
    }
}
