//! The browser's monotonic clock as the core's `Instant`.

use rusher_protocol::Instant;

/// Now, from `performance.now()` (milliseconds since the page loaded), or `Date.now()` where there
/// is no `performance`.
pub fn now() -> Instant {
    let millis = web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now());
    // Both are non-negative and far below u64::MAX; `as` saturates on anything odd.
    Instant::from_millis(millis as u64)
}
