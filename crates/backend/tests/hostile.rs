//! What the backend refuses a hostile visitor or page: requests without a session, requests that
//! change something from a page on a foreign origin (cross-site request forgery, with the
//! visitor's cookie), rooms the user may not join, malformed socket ids, bodies over the limit,
//! and floods (429 with `Retry-After`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Recorder, sign_in, start, start_with};
use rusher_backend::limits::Rate;
use rusher_backend::{MAX_BODY_BYTES, Rates};
use rusher_chat_api::{ErrorBody, Refusal};
use serde_json::json;

const SHOP: &str = "https://www.shop.example";

async fn kind(response: reqwest::Response) -> (u16, Option<Refusal>) {
    let status = response.status().as_u16();
    let body: Option<ErrorBody> = response.json().await.ok();
    (status, body.and_then(|b| b.kind))
}

fn message(text: &str, client_id: &str) -> serde_json::Value {
    json!({ "channel": "presence-lobby", "text": text, "client_id": client_id })
}

#[tokio::test]
async fn without_a_session_nothing_is_answered_but_the_config() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");
    let refused = [
        http.post(url("/chat/messages")).json(&message("hi", "c1")),
        http.get(url("/chat/history?channel=presence-lobby")),
        http.post(url("/chat/invitations"))
            .json(&json!({ "to": "0123456789abcdef" })),
        http.post(url("/pusher/auth"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("socket_id=1.1&channel_name=presence-lobby"),
        http.post(url("/pusher/user-auth"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("socket_id=1.1"),
    ];
    for request in refused {
        let response = request.send().await.unwrap();
        let what = response.url().path().to_owned();
        assert!(
            matches!(response.status().as_u16(), 401 | 403),
            "{what}: {}",
            response.status()
        );
    }
    let config = http.get(url("/chat/config")).send().await.unwrap();
    assert_eq!(config.status(), 200);
}

#[tokio::test]
async fn a_page_on_a_foreign_origin_cannot_act_with_the_visitors_cookie() {
    let addr = start(Arc::new(Recorder::default()), &[SHOP]).await;
    let (ada, _) = sign_in(addr, "Ada").await;
    let url = |path: &str| format!("http://{addr}{path}");
    // A cross-site form (the browser sends the cookie with a top-level POST from a sibling
    // subdomain, which is the same site) and a cross-site fetch.
    for origin in ["https://evil.shop.example", "https://evil.example", "null"] {
        let form = ada
            .post(url("/pusher/auth"))
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("socket_id=1.1&channel_name=presence-lobby")
            .send()
            .await
            .unwrap();
        assert_eq!(
            kind(form).await,
            (403, Some(Refusal::ForeignOrigin)),
            "{origin}"
        );
        let fetch = ada
            .post(url("/chat/messages"))
            .header("origin", origin)
            .json(&message("forged", "forged-1"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            kind(fetch).await,
            (403, Some(Refusal::ForeignOrigin)),
            "{origin}"
        );
        let sign_out = ada
            .delete(url("/chat/session"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(sign_out.status(), 403, "{origin}: no forced sign-out");
    }
    // The backend's own pages, an allowed page, and a server (no Origin) go through.
    let own = format!("http://{addr}");
    for origin in [Some(own.as_str()), Some(SHOP), None] {
        let mut request = ada.post(url("/chat/messages"));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let sent = request
            .json(&message("fine", &format!("ok-{origin:?}")))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 200, "{origin:?}");
    }
    let history: serde_json::Value = ada
        .get(url("/chat/history?channel=presence-lobby"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["fine", "fine", "fine"], "nothing forged was stored");
}

#[tokio::test]
async fn rooms_the_user_may_not_join_and_forged_socket_ids_are_refused() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    let (ada, user) = sign_in(addr, "Ada").await;
    let auth = |body: String| {
        ada.post(format!("http://{addr}/pusher/auth"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let others_room = "presence-dm-0000000000000001-0000000000000002";
    let refused = auth(format!("socket_id=1.1&channel_name={others_room}"))
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "another pair's private room");
    let own_room = format!("presence-dm-{}-ffffffffffffffff", user.id);
    let own = auth(format!("socket_id=1.1&channel_name={own_room}"))
        .await
        .unwrap();
    assert_eq!(own.status(), 200, "her own two-person room");
    for socket_id in [
        "", "1", "1.", ".1", "a.b", "1.1.1", "1.1%0A", "-1.1", "1.1;x",
    ] {
        let forged = auth(format!("socket_id={socket_id}&channel_name=presence-lobby"))
            .await
            .unwrap();
        assert_eq!(forged.status(), 400, "socket_id {socket_id:?}");
    }
    let sent = ada
        .post(format!("http://{addr}/chat/messages"))
        .json(&json!({ "channel": others_room, "text": "in", "client_id": "c" }))
        .send()
        .await
        .unwrap();
    assert_eq!(kind(sent).await, (403, Some(Refusal::NotAMember)));
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_they_are_read() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    let (ada, _) = sign_in(addr, "Ada").await;
    let huge = "x".repeat(MAX_BODY_BYTES + 1);
    let message = ada
        .post(format!("http://{addr}/chat/messages"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"channel":"presence-lobby","client_id":"c","text":"{huge}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(message.status(), 413);
    let auth = ada
        .post(format!("http://{addr}/pusher/auth"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("socket_id=1.1&channel_name={huge}"))
        .send()
        .await
        .unwrap();
    assert_eq!(auth.status(), 413);
}

#[tokio::test]
async fn floods_get_429_with_retry_after_per_session_and_per_address() {
    let slow = Rate {
        burst: 3,
        every: Duration::from_secs(30),
    };
    let rates = Rates {
        sign_ins_per_address: Rate { burst: 4, ..slow },
        messages_per_session: slow,
        messages_per_address: Rate { burst: 5, ..slow },
        invitations_per_session: Rate { burst: 1, ..slow },
        ..Rates::default()
    };
    let addr = start_with(Arc::new(Recorder::default()), &[], rates, None).await;
    let (ada, _) = sign_in(addr, "Ada").await;
    let (ben, ben_user) = sign_in(addr, "Ben").await;
    let send = |client: &reqwest::Client, id: &str| {
        client
            .post(format!("http://{addr}/chat/messages"))
            .json(&message("hello", id))
            .send()
    };
    for id in ["a1", "a2", "a3"] {
        assert_eq!(send(&ada, id).await.unwrap().status(), 200, "{id}");
    }
    let flooded = send(&ada, "a4").await.unwrap();
    let retry_after: u64 = flooded.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (20..=30).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    assert_eq!(kind(flooded).await, (429, Some(Refusal::RateLimited)));
    // Ben has his own allowance, but the address has 5 in all (Ada's refused one counted
    // against it too): his second is over it.
    assert_eq!(send(&ben, "b1").await.unwrap().status(), 200);
    assert_eq!(send(&ben, "b2").await.unwrap().status(), 429);

    let invite = |to: &str| {
        ada.post(format!("http://{addr}/chat/invitations"))
            .json(&json!({ "to": to }))
            .send()
    };
    assert_eq!(invite(&ben_user.id).await.unwrap().status(), 200);
    assert_eq!(invite(&ben_user.id).await.unwrap().status(), 429);

    // Two sign-ins are spent; two more, then the address must wait.
    let http = reqwest::Client::new();
    let sign_in_status = || async {
        http.post(format!("http://{addr}/chat/session"))
            .json(&json!({ "name": "Eve" }))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(sign_in_status().await, 200);
    assert_eq!(sign_in_status().await, 200);
    assert_eq!(sign_in_status().await, 429);
}
