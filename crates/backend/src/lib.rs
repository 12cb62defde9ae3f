//! # rusher-backend
//!
//! The chat backend the widget talks to, for any Pusher-compatible server: sessions with a
//! display name, the channel and user auth endpoints (signed with the app's secret, which never
//! leaves the backend), messages that are validated, stored and then published, history, and
//! invitations to two-person rooms. It reaches the realtime server only through a
//! [`Publisher`]: in-process inside `rusher-server`, or the signed REST API of any
//! Pusher-compatible server ([`RestPublisher`]: Pusher, sockudo, soketi, rusher-server).
//! The contract it speaks is `rusher-chat-api`'s.

pub mod auth;
pub mod chat;
pub mod faults;
pub mod invitations;
pub mod publisher;
pub mod rest_client;
pub mod session;
pub mod store;

use std::sync::Arc;

use axum::Router;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method};
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use faults::AuthFaults;
pub use publisher::{Publication, PublishError, Publisher, RestPublisher};
pub use store::Store;

/// The app the backend signs for and publishes to: its public key, and the secret and master
/// key that stay here.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    /// The app id.
    pub app_id: String,
    /// The public key pages connect with.
    pub key: String,
    /// The secret that signs auth answers; never sent to a browser.
    pub secret: String,
    /// The master key encrypted channels' shared secrets derive from; never sent to a browser.
    pub master_key: [u8; 32],
}

/// A realtime server's WebSocket address, as pages need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSocketAddress {
    /// The host.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Whether it takes TLS (`wss:`).
    pub tls: bool,
}

/// What every backend handler shares.
#[derive(Debug)]
pub struct Backend {
    /// The app it signs for.
    pub app: AppCredentials,
    /// Sessions and messages.
    pub store: Store,
    /// The way to the realtime server.
    pub publisher: Arc<dyn Publisher>,
    /// The presence member limit pages are told, when known (a full room is read on its
    /// private twin).
    pub member_limit: Option<usize>,
    /// Where pages connect, when not to the page's own host (the sockets run on another server).
    pub websocket: Option<WebSocketAddress>,
    /// Test-only switches for the auth endpoints (off unless enabled).
    pub faults: AuthFaults,
    /// The origins of pages on other origins that may call the backend with credentials
    /// (CORS, no wildcard), such as `https://www.shop.example`.
    pub allowed_origins: Vec<String>,
}

/// The shared backend, cloned into every handler.
pub type BackendState = Arc<Backend>;

/// The backend's routes: `/pusher/auth`, `/pusher/user-auth`, `/chat/*`, and (when its faults
/// are enabled) `/_faults/auth`.
pub fn router(backend: BackendState) -> Router {
    let faults_enabled = backend.faults.enabled;
    let cors = cors(&backend.allowed_origins);
    let router = Router::new()
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
        .merge(faults::routes(faults_enabled))
        .with_state(backend);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// CORS for the allowed origins, with credentials (the session cookie) and the
/// `Authorization` header (the session token); none when no origin is allowed.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([CONTENT_TYPE, AUTHORIZATION])
    })
}
