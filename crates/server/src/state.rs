//! What every handler shares: the hub, the shutdown signal and the fault switches.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::app::App;
use crate::faults::Faults;
use crate::hub::Hub;

/// Shared server state, cloned into every handler.
pub type AppState = Arc<Shared>;

/// The state behind [`AppState`].
#[derive(Debug)]
pub struct Shared {
    hub: Mutex<Hub>,
    /// Set to true once on shutdown: every connection closes with 4200.
    pub shutdown: watch::Sender<bool>,
    /// Test-only fault injection (off unless `--faults`).
    pub faults: Faults,
    socket_prefix: u64,
    next_socket: AtomicU64,
}

impl Shared {
    /// State for an app; `socket_prefix` makes socket ids differ between server runs.
    pub fn new(app: App, faults_enabled: bool, socket_prefix: u64) -> AppState {
        Arc::new(Self {
            hub: Mutex::new(Hub::new(app)),
            shutdown: watch::Sender::new(false),
            faults: Faults::new(faults_enabled),
            socket_prefix,
            next_socket: AtomicU64::new(1),
        })
    }

    /// The hub, locked. Never held across an await.
    pub fn hub(&self) -> MutexGuard<'_, Hub> {
        self.hub
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh, unique socket id (`^\d+\.\d+$`).
    pub fn new_socket_id(&self) -> String {
        let n = self.next_socket.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n}", self.socket_prefix)
    }
}
