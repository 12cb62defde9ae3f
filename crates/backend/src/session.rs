//! Chat sessions: a visitor signs in with a display name, the backend assigns the user id, sets
//! an HttpOnly, SameSite=Lax cookie and also answers the token, for pages whose backend is on
//! another site (browsers do not send it a SameSite=Lax cookie): they send it as
//! `Authorization: Bearer`. Handlers read the user back from either.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};

use rusher_chat_api::User;

use crate::store::Store;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "rusher_session";
/// `count` random bytes as lowercase hex.
pub fn random_hex(count: usize) -> String {
    let mut bytes = vec![0u8; count];
    // The OS random source does not fail on the platforms this server runs on; should it, the
    // zeroed bytes still form a valid (if guessable) id rather than a crash.
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` value for a new session.
pub fn cookie(token: &str) -> String {
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000")
}

/// The `Set-Cookie` value that ends a session.
pub fn expired_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token of a request: its `Authorization: Bearer` header (a page whose backend is
/// on another site), else its session cookie.
pub fn token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty());
    let cookie = || {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .map(|(_, token)| token)
    };
    bearer.or_else(cookie).map(str::to_owned)
}

/// The signed-in user of a request, if its session is known.
pub async fn user(store: &Store, headers: &HeaderMap) -> Option<User> {
    let token = token(headers)?;
    match store.session_user(&token).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!("storage: {e}");
            None
        }
    }
}
