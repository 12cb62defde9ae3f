//! The changes a page can follow with the embed's `on(name, callback)`. The launcher
//! (`www/npm-chat/rusher-chat.js`) names them too, to take callbacks before the widget has
//! loaded; a test holds its list and its refusal to these.

use strum::VariantArray;

/// A change `on()` follows. Its variants, in order, are the launcher's list
/// ([`VariantArray::VARIANTS`], which the compiler makes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, VariantArray)]
pub(crate) enum EmbedEvent {
    /// The unread count (a number).
    Unread,
    /// How many are online (a number).
    Online,
    /// Whether the panel is open (a boolean).
    Open,
    /// Each new message from the room (`{id, user: {id, name}, text, time}`).
    Message,
}

impl EmbedEvent {
    /// Its name in `on(name, callback)`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Unread => "unread",
            Self::Online => "online",
            Self::Open => "open",
            Self::Message => "message",
        }
    }

    /// The change `on()` takes by the name `name`.
    pub(crate) fn named(name: &str) -> Option<Self> {
        Self::VARIANTS
            .iter()
            .copied()
            .find(|event| event.name() == name)
    }
}

/// What `on()` throws for any other name, in the launcher's words.
pub(crate) const ON_TAKES: &str =
    "mountChat: on() takes \"unread\", \"online\", \"open\" or \"message\"";

#[cfg(test)]
mod tests {
    use super::{EmbedEvent, ON_TAKES};
    use strum::VariantArray;

    const LAUNCHER: &str = include_str!("../../../www/npm-chat/rusher-chat.js");

    #[test]
    fn the_launcher_takes_the_same_names_and_refuses_others_in_the_same_words() {
        let quoted: Vec<String> = EmbedEvent::VARIANTS
            .iter()
            .map(|event| format!("\"{}\"", event.name()))
            .collect();
        let list = format!("const EVENTS = [{}];", quoted.join(", "));
        assert!(LAUNCHER.contains(&list), "the launcher has {list}");
        let (last, rest) = quoted.split_last().unwrap();
        assert_eq!(
            ON_TAKES,
            format!("mountChat: on() takes {} or {last}", rest.join(", "))
        );
        assert!(LAUNCHER.contains(ON_TAKES), "the launcher says {ON_TAKES}");
        for &event in EmbedEvent::VARIANTS {
            assert_eq!(EmbedEvent::named(event.name()), Some(event));
        }
        assert_eq!(EmbedEvent::named("Unread"), None);
    }
}
