//! The browser's monotonic clock as the core's `Instant`.

use rusher_protocol::Instant;

/// Now, from `performance.now()` (milliseconds since the page loaded).
pub fn now() -> Instant {
    // Non-negative and far below u64::MAX; `as` saturates on anything odd.
    Instant::from_millis(performance_now() as u64)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.now()`, which windows and workers both have.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}
