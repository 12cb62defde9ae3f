//! The core's `Instant`: the browser's wall clock, `Date.now()`, made monotonic. A step back (the
//! system clock set back) counts as no time passing; a step forward counts as the time it says,
//! as a sleep of the machine should (`performance.now()` stands still while some systems sleep).
//! A timer that fires moves the clock on to the deadline it was armed for, so a wall clock that
//! stands still (stubbed) or went back cannot hold the core's timers off.
//! The driver reads the clock once for every frame, and `Date.now()` costs a quarter of
//! `performance.now()` in Chromium (56 ns against 195 ns on the machine in BENCHMARKS.md).

use core::cell::Cell;

use rusher_protocol::Instant;

use crate::browser;

/// Milliseconds since the clock was made, never going back.
pub struct Clock {
    /// The wall clock's last reading.
    wall: Cell<f64>,
    /// The milliseconds counted so far.
    now: Cell<u64>,
}

impl Clock {
    /// A clock at zero.
    pub fn new() -> Self {
        Self::starting_at(browser::date_now())
    }

    fn starting_at(wall: f64) -> Self {
        Self {
            wall: Cell::new(wall),
            now: Cell::new(0),
        }
    }

    /// Now.
    pub fn now(&self) -> Instant {
        Instant::from_millis(self.advance(browser::date_now()))
    }

    /// Moves the clock on to `at` if it is not there yet: a timer armed for `at` has fired.
    pub fn reach(&self, at: Instant) {
        self.now.set(self.now.get().max(at.as_millis()));
    }

    /// Counts the wall clock's move to `wall`, and gives the milliseconds counted so far.
    fn advance(&self, wall: f64) -> u64 {
        let elapsed = wall - self.wall.get();
        self.wall.set(wall);
        // `as` saturates, and makes a step back (or a NaN) zero.
        let now = self.now.get().saturating_add(elapsed as u64);
        self.now.set(now);
        now
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn counts_the_wall_clock_forward_and_never_back() {
        let clock = Clock::starting_at(1_000_000.0);
        assert_eq!(clock.advance(1_000_250.0), 250);
        // The system clock set back an hour: no time passed, and later moves count from there.
        assert_eq!(clock.advance(1_000_250.0 - 3_600_000.0), 250);
        assert_eq!(clock.advance(1_000_250.0 - 3_600_000.0 + 100.0), 350);
        // A sleep of the machine, or the clock set forward: the time it says.
        assert_eq!(clock.advance(1_000_350.0 + 60_000.0 - 3_600_000.0), 60_350);
        assert_eq!(clock.advance(f64::NAN), 60_350);
    }

    #[test]
    fn a_timer_that_fired_moves_a_stalled_clock_on_to_its_deadline() {
        let clock = Clock::starting_at(1_000_000.0);
        assert_eq!(clock.advance(1_000_100.0), 100);
        // The wall clock stands still (stubbed) or went back: the timer's deadline has come.
        clock.reach(rusher_protocol::Instant::from_millis(5_100));
        assert_eq!(clock.advance(1_000_100.0), 5_100);
        // A deadline already passed changes nothing.
        clock.reach(rusher_protocol::Instant::from_millis(10));
        assert_eq!(clock.advance(1_000_200.0), 5_200);
    }
}
