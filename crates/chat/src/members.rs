//! Who the realtime server lists in a room: the widget checks its who's-online list against it
//! once the room's presence subscription has settled (a cluster node that restarted can answer a
//! subscription with part of the room, and never send the rest).

use serde::{Deserialize, Serialize};

/// The query of `GET /chat/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersQuery {
    /// The room: a presence channel.
    pub channel: String,
}

/// The answer of `GET /chat/members`, for a signed-in member of the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    /// The user ids on the room's presence channel, as the realtime server lists them (the whole
    /// cluster's), sorted (byte order) and each once.
    pub ids: Vec<String>,
}
