//! The orchestrator: what the view asks of the chat, and how the stores react to each other
//! (a message arriving is merged, stops its writer's typing line, and counts as unread unless
//! the reader watches its room; a confirmed subscription reads what the room missed). Each store
//! does its own part; nothing here keeps state.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{Invitation, Message, User};
use rusher_client::Pusher;
use rusher_client::leptos::on_event;

use super::link::Retry;
use super::messages::{HISTORY_PAGE, Page};
use super::notifications::{remember_seen, remembered_seen};
use super::{AUTH_RETRY_MS, Chat};

/// The most history pages a room reads after a reconnection, to fill what an outage in a busy
/// room left out (5 pages: 250 messages, half of what a room keeps).
const CATCH_UP_PAGES: usize = 5;

/// What the view asks.
impl Chat {
    /// Checks for a session (or the configured user) and connects when there is one.
    pub fn start(self) {
        // The client's events are routed under the widget's owner, and unbound with it.
        self.link.adopt_owner();
        self.session.check(self.link, move |user| self.joined(user));
    }

    /// Signs in with a display name.
    pub fn join(self, name: String) {
        let invalid = self.strings.invalid_name;
        self.session
            .join(self.link, &name, invalid, move |user| self.joined(user));
    }

    /// Writes what was read and disconnects the client (the widget is being removed).
    pub fn stop(self) {
        self.notifications.write_read_live();
        self.link.disconnect();
    }

    /// Sends a message in the room shown.
    pub fn send(self, text: String) {
        if let Some(me) = self.session.me.get_untracked() {
            let room = self.rooms.room.get_untracked();
            self.messages.send(self.link, me, room, &text);
        }
    }

    /// Sends a failed message again, with the same client id.
    pub fn retry(self, client_id: String) {
        self.messages.deliver(self.link, client_id);
    }

    /// Loads older messages of the room shown (when the reader scrolls to the top); whether they
    /// were asked for: not when the room's history is known to be all there, nor when the room
    /// keeps as many as it can.
    pub fn load_older(self) -> bool {
        let room = self.rooms.room.get_untracked();
        if self.rooms.history_complete(&room) {
            return false;
        }
        let Some(before) = self.messages.older_than(&room) else {
            return false;
        };
        spawn_local(async move {
            self.history_page(&room, before).await;
        });
        true
    }

    /// Tells the room shown that we type.
    pub fn typed(self) {
        if let Some(me) = self.session.me.get_untracked() {
            let room = self.rooms.room.get_untracked();
            self.typing.typed(self.link, me, &room);
        }
    }

    /// Shows a room.
    pub fn select_room(self, room: String) {
        self.seen(&room);
        self.rooms.room.set(room);
    }

    /// Invites a member to a private chat.
    pub fn invite(self, user: User) {
        let Some(backend) = self.link.backend() else {
            return;
        };
        spawn_local(async move {
            let notice = match backend.invite(&user.id).await {
                Ok(_) => [self.strings.invitation_sent, " ", &user.name].concat(),
                Err(e) => e.message,
            };
            self.rooms.tell(notice);
        });
    }

    /// Answers an invitation; accepting opens the private room.
    pub fn answer(self, invitation: Invitation, accept: bool) {
        self.rooms.answered(&invitation.room);
        let Some(backend) = self.link.backend() else {
            return;
        };
        spawn_local(async move {
            match backend.answer(&invitation.from.id, accept).await {
                Ok(room) if accept => self.open_room(room, invitation.from.name),
                Ok(_) => {}
                Err(e) => self.rooms.tell(e.message),
            }
        });
    }

    /// Opens or closes the panel, remembering it.
    pub fn set_open(self, open: bool) {
        self.notifications.set_open(open);
        if open {
            self.seen(&self.rooms.room.get_untracked());
        }
    }

    /// The tab became visible or hidden: a visible open panel has seen its room; a hidden one
    /// writes what was read.
    pub fn visibility_changed(self) {
        if self.notifications.panel_seen() {
            self.seen(&self.rooms.room.get_untracked());
        } else {
            self.notifications.write_read_live();
        }
    }
}

/// How the stores react to each other.
impl Chat {
    /// Connects as `user` and subscribes to the lobby (its recent history loads once the
    /// subscription is confirmed); messages this tab still had waiting go out.
    fn joined(self, user: User) {
        self.messages.restore(&user);
        self.session.me.set(Some(user));
        self.presence.joined();
        let Some(backend) = self.link.backend() else {
            return;
        };
        spawn_local(async move {
            // Best effort when the host gave the key: another backend may have no /chat/config.
            let server = backend.config().await.ok();
            self.presence
                .set_limit(server.as_ref().and_then(|c| c.member_limit));
            let Some(options) = self.session.client_options(self.link, server) else {
                return;
            };
            let lobby = self.rooms.lobby();
            let pusher = Pusher::new(options);
            self.link
                .under_owner(|| on_event(&pusher, move |event| self.on_event(event)));
            let channel = pusher.subscribe(&lobby).ok();
            pusher.signin();
            self.link.connected(pusher, channel);
            // Read once now too, so that a visitor whose socket cannot connect still sees the
            // room; the read on the confirmed subscription fills what came in between.
            self.history_page(&lobby, None).await;
            self.messages.flush(self.link);
            self.count_missed(lobby).await;
        });
    }

