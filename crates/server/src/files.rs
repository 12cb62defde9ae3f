//! The static file routes: the `www` folder at `/www/`, its `index.html` (the demo page) at `/`,
//! sent (at every address it has) with the policy of [`demo_page_csp`]. `ServeDir` refuses `..`
//! and its encoded forms; a symbolic link inside the folder is served only when it resolves
//! inside the folder too, so a link (or a folder link) to elsewhere on the disk serves nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use rusher_backend::WebSocketAddress;
use tower_http::services::{ServeDir, ServeFile};

/// The Content-Security-Policy of the demo page: the strictest a page with the widget can have
/// (scripts and styles only from files of this origin, WebAssembly compiled from them,
/// connections only to this origin, and to the sockets' server when they run elsewhere). The
/// browser tests run the widget under it. The example pages under `/www/` go without, since they
/// take a backend on another origin from their address (`?backend=URL`).
pub fn demo_page_csp(sockets: Option<&WebSocketAddress>) -> String {
    let base = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
    match sockets {
        None => base.to_owned(),
        Some(sockets) => {
            let scheme = if sockets.tls { "wss" } else { "ws" };
            format!(
                "{base}; connect-src 'self' {scheme}://{}:{}",
                sockets.host, sockets.port
            )
        }
    }
}

/// The folder the routes serve, and the demo page's policy.
struct Folder {
    root: PathBuf,
    csp: HeaderValue,
}

/// `/` and `/www/…` from `www`, the demo page with the policy `csp`.
pub fn routes(www: &Path, csp: &str) -> Router {
    let folder = Arc::new(Folder {
        root: std::fs::canonicalize(www).unwrap_or_else(|_| www.to_owned()),
        csp: HeaderValue::from_str(csp).unwrap_or_else(|_| {
            tracing::error!(
                "the demo page's policy {csp:?} is not a header value; sending the strict one"
            );
            HeaderValue::from_static("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'")
        }),
    });
    Router::new()
        .route_service("/", ServeFile::new(www.join("index.html")))
        .nest_service("/www", ServeDir::new(www))
        .layer(from_fn_with_state(folder, stays_inside))
}

/// The file a request names, relative to the folder (`/` is `index.html`).
fn relative(path: &str) -> String {
    let path = path.strip_prefix("/www").unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    match decoded.trim_start_matches('/') {
        "" => "index.html".to_owned(),
        rest => rest.to_owned(),
    }
}

/// Middleware: 404 for a path that resolves (through links) outside the folder; the demo page's
/// policy on the demo page (`/`, `/www/`, `/www/index.html`).
async fn stays_inside(State(folder): State<Arc<Folder>>, request: Request, next: Next) -> Response {
    let name = relative(request.uri().path());
    let wanted = folder.root.join(&name);
    // A folder is served as its index.html, which may itself be a link.
    let wanted = match tokio::fs::metadata(&wanted).await {
        Ok(meta) if meta.is_dir() => wanted.join("index.html"),
        _ => wanted,
    };
    match tokio::fs::canonicalize(&wanted).await {
        Ok(real) if !real.starts_with(folder.root.as_path()) => {
            tracing::info!("refused {}: it leads outside the www folder", request.uri());
            StatusCode::NOT_FOUND.into_response()
        }
        // Inside, or missing (ServeDir answers 404 and refuses traversal itself).
        _ => {
            let mut response = next.run(request).await;
            if name == "index.html" {
                response
                    .headers_mut()
                    .insert(CONTENT_SECURITY_POLICY, folder.csp.clone());
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_a_file_of_the_folder() {
        assert_eq!(relative("/"), "index.html");
        assert_eq!(relative("/www/"), "index.html");
        assert_eq!(relative("/www/chat/x.js"), "chat/x.js");
        assert_eq!(relative("/www/%2e%2e/secret"), "../secret");
    }

    #[test]
    fn the_demo_page_may_connect_to_sockets_elsewhere() {
        let strict = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
        assert_eq!(demo_page_csp(None), strict);
        let sockets = WebSocketAddress {
            host: "ws.shop.example".into(),
            port: 443,
            tls: true,
        };
        assert_eq!(
            demo_page_csp(Some(&sockets)),
            format!("{strict}; connect-src 'self' wss://ws.shop.example:443")
        );
    }
}
