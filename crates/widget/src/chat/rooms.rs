//! The rooms: the lobby and private chats, the one shown, each one's unread count; invitations
//! to private chats and their answers; and a room's subscription failing and being tried again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{
    ANSWER_EVENT, INVITATION_EVENT, Invitation, InvitationAnswer, User, overflow_twin,
};
use rusher_client::Payload;

use super::router::read;
use super::{AUTH_RETRY_MS, Chat, Retry};
use crate::model::{Room, Status};

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

    /// Whether a channel is one of the open rooms.
    pub(super) fn contains(self, channel: &str) -> bool {
        self.rooms
            .with_untracked(|rooms| rooms.iter().any(|r| r.channel == channel))
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
}

impl Chat {
    /// Shows a room.
    pub fn select_room(self, room: String) {
        self.seen(&room);
        self.rooms.room.set(room);
    }

    /// Invites a member to a private chat.
    pub fn invite(self, user: User) {
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            let notice = match backend.invite(&user.id).await {
                Ok(_) => [self.strings.invitation_sent, " ", &user.name].concat(),
                Err(e) => e.message,
            };
            self.rooms.notice.set(Some(notice));
        });
    }

    /// Answers an invitation; accepting opens the private room.
    pub fn answer(self, invitation: Invitation, accept: bool) {
        self.rooms
            .invitations
            .update(|all| all.retain(|i| i.room != invitation.room));
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            match backend.answer(&invitation.from.id, accept).await {
                Ok(room) if accept => self.open_room(room, invitation.from.name),
                Ok(_) => {}
                Err(e) => self.rooms.notice.set(Some(e.message)),
            }
        });
    }

    /// An invitation or an answer, as a server-to-user event.
    pub(super) fn on_user_event(self, event: &str, data: &Payload) {
        match event {
            INVITATION_EVENT => {
                let Some(invitation) = read::<Invitation>(data) else {
                    return;
                };
                self.rooms.invitations.update(|all| {
                    all.retain(|i| i.room != invitation.room);
                    all.push(invitation);
                });
            }
            ANSWER_EVENT => {
                let Some(answer) = read::<InvitationAnswer>(data) else {
                    return;
                };
                if answer.accepted {
                    self.open_room(answer.room, answer.from.name);
                } else {
                    let text = [answer.from.name.as_str(), " ", self.strings.declined];
                    self.rooms.notice.set(Some(text.concat()));
                }
            }
            _ => {}
        }
    }

    /// Opens (or shows) a private room: subscribes and adds its tab; its history loads once the
    /// subscription is confirmed.
    fn open_room(self, channel: String, title: String) {
        if !self.rooms.contains(&channel) {
            let pusher = self.services.with_value(|s| s.pusher.clone());
            // Outside the stored value: subscribing may report events to the widget at once.
            let Some(subscribed) = pusher.and_then(|p| p.subscribe(&channel).ok()) else {
                return;
            };
            self.services.update_value(|s| s.channels.push(subscribed));
            self.rooms.rooms.update(|rooms| {
                rooms.push(Room {
                    channel: channel.clone(),
                    title,
                    unread: 0,
                    history_complete: false,
                });
            });
        }
        self.select_room(channel);
    }

    /// A room's subscription failed: the status line says Reconnecting… and the room subscribes
    /// again in [`AUTH_RETRY_MS`] (unless it was closed meanwhile); the history read when it is
    /// confirmed brings what was said in between.
    pub(super) fn room_refused(self, channel: &str) {
        let status = self.session.status;
        if status.get_untracked() == Status::Online {
            status.set(Status::Reconnecting);
        }
        let retry = Retry::Room(channel.to_owned());
        let channel = channel.to_owned();
        self.retry_later(retry, AUTH_RETRY_MS, move || {
            let pusher = self.services.try_with_value(|s| s.pusher.clone()).flatten();
            let lobby = self.services.try_with_value(|s| s.config.channel());
            let still_open = self.rooms.contains(&channel)
                || lobby.is_some_and(|lobby| overflow_twin(&lobby).as_ref() == Some(&channel));
            if let Some(pusher) = pusher.filter(|_| still_open) {
                // Subscribing again retries a failed subscription (its handle is already kept).
                let _ = pusher.subscribe(&channel);
            }
        });
    }
}
