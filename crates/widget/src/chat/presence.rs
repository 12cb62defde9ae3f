//! Who is online in the lobby, sorted by name, and how many: the member list while the room has
//! room for everyone, and once it is full (the server refuses more members) the subscription
//! count of its private twin, where every visitor then reads it.

use leptos::prelude::*;
use rusher_chat_api::{User, overflow_twin};
use rusher_client::Channel;

use super::Chat;

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
}

impl Presence {
    /// Nobody yet.
    pub(super) fn new() -> Self {
        Self {
            members: RwSignal::new(Vec::new()),
            online: RwSignal::new(0),
            full: RwSignal::new(false),
        }
    }
}

impl Chat {
    /// The lobby's presence channel is full: read it on its private twin, and count it by the
    /// twin's subscription count (no member list).
    pub(super) fn overflow(self, lobby: &str) {
        self.presence.full.set(true);
        self.count_on_twin(lobby, true);
    }

    /// Whether the lobby's subscription waits for the server's answer, not for its auth (and the
    /// room is not read on its twin already): a refusal that names no channel can only be about
    /// a subscription the server was asked for.
    pub(super) fn lobby_waiting(self, lobby: &str) -> bool {
        !self.presence.full.get_untracked()
            && self.services.with_value(|s| {
                s.channel(lobby)
                    .and_then(Channel::status)
                    .is_some_and(|status| status.asked)
            })
    }

    /// The server refused the lobby with a refusal that names no channel (sockudo's
    /// [`OVER_CAPACITY`](rusher_client::OVER_CAPACITY)): the subscription is given up, so that it
    /// does not time out as refused, and the room is read on its twin.
    pub(super) fn lobby_over_capacity(self, lobby: &str) {
        let pusher = self.services.with_value(|s| s.pusher.clone());
        if let Some(pusher) = pusher {
            pusher.unsubscribe(lobby);
        }
        self.overflow(lobby);
    }

    /// The twin's subscription count, the room's count while the room is counted there.
    pub(super) fn counted_on_twin(self, count: u64) {
        if self.services.with_value(|s| s.counting) {
            self.presence
                .online
                .set(usize::try_from(count).unwrap_or(usize::MAX));
        }
    }

    /// Subscribes to the lobby's private twin (or leaves it). While the room is full, every
    /// visitor is on the twin, so its subscription count is the room's count.
    fn count_on_twin(self, lobby: &str, on: bool) {
        let Some(twin) = overflow_twin(lobby) else {
            return;
        };
        let (pusher, counting) = self.services.with_value(|s| (s.pusher.clone(), s.counting));
        if counting == on {
            return;
        }
        let Some(pusher) = pusher else { return };
        // Outside the stored value: the client may report events to the widget at once.
        if on {
            if let Ok(channel) = pusher.subscribe(&twin) {
                self.services.update_value(|s| {
                    s.channels.push(channel);
                    s.counting = true;
                });
            }
        } else {
            pusher.unsubscribe(&twin);
            self.services.update_value(|s| {
                s.channels.retain(|c| c.name() != twin);
                s.counting = false;
            });
        }
    }

    /// Reads the lobby's members from the client, but those the server does not list
    /// (member_check.rs).
    pub(super) fn refresh_members(self) {
        let members = self.services.with_value(|s| {
            s.channel(&s.config.channel())
                .and_then(Channel::members)
                .map(|members| {
                    let mut users: Vec<User> = members
                        .iter()
                        .filter(|(id, _)| !s.unlisted.iter().any(|unlisted| unlisted == id))
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
                    users
                })
        });
        let Some(members) = members else { return };
        let (limit, lobby) = self
            .services
            .with_value(|s| (s.member_limit, s.config.channel()));
        // A full room is counted on its twin by everyone in it; below the limit, by its members.
        let full = limit.is_some_and(|limit| members.len() >= limit);
        self.count_on_twin(&lobby, full);
        if !full {
            self.presence.online.set(members.len());
        }
        self.presence.members.set(members);
    }
}
