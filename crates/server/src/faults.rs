//! Fault injection for tests (`--faults`): switches the WebSocket and auth handlers read.

use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::time::Duration;

/// The switches. All off by default; only the admin endpoint flips them, and only when enabled.
#[derive(Debug, Default)]
pub struct Faults {
    /// Whether `--faults` was given.
    pub enabled: bool,
    ignore_pings: AtomicBool,
    auth_delay_ms: AtomicU64,
    auth_fail_status: AtomicU16,
}

impl Faults {
    /// Switches, enabled or not.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            ..Self::default()
        }
    }

    /// Whether the server stops answering clients' pings.
    pub fn ignore_pings(&self) -> bool {
        self.ignore_pings.load(Ordering::Relaxed)
    }

    /// Stops (or resumes) answering pings.
    pub fn set_ignore_pings(&self, on: bool) {
        self.ignore_pings.store(on, Ordering::Relaxed);
    }

    /// How long auth endpoints wait before answering.
    pub fn auth_delay(&self) -> Duration {
        Duration::from_millis(self.auth_delay_ms.load(Ordering::Relaxed))
    }

    /// The status auth endpoints answer with instead of signing, if any.
    pub fn auth_fail_status(&self) -> Option<u16> {
        match self.auth_fail_status.load(Ordering::Relaxed) {
            0 => None,
            status => Some(status),
        }
    }

    /// Sets the auth delay and forced failure status (0: none).
    pub fn set_auth(&self, delay: Duration, fail_status: u16) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.auth_delay_ms.store(ms, Ordering::Relaxed);
        self.auth_fail_status.store(fail_status, Ordering::Relaxed);
    }
}
