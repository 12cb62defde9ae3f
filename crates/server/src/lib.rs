//! # rusher-server
//!
//! A local Pusher-compatible server: the Pusher protocol 7 over WebSocket, the signed REST API,
//! and (for the demo) the auth endpoints and chat backend. It uses `rusher-protocol`'s frame types
//! and signing, so the client and the server read the protocol the same way.

pub mod app;
pub mod auth;
pub mod chat;
pub mod credentials;
pub mod faults;
pub mod hub;
pub mod invitations;
pub mod rest;
pub mod rest_client;
pub mod session;
pub mod state;
pub mod store;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

pub use app::App;
pub use state::{AppState, Shared};

/// How long shutdown waits for sockets to receive their 4200 close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Where static files come from.
#[derive(Debug, Clone, Default)]
pub struct StaticDirs {
    /// The repository's `www/`, served at `/www/`; its `index.html` (the demo page) also at `/`.
    pub www: Option<PathBuf>,
}

/// Every route: the WebSocket endpoint, the REST API, the auth endpoints, the chat backend, the
/// health check, the fault switches when enabled, and static files.
pub fn router(state: AppState, dirs: &StaticDirs) -> Router {
    let mut router = Router::new()
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
        .route("/pusher/auth", post(auth::channel_auth))
        .route("/pusher/user-auth", post(auth::user_auth))
        .route(
            "/chat/session",
            post(chat::sign_in).get(chat::whoami).delete(chat::sign_out),
        )
        .route("/chat/config", get(chat::config))
        .route("/chat/messages", post(chat::post_message))
        .route("/chat/invitations", post(invitations::invite))
        .route("/chat/invitations/answer", post(invitations::answer))
        .route("/chat/history", get(chat::history))
        .route("/up", get(|| async { "OK" }))
        .merge(faults::routes(state.faults.enabled))
        .with_state(state);
    if let Some(www) = &dirs.www {
        router = router
            .route_service("/", ServeFile::new(www.join("index.html")))
            .nest_service("/www", ServeDir::new(www));
    }
    router
}

/// Serves until `stop` completes, then closes every socket with 4200 and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    dirs: &StaticDirs,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let signal = state.clone();
    let app = router(state.clone(), dirs).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
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
