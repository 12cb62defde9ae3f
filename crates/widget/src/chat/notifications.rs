//! What the reader has seen and is told: whether the panel is open (remembered across page
//! loads), the unread count (from the last message seen, also remembered: the next page's
//! launcher and widget count from it), and desktop notifications for a hidden tab.
//!
//! A message read as it comes is remembered in memory and written to `localStorage` when the
//! reader stops watching (the tab hides, which includes leaving the page; the panel closes; the
//! room changes): a write per message cost a tenth of its render.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Chat;
use crate::notify;

/// Where the open state is remembered.
pub(crate) const OPEN_KEY: &str = "rusher-chat-open";

/// Where the newest message id the reader has seen in a room is remembered (the key ends with the
/// room); the launcher (`www/npm-chat/rusher-chat.js`) reads the same key.
pub(crate) const SEEN_KEY_PREFIX: &str = "rusher-chat-seen:";

/// The notifications store.
#[derive(Clone, Copy)]
pub struct Notifications {
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// Messages from others not seen yet, in every room.
    pub unread: RwSignal<u32>,
    /// Whether desktop notifications are on (the reader asked for them).
    pub notify: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn remembered_open() -> Option<bool> {
    storage()?.get_item(OPEN_KEY).ok()?.map(|v| v == "1")
}

/// The newest message id the reader saw in `room`, on this or an earlier page.
fn remembered_seen(room: &str) -> Option<i64> {
    let key = [SEEN_KEY_PREFIX, room].concat();
    storage()?.get_item(&key).ok()??.parse().ok()
}

/// Remembers that the reader saw `room` up to message `id` (never going back).
fn remember_seen(room: &str, id: i64) {
    let Some(storage) = storage() else { return };
    if remembered_seen(room).is_none_or(|seen| seen < id) {
        let _ = storage.set_item(&[SEEN_KEY_PREFIX, room].concat(), &id.to_string());
    }
}

impl Notifications {
    /// Open as the page asked, else as remembered, else closed; nothing unread.
    pub(super) fn new(open: Option<bool>) -> Self {
        Self {
            open: RwSignal::new(open.or_else(remembered_open).unwrap_or(false)),
            unread: RwSignal::new(0),
            notify: RwSignal::new(false),
        }
    }
}

impl Chat {
    /// Opens or closes the panel, remembering it.
    pub fn set_open(self, open: bool) {
        self.notifications.open.set(open);
        if open {
            self.seen(&self.rooms.room.get_untracked());
        } else {
            self.write_read_live();
        }
        if let Some(storage) = storage() {
            let _ = storage.set_item(OPEN_KEY, if open { "1" } else { "0" });
        }
    }

    /// Turns desktop notifications on (asking for permission) or off.
    pub fn toggle_notifications(self) {
        let notify = self.notifications.notify;
        if notify.get_untracked() {
            notify.set(false);
            return;
        }
        spawn_local(async move { notify.set(notify::ask().await) });
    }

    /// The tab became visible or hidden: a visible open panel has seen its room; a hidden one
    /// writes what was read.
    pub fn visibility_changed(self) {
        if notify::page_hidden() {
            self.write_read_live();
        } else if self.notifications.open.get_untracked() {
            self.seen(&self.rooms.room.get_untracked());
        }
    }

    /// Writes the newest message read as it came (see [`Chat::unseen`]) for the next page.
    pub(super) fn write_read_live(self) {
        let read = self.services.try_update_value(|s| s.read_live.take());
        if let Some((room, id)) = read.flatten() {
            remember_seen(&room, id);
        }
    }

    /// Whether the reader watches `room`: the panel is open on it in a visible tab.
    pub(super) fn watching(self, room: &str) -> bool {
        self.notifications.open.get_untracked()
            && !notify::page_hidden()
            && self.rooms.room.with_untracked(|r| r == room)
    }

    /// A new message `id` from someone else (`name` wrote `text`) in `room`: read, and kept in
    /// memory until the reader stops watching, when the reader watches that room; else unread,
    /// and a desktop notification when the tab is hidden and the reader asked for them.
    pub(super) fn unseen(self, room: &str, id: i64, name: &str, text: &str) {
        if self.watching(room) {
            // Only the watched room's: a room switch writes it first (`select_room` -> `seen`).
            self.services.try_update_value(|s| {
                if s.read_live.as_ref().is_none_or(|(_, newest)| *newest < id) {
                    s.read_live = Some((room.to_owned(), id));
                }
            });
            return;
        }
        self.rooms.bump(room, 1);
        self.notifications.unread.update(|n| *n += 1);
        if notify::page_hidden() && self.notifications.notify.get_untracked() {
            notify::show(name, text, room);
        }
    }

    /// Marks a room's messages as seen, here and for the next page.
    pub(super) fn seen(self, room: &str) {
        self.write_read_live();
        let cleared = self.rooms.clear_unread(room);
        self.notifications
            .unread
            .update(|n| *n = n.saturating_sub(cleared));
        let newest = self.messages.lines.with_untracked(|lines| {
            lines
                .iter()
                .filter(|l| l.channel == room)
                .filter_map(|l| l.id)
                .max()
        });
        if let Some(newest) = newest {
            remember_seen(room, newest);
        }
    }

    /// Counts what came in `room` since the reader last saw it, on an earlier page (the
    /// backend's summary): unread unless the reader watches it now. Nothing for a room never
    /// seen, or a backend without summaries.
    pub(super) async fn count_missed(self, room: String) {
        let Some(after) = remembered_seen(&room) else {
            return;
        };
        let backend = self.services.with_value(|s| s.backend.clone());
        let Ok(summary) = backend.summary(&room, Some(after)).await else {
            return;
        };
        let missed = u32::try_from(summary.unread).unwrap_or(u32::MAX);
        if missed == 0 || self.watching(&room) {
            return;
        }
        self.rooms.bump(&room, missed);
        self.notifications
            .unread
            .update(|n| *n = n.saturating_add(missed));
    }
}
