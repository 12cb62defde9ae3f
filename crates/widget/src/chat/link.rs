//! The widget's link to what it talks to: the chat backend, the Rusher client and the channels it
//! holds for the rooms, the owner the client's events are routed under, and what waits to be tried
//! again after a failure.
//!
//! The client may report events synchronously while it is called, so it is never called from
//! inside the stored value: every accessor hands out a clone. Each returns `None` once the widget
//! is removed (its owner cleaned up), which a task that wakes up after that meets.

use leptos::prelude::*;
use rusher_client::{Channel, Pusher, State};

use crate::backend::Backend;

/// The link store: its state is not reactive, nothing in the view reads it.
#[derive(Clone, Copy)]
pub struct Link {
    services: StoredValue<Services, LocalStorage>,
}

/// What the link holds.
struct Services {
    backend: Backend,
    pusher: Option<Pusher>,
    channels: Vec<Channel>,
    /// The owner the widget runs under (see [`Link::adopt_owner`]): the client's events are
    /// routed under it, and unbound when it is cleaned up.
    owner: Option<Owner>,
    /// What waits to be tried again after a failure: one wait each, however many failures
    /// (each reconnection during an auth outage adds one) come meanwhile.
    retries: Vec<Retry>,
}

/// Something tried again after a failure, later.
#[derive(Clone, PartialEq)]
pub enum Retry {
    /// Offering the outbox to the backend again.
    Publish,
    /// Signing in again.
    Signin,
    /// Subscribing a room's channel again.
    Room(String),
}

impl Link {
    /// The backend alone; the client comes with [`connected`](Self::connected).
    pub(super) fn new(backend: Backend) -> Self {
        Self {
            services: StoredValue::new_local(Services {
                backend,
                pusher: None,
                channels: Vec::new(),
                owner: None,
                retries: Vec::new(),
            }),
        }
    }

    /// The chat backend.
    pub(super) fn backend(self) -> Option<Backend> {
        self.services.try_with_value(|s| s.backend.clone())
    }

    /// The Rusher client, once connected.
    pub(super) fn pusher(self) -> Option<Pusher> {
        self.services.try_with_value(|s| s.pusher.clone()).flatten()
    }

    /// The channel of `name`, when it is subscribed.
    pub(super) fn channel(self, name: &str) -> Option<Channel> {
        self.services
            .try_with_value(|s| s.channels.iter().find(|c| c.name() == name).cloned())
            .flatten()
    }

    /// Keeps a channel just subscribed.
    pub(super) fn keep(self, channel: Channel) {
        self.services.update_value(|s| s.channels.push(channel));
    }

    /// Forgets the channel of `name`, unsubscribed.
    pub(super) fn forget(self, name: &str) {
        self.services
            .update_value(|s| s.channels.retain(|c| c.name() != name));
    }

    /// Whether the client is connected now.
    pub(super) fn is_connected(self) -> bool {
        self.pusher().map(|p| p.state()) == Some(State::Connected)
    }

    /// The widget runs under the current owner: the client's events are routed under it.
    pub(super) fn adopt_owner(self) {
        self.services.update_value(|s| s.owner = Owner::current());
    }

    /// Runs `route` under the widget's owner (see [`adopt_owner`](Self::adopt_owner)).
    pub(super) fn under_owner(self, route: impl FnOnce()) {
        match self.services.try_with_value(|s| s.owner.clone()).flatten() {
            Some(owner) => owner.with(route),
            None => route(),
        }
    }

    /// The client is made, and `channel` (the lobby's) subscribed.
    pub(super) fn connected(self, pusher: Pusher, channel: Option<Channel>) {
        self.services.update_value(|s| {
            s.pusher = Some(pusher);
            s.channels.extend(channel);
        });
    }

    /// Disconnects the client and forgets its channels (the widget is being removed).
    pub(super) fn disconnect(self) {
        let pusher = self
            .services
            .try_update_value(|s| {
                s.channels.clear();
                s.pusher.take()
            })
            .flatten();
        // Outside the stored value: disconnecting reports a state change to the widget.
        if let Some(pusher) = pusher {
            pusher.disconnect();
        }
    }

    /// Runs `then` in `delay_ms`, unless `retry` already waits: a failure that comes while it
    /// waits adds no second wait. Nothing runs when the widget is removed meanwhile.
    pub(super) fn retry_later(self, retry: Retry, delay_ms: u32, then: impl FnOnce() + 'static) {
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
}
