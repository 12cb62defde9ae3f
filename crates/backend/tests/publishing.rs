//! The backend against a realtime server that fails: a message the publisher could not deliver
//! is stored, refused as `publish-failed`, and published by the retry with the same `client_id`;
//! a message already published is never published again; a refusal the server would repeat is
//! not retried; a server that never answers fails after the timeout. Invitations report the
//! failure too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::{Recorder, sign_in, start};
use rusher_backend::rest_client::RestClient;
use rusher_backend::{Publication, PublishError, Publisher, RestPublisher};
use rusher_chat_api::{ErrorBody, Message, Refusal};
use serde_json::json;

#[tokio::test]
async fn a_message_the_server_did_not_take_is_kept_and_published_by_the_retry() {
    let recorder = Arc::new(Recorder::default());
    let addr = start(recorder.clone(), &[]).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let send = || {
        ana.post(format!("http://{addr}/chat/messages"))
            .json(&json!({ "channel": "presence-lobby", "text": "hello", "client_id": "c1" }))
            .send()
    };

    recorder.failing.store(503, Ordering::SeqCst);
    let refused = send().await.unwrap();
    assert_eq!(refused.status(), 502);
    let body: ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.kind, Some(Refusal::PublishFailed));
    let history: serde_json::Value = ana
        .get(format!("http://{addr}/chat/history?channel=presence-lobby"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["messages"][0]["text"], "hello", "stored, not lost");
    assert!(recorder.published.lock().unwrap().is_empty());

    recorder.failing.store(0, Ordering::SeqCst);
    let sent: Message = send().await.unwrap().json().await.unwrap();
    let again: Message = send().await.unwrap().json().await.unwrap();
    assert_eq!(sent, again, "a retry answers the same stored message");
    let published = recorder.published.lock().unwrap().clone();
    assert_eq!(published.len(), 1, "published once: {published:?}");
    let (channels, event, data) = &published[0];
    assert_eq!(channels, &["presence-lobby", "private-lobby"]);
    assert_eq!(event, "message");
    assert_eq!(serde_json::from_str::<Message>(data).unwrap(), sent);
}

#[tokio::test]
async fn a_message_the_server_refuses_for_good_is_kept_and_rejected() {
    let recorder = Arc::new(Recorder::default());
    let addr = start(recorder.clone(), &[]).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    recorder.failing.store(413, Ordering::SeqCst);
    let refused = ana
        .post(format!("http://{addr}/chat/messages"))
        .json(&json!({ "channel": "presence-lobby", "text": "too big", "client_id": "c1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 502);
    let body: ErrorBody = refused.json().await.unwrap();
    assert_eq!(
        body.kind,
        Some(Refusal::PublishRejected),
        "not worth retrying"
    );
    // A rate limit is worth a retry.
    recorder.failing.store(429, Ordering::SeqCst);
    let limited = ana
        .post(format!("http://{addr}/chat/messages"))
        .json(&json!({ "channel": "presence-lobby", "text": "later", "client_id": "c2" }))
        .send()
        .await
        .unwrap();
    let body: ErrorBody = limited.json().await.unwrap();
    assert_eq!(body.kind, Some(Refusal::PublishFailed));
}

#[tokio::test]
async fn an_invitation_the_server_did_not_take_is_reported() {
    let recorder = Arc::new(Recorder::default());
    let addr = start(recorder.clone(), &[]).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let (_, ben) = sign_in(addr, "Ben").await;
    recorder.failing.store(503, Ordering::SeqCst);
    let refused = ana
        .post(format!("http://{addr}/chat/invitations"))
        .json(&json!({ "to": ben.id }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 502);
    let body: ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.kind, Some(Refusal::PublishFailed));

    recorder.failing.store(0, Ordering::SeqCst);
    let sent = ana
        .post(format!("http://{addr}/chat/invitations"))
        .json(&json!({ "to": ben.id }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let published = recorder.published.lock().unwrap().clone();
    assert_eq!(published[0].0, [format!("#server-to-user-{}", ben.id)]);
    assert_eq!(published[0].1, "invitation");
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_publish_failure_after_the_timeout() {
    // Accepts the connection and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let (held, _) = silent.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(held);
    });
    let client = RestClient::new(&format!("http://{addr}"), "app-id", "app-key", "app-secret");
    let channels = ["presence-lobby".to_owned()];
    let publication = Publication {
        channels: &channels,
        event: "message",
        data: "{}",
        socket_id: None,
    };
    let error = RestPublisher::new(client)
        .publish(publication)
        .await
        .unwrap_err();
    assert!(matches!(error, PublishError::TimedOut), "{error}");
    assert_eq!(error.refusal(), Refusal::PublishFailed, "worth a retry");
}

#[tokio::test]
async fn a_rooms_member_list_answers_every_widget_that_asks_within_a_second() {
    // A server that lists one user on every presence channel and counts the asks per channel.
    let asked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let heard = asked.clone();
    let app = axum::Router::new().route(
        "/apps/app-id/channels/{channel}/users",
        axum::routing::get(
            move |axum::extract::Path(channel): axum::extract::Path<String>| {
                heard.lock().unwrap().push(channel);
                async { axum::Json(json!({ "users": [{ "id": "a1" }] })) }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = RestClient::new(&format!("http://{addr}"), "app-id", "app-key", "app-secret");
    let publisher = RestPublisher::new(client);
    for _ in 0..3 {
        let ids = publisher.members("presence-lobby").await.unwrap();
        assert_eq!(*ids, ["a1"]);
    }
    publisher.members("presence-other").await.unwrap();
    assert_eq!(
        *asked.lock().unwrap(),
        ["presence-lobby", "presence-other"],
        "one ask per room within a second"
    );
}
