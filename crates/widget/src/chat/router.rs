//! The thin router: each of the Rusher client's events goes to the store it concerns, or to the
//! orchestrator where several react.

use leptos::prelude::*;
use rusher_chat_api::{
    ANSWER_EVENT, INVITATION_EVENT, Invitation, InvitationAnswer, MESSAGE_EVENT, ONLINE_EVENT,
    OnlineCount, TYPING_EVENT, overflow_twin,
};
use rusher_client::{Error, Event, LIMIT_REACHED, OVER_CAPACITY, Payload, is_server_to_user};
use serde::de::DeserializeOwned;

use super::{CLIENT_MESSAGE_EVENT, Chat};
use crate::json;

impl Chat {
    /// Routes one event of the client. Over 60 lines: a routing table, one arm per event the
    /// widget handles.
    pub(super) fn on_event(self, event: &Event) {
        let lobby = self.rooms.lobby();
        let twin = overflow_twin(&lobby);
        let is_twin = |channel: &String| Some(channel) == twin.as_ref();
        match event {
            Event::StateChange { current, .. } => self.on_state(*current, &lobby),
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
                    self.presence.counted_on_twin(count.online);
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
                self.presence.overflow(self.link, &lobby);
            }
            // sockudo refuses a full presence channel with a `pusher:error` that names no
            // channel: while the lobby waits for its answer, the refusal is the lobby's.
            Event::Error(Error::Server {
                code: Some(OVER_CAPACITY),
                ..
            }) if self.presence.lobby_waiting(self.link, &lobby) => {
                self.presence.lobby_over_capacity(self.link, &lobby);
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
                self.member_check.came_back(&member.id);
                self.member_check.refresh(&lobby);
            }
            Event::MemberRemoved { channel, member } => {
                self.typing.left(channel, member);
                if *channel == lobby {
                    self.member_check.refresh(&lobby);
                }
            }
            Event::SubscriptionCount { channel, count } if is_twin(channel) => {
                self.presence.counted_on_twin(*count);
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

    /// An invitation or an answer, as a server-to-user event.
    fn on_user_event(self, event: &str, data: &Payload) {
        match event {
            INVITATION_EVENT => {
                if let Some(invitation) = read::<Invitation>(data) {
                    self.rooms.invited(invitation);
                }
            }
            ANSWER_EVENT => {
                let Some(answer) = read::<InvitationAnswer>(data) else {
                    return;
                };
                if answer.accepted {
                    self.open_room(answer.room, answer.from.name);
                } else {
                    let text = [answer.from.name.as_str(), " ", self.strings.declined];
                    self.rooms.tell(text.concat());
                }
            }
            _ => {}
        }
    }
}

/// An event's data decoded and read into the chat type it carries; `None` (the event is
/// ignored) when it is not one.
fn read<T: DeserializeOwned>(data: &Payload) -> Option<T> {
    json::from_text(data.decode().as_str())
}