    /// A chat message arrived live in `room`: merged into the list; a new one from someone else
    /// counts as unseen unless the reader watches the room.
    pub(super) fn on_message(self, room: &str, message: Message) {
        let from_others = self
            .session
            .me
            .with_untracked(|me| me.as_ref().is_none_or(|me| me.id != message.user.id));
        self.typing.spoke(room, &message.user);
        let (id, name, text) = (message.id, message.user.name.clone(), message.text.clone());
        if self.messages.arrived(message) && from_others {
            if self.watching(room) {
                // Only the watched room's: a room switch writes it first (`select_room` ->
                // `seen`).
                self.notifications.read_live(room, id);
            } else {
                self.rooms.bump(room, 1);
                self.notifications.unseen(room, &name, &text);
            }
        }
    }

    /// Whether the reader watches `room`: the panel is open on it in a visible tab.
    fn watching(self, room: &str) -> bool {
        self.notifications.panel_seen()
            && self.rooms.room.try_with_untracked(|r| r == room) == Some(true)
    }

    /// Marks a room's messages as seen, here and for the next page.
    fn seen(self, room: &str) {
        self.notifications.write_read_live();
        self.notifications.uncount(self.rooms.clear_unread(room));
        if let Some(newest) = self.messages.newest(room, None) {
            remember_seen(room, newest);
        }
    }

    /// Counts what came in `room` since the reader last saw it, on an earlier page (the
    /// backend's summary): unread unless the reader watches it now. Nothing for a room never
    /// seen, or a backend without summaries.
    async fn count_missed(self, room: String) {
        let (Some(after), Some(backend)) = (remembered_seen(&room), self.link.backend()) else {
            return;
        };
        let Ok(summary) = backend.summary(&room, Some(after)).await else {
            return;
        };
        let missed = u32::try_from(summary.unread).unwrap_or(u32::MAX);
        if missed == 0 || self.watching(&room) {
            return;
        }
        self.rooms.bump(&room, missed);
        self.notifications.count(missed);
    }

    /// Reads a page of a room's history before `before` (or the latest). A short page marks the
    /// room's history complete; a reader watching the room has seen it.
    async fn history_page(self, room: &str, before: Option<i64>) -> Option<Page> {
        let page = self.messages.read_page(self.link, room, before).await?;
        // A short page holds the room's oldest message.
        if page.count < HISTORY_PAGE {
            self.rooms.change(room, &mut |r| r.history_complete = true);
        }
        if self.watching(room) {
            self.seen(room);
        }
        Some(page)
    }

    /// Reads what a room missed: its latest page, then older pages until one reaches the newest
    /// message of others the room already had (after an outage in a busy room), at most
    /// [`CATCH_UP_PAGES`]. The visitor's own messages do not count: the outbox may have stored
    /// them, with new ids, before the subscription was confirmed again.
    async fn catch_up(self, room: &str) {
        // Spawned on a confirmation: the widget may be gone by the time it runs.
        let Some(me) = self.session.me.try_get_untracked() else {
            return;
        };
        let me = me.map(|user| user.id);
        let known = self.messages.newest(room, me.as_deref());
        let mut before = None;
        for _ in 0..CATCH_UP_PAGES {
            let Some(Page {
                count,
                oldest: Some(oldest),
            }) = self.history_page(room, before).await
            else {
                return;
            };
            match known {
                Some(known) if count == HISTORY_PAGE && oldest > known => before = Some(oldest),
                _ => return,
            }
        }
    }

    /// Opens (or shows) a private room: subscribes and adds its tab; its history loads once the
    /// subscription is confirmed.
    pub(super) fn open_room(self, channel: String, title: String) {
        if self.rooms.open(self.link, &channel, title) {
            self.select_room(channel);
        }
    }

    /// A room's subscription failed: the status line says Reconnecting… and the room subscribes
    /// again later.
    pub(super) fn room_refused(self, channel: &str) {
        self.session.room_refused();
        self.rooms.subscribe_later(self.link, channel);
    }

    /// The sign-in (for invitations and their answers) failed: it is tried again in
    /// [`AUTH_RETRY_MS`]; a new connection signs in anew anyway.
    pub(super) fn signin_refused(self) {
        let link = self.link;
        link.retry_later(Retry::Signin, AUTH_RETRY_MS, move || {
            if let Some(pusher) = link.pusher() {
                pusher.signin();
            }
        });
    }

    /// A room's subscription is confirmed (first, or again after a reconnection): what was
    /// published before it is in the history, what comes after arrives live, so its history is
    /// read now. Read earlier, a message published in between (on a cluster, a publish can
    /// overtake a subscription on another node) would be in neither.
    pub(super) fn subscribed(self, room: &str, lobby: &str) {
        if room == lobby {
            self.member_check.refresh(lobby);
            self.member_check.later(lobby.to_owned());
        }
        self.session.room_confirmed(self.link.is_connected());
        let room = room.to_owned();
        spawn_local(async move { self.catch_up(&room).await });
    }

    /// The connection's state changed: the status line follows; once connected, the members are
    /// read again, and after an outage the outbox goes out.
    pub(super) fn on_state(self, state: rusher_client::State, lobby: &str) {
        let back = self.session.connection(state);
        if state == rusher_client::State::Connected {
            self.member_check.new_connection();
            self.member_check.refresh(lobby);
            // What was broadcast while we were away comes back as each room's subscription is
            // confirmed again (its history reloads then).
            if back {
                self.messages.flush(self.link);
            }
        }
    }
}
