//! What the reader has seen and is told: whether the panel is open (remembered across page
//! loads), the unread count (from the last message seen, also remembered: the next page's
//! launcher and widget count from it), and desktop notifications for a hidden tab.
//!
//! A message read as it comes is remembered in memory and written to `localStorage` when the
//! reader stops watching (the tab hides, which includes leaving the page; the panel closes; the
//! room changes): a write per message cost a tenth of its render.

use leptos::prelude::*;
use leptos::task::spawn_local;

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
    /// The newest message read as it came, and its room, not written to storage yet.
    read_live: StoredValue<Option<(String, i64)>, LocalStorage>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn remembered_open() -> Option<bool> {
    storage()?.get_item(OPEN_KEY).ok()?.map(|v| v == "1")
}

/// The newest message id the reader saw in `room`, on this or an earlier page.
pub(super) fn remembered_seen(room: &str) -> Option<i64> {
    let key = [SEEN_KEY_PREFIX, room].concat();
    storage()?.get_item(&key).ok()??.parse().ok()
}

/// Remembers that the reader saw `room` up to message `id` (never going back).
pub(super) fn remember_seen(room: &str, id: i64) {
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
            read_live: StoredValue::new_local(None),
        }
    }

    /// Opens or closes the panel, remembering it; closing writes what was read.
    pub(super) fn set_open(self, open: bool) {
        self.open.set(open);
        if !open {
            self.write_read_live();
        }
        if let Some(storage) = storage() {
            let _ = storage.set_item(OPEN_KEY, if open { "1" } else { "0" });
        }
    }

    /// Turns desktop notifications on (asking for permission) or off.
    pub fn toggle(self) {
        let notify = self.notify;
        if notify.get_untracked() {
            notify.set(false);
            return;
        }
        spawn_local(async move { notify.set(notify::ask().await) });
    }

    /// Whether the reader sees the panel: it is open in a visible tab.
    /// Not once the widget is removed (a history page that comes after may ask).
    pub(super) fn panel_seen(self) -> bool {
        self.open.try_get_untracked() == Some(true) && !notify::page_hidden()
    }

    /// Message `id` in `room` was read as it came: kept in memory until the reader stops
    /// watching, when [`write_read_live`](Self::write_read_live) writes it.
    pub(super) fn read_live(self, room: &str, id: i64) {
        self.read_live.update_value(|read| {
            if read.as_ref().is_none_or(|(_, newest)| *newest < id) {
                *read = Some((room.to_owned(), id));
            }
        });
    }

    /// Writes the newest message read as it came for the next page.
    pub(super) fn write_read_live(self) {
        let read = self.read_live.try_update_value(Option::take);
        if let Some((room, id)) = read.flatten() {
            remember_seen(&room, id);
        }
    }

    /// A new message from someone else (`name` wrote `text`) in `room`, not seen: unread, and a
    /// desktop notification when the tab is hidden and the reader asked for them.
    pub(super) fn unseen(self, room: &str, name: &str, text: &str) {
        self.count(1);
        if notify::page_hidden() && self.notify.get_untracked() {
            notify::show(name, text, room);
        }
    }

    /// Counts `missed` more unread messages.
    pub(super) fn count(self, missed: u32) {
        self.unread.update(|n| *n = n.saturating_add(missed));
    }

    /// Counts `seen` fewer unread messages.
    pub(super) fn uncount(self, seen: u32) {
        self.unread.update(|n| *n = n.saturating_sub(seen));
    }
}
