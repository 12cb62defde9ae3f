//! Everything that happened in a run, with its time: sign-ins, subscriptions, messages sent and
//! how the server answered, every delivery, drops and departures. The run's figures for each
//! step are read from it at the end.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::plan::Room;

/// A receiver that left (or whose connection dropped) within this long after a message was sent
/// is not counted as one who should have had it.
const DELIVERY_GRACE: Duration = Duration::from_secs(5);

/// Microseconds since the run started.
pub type Micros = u64;

/// How the server answered a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (the chat backend) or accepted for delivery (a REST trigger).
    Stored,
    /// Refused with this status (a 429 when over a limit, a 5xx when failing).
    Refused(u16),
    /// No answer in time, or the request failed.
    TimedOut,
}

/// One thing that happened.
#[derive(Debug, Clone, Copy)]
pub enum Record {
    /// A visitor signed in (or, without the chat backend, began).
    SignedIn { visitor: u32, at: Micros },
    /// A sign-in was refused (`Some(status)`) or had no answer in time (`None`).
    SignInFailed { status: Option<u16>, at: Micros },
    /// A visitor's subscription to a room was confirmed.
    Confirmed {
        visitor: u32,
        room: Room,
        at: Micros,
    },
    /// A subscription was refused (other than the lobby's presence channel being full).
    SubscriptionRefused { at: Micros },
    /// A visitor's connection ended without it asking.
    Dropped { visitor: u32, at: Micros },
    /// A visitor left.
    Left { visitor: u32, at: Micros },
    /// Message `seq` was sent to a room.
    Sent { seq: u64, room: Room, at: Micros },
    /// The server answered message `seq`.
    Answered {
        seq: u64,
        outcome: Outcome,
        at: Micros,
    },
    /// Message `seq` reached a visitor.
    Delivered { visitor: u32, seq: u64, at: Micros },
}

#[derive(Debug, Default)]
struct VisitorLog {
    confirmed: Vec<(Room, Micros)>,
    drops: Vec<Micros>,
    left_at: Option<Micros>,
}

impl VisitorLog {
    /// Whether the visitor was in `room` when a message was sent at `at`, and stayed connected
    /// long enough to get it.
    fn should_have(&self, room: Room, at: Micros) -> bool {
        let Some(since) = self
            .confirmed
            .iter()
            .filter(|(r, c)| *r == room && *c <= at)
            .map(|(_, c)| *c)
            .max()
        else {
            return false;
        };
        let until = at + micros(DELIVERY_GRACE);
        self.left_at.is_none_or(|left| left > until)
            && !self.drops.iter().any(|d| (since..=until).contains(d))
    }
}

#[derive(Debug)]
struct SentLog {
    room: Room,
    at: Micros,
    answer: Option<(Outcome, Micros)>,
    deliveries: Vec<(u32, Micros)>,
}

#[derive(Debug, Default)]
struct Log {
    visitors: HashMap<u32, VisitorLog>,
    in_room: HashMap<Room, Vec<u32>>,
    sent: HashMap<u64, SentLog>,
    sign_ins: Vec<Micros>,
    sign_ins_refused: Vec<Micros>,
    sign_ins_timed_out: Vec<Micros>,
    subscriptions_refused: Vec<Micros>,
    drops: Vec<Micros>,
}

/// The run's record, written by every visitor and read at the end.
#[derive(Debug, Default)]
pub struct Ledger(Mutex<Log>);

/// What happened in one window of the run.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Figures {
    pub sign_ins: usize,
    pub sign_ins_refused: usize,
    pub sign_ins_timed_out: usize,
    pub subscriptions_refused: usize,
    pub drops: usize,
    pub messages_sent: usize,
    pub messages_stored: usize,
    pub messages_refused: usize,
    pub messages_timed_out: usize,
    pub deliveries: usize,
    pub deliveries_expected: usize,
    pub lost: usize,
    pub doubled: usize,
    pub latency_ms_median: f64,
    pub latency_ms_p99: f64,
    pub latency_ms_max: f64,
}

