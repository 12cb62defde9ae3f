//! The messages: the list (merged by id, so a message seen live and in the history shows once),
//! pages of a room's history, and sending, with a pending state, an outbox that survives a reload,
//! retries and Retry.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{DEFAULT_HISTORY_PAGE, MAX_TEXT_CHARS, Message, Refusal, User};

use super::CLIENT_MESSAGE_EVENT;
use super::link::{Link, Retry};
use crate::config::SendMode;
use crate::model::{Delivery, Line, MAX_MESSAGES, merge};
use crate::outbox::{self, MAX_QUEUED, Queued};

/// Messages loaded on join and per page of older history.
pub(super) const HISTORY_PAGE: usize = DEFAULT_HISTORY_PAGE;
/// How often a message the realtime server did not take is offered again while it stays down.
const PUBLISH_RETRY_MS: u32 = 5000;

/// The messages store.
#[derive(Clone, Copy)]
pub struct Messages {
    /// The messages, oldest first.
    pub lines: RwSignal<Vec<Line>>,
    /// How messages are sent.
    send: SendMode,
    /// Messages waiting for the backend.
    outbox: StoredValue<Outbox, LocalStorage>,
}

/// Messages waiting for the backend, and whether they are being sent.
#[derive(Default)]
struct Outbox {
    /// Oldest first.
    queued: Vec<Queued>,
    /// Whether a flush is running.
    flushing: bool,
}

/// A page of a room's history, as it came.
pub(super) struct Page {
    /// How many messages it held.
    pub count: usize,
    /// Its oldest message's id.
    pub oldest: Option<i64>,
}

impl Messages {
    /// None yet, sent as `send` says.
    pub(super) fn new(send: SendMode) -> Self {
        Self {
            lines: RwSignal::new(Vec::new()),
            send,
            outbox: StoredValue::new_local(Outbox::default()),
        }
    }

    /// What this tab still had waiting for `user` goes back in the list, pending, and out with the
    /// next flush.
    pub(super) fn restore(self, user: &User) {
        let waiting: Vec<Queued> = outbox::load()
            .into_iter()
            .filter(|q| q.user.id == user.id)
            .collect();
        self.lines
            .update(|lines| lines.extend(waiting.iter().map(Queued::line)));
        self.outbox.update_value(|o| o.queued = waiting);
    }

    /// Merges a message; whether it is new to the list.
    pub(super) fn arrived(self, message: Message) -> bool {
        self.lines.try_update(|lines| merge(lines, message)) == Some(true)
    }

    /// Reads a page of a room's history before `before` (or the latest) and merges it; `None`
    /// when the backend did not answer.
    pub(super) async fn read_page(
        self,
        link: Link,
        channel: &str,
        before: Option<i64>,
    ) -> Option<Page> {
        let messages = match self.send {
            SendMode::Backend => {
                let backend = link.backend()?;
                backend.history(channel, before, HISTORY_PAGE).await.ok()?
            }
            // No backend keeps the messages: the room's history is empty.
            SendMode::ClientEvent => Vec::new(),
        };
        let page = Page {
            count: messages.len(),
            oldest: messages.first().map(|m| m.id),
        };
        self.lines.update(|lines| {
            for message in messages {
                merge(lines, message);
            }
        });
        Some(page)
    }

    /// Reads the lines of `room`, oldest first, tracked (a view's closure runs again when the
    /// list changes). Derived where it is read, not kept as a memo: one measured +1,258 B of the
    /// widget's gzip.
    pub fn in_room<R>(self, room: &str, read: impl FnOnce(&[&Line]) -> R) -> R {
        self.lines.with(|lines| read(&of_room(lines, room)))
    }

    /// [`in_room`](Self::in_room), untracked.
    pub fn in_room_untracked<R>(self, room: &str, read: impl FnOnce(&[&Line]) -> R) -> R {
        self.lines
            .with_untracked(|lines| read(&of_room(lines, room)))
    }

    /// The newest stored message in `room`, of anyone but `not_by` when given.
    pub(super) fn newest(self, room: &str, not_by: Option<&str>) -> Option<i64> {
        self.lines
            .try_with_untracked(|lines| {
                lines
                    .iter()
                    .filter(|l| l.channel == room && Some(l.user.id.as_str()) != not_by)
                    .filter_map(|l| l.id)
                    .max()
            })
            .flatten()
    }

