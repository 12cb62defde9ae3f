//! The launcher's summary: what the chat's button shows before the widget itself has loaded (how
//! many are online in the room, and how many messages came since the visitor last saw it).

use serde::{Deserialize, Serialize};

/// The most unread messages the backend counts: a badge says "99+" past 99, so counting further
/// is work nobody sees, and the count stays a bounded query in a busy room.
pub const MAX_UNREAD_COUNTED: u64 = 100;

/// The query of `GET /chat/summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryQuery {
    /// The room.
    pub channel: String,
    /// The newest message id the visitor has seen in it; nothing is unread when absent (a
    /// visitor who never saw the room has nothing to catch up on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<i64>,
}

/// The answer of `GET /chat/summary`, for a signed-in visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// How many are online in the room (its members; its private twin's subscriptions while the
    /// room is full); absent when the realtime server did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<u64>,
    /// Messages of others newer than `after`, at most [`MAX_UNREAD_COUNTED`].
    pub unread: u64,
}