/// Microseconds in a duration.
pub fn micros(duration: Duration) -> Micros {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

impl Ledger {
    /// Writes down one thing that happened.
    pub fn record(&self, record: Record) {
        let Ok(mut log) = self.0.lock() else {
            return;
        };
        log.record(record);
    }

    /// The figures of the window `from..to`: messages sent in it (and every delivery of them,
    /// whenever it came), and the sign-ins, answers, drops and refusals that happened in it.
    pub fn figures(&self, from: Micros, to: Micros) -> Figures {
        self.0
            .lock()
            .map(|log| log.figures(from, to))
            .unwrap_or_default()
    }
}

impl Log {
    fn record(&mut self, record: Record) {
        match record {
            Record::SignedIn { visitor, at } => {
                self.visitors.entry(visitor).or_default();
                self.sign_ins.push(at);
            }
            Record::SignInFailed { status, at } => match status {
                Some(_) => self.sign_ins_refused.push(at),
                None => self.sign_ins_timed_out.push(at),
            },
            Record::Confirmed { visitor, room, at } => {
                let log = self.visitors.entry(visitor).or_default();
                if !log.confirmed.iter().any(|(r, _)| *r == room) {
                    self.in_room.entry(room).or_default().push(visitor);
                }
                log.confirmed.push((room, at));
            }
            Record::SubscriptionRefused { at, .. } => self.subscriptions_refused.push(at),
            Record::Dropped { visitor, at } => {
                self.visitors.entry(visitor).or_default().drops.push(at);
                self.drops.push(at);
            }
            Record::Left { visitor, at } => {
                self.visitors.entry(visitor).or_default().left_at = Some(at);
            }
            Record::Sent { seq, room, at } => {
                self.sent.insert(
                    seq,
                    SentLog {
                        room,
                        at,
                        answer: None,
                        deliveries: Vec::new(),
                    },
                );
            }
            Record::Answered { seq, outcome, at } => {
                if let Some(sent) = self.sent.get_mut(&seq) {
                    sent.answer = Some((outcome, at));
                }
            }
            Record::Delivered { visitor, seq, at } => {
                if let Some(sent) = self.sent.get_mut(&seq) {
                    sent.deliveries.push((visitor, at));
                }
            }
        }
    }

    /// Adds up a message sent in the window: its receivers (doubled, lost against those who
    /// should have it) and the latency of each delivery.
    fn count_deliveries(&self, sent: &SentLog, figures: &mut Figures, latencies: &mut Vec<Micros>) {
        let mut receivers: Vec<u32> = sent.deliveries.iter().map(|(v, _)| *v).collect();
        receivers.sort_unstable();
        let all = receivers.len();
        receivers.dedup();
        figures.doubled += all - receivers.len();
        latencies.extend(
            sent.deliveries
                .iter()
                .map(|(_, at)| at.saturating_sub(sent.at)),
        );
        // A refused message was never stored: its sender was told, nobody should have it.
        if matches!(sent.answer, Some((Outcome::Refused(_), _))) {
            return;
        }
        let expected = self
            .in_room
            .get(&sent.room)
            .into_iter()
            .flatten()
            .filter(|v| {
                self.visitors
                    .get(v)
                    .is_some_and(|log| log.should_have(sent.room, sent.at))
            });
        for visitor in expected {
            figures.deliveries_expected += 1;
            if receivers.binary_search(visitor).is_err() {
                figures.lost += 1;
            }
        }
    }

    /// The figures of what happened from `from` to `to`.
    fn figures(&self, from: Micros, to: Micros) -> Figures {
        let within = |at: &Micros| (from..to).contains(at);
        let count = |times: &[Micros]| times.iter().filter(|t| within(t)).count();
        let mut figures = Figures {
            sign_ins: count(&self.sign_ins),
            sign_ins_refused: count(&self.sign_ins_refused),
            sign_ins_timed_out: count(&self.sign_ins_timed_out),
            subscriptions_refused: count(&self.subscriptions_refused),
            drops: count(&self.drops),
            ..Figures::default()
        };
        let mut latencies = Vec::new();
        for sent in self.sent.values() {
            figures.deliveries += sent.deliveries.iter().filter(|(_, at)| within(at)).count();
            match sent.answer {
                Some((Outcome::Stored, at)) if within(&at) => figures.messages_stored += 1,
                Some((Outcome::Refused(_), at)) if within(&at) => figures.messages_refused += 1,
                Some((Outcome::TimedOut, at)) if within(&at) => figures.messages_timed_out += 1,
                _ => {}
            }
            if !within(&sent.at) {
                continue;
            }
            figures.messages_sent += 1;
            self.count_deliveries(sent, &mut figures, &mut latencies);
        }
        latencies.sort_unstable();
        let at = |share: f64| -> f64 {
            let last = latencies.len().saturating_sub(1);
            let index = ((last as f64) * share).round() as usize;
            latencies.get(index).map_or(0.0, |us| *us as f64 / 1000.0)
        };
        figures.latency_ms_median = at(0.5);
        figures.latency_ms_p99 = at(0.99);
        figures.latency_ms_max = at(1.0);
        figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Micros = 1_000_000;

    fn ledger(records: &[Record]) -> Ledger {
        let ledger = Ledger::default();
        for record in records {
            ledger.record(*record);
        }
        ledger
    }

    #[test]
    fn counts_deliveries_losses_and_doubles_of_the_window() {
        let room = Room(2);
        let ledger = ledger(&[
            Record::Confirmed {
                visitor: 1,
                room,
                at: S,
            },
            Record::Confirmed {
                visitor: 2,
                room,
                at: S,
            },
            // Joined after the send: not expected to have it.
            Record::Confirmed {
                visitor: 3,
                room,
                at: 11 * S,
            },
            Record::Sent {
                seq: 7,
                room,
                at: 10 * S,
            },
            Record::Answered {
                seq: 7,
                outcome: Outcome::Stored,
                at: 10 * S + 2_000,
            },
            Record::Delivered {
                visitor: 1,
                seq: 7,
                at: 10 * S + 3_000,
            },
            Record::Delivered {
                visitor: 1,
                seq: 7,
                at: 10 * S + 9_000,
            },
            // Outside the window: counted in the one it was sent in.
            Record::Sent {
                seq: 8,
                room,
                at: 30 * S,
            },
        ]);
        let figures = ledger.figures(5 * S, 20 * S);
        assert_eq!(figures.messages_sent, 1);
        assert_eq!(figures.messages_stored, 1);
        assert_eq!(figures.deliveries, 2);
        assert_eq!(figures.deliveries_expected, 2);
        assert_eq!(figures.lost, 1, "visitor 2 never had it");
        assert_eq!(figures.doubled, 1);
        assert_eq!(figures.latency_ms_median, 9.0);
        assert_eq!(figures.latency_ms_max, 9.0);
    }

    #[test]
    fn a_receiver_that_left_or_dropped_soon_after_or_a_refused_message_loses_nothing() {
        let room = Room::LOBBY;
        let ledger = ledger(&[
            Record::Confirmed {
                visitor: 1,
                room,
                at: S,
            },
            Record::Confirmed {
                visitor: 2,
                room,
                at: S,
            },
            Record::Left {
                visitor: 1,
                at: 12 * S,
            },
            Record::Dropped {
                visitor: 2,
                at: 11 * S,
            },
            Record::Sent {
                seq: 1,
                room,
                at: 10 * S,
            },
            Record::Sent {
                seq: 2,
                room,
                at: 3 * S,
            },
            Record::Answered {
                seq: 2,
                outcome: Outcome::Refused(429),
                at: 3 * S,
            },
            Record::Delivered {
                visitor: 1,
                seq: 2,
                at: 3 * S,
            },
        ]);
        let figures = ledger.figures(0, 20 * S);
        assert_eq!(figures.messages_sent, 2);
        assert_eq!(figures.deliveries_expected, 0);
        assert_eq!(figures.lost, 0);
        assert_eq!(figures.messages_refused, 1);
        assert_eq!(figures.drops, 1);
    }
}
