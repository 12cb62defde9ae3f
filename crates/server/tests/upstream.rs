//! `rusher-server --upstream`: the chat backend alone, for an app on another Pusher-compatible
//! server. Here the upstream is unreachable; `sockudo.rs` runs it against a real one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{KEY, UpstreamBackend, Visitor};
use rusher_chat_api::{ErrorBody, Refusal};
use serde_json::{Value, json};

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn an_unreachable_upstream_loses_no_message_and_says_so() {
    let port = closed_port();
    let backend = UpstreamBackend::start(&format!("http://127.0.0.1:{port}")).await;
    let ana = Visitor::join_at(&backend.base, "Ana").await;

    let config: Value = ana.get("/chat/config").await.json().await.unwrap();
    assert_eq!(
        config,
        json!({
            "key": KEY, "wsHost": "127.0.0.1", "wsPort": port, "forceTLS": false,
            "memberLimit": 100,
        }),
        "pages are sent to the upstream's sockets, and told its presence member limit (the flag's default)"
    );
    assert_eq!(
        ana.get("/app/app-key?protocol=7").await.status(),
        404,
        "no sockets here"
    );

    let message = json!({ "channel": "presence-lobby", "text": "hello", "client_id": "c1" });
    let refused = ana.post_json("/chat/messages", &message).await;
    assert_eq!(refused.status(), 502);
    let body: ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.kind, Some(Refusal::PublishFailed));
    let history: Value = ana
        .get("/chat/history?channel=presence-lobby")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        history["messages"][0]["text"], "hello",
        "kept for the retry"
    );
    assert_eq!(
        ana.post_json("/chat/messages", &message).await.status(),
        502,
        "the retry tries again"
    );

    let invite = ana
        .post_json("/chat/invitations", &json!({ "to": "b0b" }))
        .await;
    assert_eq!(invite.status(), 502);

    let auth = ana
        .post_form("/pusher/auth", "socket_id=1.2&channel_name=presence-lobby")
        .await;
    assert_eq!(auth.status(), 200, "signing needs no upstream");
}

#[tokio::test]
async fn pages_are_sent_where_the_flags_say_the_sockets_are() {
    // Pusher's shape: the REST API and the WebSocket on different hosts, over TLS.
    let backend = UpstreamBackend::start_with(
        "https://api-eu.pusher.example",
        &["--upstream-ws-host", "ws-eu.pusher.example"],
    )
    .await;
    let config: Value = Visitor::anonymous_at(&backend.base)
        .get("/chat/config")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        config,
        json!({
            "key": KEY, "wsHost": "ws-eu.pusher.example", "wsPort": 443, "forceTLS": true,
            "memberLimit": 100,
        })
    );
}

#[test]
fn upstream_mode_needs_the_upstream_apps_credentials() {
    let data = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rusher-server"))
        .args(["--upstream", "http://127.0.0.1:9", "--app-key", "app-key"])
        .arg("--data-dir")
        .arg(data.path())
        .env_remove("RUSHER_APP_ID")
        .env_remove("RUSHER_APP_KEY")
        .env_remove("RUSHER_APP_SECRET")
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "made-up credentials would sign for nobody"
    );
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("--app-id") && said.contains("--app-secret") && !said.contains("--app-key,"),
        "names what is missing: {said}"
    );
}
