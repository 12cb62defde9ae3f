//! Chat sessions: a visitor signs in with a display name, the server assigns the user id and sets
//! an HttpOnly, SameSite=Lax cookie. Handlers read the user back from that cookie.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::store::{Store, User};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "rusher_session";
/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// Checks a display name: trimmed, 1 to 32 characters, no control characters.
pub fn validate_name(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err("the name is longer than 32 characters");
    }
    if name.chars().any(char::is_control) {
        return Err("the name contains control characters");
    }
    Ok(name.to_owned())
}

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

/// The session token in a request's cookies.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, token)| token.to_owned())
}

/// The signed-in user of a request, if its session is known.
pub fn user(store: &Store, headers: &HeaderMap) -> Option<User> {
    let token = token(headers)?;
    store.session_user(&token).ok().flatten()
}