    /// Where older messages of `room` would be read from (its oldest stored message, or the
    /// latest page when none is), unless the room keeps [`MAX_MESSAGES`] already (older ones
    /// would be dropped at once).
    pub(super) fn older_than(self, room: &str) -> Option<Option<i64>> {
        let (kept, first) = self.lines.with_untracked(|lines| {
            let in_room = lines.iter().filter(|l| l.channel == room);
            let first = in_room.clone().find_map(|l| l.id);
            (in_room.count(), first)
        });
        (kept < MAX_MESSAGES).then_some(first)
    }

    /// Sends `text` by `user` in `room`: shown at once as pending, confirmed when the backend
    /// answers.
    pub(super) fn send(self, link: Link, user: User, room: String, text: &str) {
        let text = text.trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return;
        }
        let line = Line {
            channel: room,
            user,
            text,
            time: js_sys::Date::now() as i64,
            id: None,
            client_id: client_id(),
            delivery: Delivery::Pending,
        };
        let key = line.client_id.clone();
        self.lines.update(|lines| lines.push(line));
        self.deliver(link, key);
    }

    /// Sends a line: through the outbox to the backend, or as a client event. A failed one is
    /// sent again this way, with the same client id.
    pub(super) fn deliver(self, link: Link, client_id: String) {
        let Some(line) = self.lines.try_update(|lines| {
            let line = lines.iter_mut().find(|l| l.is_unstored(&client_id))?;
            line.delivery = Delivery::Pending;
            Some(line.clone())
        }) else {
            return;
        };
        let Some(line) = line else { return };
        if self.send == SendMode::ClientEvent {
            let message = rusher_client::object! {
                "id": 0u64, "channel": &line.channel, "user": rusher_client::object! {
                    "id": &line.user.id, "name": &line.user.name,
                },
                "text": &line.text, "client_id": &line.client_id, "time": line.time.max(0) as u64,
            };
            let sent = link
                .channel(&line.channel)
                .is_some_and(|c| c.trigger(CLIENT_MESSAGE_EVENT, message).is_ok());
            let delivery = if sent {
                Delivery::Sent
            } else {
                Delivery::Failed
            };
            self.mark(&client_id, delivery);
            return;
        }
        let queued = self.outbox.try_update_value(|o| {
            if o.queued.iter().any(|q| q.client_id == client_id) {
                return true;
            }
            if o.queued.len() >= MAX_QUEUED {
                return false;
            }
            o.queued.push(Queued::of(&line));
            outbox::save(&o.queued);
            true
        });
        if queued == Some(true) {
            self.flush(link);
        } else {
            self.mark(&client_id, Delivery::Failed);
        }
    }

    /// Sends the outbox to the backend, in order. A request that gets no answer (offline) stops
    /// the flush until the next reconnect; one the realtime server did not take (or one over the
    /// backend's rate limit) until then or a few seconds later; any other refusal marks that
    /// message failed and goes on.
    pub(super) fn flush(self, link: Link) {
        let start = self.outbox.try_update_value(|o| {
            let start = !o.flushing && !o.queued.is_empty();
            o.flushing |= start;
            start
        });
        if start != Some(true) {
            return;
        }
        spawn_local(async move {
            while let Some(queued) = self.next_queued() {
                let Some(backend) = link.backend() else {
                    return;
                };
                let socket_id = link.pusher().and_then(|p| p.socket_id());
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
                        link.retry_later(Retry::Publish, delay, move || self.flush(link));
                        break;
                    }
                    Ok(stored) => {
                        self.arrived(stored);
                    }
                    Err(_) => self.mark(&queued.client_id, Delivery::Failed),
                }
                self.outbox.update_value(|o| {
                    o.queued.retain(|q| q.client_id != queued.client_id);
                    outbox::save(&o.queued);
                });
            }
            self.outbox.update_value(|o| o.flushing = false);
        });
    }

    /// The oldest message in the outbox.
    fn next_queued(self) -> Option<Queued> {
        self.outbox
            .try_with_value(|o| o.queued.first().cloned())
            .flatten()
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

/// The lines of `room` among all kept, oldest first.
fn of_room<'a>(lines: &'a [Line], room: &str) -> Vec<&'a Line> {
    lines.iter().filter(|line| line.channel == room).collect()
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
