//! What the reader has seen and is told: whether the panel is open (remembered across page
//! loads), the unread count, and desktop notifications for a hidden tab.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Chat;
use crate::notify;

/// Where the open state is remembered.
const OPEN_KEY: &str = "rusher-chat-open";

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

fn remembered_open() -> Option<bool> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(OPEN_KEY).ok()?.map(|v| v == "1")
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
        }
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if let Some(storage) = storage {
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

    /// The tab became visible or hidden: a visible open panel has seen its room.
    pub fn visibility_changed(self) {
        if !notify::page_hidden() && self.notifications.open.get_untracked() {
            self.seen(&self.rooms.room.get_untracked());
        }
    }

    /// A new message from someone else (`name` wrote `text`) in `room`: unread unless the reader
    /// watches that room, and a desktop notification when the tab is hidden and the reader asked
    /// for them.
    pub(super) fn unseen(self, room: &str, name: &str, text: &str) {
        let hidden = notify::page_hidden();
        let watching = self.notifications.open.get_untracked()
            && !hidden
            && self.rooms.room.with_untracked(|r| r == room);
        if watching {
            return;
        }
        self.rooms.bump(room);
        self.notifications.unread.update(|n| *n += 1);
        if hidden && self.notifications.notify.get_untracked() {
            notify::show(name, text, room);
        }
    }

    /// Marks a room's messages as seen.
    pub(super) fn seen(self, room: &str) {
        let cleared = self.rooms.clear_unread(room);
        self.notifications
            .unread
            .update(|n| *n = n.saturating_sub(cleared));
    }
}
