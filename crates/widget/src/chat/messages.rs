//! The messages: the list (merged by id, so a message seen live and in the history shows once),
//! the history read on joining, on every confirmed subscription and when the reader scrolls up,
//! and sending, with a pending state, an outbox that survives a reload, retries and Retry.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{DEFAULT_HISTORY_PAGE, MAX_TEXT_CHARS, Message, Refusal};
use rusher_client::Pusher;

use super::{CLIENT_MESSAGE_EVENT, Chat, Retry};
use crate::config::SendMode;
use crate::model::{Delivery, Line, MAX_MESSAGES, merge};
use crate::outbox::{self, MAX_QUEUED, Queued};

/// Messages loaded on join and per page of older history.
const HISTORY_PAGE: usize = DEFAULT_HISTORY_PAGE;
/// The most history pages a room reads after a reconnection, to fill what an outage in a busy
/// room left out (5 pages: 250 messages, half of what a room keeps).
const CATCH_UP_PAGES: usize = 5;
/// How often a message the realtime server did not take is offered again while it stays down.
const PUBLISH_RETRY_MS: u32 = 5000;

/// The messages store.
#[derive(Clone, Copy)]
pub struct Messages {
    /// The messages, oldest first.
    pub lines: RwSignal<Vec<Line>>,
}

impl Messages {
    /// None yet.
    pub(super) fn new() -> Self {
        Self {
            lines: RwSignal::new(Vec::new()),
        }
    }

    /// Marks one of our lines.
    fn mark(self, client_id: &str, delivery: Delivery) {
        self.lines.update(|lines| {
            if let Some(l) = lines.iter_mut().find(|l| l.is_unstored(client_id)) {
                l.delivery = delivery;
            }
        });
    }
}

