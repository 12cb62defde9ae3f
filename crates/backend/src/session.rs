//! Chat sessions: a visitor signs in with a display name, the backend assigns the user id, sets
//! an HttpOnly, SameSite=Lax cookie and also answers the token, for pages whose backend is on
//! another site (browsers do not send it a SameSite=Lax cookie): they send it as
//! `Authorization: Bearer`. Handlers read the user back from either.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use cookie::time::Duration;
use cookie::{Cookie, SameSite};

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

/// How long a visitor stays signed in on the same browser.
const SESSION_LIFETIME: Duration = Duration::days(365);

/// The session cookie holding `value` for `max_age`: HttpOnly (the page's scripts never read
/// it) and SameSite=Lax (another site's requests do not carry it).
fn session_cookie(value: &str, max_age: Duration) -> String {
    Cookie::build((COOKIE_NAME, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .build()
        .to_string()
}

/// The `Set-Cookie` value for a new session.
pub fn cookie(token: &str) -> String {
    session_cookie(token, SESSION_LIFETIME)
}

/// The `Set-Cookie` value that ends a session.
pub fn expired_cookie() -> String {
    session_cookie("", Duration::ZERO)
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
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == COOKIE_NAME)
            .map(|cookie| cookie.value().to_owned())
    };
    bearer.map(str::to_owned).or_else(cookie)
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

#[cfg(test)]
mod tests {
    use axum::http::header::{AUTHORIZATION, COOKIE};
    use axum::http::{HeaderMap, HeaderValue};

    use super::{cookie, expired_cookie, token};

    #[test]
    fn the_cookie_is_http_only_lax_for_the_whole_site_and_a_year_or_ended() {
        let set = cookie("abc123");
        for part in [
            "rusher_session=abc123",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=31536000",
        ] {
            assert!(set.contains(part), "{set} has {part}");
        }
        let ended = expired_cookie();
        assert!(
            ended.starts_with("rusher_session=;") && ended.contains("Max-Age=0"),
            "{ended}"
        );
    }

    #[test]
    fn the_token_is_the_bearer_else_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("theme=dark"));
        headers.append(
            COOKIE,
            HeaderValue::from_static("a=1; rusher_session=xyz; b=2"),
        );
        assert_eq!(token(&headers).as_deref(), Some("xyz"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer tok"));
        assert_eq!(token(&headers).as_deref(), Some("tok"));
        assert_eq!(token(&HeaderMap::new()), None);
    }
}
