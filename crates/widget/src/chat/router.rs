//! The thin router: each of the Rusher client's events goes to the store it concerns.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{MESSAGE_EVENT, ONLINE_EVENT, OnlineCount, TYPING_EVENT, overflow_twin};
use rusher_client::{
    Error, Event, LIMIT_REACHED, OVER_CAPACITY, Payload, State, is_server_to_user,
};
use serde::de::DeserializeOwned;

use super::{CLIENT_MESSAGE_EVENT, Chat};
use crate::json;
use crate::model::Status;

impl Chat {
    /// Routes one event of the client. Over 60 lines: a routing table, one arm per event the
    /// widget handles.
    pub(super) fn on_event(self, event: &Event) {
        let Some(lobby) = self.services.try_with_value(|s| s.config.channel()) else {
            return;
        };
        let twin = overflow_twin(&lobby);
        let is_twin = |channel: &String| Some(channel) == twin.as_ref();
        match event {
            Event::StateChange { current, .. } => self.on_state(*current),
            Event::Message {
                channel: Some(channel),
                event,
                data,
                ..
            } if is_server_to_user(channel) => {
                self.on_user_event(event, data);
            }
            Event::Message {
                channel: Some(channel),
                event,
                data,
                user_id,
            } if self.rooms.contains(channel) => {
                self.on_room_event(channel, event, data, user_id.as_deref());
            }
            // Where the server sends no subscription counts, the backend counts the twin.
            Event::Message {
                channel: Some(channel),
                event,
                data,
                ..
            } if is_twin(channel) && event == ONLINE_EVENT => {
                if let Some(count) = OnlineCount::read(&data.decode()) {
                    self.counted_on_twin(count.online);
                }
            }
            // The lobby's private twin carries its messages for a visitor it had no room for.
            Event::Message {
                channel: Some(channel),
                event,
                data,
                user_id,
            } if is_twin(channel) => {
                self.on_room_event(&lobby, event, data, user_id.as_deref());
            }
            Event::SubscriptionError { channel, error }
                if *channel == lobby && error.kind == LIMIT_REACHED =>
            {
                self.overflow(&lobby);
            }
            // sockudo refuses a full presence channel with a `pusher:error` that names no
            // channel: while the lobby waits for its answer, the refusal is the lobby's.
            Event::Error(Error::Server {
                code: Some(OVER_CAPACITY),
                ..
            }) if self.lobby_waiting(&lobby) => {
                self.lobby_over_capacity(&lobby);
            }
            Event::SubscriptionError { channel, .. }
                if self.rooms.contains(channel) || is_twin(channel) =>
            {
                self.room_refused(channel);
            }
            Event::SigninError(_) => self.signin_refused(),
            Event::SubscriptionSucceeded { channel } if self.rooms.contains(channel) => {
                self.subscribed(channel, &lobby);
            }
            Event::SubscriptionSucceeded { channel }
                if self.presence.full.get_untracked() && is_twin(channel) =>
            {
                self.subscribed(&lobby, &lobby);
            }
            Event::MemberAdded { channel, member } if *channel == lobby => {
                self.member_came_back(&member.id);
                self.refresh_members();
            }
            Event::MemberRemoved { channel, member } => {
                self.typing.left(channel, member);
                if *channel == lobby {
                    self.refresh_members();
                }
            }
            Event::SubscriptionCount { channel, count } if is_twin(channel) => {
                self.counted_on_twin(*count);
            }
            _ => {}
        }
    }

    /// An event in a room: a chat message or someone typing.
    fn on_room_event(self, room: &str, event: &str, data: &Payload, user_id: Option<&str>) {
        match event {
            MESSAGE_EVENT | CLIENT_MESSAGE_EVENT => {
                if let Some(message) = read(data) {
                    self.on_message(room, message);
                }
            }
            TYPING_EVENT => {
                if let Some(notice) = read(data) {
                    self.typing.arrived(room, notice, user_id);
                }
            }
            _ => {}
        }
    }

    /// The connection's state changed: the status line follows; once connected, the members are
    /// read again, and after an outage the outbox goes out.
    fn on_state(self, state: State) {
        let back = self.session.connection(state);
        if state == State::Connected {
            self.reset_member_reads();
            self.refresh_members();
            // What was broadcast while we were away comes back as each room's subscription is
            // confirmed again (its history reloads then).
            if back {
                self.flush();
            }
        }
    }

    /// A room's subscription is confirmed (first, or again after a reconnection): what was
    /// published before it is in the history, what comes after arrives live, so its history is
    /// read now. Read earlier, a message published in between (on a cluster, a publish can
    /// overtake a subscription on another node) would be in neither.
    fn subscribed(self, room: &str, lobby: &str) {
        if room == lobby {
            self.refresh_members();
            self.check_members_later();
        }
        let status = self.session.status;
        if self.connected() && status.get_untracked() == Status::Reconnecting {
            status.set(Status::Online);
        }
        let room = room.to_owned();
        spawn_local(async move { self.catch_up(&room).await });
    }
}

/// An event's data decoded and read into the chat type it carries; `None` (the event is
/// ignored) when it is not one.
pub(super) fn read<T: DeserializeOwned>(data: &Payload) -> Option<T> {
    json::from_text(data.decode().as_str())
}