/// A random id for a message (the backend makes a retry with the same id harmless).
fn client_id() -> String {
    let part = || {
        format!(
            "{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        )
    };
    [part(), part(), part()].concat()
}

impl Chat {
    /// A chat message arrived live in `room`: merged into the list; a new one from someone else
    /// counts as unseen unless the reader watches the room.
    pub(super) fn on_message(self, room: &str, message: Message) {
        let from_others = self
            .session
            .me
            .with_untracked(|me| me.as_ref().is_none_or(|me| me.id != message.user.id));
        self.typing.spoke(room, &message.user);
        let (id, name, text) = (message.id, message.user.name.clone(), message.text.clone());
        let new = self
            .messages
            .lines
            .try_update(|lines| merge(lines, message))
            == Some(true);
        if new && from_others {
            self.unseen(room, id, &name, &text);
        }
    }

    /// Loads a page of a room's history before `before` (or the latest); the page's size and its
    /// oldest message's id, when it came. A short page marks the room's history complete.
    pub(super) async fn load_history(
        self,
        channel: &str,
        before: Option<i64>,
    ) -> Option<(usize, Option<i64>)> {
        let (backend, mode) = self
            .services
            .with_value(|s| (s.backend.clone(), s.config.send));
        let messages = match mode {
            SendMode::Backend => backend.history(channel, before, HISTORY_PAGE).await.ok()?,
            // No backend keeps the messages: the room's history is empty.
            SendMode::ClientEvent => Vec::new(),
        };
        let page = (messages.len(), messages.first().map(|m| m.id));
        // A short page holds the room's oldest message.
        if messages.len() < HISTORY_PAGE {
            self.rooms
                .change(channel, &mut |r| r.history_complete = true);
        }
        self.messages.lines.update(|lines| {
            for message in messages {
                merge(lines, message);
            }
        });
        if self.watching(channel) {
            self.seen(channel);
        }
        Some(page)
    }

    /// Reads what a room missed: its latest page, then older pages until one reaches the newest
    /// message of others the room already had (after an outage in a busy room), at most
    /// [`CATCH_UP_PAGES`]. The visitor's own messages do not count: the outbox may have stored
    /// them, with new ids, before the subscription was confirmed again.
    pub(super) async fn catch_up(self, room: &str) {
        let me = self.session.me.get_untracked().map(|user| user.id);
        let known = self.messages.lines.with_untracked(|lines| {
            lines
                .iter()
                .filter(|l| l.channel == room && Some(&l.user.id) != me.as_ref())
                .filter_map(|l| l.id)
                .max()
        });
        let mut before = None;
        for _ in 0..CATCH_UP_PAGES {
            let Some((count, Some(oldest))) = self.load_history(room, before).await else {
                return;
            };
            match known {
                Some(known) if count == HISTORY_PAGE && oldest > known => before = Some(oldest),
                _ => return,
            }
        }
    }

    /// Loads older messages of the room shown (when the reader scrolls to the top); whether they
    /// were asked for: not when the room's history is known to be all there, nor when the room
    /// keeps [`MAX_MESSAGES`] already (older ones would be dropped at once).
    pub fn load_older(self) -> bool {
        let room = self.rooms.room.get_untracked();
        let complete = self.rooms.rooms.with_untracked(|rooms| {
            rooms
                .iter()
                .any(|r| r.channel == room && r.history_complete)
        });
        if complete {
            return false;
        }
        let (kept, first) = self.messages.lines.with_untracked(|lines| {
            let in_room = lines.iter().filter(|l| l.channel == room);
            let first = in_room.clone().find_map(|l| l.id);
            (in_room.count(), first)
        });
        if kept >= MAX_MESSAGES {
            return false;
        }
        spawn_local(async move {
            self.load_history(&room, first).await;
        });
        true
    }

    /// Sends a message: shown at once as pending, confirmed when the backend answers.
    pub fn send(self, text: String) {
        let text = text.trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return;
        }
        let Some(user) = self.session.me.get_untracked() else {
            return;
        };
        let line = Line {
            channel: self.rooms.room.get_untracked(),
            user,
            text,
            time: js_sys::Date::now() as i64,
            id: None,
            client_id: client_id(),
            delivery: Delivery::Pending,
        };
        let key = line.client_id.clone();
        self.messages.lines.update(|lines| lines.push(line));
        self.deliver(key);
    }

    /// Sends a failed message again, with the same client id.
    pub fn retry(self, client_id: String) {
        self.deliver(client_id);
    }

    /// Sends a line: through the outbox to the backend, or as a client event.
    fn deliver(self, client_id: String) {
        let Some(line) = self.messages.lines.try_update(|lines| {
            let line = lines.iter_mut().find(|l| l.is_unstored(&client_id))?;
            line.delivery = Delivery::Pending;
            Some(line.clone())
        }) else {
            return;
        };
        let Some(line) = line else { return };
        let channel_name = line.channel.clone();
        let (mode, channel) = self
            .services
            .with_value(|s| (s.config.send, s.channel(&channel_name).cloned()));
        if mode == SendMode::ClientEvent {
            let message = rusher_client::object! {
                "id": 0u64, "channel": channel_name, "user": rusher_client::object! {
                    "id": &line.user.id, "name": &line.user.name,
                },
                "text": &line.text, "client_id": &line.client_id, "time": line.time.max(0) as u64,
            };
            let sent = channel.is_some_and(|c| c.trigger(CLIENT_MESSAGE_EVENT, message).is_ok());
            let delivery = if sent {
                Delivery::Sent
            } else {
                Delivery::Failed
            };
            self.messages.mark(&client_id, delivery);
            return;
        }
        let queued = self.services.try_update_value(|s| {
            if s.outbox.iter().any(|q| q.client_id == client_id) {
                return true;
            }
            if s.outbox.len() >= MAX_QUEUED {
                return false;
            }
            s.outbox.push(Queued::of(&line));
            outbox::save(&s.outbox);
            true
        });
        if queued == Some(true) {
            self.flush();
        } else {
            self.messages.mark(&client_id, Delivery::Failed);
        }
    }

    /// Sends the outbox to the backend, in order. A request that gets no answer (offline) stops
    /// the flush until the next reconnect; one the realtime server did not take (or one over the
    /// backend's rate limit) until then or a few seconds later; any other refusal marks that
    /// message failed and goes on.
    pub(super) fn flush(self) {
        let start = self.services.try_update_value(|s| {
            let start = !s.flushing && !s.outbox.is_empty();
            s.flushing |= start;
            start
        });
        if start != Some(true) {
            return;
        }
        spawn_local(async move {
            loop {
                let next = self.services.with_value(|s| {
                    Some((
                        s.outbox.first()?.clone(),
                        s.backend.clone(),
                        s.pusher.clone(),
                    ))
                });
                let Some((queued, backend, pusher)) = next else {
                    break;
                };
                let socket_id = pusher.as_ref().and_then(Pusher::socket_id);
                let sent = backend
                    .send(
                        &queued.channel,
                        &queued.text,
                        &queued.client_id,
                        socket_id.as_deref(),
                    )
                    .await;
                match sent {
                    Err(e) if e.status == 0 => break,
                    // Stored, but the realtime server did not take it; or the backend asks
                    // to slow down: it stays queued (and pending) for the next flush: on
                    // reconnecting, or after a while.
                    Err(e)
                        if matches!(
                            e.kind,
                            Some(Refusal::PublishFailed | Refusal::RateLimited)
                        ) =>
                    {
                        // Offered again in the backend's `Retry-After`, else
                        // PUBLISH_RETRY_MS, unless a retry already waits.
                        let delay = e.retry_after_ms.unwrap_or(PUBLISH_RETRY_MS);
                        self.retry_later(Retry::Publish, delay, move || self.flush());
                        break;
                    }
                    Ok(stored) => self.messages.lines.update(|lines| {
                        merge(lines, stored);
                    }),
                    Err(_) => self.messages.mark(&queued.client_id, Delivery::Failed),
                }
                self.services.update_value(|s| {
                    s.outbox.retain(|q| q.client_id != queued.client_id);
                    outbox::save(&s.outbox);
                });
            }
            self.services.update_value(|s| s.flushing = false);
        });
    }
}
