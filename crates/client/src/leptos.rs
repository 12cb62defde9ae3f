//! Realtime state as Leptos signals (the `leptos` feature): the connection's state, a channel's
//! events and a presence channel's members.
//!
//! Each function binds one callback to the client under the current reactive owner (the
//! component it is called in, or an [`Owner`] it runs under) and unbinds it when that owner is
//! cleaned up: a component that unmounts leaves nothing bound. Called with no owner, the callback
//! stays bound for the page's life.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use rusher_client::leptos::{connection_state, latest_event, members};
//! use rusher_client::{Options, Pusher};
//!
//! #[component]
//! fn Ticker(pusher: Pusher) -> impl IntoView {
//!     let state = connection_state(&pusher);
//!     let prices = pusher.subscribe("prices").ok();
//!     let price = prices.map(|channel| latest_event(&channel, "tick"));
//!     view! {
//!         <p>{move || format!("{:?}", state.get())}</p>
//!         <p>{move || price.and_then(|p| p.get()).map(|e| e.data.to_string())}</p>
//!     }
//! }
//! ```

use alloc::collections::VecDeque;
use alloc::string::String;

use ::leptos::prelude::*;

use crate::{Binding, Channel, Event, Members, Metadata, Pusher, State, Value};

/// The most events [`event_log`] keeps, whatever it is asked for: a log that nothing trims
/// would grow for as long as the page is open.
pub const MAX_EVENT_LOG: usize = 1000;

/// One event on a channel, as [`latest_event`] and [`event_log`] give it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelEvent {
    /// The event's data, read from its JSON.
    pub data: Value,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

impl ChannelEvent {
    fn new(data: &Value, metadata: &Metadata) -> Self {
        Self {
            data: data.clone(),
            user_id: metadata.user_id.clone(),
        }
    }
}

/// A callback bound to the client, unbound when dropped: held by a reactive owner, it goes when
/// the owner is cleaned up.
struct Bound {
    pusher: Pusher,
    binding: Binding,
}

impl Drop for Bound {
    fn drop(&mut self) {
        self.pusher.unbind(self.binding);
    }
}

/// Hands `binding` to the current owner, to be unbound at its cleanup.
fn hold(pusher: &Pusher, binding: Binding) {
    StoredValue::new_local(Bound {
        pusher: pusher.clone(),
        binding,
    });
}

/// Calls `callback` for every event of the client (see [`Pusher::bind_global`]) for as long as
/// the current owner lives: for code that must see each event as it comes, such as a router.
pub fn on_event(pusher: &Pusher, callback: impl Fn(&Event) + 'static) {
    hold(pusher, pusher.bind_global(callback));
}

/// The connection's state, following the client's.
pub fn connection_state(pusher: &Pusher) -> ReadSignal<State> {
    let (state, set_state) = signal(pusher.state());
    on_event(pusher, move |event| {
        if let Event::StateChange { current, .. } = event {
            set_state.set(*current);
        }
    });
    state
}

/// The newest `event` on `channel`; `None` until one arrives. Events that come between two
/// reads replace each other: [`event_log`] keeps each one.
pub fn latest_event(channel: &Channel, event: &str) -> ReadSignal<Option<ChannelEvent>> {
    let (latest, set_latest) = signal(None);
    let binding = channel.bind(event, move |data, metadata| {
        set_latest.set(Some(ChannelEvent::new(data, metadata)));
    });
    hold(&channel.pusher, binding);
    latest
}

/// The newest `keep` (at most [`MAX_EVENT_LOG`]) `event`s on `channel`, oldest first: each event
/// that arrives is in it, however many come before the page reads it.
pub fn event_log(
    channel: &Channel,
    event: &str,
    keep: usize,
) -> ReadSignal<VecDeque<ChannelEvent>> {
    let keep = keep.min(MAX_EVENT_LOG);
    let (log, set_log) = signal(VecDeque::new());
    // A log that keeps nothing needs no callback.
    if keep == 0 {
        return log;
    }
    let binding = channel.bind(event, move |data, metadata| {
        set_log.update(|log: &mut VecDeque<ChannelEvent>| {
            if log.len() >= keep {
                log.pop_front();
            }
            log.push_back(ChannelEvent::new(data, metadata));
        });
    });
    hold(&channel.pusher, binding);
    log
}

/// A presence channel's members: empty until its subscription succeeds, then following each
/// member who joins or leaves, and the list the server gives again after a reconnection.
pub fn members(channel: &Channel) -> ReadSignal<Members> {
    let (members, set_members) = signal(channel.members().unwrap_or_default());
    let reader = channel.clone();
    let binding = channel.bind_all(move |event| {
        if matches!(
            event,
            Event::SubscriptionSucceeded { .. }
                | Event::MemberAdded { .. }
                | Event::MemberRemoved { .. }
        ) {
            set_members.set(reader.members().unwrap_or_default());
        }
    });
    hold(&channel.pusher, binding);
    members
}
