//! Fault injection for the auth endpoints, for tests: `POST /_faults/auth?delay_ms=N&status=S`
//! makes them wait N ms and then fail with S (0: answer normally), and `&answer=garbage` or
//! `&answer=forged` makes them answer 200 with a body that is not JSON, or with signatures made
//! with another secret; `POST /_faults/master-key`
//! with a base64 key in the body makes them hand out shared secrets derived from that key from
//! then on, as after a rotated master key. Off unless enabled; refused from non-loopback peers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
    answer: AtomicU8,
    master_key: Mutex<Option<[u8; 32]>>,
}

/// What the auth endpoints answer when they do not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Signatures made with the app secret.
    Signed = 0,
    /// A 200 whose body is not JSON.
    Garbage = 1,
    /// Signatures made with another secret, which the server refuses.
    Forged = 2,
}

impl Answer {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "signed" => Some(Self::Signed),
            "garbage" => Some(Self::Garbage),
            "forged" => Some(Self::Forged),
            _ => None,
        }
    }
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

    /// What the auth endpoints answer when they do not fail.
    pub fn answer(&self) -> Answer {
        match self.answer.load(Ordering::Relaxed) {
            1 => Answer::Garbage,
            2 => Answer::Forged,
            _ => Answer::Signed,
        }
    }

    /// The master key that replaced the app's, if one did.
    pub fn master_key(&self) -> Option<[u8; 32]> {
        self.master_key.lock().ok().and_then(|key| *key)
    }

    /// Sets the delay, the forced failure status (0: none) and the answer.
    pub fn set(&self, delay: Duration, fail_status: u16, answer: Answer) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(ms, Ordering::Relaxed);
        self.fail_status.store(fail_status, Ordering::Relaxed);
        self.answer.store(answer as u8, Ordering::Relaxed);
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

/// `?delay_ms=N&status=S&answer=A`, from a loopback peer only; each left out is reset.
async fn set_auth(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(backend): State<BackendState>,
    Query(params): Query<HashMap<String, String>>,
) -> StatusCode {
    if !peer.ip().is_loopback() {
        return StatusCode::FORBIDDEN;
    }
    let number = |name: &str| params.get(name).map(|v| v.parse::<u64>());
    let (delay_ms, status) = match (number("delay_ms"), number("status")) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => return StatusCode::BAD_REQUEST,
        (delay, status) => (
            delay.and_then(Result::ok).unwrap_or(0),
            status.and_then(Result::ok).unwrap_or(0),
        ),
    };
    let answer = match params.get("answer").map(|name| Answer::from_name(name)) {
        Some(None) => return StatusCode::BAD_REQUEST,
        Some(Some(answer)) => answer,
        None => Answer::Signed,
    };
    let status = u16::try_from(status).unwrap_or(0);
    backend
        .faults
        .set(Duration::from_millis(delay_ms), status, answer);
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

/// The layer around the auth endpoints: waits, fails or answers garbage as the switches say
/// (all off unless a test set them), else lets the request through.
pub async fn inject(State(backend): State<BackendState>, request: Request, next: Next) -> Response {
    let delay = backend.faults.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = backend.faults.fail_status() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, "auth failure injected").into_response();
    }
    if backend.faults.answer() == Answer::Garbage {
        return (StatusCode::OK, "this is not JSON {").into_response();
    }
    next.run(request).await
}
