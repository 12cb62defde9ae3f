//! # rusher-server
//!
//! A local Pusher-compatible server: the Pusher protocol 7 over WebSocket, the signed REST API,
//! and (for the demo) the auth endpoints and chat backend. It uses `rusher-protocol`'s frame types
//! and signing, so the client and the server read the protocol the same way.

pub mod app;
pub mod faults;
pub mod hub;
pub mod rest;
pub mod rest_client;
pub mod state;
pub mod ws;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use app::App;
pub use state::{AppState, Shared};

/// How long shutdown waits for sockets to receive their 4200 close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Every route: the WebSocket endpoint, the REST API and the health check.
pub fn router(state: AppState) -> Router {
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
        .route("/up", get(|| async { "OK" }))
        .with_state(state)
}

/// Serves until `stop` completes, then closes every socket with 4200 and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let signal = state.clone();
    let server = axum::serve(listener, router(state.clone())).with_graceful_shutdown(async move {
        stop.await;
        signal.shutdown.send_replace(true);
    });
    server.await?;
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    while !state.hub().socket_ids().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}
