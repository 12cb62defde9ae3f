//! What the widget shows: users, messages with their delivery state, presence members and the
//! connection status. Plain data; the views render it and `live` keeps it current.

use rusher_chat_api::{Message, User};

/// The most messages kept per room: a long conversation to scroll back through without asking
/// the backend (the log draws the newest of them, [`crate::log_window`]). Older ones are
/// dropped, and a room that keeps this many asks for no older history.
pub const MAX_MESSAGES: usize = 1000;

/// How far a message of ours has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Shown at once, waiting for the backend.
    Pending,
    /// Stored by the backend (or received from others).
    Sent,
    /// The backend refused it or could not be reached; the reader may retry.
    Failed,
}

/// One line in the message list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The room it belongs to.
    pub channel: String,
    /// The sender's id and name.
    pub user: User,
    /// The text.
    pub text: String,
    /// Milliseconds since 1970.
    pub time: i64,
    /// The backend's id once stored.
    pub id: Option<i64>,
    /// The id we chose (for our own messages, and to match the backend's answer).
    pub client_id: String,
    /// Delivery state.
    pub delivery: Delivery,
}

impl Line {
    /// A stored message as a line.
    pub fn stored(message: Message) -> Self {
        Line {
            channel: message.channel,
            user: message.user,
            text: message.text,
            time: message.time,
            id: Some(message.id),
            client_id: message.client_id,
            delivery: Delivery::Sent,
        }
    }

    /// The key the message list draws it by: the client id (the same from pending to sent), with
    /// the delivery state and the backend's id, so that the line is drawn again when they change.
    pub fn key(&self) -> String {
        let delivery = match self.delivery {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
        };
        let id = self.id.map(|id| id.to_string()).unwrap_or_default();
        [
            self.user.id.as_str(),
            " ",
            &self.client_id,
            " ",
            delivery,
            " ",
            &id,
        ]
        .concat()
    }

    /// Whether this is the line `client_id` that the backend has not stored yet: one of the
    /// reader's, pending, failed or sent as a client event (a stored line of someone else's with
    /// the same client id, which senders choose, is not it).
    pub fn is_unstored(&self, client_id: &str) -> bool {
        self.id.is_none() && self.client_id == client_id
    }
}

/// Adds a stored message to `lines` once (by sender and client id: senders choose client ids, so
/// two may choose the same): stored messages ordered by backend id, then the ones still pending.
/// Drops the oldest past [`MAX_MESSAGES`]. Returns whether it was new (a pending one of ours
/// being confirmed is not).
pub fn merge(lines: &mut Vec<Line>, message: Message) -> bool {
    let known = lines
        .iter()
        .position(|l| l.client_id == message.client_id && l.user.id == message.user.id);
    if let Some(at) = known {
        lines.remove(at);
    }
    let id = message.id;
    let at = lines
        .iter()
        .position(|l| l.id.is_none_or(|other| other > id))
        .unwrap_or(lines.len());
    let channel = message.channel.clone();
    lines.insert(at, Line::stored(message));
    let in_room = lines.iter().filter(|l| l.channel == channel).count();
    if in_room > MAX_MESSAGES
        && let Some(oldest) = lines.iter().position(|l| l.channel == channel)
    {
        lines.remove(oldest);
    }
    known.is_none()
}

/// A room the reader has open: the lobby, or a private chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// Its channel.
    pub channel: String,
    /// Its tab's title: "Lobby", or the other person's name.
    pub title: String,
    /// Messages not seen yet.
    pub unread: u32,
    /// Whether its oldest message is here: a page of history came back short, so scrolling to
    /// the top asks the backend for no more.
    pub history_complete: bool,
}

/// The connection as the reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// First connect.
    Connecting,
    /// Connected.
    Online,
    /// Lost the connection; trying again.
    Reconnecting,
    /// The browser is offline, or the server refused us for good.
    Offline,
}

/// Splits text into plain runs and http(s) links, for rendering links as links and the rest as
/// text.
pub fn linkify(text: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        let (before, from) = rest.split_at(start);
        let end = from
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(from.len());
        let (url, after) = from.split_at(end);
        // Trailing punctuation usually ends the sentence, not the link.
        let trimmed = url.trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        let (url, tail) = url.split_at(trimmed.len());
        push_text(&mut parts, before);
        parts.push((url.to_owned(), true));
        push_text(&mut parts, tail);
        rest = after;
    }
    push_text(&mut parts, rest);
    parts
}

/// Appends plain text, joining it to plain text before it.
fn push_text(parts: &mut Vec<(String, bool)>, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some((last, false)) => last.push_str(text),
        _ => parts.push((text.to_owned(), false)),
    }
}

/// Where the next `http://` or `https://` link starts (with something after the scheme).
fn find_url(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .filter_map(|scheme| {
            lower.match_indices(scheme).find_map(|(at, _)| {
                let after = lower.get(at + scheme.len()..)?;
                after
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace())
                    .then_some(at)
            })
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, client_id: &str) -> Message {
        Message {
            id,
            channel: "presence-lobby".into(),
            user: User {
                id: "u".into(),
                name: "Ana".into(),
            },
            text: "hi".into(),
            client_id: client_id.into(),
            time: 0,
        }
    }

    /// Ana's line `client_id`, not stored yet.
    fn pending(client_id: &str) -> Line {
        Line {
            delivery: Delivery::Pending,
            id: None,
            ..Line::stored(message(0, client_id))
        }
    }

    #[test]
    fn merge_orders_by_id_replaces_pending_and_ignores_repeats() {
        let mut lines = vec![pending("mine")];
        assert!(merge(&mut lines, message(5, "a")));
        assert!(merge(&mut lines, message(3, "b")));
        assert!(!merge(&mut lines, message(5, "a")));
        assert!(!merge(&mut lines, message(9, "mine")));
        let ids: Vec<_> = lines.iter().map(|l| l.id).collect();
        assert_eq!(ids, [Some(3), Some(5), Some(9)]);
        assert!(lines.iter().all(|l| l.delivery == Delivery::Sent));
    }

    #[test]
    fn two_senders_with_one_client_id_keep_their_own_lines() {
        let mut lines = vec![pending("same")];
        let theirs = Message {
            user: User {
                id: "v".into(),
                name: "Bo".into(),
            },
            ..message(4, "same")
        };
        assert!(merge(&mut lines, theirs));
        assert_eq!(
            lines.len(),
            2,
            "Bo's message does not replace Ana's pending one"
        );
        let unstored: Vec<_> = lines.iter().filter(|l| l.is_unstored("same")).collect();
        assert_eq!(unstored.len(), 1);
        assert_eq!(unstored[0].user.id, "u");
        assert_ne!(lines[0].key(), lines[1].key());
        assert!(
            !merge(&mut lines, message(5, "same")),
            "Ana's own, confirmed"
        );
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn linkify_finds_http_links_only() {
        assert_eq!(
            linkify("see https://example.com/a?b=1, or javascript:alert(1)"),
            vec![
                ("see ".to_owned(), false),
                ("https://example.com/a?b=1".to_owned(), true),
                (", or javascript:alert(1)".to_owned(), false),
            ]
        );
        assert_eq!(
            linkify("http:// alone"),
            vec![("http:// alone".to_owned(), false)]
        );
        assert_eq!(
            linkify("HTTP://X.org."),
            vec![("HTTP://X.org".to_owned(), true), (".".to_owned(), false)]
        );
    }
}
