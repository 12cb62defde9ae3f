//! Who is online in the lobby, sorted by name, and how many: the member list while the room has
//! room for everyone, and once it is full (the server refuses more members) the subscription
//! count of its private twin, where every visitor then reads it.

use leptos::prelude::*;
use rusher_chat_api::{User, overflow_twin};

use super::link::Link;

/// The presence store.
#[derive(Clone, Copy)]
pub struct Presence {
    /// Who is online, sorted by name.
    pub members: RwSignal<Vec<User>>,
    /// How many are online (the subscription count when the room outgrows the member list).
    pub online: RwSignal<usize>,
    /// The lobby's presence channel was full: no member list, the count comes from the
    /// subscription count of its private twin.
    pub full: RwSignal<bool>,
    /// How the room is counted.
    count: StoredValue<Count, LocalStorage>,
}

/// How the room is counted: by its members, or on its twin once it is as full as the server
/// lets it be.
#[derive(Default)]
struct Count {
    /// The server's presence member limit, when it says.
    limit: Option<usize>,
    /// Whether the lobby's private twin is subscribed (the room is full: it gives the count).
    on_twin: bool,
}

impl Presence {
    /// Nobody yet.
    pub(super) fn new() -> Self {
        Self {
            members: RwSignal::new(Vec::new()),
            online: RwSignal::new(0),
            full: RwSignal::new(false),
            count: StoredValue::new_local(Count::default()),
        }
    }

    /// The visitor joined: until the server lists the room, the count is them, never "0".
    pub(super) fn joined(self) {
        self.online.set(1);
    }

    /// The backend said how many members a room takes (`None`: it did not).
    pub(super) fn set_limit(self, limit: Option<usize>) {
        self.count.update_value(|c| c.limit = limit);
    }

    /// The lobby's presence channel is full: read it on its private twin, and count it by the
    /// twin's subscription count (no member list).
    pub(super) fn overflow(self, link: Link, lobby: &str) {
        self.full.set(true);
        self.count_on_twin(link, lobby, true);
    }

    /// Whether the lobby's subscription waits for the server's answer, not for its auth (and the
    /// room is not read on its twin already): a refusal that names no channel can only be about
    /// a subscription the server was asked for.
    pub(super) fn lobby_waiting(self, link: Link, lobby: &str) -> bool {
        !self.full.get_untracked()
            && link
                .channel(lobby)
                .and_then(|channel| channel.status())
                .is_some_and(|status| status.asked)
    }

    /// The server refused the lobby with a refusal that names no channel (sockudo's
    /// [`OVER_CAPACITY`](rusher_client::OVER_CAPACITY)): the subscription is given up, so that it
    /// does not time out as refused, and the room is read on its twin.
    pub(super) fn lobby_over_capacity(self, link: Link, lobby: &str) {
        if let Some(pusher) = link.pusher() {
            pusher.unsubscribe(lobby);
        }
        self.overflow(link, lobby);
    }

    /// The twin's subscription count, the room's count while the room is counted there.
    pub(super) fn counted_on_twin(self, count: u64) {
        if self.count.try_with_value(|c| c.on_twin) == Some(true) {
            self.online
                .set(usize::try_from(count).unwrap_or(usize::MAX));
        }
    }

    /// Subscribes to the lobby's private twin (or leaves it). While the room is full, every
    /// visitor is on the twin, so its subscription count is the room's count.
    fn count_on_twin(self, link: Link, lobby: &str, on: bool) {
        let Some(twin) = overflow_twin(lobby) else {
            return;
        };
        if self.count.try_with_value(|c| c.on_twin) != Some(!on) {
            return;
        }
        let Some(pusher) = link.pusher() else { return };
        // Outside the stored values: the client may report events to the widget at once.
        if on {
            let Ok(channel) = pusher.subscribe(&twin) else {
                return;
            };
            link.keep(channel);
        } else {
            pusher.unsubscribe(&twin);
            link.forget(&twin);
        }
        self.count.update_value(|c| c.on_twin = on);
    }

    /// Reads the lobby's members from the client, but `unlisted` ones (those the server does not
    /// list: member_check.rs).
    pub(super) fn refresh(self, link: Link, lobby: &str, unlisted: &[String]) {
        let Some(members) = link.channel(lobby).and_then(|channel| channel.members()) else {
            return;
        };
        let mut users: Vec<User> = members
            .iter()
            .filter(|(id, _)| !unlisted.iter().any(|unlisted| unlisted == id))
            .map(|(id, info)| User {
                id: id.to_owned(),
                name: info
                    .json()
                    .get("name")
                    .and_then(|name| name.to_string_value())
                    .unwrap_or_else(|| id.to_owned()),
            })
            .collect();
        users.sort_by_key(|u| u.name.to_lowercase());
        let limit = self.count.try_with_value(|c| c.limit).flatten();
        // A full room is counted on its twin by everyone in it; below the limit, by its members.
        let full = limit.is_some_and(|limit| users.len() >= limit);
        self.count_on_twin(link, lobby, full);
        if !full {
            self.online.set(users.len());
        }
        self.members.set(users);
    }
}
