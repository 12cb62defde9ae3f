//! The browser's monotonic clock as the core's `Instant`.

use rusher_protocol::Instant;

use crate::browser;

/// Now, from `performance.now()` (milliseconds since the page loaded).
pub fn now() -> Instant {
    // Non-negative and far below u64::MAX; `as` saturates on anything odd.
    Instant::from_millis(browser::performance_now() as u64)
}
