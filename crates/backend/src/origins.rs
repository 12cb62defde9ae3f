//! Which pages may call the backend: its own origin, and the origins it allows (`--allow-origin`).
//! Those get CORS with credentials; a request that changes something (any method but GET, HEAD
//! and OPTIONS) from a browser page on any other origin is refused with `foreign-origin`, which
//! stops cross-site request forgery even where the SameSite cookie does not (a sibling
//! subdomain is the same site).
//!
//! A browser names the page's origin in `Origin` on every such request; a request without it
//! comes from outside a browser (a server, a script) and carries no visitor's cookie by accident.
//! The backend's own origin is its `Host`, or behind a reverse proxy on this host the
//! `X-Forwarded-Host` the proxy sets (its last entry).

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use rusher_chat_api::Refusal;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::BackendState;
use crate::chat::refuse;
use crate::limits::peer;

/// CORS for the allowed origins, with credentials (the session cookie) and the
/// `Authorization` header (the session token), and `Retry-After` readable by the page (a
/// rate-limited widget waits as long as it says); none when no origin is allowed.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
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
            .expose_headers([RETRY_AFTER])
    })
}

/// Whether a request from a page on `origin` may change something: the backend's own origin
/// (`host`, the authority the request was sent to) or one it allows. `null` (a sandboxed frame,
/// a file) is neither.
pub fn may_change(origin: &str, host: Option<&str>, allowed: &[String]) -> bool {
    if allowed.iter().any(|allowed| allowed == origin) {
        return true;
    }
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    authority.is_some_and(|authority| Some(authority) == host)
}

/// The authority a request was sent to: `Host`, or `X-Forwarded-Host` from a reverse proxy on
/// this host.
fn own_authority(peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<&str> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let forwarded = peer
        .is_some_and(|peer| peer.ip().is_loopback())
        .then(|| header("x-forwarded-host"))
        .flatten()
        .and_then(|hosts| hosts.split(',').next_back())
        .map(str::trim);
    forwarded.or_else(|| header(HOST.as_str()))
}

/// Middleware: refuses a request that changes something from a page on a foreign origin.
pub async fn guard(State(backend): State<BackendState>, request: Request, next: Next) -> Response {
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let origin = request
        .headers()
        .get(ORIGIN)
        .map(|origin| origin.to_str().unwrap_or("null"));
    if let (false, Some(origin)) = (reads, origin) {
        let host = own_authority(peer(&request), request.headers());
        if !may_change(origin, host, &backend.allowed_origins) {
            tracing::info!("refused a {} from a page on {origin}", request.method());
            return refuse(Refusal::ForeignOrigin);
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_origin_and_allowed_ones_may_change_others_not() {
        let allowed = vec!["https://www.shop.example".to_owned()];
        let host = Some("chat.shop.example");
        assert!(may_change("https://chat.shop.example", host, &allowed));
        assert!(may_change(
            "http://127.0.0.1:8080",
            Some("127.0.0.1:8080"),
            &[]
        ));
        assert!(may_change("https://www.shop.example", host, &allowed));
        assert!(!may_change("https://evil.shop.example", host, &allowed));
        assert!(!may_change("https://chat.shop.example:444", host, &allowed));
        assert!(!may_change("null", host, &allowed));
        assert!(!may_change("chat.shop.example", host, &allowed));
        assert!(!may_change("https://chat.shop.example", None, &[]));
    }

    #[test]
    fn only_a_local_proxy_names_the_host() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(
            "x-forwarded-host",
            HeaderValue::from_static("chat.shop.example"),
        );
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.9:5000".parse().unwrap();
        assert_eq!(
            own_authority(Some(local), &headers),
            Some("chat.shop.example")
        );
        assert_eq!(
            own_authority(Some(remote), &headers),
            Some("127.0.0.1:8080")
        );
    }
}
