//! Reconnect delays: exponential backoff with full jitter, a cap, and a reset whenever a connection
//! completes its handshake or the page has reason to believe the network is back. Randomness comes from a seed the driver gives, so tests are repeatable.

use core::time::Duration;

/// How reconnect delays grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffConfig {
    /// The ceiling of the first delay.
    pub initial: Duration,
    /// The largest ceiling.
    pub max: Duration,
    /// After a close with code 4200-4299 (the server asks for a reconnect: it is restarting),
    /// delays stay under [`restart_ceiling`](Self::restart_ceiling) for this long, so that
    /// clients are back within about that ceiling of a server that restarts within it.
    pub restart_window: Duration,
    /// The ceiling of delays within the restart window (still with full jitter, so that the
    /// clients do not come back in one herd).
    pub restart_ceiling: Duration,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        Self {
            // A quarter of a second: a restarted server is typically back within one or two
            // seconds, and the clients should be back within about a second of it rather than
            // sleeping out a long ceiling; full jitter still spreads them (docs/protocol.md).
            initial: Duration::from_millis(250),
            max: Duration::from_secs(30),
            // A deploy's restart takes seconds; one that takes longer is an outage, and the
            // growing delays take over.
            restart_window: Duration::from_secs(20),
            restart_ceiling: Duration::from_secs(1),
        }
    }
}

/// The backoff state: attempts since the last handshake (or reset) and a small PRNG.
#[derive(Debug, Clone)]
pub struct Backoff {
    config: BackoffConfig,
    attempts: u32,
    rng: u64,
}

impl Backoff {
    /// A backoff that draws its jitter from `seed`.
    pub fn new(config: BackoffConfig, seed: u64) -> Self {
        Self {
            config,
            attempts: 0,
            rng: seed,
        }
    }

    /// The ceiling for the next attempt: `initial * 2^attempts`, capped at `max`.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempts.min(31)).unwrap_or(u32::MAX);
        self.config
            .initial
            .checked_mul(factor)
            .unwrap_or(self.config.max)
            .min(self.config.max)
    }

    /// The next delay: uniform in `[0, ceiling]` (full jitter), at least `floor`; counts an attempt.
    pub fn next_delay(&mut self, floor: Duration) -> Duration {
        self.delay_under(self.ceiling(), floor)
    }

    /// [`next_delay`](Self::next_delay) with the ceiling held at the restart ceiling at most
    /// (within a restart window).
    pub fn next_restart_delay(&mut self, floor: Duration) -> Duration {
        self.delay_under(self.ceiling().min(self.config.restart_ceiling), floor)
    }

    /// The restart window's length.
    pub fn restart_window(&self) -> Duration {
        self.config.restart_window
    }

    fn delay_under(&mut self, ceiling: Duration, floor: Duration) -> Duration {
        self.attempts = self.attempts.saturating_add(1);
        let ceiling_ms = crate::time::millis(ceiling);
        let jittered = self.next_random() % ceiling_ms.saturating_add(1);
        Duration::from_millis(jittered).max(floor)
    }

    /// Forgets past attempts (after a handshake, or when the network comes back).
    pub fn reset(&mut self) {
        self.attempts = 0;
    }

    /// splitmix64: small, fast, good enough for jitter.
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::{Backoff, BackoffConfig};
    use crate::prelude::*;
    use core::time::Duration;

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_a_cap() {
        let mut backoff = Backoff::new(BackoffConfig::default(), 1);
        let ceilings: Vec<u128> = (0..9)
            .map(|_| {
                let ceiling = backoff.ceiling();
                let delay = backoff.next_delay(Duration::ZERO);
                assert!(delay <= ceiling);
                ceiling.as_millis()
            })
            .collect();
        assert_eq!(
            ceilings,
            vec![250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]
        );
        // Full jitter: delays spread over the whole range rather than sitting at the ceiling.
        let delays: Vec<Duration> = (0..50)
            .map(|_| backoff.next_delay(Duration::ZERO))
            .collect();
        assert!(delays.iter().any(|d| *d < Duration::from_secs(10)));
        assert!(delays.iter().any(|d| *d > Duration::from_secs(20)));
        backoff.reset();
        assert_eq!(backoff.ceiling(), Duration::from_millis(250));
    }
}
