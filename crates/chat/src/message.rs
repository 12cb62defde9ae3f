//! Messages: what the widget sends, what the backend stores, publishes and pages through.

use serde::{Deserialize, Serialize};

use crate::{Refusal, User};

/// The longest message, in characters: a few paragraphs, well inside a Pusher event's 10 KB even
/// in four-byte characters with the JSON around them.
pub const MAX_TEXT_CHARS: usize = 2000;
/// The longest `client_id`, in bytes: room for a UUID or a timestamp and counter, and a bounded
/// key in the backend's idempotency index.
pub const MAX_CLIENT_ID_LEN: usize = 64;
/// The most messages one history page holds: what a widget shows without scrolling several
/// screens, and a bounded answer for the backend.
pub const MAX_HISTORY_PAGE: usize = 100;
/// The history page size when a request does not say.
pub const DEFAULT_HISTORY_PAGE: usize = 50;

/// A message as the backend stores and publishes it (the `message` event's data), and answers a
/// send with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The backend's id: increasing, so history pages by it.
    pub id: i64,
    /// The room (a presence or private channel).
    pub channel: String,
    /// The sender.
    pub user: User,
    /// The text as written: rendered as text, never as HTML.
    pub text: String,
    /// The id the sender chose for it, which makes a retried send harmless.
    pub client_id: String,
    /// When it was stored, in milliseconds since 1970.
    pub time: i64,
}

/// The body of `POST /chat/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    /// The room.
    pub channel: String,
    /// The text; trimmed by the backend.
    pub text: String,
    /// The sender's id for it: the same id sent again returns the stored message and publishes
    /// nothing again.
    pub client_id: String,
    /// The sender's socket, left out of the broadcast (it shows the message already).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket_id: Option<String>,
}

/// The query of `GET /chat/history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// The room.
    pub channel: String,
    /// Only messages with a smaller id (older); the latest when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// The page size, at most [`MAX_HISTORY_PAGE`]; [`DEFAULT_HISTORY_PAGE`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

impl HistoryQuery {
    /// The page size the backend uses: the asked one within 1..=[`MAX_HISTORY_PAGE`].
    pub fn page_size(&self) -> usize {
        self.limit
            .unwrap_or(DEFAULT_HISTORY_PAGE)
            .clamp(1, MAX_HISTORY_PAGE)
    }
}

/// The answer of `GET /chat/history`: oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The page.
    pub messages: Vec<Message>,
}

/// Checks a message's text: not empty once trimmed, no control characters but line breaks and
/// tabs (each would take six bytes as JSON), at most [`MAX_TEXT_CHARS`] characters. Returns the
/// trimmed text.
pub fn check_text(text: &str) -> Result<&str, Refusal> {
    let text = text.trim();
    let control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if text.is_empty() || text.chars().any(control) {
        return Err(Refusal::EmptyMessage);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Refusal::MessageTooLong);
    }
    Ok(text)
}

/// Checks a `client_id`: 1 to [`MAX_CLIENT_ID_LEN`] bytes.
pub fn check_client_id(client_id: &str) -> Result<(), Refusal> {
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_LEN {
        return Err(Refusal::BadClientId);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(check_text(" hi \n"), Ok("hi"));
        assert_eq!(check_text(" \n\t"), Err(Refusal::EmptyMessage));
        assert_eq!(check_text("a\u{1}b"), Err(Refusal::EmptyMessage));
        assert_eq!(
            check_text("two\nlines\tand a tab"),
            Ok("two\nlines\tand a tab")
        );
        assert!(check_text(&"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert_eq!(
            check_text(&"x".repeat(MAX_TEXT_CHARS + 1)),
            Err(Refusal::MessageTooLong)
        );
    }

    #[test]
    fn client_ids_are_bounded() {
        assert_eq!(check_client_id(""), Err(Refusal::BadClientId));
        assert!(check_client_id(&"a".repeat(MAX_CLIENT_ID_LEN)).is_ok());
        assert_eq!(
            check_client_id(&"a".repeat(MAX_CLIENT_ID_LEN + 1)),
            Err(Refusal::BadClientId)
        );
    }

    #[test]
    fn history_pages_are_bounded() {
        let query = |limit| HistoryQuery {
            channel: "presence-lobby".into(),
            before: None,
            limit,
        };
        assert_eq!(query(None).page_size(), DEFAULT_HISTORY_PAGE);
        assert_eq!(query(Some(0)).page_size(), 1);
        assert_eq!(query(Some(10_000)).page_size(), MAX_HISTORY_PAGE);
    }

    #[test]
    fn a_message_reads_back_from_its_json() {
        let message = Message {
            id: 7,
            channel: "presence-lobby".into(),
            user: User {
                id: "a1".into(),
                name: "Ada".into(),
            },
            text: "<b>hi</b>".into(),
            client_id: "c-1".into(),
            time: 1_700_000_000_000,
        };
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), message);
        let new: NewMessage =
            serde_json::from_str(r#"{"channel":"presence-lobby","text":"hi","client_id":"c"}"#)
                .unwrap();
        assert_eq!(new.socket_id, None);
    }
}
