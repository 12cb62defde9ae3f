//! Client events waiting to be sent: kept while the connection is down or the channel is not yet
//! subscribed, released in order and within the client-side rate limit, bounded in count and age.

use crate::prelude::*;
use core::time::Duration;

use crate::json::JsonText;

use crate::error::{DropReason, Error};
use crate::time::{Instant, earliest_of};
use crate::wire::ClientMessage;

/// The window the rate limit counts over.
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// Bounds of the outbox and the rate of sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxConfig {
    /// The most events it holds; triggering beyond that is refused.
    pub capacity: usize,
    /// How long an event may wait before it is dropped.
    pub max_age: Duration,
    /// The most client events sent in any one second (Pusher's limit is 10); 0 means no limit.
    pub per_second: u32,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            capacity: 100,
            max_age: Duration::from_secs(30),
            per_second: 10,
        }
    }
}

/// A client event waiting to be sent.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub(crate) channel: String,
    pub(crate) event: String,
    pub(crate) data: JsonText,
    pub(crate) queued_at: Instant,
}

/// The queue of client events and the record of recent sends.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    config: OutboxConfig,
    queue: Vec<Queued>,
    recent_sends: Vec<Instant>,
}

impl Outbox {
    pub(crate) fn new(config: OutboxConfig) -> Self {
        Self {
            config,
            queue: Vec::new(),
            recent_sends: Vec::new(),
        }
    }

    /// Queues an event, or refuses it when the outbox is full.
    pub(crate) fn push(&mut self, event: Queued) -> Result<(), Error> {
        if self.queue.len() >= self.config.capacity {
            return Err(Error::ClientEventRefused("the outbox is full"));
        }
        self.queue.push(event);
        Ok(())
    }

    /// How many events wait.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Drops the events older than the maximum age.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<Error> {
        let max_age = self.config.max_age;
        self.remove_where(
            &|q| now.saturating_duration_since(q.queued_at) >= max_age,
            DropReason::Expired,
        )
    }

    /// Drops the events of a channel that was unsubscribed.
    pub(crate) fn drop_channel(&mut self, channel: &str) -> Vec<Error> {
        self.remove_where(&|q| q.channel == channel, DropReason::Unsubscribed)
    }

    /// Takes the events that may go now, in order: those whose channel is `sendable`, as many as
    /// the rate limit allows. Events of other channels keep their place.
    pub(crate) fn take_ready(
        &mut self,
        now: Instant,
        sendable: impl Fn(&str) -> bool,
    ) -> Vec<ClientMessage> {
        self.recent_sends
            .retain(|sent| now.saturating_duration_since(*sent) < RATE_WINDOW);
        let mut ready = Vec::new();
        let mut kept = Vec::new();
        for queued in core::mem::take(&mut self.queue) {
            if sendable(&queued.channel) && self.rate_allows(self.recent_sends.len()) {
                self.recent_sends.push(now);
                ready.push(ClientMessage::ClientEvent {
                    event: queued.event,
                    channel: queued.channel,
                    data: queued.data,
                });
            } else {
                kept.push(queued);
            }
        }
        self.queue = kept;
        ready
    }

    /// When the outbox next needs attention: an event's expiry, or the rate window reopening.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let expiry = self
            .queue
            .first()
            .map(|q| q.queued_at + self.config.max_age);
        let window = if self.queue.is_empty() || self.rate_allows(self.recent_sends.len()) {
            None
        } else {
            self.recent_sends.first().map(|sent| *sent + RATE_WINDOW)
        };
        earliest_of(&[expiry, window])
    }

    fn rate_allows(&self, sent_in_window: usize) -> bool {
        self.config.per_second == 0
            || sent_in_window < usize::try_from(self.config.per_second).unwrap_or(usize::MAX)
    }

    /// (`doomed` is a trait object: one copy of this code for every caller.)
    fn remove_where(&mut self, doomed: &dyn Fn(&Queued) -> bool, reason: DropReason) -> Vec<Error> {
        let mut dropped = Vec::new();
        self.queue.retain(|q| {
            if doomed(q) {
                dropped.push(Error::ClientEventDropped {
                    channel: q.channel.clone(),
                    event: q.event.clone(),
                    reason,
                });
                false
            } else {
                true
            }
        });
        dropped
    }
}
