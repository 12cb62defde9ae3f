//! Messages waiting for the backend, kept in `sessionStorage` so that a reload does not lose them.
//! They go out in order, once each: the backend answers a repeated `client_id` with the stored
//! message and broadcasts nothing again, so sending one twice after a lost answer is harmless.

use serde::{Deserialize, Serialize};

use crate::json;
use crate::model::{Delivery, Line};
use rusher_chat_api::User;

/// The most messages kept waiting.
pub const MAX_QUEUED: usize = 100;

/// Where the queue is kept.
const KEY: &str = "rusher-chat-outbox";

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// The room.
    pub channel: String,
    /// The sender (the signed-in user when it was written).
    pub user: User,
    /// The text.
    pub text: String,
    /// The id that makes a repeat harmless.
    pub client_id: String,
    /// When it was written, in milliseconds since 1970.
    pub time: i64,
}

impl Queued {
    /// The message a pending line stands for.
    pub fn of(line: &Line) -> Self {
        Queued {
            channel: line.channel.clone(),
            user: line.user.clone(),
            text: line.text.clone(),
            client_id: line.client_id.clone(),
            time: line.time,
        }
    }

    /// The pending line that shows it.
    pub fn line(&self) -> Line {
        Line {
            channel: self.channel.clone(),
            user: self.user.clone(),
            text: self.text.clone(),
            time: self.time,
            id: None,
            client_id: self.client_id.clone(),
            delivery: Delivery::Pending,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The queue this tab kept, oldest first (empty when there is none or it is unreadable).
pub fn load() -> Vec<Queued> {
    let text = storage().and_then(|s| s.get_item(KEY).ok().flatten());
    let mut queue: Vec<Queued> = text.and_then(|t| json::from_text(&t)).unwrap_or_default();
    queue.truncate(MAX_QUEUED);
    queue
}

/// Keeps the queue for a reload.
pub fn save(queue: &[Queued]) {
    if let Some(storage) = storage() {
        let _ = match queue {
            [] => storage.remove_item(KEY),
            _ => storage.set_item(KEY, &json::to_text(&queue).unwrap_or_default()),
        };
    }
}
