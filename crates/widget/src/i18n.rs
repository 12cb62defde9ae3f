//! The widget's words, in English and German, chosen by the config or `navigator.language`.

/// Every string the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strings {
    /// The launcher's accessible name.
    pub open_chat: &'static str,
    /// The close button's accessible name.
    pub close_chat: &'static str,
    /// The panel's title.
    pub title: &'static str,
    /// The name field's label.
    pub your_name: &'static str,
    /// The join button.
    pub join: &'static str,
    /// Shown for an empty or too long name.
    pub invalid_name: &'static str,
    /// The message list's label.
    pub messages: &'static str,
    /// The online list's label and heading (before the count).
    pub whos_online: &'static str,
    /// The compose box's label.
    pub message: &'static str,
    /// The send button.
    pub send: &'static str,
    /// The retry button of a failed message.
    pub retry: &'static str,
    /// Shown on a message waiting for the backend.
    pub sending: &'static str,
    /// The button that jumps to new messages.
    pub new_messages: &'static str,
    /// After a name: "… is typing…".
    pub is_typing: &'static str,
    /// Marks the reader's own entry in the online list.
    pub you: &'static str,
    /// Status: first connect.
    pub connecting: &'static str,
    /// Status: connected.
    pub online: &'static str,
    /// Status: lost and retrying.
    pub reconnecting: &'static str,
    /// Status: offline.
    pub offline: &'static str,
    /// Shown when there are no messages yet.
    pub no_messages: &'static str,
    /// Before the remaining characters near the limit.
    pub characters_left: &'static str,
    /// The invite button (its accessible name adds the member's name).
    pub invite: &'static str,
    /// After a name: "… invites you to a private chat".
    pub invites_you: &'static str,
    /// Accepts an invitation.
    pub accept: &'static str,
    /// Declines an invitation.
    pub decline: &'static str,
    /// After a name: "… declined your invitation".
    pub declined: &'static str,
    /// Before a name: "Invitation sent to …".
    pub invitation_sent: &'static str,
    /// The lobby's tab.
    pub lobby: &'static str,
    /// The room tabs' label.
    pub rooms: &'static str,
    /// The button that turns desktop notifications on.
    pub notify: &'static str,
    /// Shown instead of the member list when the room is too big to list.
    pub room_full: &'static str,
    /// After the unread count in the launcher's name ("3 unread").
    pub unread: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    open_chat: "Open chat",
    unread: "unread",
    close_chat: "Close chat",
    title: "Chat",
    your_name: "Your name",
    join: "Join",
    invalid_name: "Enter a name of 1 to 32 characters.",
    messages: "Messages",
    whos_online: "Who's online",
    message: "Message",
    send: "Send",
    retry: "Retry",
    sending: "Sending…",
    new_messages: "New messages",
    is_typing: "is typing…",
    you: "(you)",
    connecting: "Connecting…",
    online: "Online",
    reconnecting: "Reconnecting…",
    offline: "Offline",
    no_messages: "No messages yet. Say hello!",
    characters_left: "characters left",
    invite: "Invite to private chat",
    invites_you: "invites you to a private chat",
    accept: "Accept",
    decline: "Decline",
    declined: "declined your invitation",
    invitation_sent: "Invitation sent to",
    lobby: "Lobby",
    rooms: "Rooms",
    notify: "Notify me of new messages",
    room_full: "The room is too big to list everyone.",
};

/// German.
pub const DE: Strings = Strings {
    open_chat: "Chat öffnen",
    unread: "ungelesen",
    close_chat: "Chat schließen",
    title: "Chat",
    your_name: "Dein Name",
    join: "Beitreten",
    invalid_name: "Gib einen Namen mit 1 bis 32 Zeichen ein.",
    messages: "Nachrichten",
    whos_online: "Wer ist online",
    message: "Nachricht",
    send: "Senden",
    retry: "Erneut senden",
    sending: "Wird gesendet…",
    new_messages: "Neue Nachrichten",
    is_typing: "schreibt…",
    you: "(du)",
    connecting: "Verbinde…",
    online: "Online",
    reconnecting: "Verbinde neu…",
    offline: "Offline",
    no_messages: "Noch keine Nachrichten. Sag hallo!",
    characters_left: "Zeichen übrig",
    invite: "Zum privaten Chat einladen",
    invites_you: "lädt dich zu einem privaten Chat ein",
    accept: "Annehmen",
    decline: "Ablehnen",
    declined: "hat deine Einladung abgelehnt",
    invitation_sent: "Einladung gesendet an",
    lobby: "Lobby",
    rooms: "Räume",
    notify: "Bei neuen Nachrichten benachrichtigen",
    room_full: "Der Raum ist zu groß, um alle aufzulisten.",
};

/// The strings for a language tag such as `de-AT`; English for anything else.
pub fn strings(language: &str) -> Strings {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("de") {
        DE
    } else {
        EN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_primary_language() {
        assert_eq!(strings("de-AT"), DE);
        assert_eq!(strings("DE"), DE);
        assert_eq!(strings("en-GB"), EN);
        assert_eq!(strings("fr"), EN);
        assert_eq!(strings(""), EN);
    }
}
