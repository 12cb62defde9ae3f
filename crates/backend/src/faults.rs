//! Fault injection for the auth endpoints, for tests: `POST /_faults/auth?delay_ms=N&status=S`
//! makes them wait N ms and then fail with S (0: answer normally); `POST /_faults/master-key`
//! with a base64 key in the body makes them hand out shared secrets derived from that key from
//! then on, as after a rotated master key. Off unless enabled; refused from non-loopback peers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine;

use crate::BackendState;

/// The switches the auth endpoints read. All off by default.
#[derive(Debug, Default)]
pub struct AuthFaults {
    /// Whether fault injection is enabled at all.
    pub enabled: bool,
    delay_ms: AtomicU64,
    fail_status: AtomicU16,
    master_key: Mutex<Option<[u8; 32]>>,
}

impl AuthFaults {
    /// Switches, enabled or not.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            ..Self::default()
        }
    }

    /// How long auth endpoints wait before answering.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::Relaxed))
    }

    /// The status auth endpoints answer with instead of signing, if any.
    pub fn fail_status(&self) -> Option<u16> {
        match self.fail_status.load(Ordering::Relaxed) {
            0 => None,
            status => Some(status),
        }
    }

    /// The master key that replaced the app's, if one did.
    pub fn master_key(&self) -> Option<[u8; 32]> {
        self.master_key.lock().ok().and_then(|key| *key)
    }

    /// Sets the delay and the forced failure status (0: none).
    pub fn set(&self, delay: Duration, fail_status: u16) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(ms, Ordering::Relaxed);
        self.fail_status.store(fail_status, Ordering::Relaxed);
    }
}

/// The switch's route; none unless enabled.
pub fn routes(enabled: bool) -> Router<BackendState> {
    if enabled {
        Router::new()
            .route("/_faults/auth", post(set_auth))
            .route("/_faults/master-key", post(set_master_key))
    } else {
        Router::new()
    }
}

/// `?delay_ms=N&status=S`, from a loopback peer only.
async fn set_auth(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(backend): State<BackendState>,
    Query(params): Query<HashMap<String, u64>>,
) -> StatusCode {
    if !peer.ip().is_loopback() {
        return StatusCode::FORBIDDEN;
    }
    let delay = Duration::from_millis(params.get("delay_ms").copied().unwrap_or(0));
    let status = params
        .get("status")
        .and_then(|s| u16::try_from(*s).ok())
        .unwrap_or(0);
    backend.faults.set(delay, status);
    StatusCode::NO_CONTENT
}

/// The body: a new master key in base64 (32 bytes), from a loopback peer only.
async fn set_master_key(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(backend): State<BackendState>,
    body: String,
) -> StatusCode {
    if !peer.ip().is_loopback() {
        return StatusCode::FORBIDDEN;
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
    let Some(key) = key else {
        return StatusCode::BAD_REQUEST;
    };
    match backend.faults.master_key.lock() {
        Ok(mut current) => {
            *current = Some(key);
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
