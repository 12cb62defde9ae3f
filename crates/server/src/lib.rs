//! # rusher-server
//!
//! A local Pusher-compatible server: the Pusher protocol 7 over WebSocket and the signed REST API.
//! It uses `rusher-protocol`'s frame types and signing, so the client and the server read the
//! protocol the same way. By default it also serves the chat backend (`rusher-backend`, which
//! publishes through the hub in process: [`embedded`]) and the demo's static files on the same
//! port.

pub mod app;
pub mod credentials;
pub mod embedded;
pub mod faults;
pub mod files;
pub mod hub;
pub mod rest;
pub mod state;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

pub use app::App;
use rusher_backend::BackendState;
pub use state::{AppState, Shared};

/// How long shutdown waits for sockets to receive their 4200 close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// What one port serves: the realtime server, the chat backend and static files, each when
/// given.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The Pusher protocol server (WebSocket and REST API), unless the sockets run elsewhere.
    pub realtime: Option<AppState>,
    /// The chat backend and its auth endpoints.
    pub backend: Option<BackendState>,
    /// The repository's `www/`, served at `/www/`; its `index.html` (the demo page) also at `/`.
    pub www: Option<PathBuf>,
}

/// The realtime server's routes: the WebSocket endpoint, the REST API and the fault switches
/// when enabled.
fn realtime_routes(state: AppState) -> Router {
    Router::new()
        .route("/app/{key}", get(ws::upgrade))
        .route("/apps/{app_id}/events", post(rest::events))
        .route("/apps/{app_id}/batch_events", post(rest::batch_events))
        .route("/apps/{app_id}/channels", get(rest::channels))
        .route("/apps/{app_id}/channels/{name}", get(rest::channel))
        .route("/apps/{app_id}/channels/{name}/users", get(rest::users))
        .route(
            "/apps/{app_id}/users/{user_id}/terminate_connections",
            post(rest::terminate),
        )
        .merge(faults::routes(state.faults.enabled))
        .with_state(state)
}

/// Every route of a site, and the health check `GET /up`.
pub fn router(site: &Site) -> Router {
    let mut router = Router::new().route("/up", get(|| async { "OK" }));
    if let Some(state) = &site.realtime {
        router = router.merge(realtime_routes(state.clone()));
    }
    if let Some(backend) = &site.backend {
        router = router.merge(rusher_backend::router(backend.clone()));
    }
    if let Some(www) = &site.www {
        let sockets = site.backend.as_ref().and_then(|b| b.websocket.as_ref());
        router = router.merge(files::routes(www, &files::demo_page_csp(sockets)));
    }
    router
}

/// Serves until `stop` completes, then closes every socket with 4200 and returns.
pub async fn serve(
    listener: TcpListener,
    site: Site,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(&site).into_make_service_with_connect_info::<SocketAddr>();
    let realtime = site.realtime;
    let signal = realtime.clone();
    // Frames go out as soon as they are written. With Nagle's algorithm on, a small frame that
    // follows another (the subscription confirmations after a batched auth, one per channel)
    // waits until the first is acknowledged, and a browser delays that acknowledgement by up to
    // 40 ms: 10 private channels took 100 ms instead of 60 in half the runs of `cargo xtask
    // bench`. A socket whose option cannot be set is served anyway, only slower.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    });
    if let Some(state) = &realtime {
        tokio::spawn(announce_due_counts(Arc::downgrade(state)));
    }
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop.await;
        if let Some(state) = signal {
            state.shutdown.send_replace(true);
        }
    });
    server.await?;
    if let Some(state) = realtime {
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while !state.hub().socket_ids().is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    Ok(())
}

/// Every second, the subscription counts that large channels held back
/// ([`hub::LARGE_COUNT_EVERY`]); ends with the server's state.
async fn announce_due_counts(state: Weak<Shared>) {
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(state) = state.upgrade() else {
            return;
        };
        state.hub().announce_due_counts(std::time::Instant::now());
    }
}
