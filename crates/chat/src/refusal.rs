//! Why the backend refuses a request: one kind per reason, each with the HTTP status it is sent
//! with, and the error body that carries it.

use serde::{Deserialize, Serialize};

/// A refusal's kind. The widget shows each in the visitor's language; a backend written in
/// another stack sends the same kinds (`docs/deploy.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// No session, or one the backend does not know.
    NotSignedIn,
    /// A display name that is empty, too long or has control characters.
    BadName,
    /// A message that is empty once trimmed, or has control characters other than line breaks
    /// and tabs.
    EmptyMessage,
    /// A message over [`MAX_TEXT_CHARS`](crate::MAX_TEXT_CHARS).
    MessageTooLong,
    /// A `client_id` that is empty or too long.
    BadClientId,
    /// A channel that is not a chat room (chat rooms are presence or private channels).
    NotARoom,
    /// A two-person room of two other users.
    NotAMember,
    /// An invitation to an id that is not another user's.
    NotAUser,
    /// The backend's storage failed; nothing was stored.
    StorageFailed,
    /// The message is stored, but the realtime server could not be reached, failed or did not
    /// answer in time: the widget keeps it queued and a retry (same `client_id`) publishes it.
    PublishFailed,
    /// The message is stored, but the realtime server refused it (a 4xx other than 429: too
    /// large for it, say) and would refuse it again: the widget shows it as failed.
    PublishRejected,
    /// Too many requests of this kind from this session or address: the answer's `Retry-After`
    /// says how many seconds to wait.
    RateLimited,
    /// A request that changes something, from a page on an origin the backend neither is nor
    /// allows (a cross-site request forgery, or a page left off `--allow-origin`).
    ForeignOrigin,
}

impl Refusal {
    /// The HTTP status the refusal is sent with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NotSignedIn => 401,
            Refusal::NotAMember | Refusal::ForeignOrigin => 403,
            Refusal::RateLimited => 429,
            Refusal::MessageTooLong => 413,
            Refusal::BadName
            | Refusal::EmptyMessage
            | Refusal::BadClientId
            | Refusal::NotARoom
            | Refusal::NotAUser => 400,
            Refusal::StorageFailed => 500,
            Refusal::PublishFailed | Refusal::PublishRejected => 502,
        }
    }

    /// An English sentence for logs and for API users; the widget shows its own words.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotSignedIn => "sign in to the chat first",
            Refusal::BadName => "the name must be 1-32 characters, without control characters",
            Refusal::EmptyMessage => "the message is empty",
            Refusal::MessageTooLong => "the message is longer than 2000 characters",
            Refusal::BadClientId => "client_id must be 1-64 characters",
            Refusal::NotARoom => "chat messages go on presence or private channels",
            Refusal::NotAMember => "not a member of this room",
            Refusal::NotAUser => "not a user to chat with",
            Refusal::StorageFailed => "storage failed",
            Refusal::PublishFailed => "the realtime server did not take the message; retry",
            Refusal::PublishRejected => "the realtime server refused the message",
            Refusal::RateLimited => "too many requests; wait as long as Retry-After says",
            Refusal::ForeignOrigin => "this backend does not take requests from this page's origin",
        }
    }

    /// The body the refusal is sent with.
    pub fn body(self) -> ErrorBody {
        ErrorBody {
            error: self.message().to_owned(),
            kind: Some(self),
        }
    }
}

/// The JSON body of every refusal: `{"error": "...", "kind": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, in English.
    pub error: String,
    /// The kind; absent from backends that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Refusal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_body_names_its_kind() {
        let body = serde_json::to_string(&Refusal::MessageTooLong.body()).unwrap();
        assert_eq!(
            body,
            r#"{"error":"the message is longer than 2000 characters","kind":"message-too-long"}"#
        );
        let read: ErrorBody = serde_json::from_str(r#"{"error":"x"}"#).unwrap();
        assert_eq!(read.kind, None);
    }
}
