//! A page on another origin: CORS for the allowed origins only (with credentials, no wildcard),
//! and the session token as `Authorization: Bearer` where the cookie is not sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{Recorder, sign_in_with, start};
use rusher_chat_api::User;
use serde_json::json;

const SHOP: &str = "https://www.shop.example";

#[tokio::test]
async fn only_allowed_origins_may_call_with_credentials() {
    let addr = start(Arc::new(Recorder::default()), &[SHOP]).await;
    let http = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        http.request(
            reqwest::Method::OPTIONS,
            format!("http://{addr}/chat/messages"),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
    };
    let allowed = preflight(SHOP).await.unwrap();
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], SHOP);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed_headers = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );

    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let simple = http
        .get(format!("http://{addr}/chat/config"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        simple
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn the_session_token_serves_where_the_cookie_is_not_sent() {
    let addr = start(Arc::new(Recorder::default()), &[SHOP]).await;
    // No cookie store: like a page on another site, whose SameSite=Lax cookie stays behind.
    let http = reqwest::Client::new();
    let same_origin = sign_in_with(&http, addr, "Sam", None).await;
    assert_eq!(
        same_origin.token, None,
        "a same-origin page gets the HttpOnly cookie alone"
    );
    let other_site = http
        .post(format!("http://{addr}/chat/session"))
        .header("origin", "https://evil.example")
        .json(&json!({ "name": "Eve" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        other_site.status(),
        403,
        "an origin the backend does not allow gets no session"
    );
    assert!(other_site.headers().get("set-cookie").is_none());
    let session = sign_in_with(&http, addr, "Ada", Some(SHOP)).await;
    let token = session.token.clone().unwrap();
    let whoami = |token: &str| {
        http.get(format!("http://{addr}/chat/session"))
            .header("authorization", format!("Bearer {token}"))
            .send()
    };
    let me: User = whoami(&token).await.unwrap().json().await.unwrap();
    assert_eq!(me, session.user);
    assert_eq!(whoami("not-a-session").await.unwrap().status(), 204);
    let sent = http
        .post(format!("http://{addr}/chat/messages"))
        .header("authorization", format!("Bearer {token}"))
        .json(&json!({ "channel": "presence-lobby", "text": "hi", "client_id": "c1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let auth = http
        .post(format!("http://{addr}/pusher/auth"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("socket_id=1.2&channel_name=presence-lobby")
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status(), 200, "the auth endpoints take the token too");
}
