//! Subscription counts: told at once on small channels, at most every few seconds on large ones.

use std::time::{Duration, Instant};

use rusher_protocol::wire::ChannelMessage;
use rusher_protocol::{Access, ChannelKind};

use super::Hub;

/// A channel with up to this many subscribers hears its subscription count at every change, as
/// on Pusher. Every change of a larger one would cost a frame to each subscriber: with visitors
/// coming and going, that grows with the square of the channel's size.
const COUNT_AT_ONCE_UP_TO: usize = 100;
/// How often a larger channel hears its count at most (Pusher's lock is 5 s too); the count a
/// burst of changes ends on follows when the time is up ([`Hub::announce_due_counts`]).
pub const LARGE_COUNT_EVERY: Duration = Duration::from_secs(5);

impl Hub {
    /// Sends `pusher_internal:subscription_count` to a non-presence channel's subscribers: at
    /// once, unless it is a large channel that heard it less than [`LARGE_COUNT_EVERY`] ago.
    pub(super) fn announce_count(&mut self, channel: &str, kind: ChannelKind) {
        self.announce_count_at(channel, kind, Instant::now());
    }

    pub(super) fn announce_count_at(&mut self, channel: &str, kind: ChannelKind, now: Instant) {
        if kind.access == Access::Presence || kind.access == Access::ServerToUser {
            return;
        }
        let Some(state) = self.channels.get_mut(channel) else {
            return;
        };
        let count = state.subscribers.len();
        let told_lately = state
            .count_told_at
            .is_some_and(|at| now.duration_since(at) < LARGE_COUNT_EVERY);
        if count > COUNT_AT_ONCE_UP_TO && told_lately {
            // A busy channel is held back on every join and leave: its name is copied once.
            if !self.counts_due.contains(channel) {
                self.counts_due.insert(channel.to_owned());
            }
            return;
        }
        state.count_told_at = Some(now);
        self.counts_due.remove(channel);
        let frame = ChannelMessage::SubscriptionCount(count as u64)
            .on(channel)
            .to_json();
        self.broadcast(channel, &frame, None);
    }

    /// Sends the counts that large channels held back, once [`LARGE_COUNT_EVERY`] has passed
    /// since they last heard one (`now`). The server calls it every second.
    pub fn announce_due_counts(&mut self, now: Instant) {
        // Each is told now or held back again (and put back); a channel gone meanwhile is
        // dropped.
        for channel in std::mem::take(&mut self.counts_due) {
            let kind = ChannelKind::of(&channel);
            self.announce_count_at(&channel, kind, now);
        }
    }
}
