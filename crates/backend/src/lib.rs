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
pub mod limits;
pub mod origins;
pub mod publisher;
pub mod rest_client;
pub mod session;
pub mod store;
pub mod twin_counts;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use rusher_chat_api::routes;

pub use faults::AuthFaults;
pub use limits::{Action, RateLimits, Rates};
pub use publisher::{Publication, PublishError, Publisher, RestPublisher};
pub use store::Store;
pub use twin_counts::TwinCounts;

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
    /// The full rooms' twins the backend counts, where the realtime server sends no
    /// subscription counts ([`twin_counts`]; run by [`twin_counts::count_forever`]).
    pub twin_counts: Option<TwinCounts>,
    /// Where pages connect, when not to the page's own host (the sockets run on another server).
    pub websocket: Option<WebSocketAddress>,
    /// Test-only switches for the auth endpoints (off unless enabled).
    pub faults: AuthFaults,
    /// The origins of pages on other origins that may call the backend with credentials
    /// (CORS, no wildcard), such as `https://www.shop.example`.
    pub allowed_origins: Vec<String>,
    /// The rate limits on sign-ins, messages and invitations.
    pub limits: RateLimits,
}

/// The largest request body the backend reads: a message of
/// [`MAX_TEXT_CHARS`](rusher_chat_api::MAX_TEXT_CHARS) characters of up to 4 bytes each, escaped,
/// or an auth request for a few dozen channels, fits with room to spare.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// The shared backend, cloned into every handler.
pub type BackendState = Arc<Backend>;

/// The backend's routes: `/pusher/auth`, `/pusher/user-auth`, `/chat/*`, and (when its faults
/// are enabled) `/_faults/auth`.
pub fn router(backend: BackendState) -> Router {
    let faults_enabled = backend.faults.enabled;
    let cors = origins::cors(&backend.allowed_origins);
    let limited = |action| from_fn_with_state((backend.clone(), action), limits::limit);
    let faulty = || from_fn_with_state(backend.clone(), faults::inject);
    let router = Router::new()
        .route(
            routes::CHANNEL_AUTH,
            post(auth::channel_auth).layer(faulty()),
        )
        .route(routes::USER_AUTH, post(auth::user_auth).layer(faulty()))
        .route(
            routes::SESSION,
            post(chat::sign_in)
                .layer(limited(Action::SignIn))
                .get(chat::whoami)
                .delete(chat::sign_out),
        )
        .route(routes::CONFIG, get(chat::config))
        .route(
            routes::MESSAGES,
            post(chat::post_message).layer(limited(Action::Message)),
        )
        .route(
            routes::INVITATIONS,
            post(invitations::invite).layer(limited(Action::Invitation)),
        )
        .route(routes::INVITATION_ANSWER, post(invitations::answer))
        .route(routes::HISTORY, get(chat::history))
        .route(routes::SUMMARY, get(chat::summary))
        .route(routes::MEMBERS, get(chat::members))
        .merge(faults::routes(faults_enabled))
        .layer(from_fn_with_state(backend.clone(), origins::guard))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(backend);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}
