//! The static file routes: the `www` folder at `/www/`, its `index.html` (the demo page) at `/`.
//! `ServeDir` refuses `..` and its encoded forms; a symbolic link inside the folder is served
//! only when it resolves inside the folder too, so a link (or a folder link) to elsewhere on the
//! disk serves nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower_http::services::{ServeDir, ServeFile};

/// `/` and `/www/…` from `www`.
pub fn routes(www: &Path) -> Router {
    let root = Arc::new(std::fs::canonicalize(www).unwrap_or_else(|_| www.to_owned()));
    Router::new()
        .route_service("/", ServeFile::new(www.join("index.html")))
        .nest_service("/www", ServeDir::new(www))
        .layer(from_fn_with_state(root, stays_inside))
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

/// Middleware: 404 for a path that resolves (through links) outside the folder.
async fn stays_inside(State(root): State<Arc<PathBuf>>, request: Request, next: Next) -> Response {
    let wanted = root.join(relative(request.uri().path()));
    match tokio::fs::canonicalize(&wanted).await {
        Ok(real) if !real.starts_with(root.as_path()) => {
            tracing::info!("refused {}: it leads outside the www folder", request.uri());
            StatusCode::NOT_FOUND.into_response()
        }
        // Inside, or missing (ServeDir answers 404 and refuses traversal itself).
        _ => next.run(request).await,
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
}
