//! Fault injection for tests (`--faults`): switches the WebSocket handlers read, and the admin
//! endpoints under `/_faults/` that flip them (the auth endpoints' switch is the backend's). Off by default; refused from non-loopback
//! peers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::hub::Outgoing;
use crate::state::AppState;

/// The switches. All off by default; only the admin endpoint flips them, and only when enabled.
#[derive(Debug, Default)]
pub struct Faults {
    /// Whether `--faults` was given.
    pub enabled: bool,
    ignore_pings: AtomicBool,
    websocket_down_until: Mutex<Option<Instant>>,
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

    /// Whether new WebSocket connections are refused (a listener "restart" in progress).
    pub fn websocket_down(&self) -> bool {
        let until = self
            .websocket_down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        until.is_some_and(|t| Instant::now() < t)
    }

    fn take_websocket_down(&self, duration: Duration) {
        let mut until = self
            .websocket_down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *until = Some(Instant::now() + duration);
    }
}

/// The admin routes; empty unless faults are enabled.
pub fn routes(enabled: bool) -> Router<AppState> {
    if !enabled {
        return Router::new();
    }
    Router::new()
        .route("/_faults/drop-all", post(drop_all))
        .route("/_faults/close-all", post(close_all))
        .route("/_faults/ignore-pings", post(ignore_pings))
        .route("/_faults/raw", post(raw))
        .route("/_faults/restart-websocket", post(restart_websocket))
        .layer(middleware::from_fn(loopback_only))
}

async fn loopback_only(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if peer.ip().is_loopback() {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "fault injection is for loopback peers only",
        )
            .into_response()
    }
}

type Params = Query<HashMap<String, String>>;

fn number<T: std::str::FromStr>(params: &Params, name: &str) -> Option<T> {
    params.get(name).and_then(|v| v.parse().ok())
}

/// Ends every connection without a close frame (clients see 1006).
async fn drop_all(State(state): State<AppState>) -> StatusCode {
    state.hub().send_all(&Outgoing::Drop);
    StatusCode::NO_CONTENT
}

/// `?code=N`: closes every connection with that code.
async fn close_all(State(state): State<AppState>, params: Params) -> StatusCode {
    let code = number(&params, "code").unwrap_or(4200);
    state.hub().close_all(code, "closed by fault injection");
    StatusCode::NO_CONTENT
}

/// `?on=true|false`: stops or resumes answering clients' pings.
async fn ignore_pings(State(state): State<AppState>, params: Params) -> StatusCode {
    state
        .faults
        .set_ignore_pings(params.get("on").is_some_and(|v| v == "true"));
    StatusCode::NO_CONTENT
}

/// The most copies one `raw` request sends: a flood of a few megabytes, not a server outage.
const MAX_RAW_TIMES: usize = 100_000;

/// `?socket_id=ID[&times=N]`, body: any text, sent as is (even malformed) to that socket; N
/// times in a row (at most [`MAX_RAW_TIMES`]) as fast as the socket takes them.
async fn raw(State(state): State<AppState>, params: Params, body: String) -> StatusCode {
    let times = number::<usize>(&params, "times").unwrap_or(1);
    let Some(id) = params.get("socket_id") else {
        return StatusCode::BAD_REQUEST;
    };
    if times == 1 {
        state.hub().send_to(id, body);
        return StatusCode::NO_CONTENT;
    }
    if times > MAX_RAW_TIMES {
        return StatusCode::BAD_REQUEST;
    }
    let Some(queue) = state.hub().queue_of(id) else {
        return StatusCode::NOT_FOUND;
    };
    for _ in 0..times {
        if queue.send(Outgoing::Frame(body.clone())).await.is_err() {
            return StatusCode::GONE;
        }
    }
    StatusCode::NO_CONTENT
}

/// `?down_ms=N`: drops every connection and refuses new ones for N ms, as a restart would.
async fn restart_websocket(State(state): State<AppState>, params: Params) -> StatusCode {
    let down = Duration::from_millis(number(&params, "down_ms").unwrap_or(1000));
    state.faults.take_websocket_down(down);
    state.hub().send_all(&Outgoing::Drop);
    StatusCode::NO_CONTENT
}
