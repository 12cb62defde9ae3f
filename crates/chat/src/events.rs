//! The names of the events the chat publishes and listens to, and the typing event's data.

use rusher_protocol::json::JsonText;
use serde::{Deserialize, Serialize};

/// A stored message, published by the backend on its room (and the room's private twin); the data
/// is a [`Message`](crate::Message).
pub const MESSAGE_EVENT: &str = "message";
/// A server-to-user event to the invitee; the data is an [`Invitation`](crate::Invitation).
pub const INVITATION_EVENT: &str = "invitation";
/// A server-to-user event to the inviter; the data is an
/// [`InvitationAnswer`](crate::InvitationAnswer).
pub const ANSWER_EVENT: &str = "invitation-answer";
/// How many read a full room, published by the backend on the room's private twin where the
/// realtime server sends no subscription counts of its own (sockudo, soketi); the data is an
/// [`OnlineCount`].
pub const ONLINE_EVENT: &str = "online-count";
/// The client event a visitor's widget sends while typing (a [`TypingNotice`]), on the room's
/// presence channel; the server adds the sender's user id.
pub const TYPING_EVENT: &str = "client-typing";

/// The data of a [`TYPING_EVENT`]: who is typing, by display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingNotice {
    /// The typist's display name.
    pub name: String,
}

/// The data of an [`ONLINE_EVENT`]: how many are subscribed to the twin (everyone reading the
/// full room).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineCount {
    /// The twin's subscription count.
    pub online: u64,
}

impl OnlineCount {
    /// Reads one from an event's data with the protocol core's JSON reader, which the widget
    /// has anyway (a serde instance for it would add to the widget's download); `None` when the
    /// data is not one.
    pub fn read(data: &JsonText) -> Option<Self> {
        let online = data.json().get("online")?.as_u64()?;
        Some(Self { online })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_online_count_reads_as_serde_writes_it() {
        let count = OnlineCount { online: 104 };
        let written = serde_json::to_string(&count).unwrap();
        assert_eq!(OnlineCount::read(&JsonText::decode(written)), Some(count));
        let not_one = JsonText::decode(r#"{"count":3}"#.to_owned());
        assert_eq!(OnlineCount::read(&not_one), None);
    }
}
