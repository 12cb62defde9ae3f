//! The rooms: the lobby and private chats, the one shown, each one's unread count and whether its
//! history is all loaded; invitations to private chats and notices about them; and a room's
//! subscription failing and being tried again.

use leptos::prelude::*;
use rusher_chat_api::{Invitation, overflow_twin};

use super::AUTH_RETRY_MS;
use super::link::{Link, Retry};
use crate::model::Room;

/// The rooms store.
#[derive(Clone, Copy)]
pub struct Rooms {
    /// The room shown.
    pub room: RwSignal<String>,
    /// The rooms open: the lobby first, then private chats.
    pub rooms: RwSignal<Vec<Room>>,
    /// Invitations waiting for an answer.
    pub invitations: RwSignal<Vec<Invitation>>,
    /// A short notice ("Invitation sent to Ana").
    pub notice: RwSignal<Option<String>>,
}

impl Rooms {
    /// The lobby alone, shown.
    pub(super) fn new(lobby: Room) -> Self {
        Self {
            room: RwSignal::new(lobby.channel.clone()),
            rooms: RwSignal::new(vec![lobby]),
            invitations: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
        }
    }

    /// The lobby's channel: the first room's, which never closes (empty once the widget is
    /// removed).
    pub(super) fn lobby(self) -> String {
        self.rooms
            .try_with_untracked(|rooms| rooms.first().map(|r| r.channel.clone()))
            .flatten()
            .unwrap_or_default()
    }

    /// Whether a channel is one of the open rooms (none once the widget is removed: an answer
    /// that comes after may ask).
    pub(super) fn contains(self, channel: &str) -> bool {
        self.rooms
            .try_with_untracked(|rooms| rooms.iter().any(|r| r.channel == channel))
            == Some(true)
    }

    /// Whether the history of `room` is all loaded.
    pub(super) fn history_complete(self, room: &str) -> bool {
        self.rooms.with_untracked(|rooms| {
            rooms
                .iter()
                .any(|r| r.channel == room && r.history_complete)
        })
    }

    /// Changes an open room (nothing when `channel` is not one). One function for every change,
    /// not one per closure: each instance of a signal's `update` costs the widget's wasm.
    pub(super) fn change(self, channel: &str, change: &mut dyn FnMut(&mut Room)) {
        self.rooms.update(|rooms| {
            if let Some(room) = rooms.iter_mut().find(|r| r.channel == channel) {
                change(room);
            }
        });
    }

    /// Counts `by` messages the reader has not seen in `room`.
    pub(super) fn bump(self, room: &str, by: u32) {
        self.change(room, &mut |r| r.unread = r.unread.saturating_add(by));
    }

    /// Clears a room's unread count; returns what it was.
    pub(super) fn clear_unread(self, room: &str) -> u32 {
        let mut cleared = 0;
        self.change(room, &mut |r| cleared = std::mem::take(&mut r.unread));
        cleared
    }

    /// Shows a notice.
    pub(super) fn tell(self, notice: String) {
        self.notice.set(Some(notice));
    }

    /// The reader dismissed the notice.
    pub fn dismiss_notice(self) {
        self.notice.set(None);
    }

    /// An invitation came: it waits for an answer (replacing an earlier one to the same room).
    pub(super) fn invited(self, invitation: Invitation) {
        self.invitations.update(|all| {
            all.retain(|i| i.room != invitation.room);
            all.push(invitation);
        });
    }

    /// An invitation to `room` was answered: it no longer waits.
    pub(super) fn answered(self, room: &str) {
        self.invitations
            .update(|all| all.retain(|i| i.room != room));
    }

    /// Opens a private room titled `title` (unless it is open): subscribes to it and adds its tab.
    /// Whether it is open.
    pub(super) fn open(self, link: Link, channel: &str, title: String) -> bool {
        if self.contains(channel) {
            return true;
        }
        // Outside the link's stored value: subscribing may report events to the widget at once.
        let Some(subscribed) = link.pusher().and_then(|p| p.subscribe(channel).ok()) else {
            return false;
        };
        link.keep(subscribed);
        self.rooms.update(|rooms| {
            rooms.push(Room {
                channel: channel.to_owned(),
                title,
                unread: 0,
                history_complete: false,
            });
        });
        true
    }

    /// A room's subscription failed: it subscribes again in [`AUTH_RETRY_MS`] (unless it was
    /// closed meanwhile); the history read when it is confirmed brings what was said in between.
    pub(super) fn subscribe_later(self, link: Link, channel: &str) {
        let retry = Retry::Room(channel.to_owned());
        let channel = channel.to_owned();
        link.retry_later(retry, AUTH_RETRY_MS, move || {
            let still_open =
                self.contains(&channel) || overflow_twin(&self.lobby()).as_ref() == Some(&channel);
            if let Some(pusher) = link.pusher().filter(|_| still_open) {
                // Subscribing again retries a failed subscription (its handle is already kept).
                let _ = pusher.subscribe(&channel);
            }
        });
    }
}
