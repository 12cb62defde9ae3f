//! Time as an input: the driver says what time it is, the core never asks.

use core::ops::{Add, Sub};
use core::time::Duration;

/// A point in time, in milliseconds since an epoch the driver chooses (for example the browser's
/// wall clock made monotonic, or a monotonic clock natively).
///
/// Only differences between instants matter, so any monotonic source works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The instant `millis` milliseconds after the driver's epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the driver's epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// How long after `earlier` this instant is (zero if it is not later).
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

/// The earliest of some deadlines, each of which may be unset. One function over a slice rather
/// than `chain`ed and `flatten`ed iterators at each caller, whose adapters cost about 270 B of
/// the gzip bundle.
pub(crate) fn earliest_of(deadlines: &[Option<Instant>]) -> Option<Instant> {
    deadlines.iter().flatten().min().copied()
}

/// A duration in whole milliseconds, saturating. (Not `Duration::as_millis`, whose `u128`
/// brings 128-bit multiplication and conversion code into a wasm bundle.)
pub fn millis(duration: Duration) -> u64 {
    duration
        .as_secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(duration.subsec_millis()))
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(millis(rhs)))
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_sub(millis(rhs)))
    }
}
