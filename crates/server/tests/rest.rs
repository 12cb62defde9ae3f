//! The REST API through the REST client, with raw WebSocket clients watching what arrives, and
//! every rejection: signature, timestamp, body MD5, unknown app, limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::{APP_ID, Client, Closed, KEY, MASTER_KEY, SECRET, Server, event};
use rusher_backend::rest_client::{
    BatchEvent, ChannelAttributes, ChannelState, RestClient, RestClientError, TriggerOptions,
};
use rusher_protocol::sign;
use rusher_protocol::wire::{ChannelMessage, ServerMessage};
use serde_json::json;

fn client(server: &Server) -> RestClient {
    RestClient::new(&server.http(""), APP_ID, KEY, SECRET).with_master_key(MASTER_KEY)
}

fn status(error: RestClientError) -> u16 {
    match error {
        RestClientError::Status { status, .. } => status,
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn up_answers_200() {
    let server = Server::start().await;
    let response = reqwest::get(server.http("/up")).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn trigger_reaches_subscribers_except_the_given_socket() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    let mut b = Client::connect(&server).await;
    a.subscribe("news").await;
    b.subscribe("news").await;
    let rest = client(&server);
    let answer = rest
        .trigger(
            &["news"],
            "new-message",
            r#"{"text":"hi"}"#,
            &TriggerOptions::default(),
        )
        .await
        .unwrap();
    assert!(answer.is_empty());
    for c in [&mut a, &mut b] {
        assert_eq!(
            c.next().await,
            event("new-message", "news", json!({"text": "hi"}))
        );
    }
    let options = TriggerOptions {
        socket_id: Some(a.socket_id.clone()),
        info: Some("subscription_count".into()),
    };
    let answer = rest
        .trigger(&["news"], "again", "x", &options)
        .await
        .unwrap();
    assert_eq!(answer["news"].subscription_count, Some(2));
    assert!(matches!(b.next().await, ServerMessage::Event { .. }));
    a.silent_for(200).await;
}

#[tokio::test]
async fn batch_trigger_and_its_info() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    a.subscribe_as("presence-room", Some(("1", json!({}))))
        .await;
    let rest = client(&server);
    let batch = rest
        .trigger_batch(&[
            BatchEvent {
                channel: "presence-room".into(),
                name: "one".into(),
                data: "1".into(),
                socket_id: None,
                info: Some("user_count,subscription_count".into()),
            },
            BatchEvent {
                channel: "news".into(),
                name: "two".into(),
                data: "2".into(),
                socket_id: None,
                info: None,
            },
        ])
        .await
        .unwrap();
    assert_eq!(
        batch,
        vec![
            ChannelAttributes {
                user_count: Some(1),
                subscription_count: Some(1)
            },
            ChannelAttributes::default()
        ]
    );
    assert!(matches!(a.next().await, ServerMessage::Event { event, .. } if event == "one"));
}

#[tokio::test]
async fn channels_channel_and_users() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    let mut b = Client::connect(&server).await;
    a.subscribe_as("presence-room", Some(("1", json!({}))))
        .await;
    b.subscribe_as("presence-room", Some(("2", json!({}))))
        .await;
    a.subscribe("news").await;
    let rest = client(&server);
    let all = rest.channels(None, None).await.unwrap();
    assert_eq!(
        all.keys().collect::<Vec<_>>(),
        vec!["news", "presence-room"]
    );
    let presence = rest
        .channels(Some("presence-"), Some("user_count"))
        .await
        .unwrap();
    assert_eq!(
        presence,
        BTreeMap::from([(
            "presence-room".to_owned(),
            ChannelAttributes {
                user_count: Some(2),
                subscription_count: None
            }
        )])
    );
    assert_eq!(
        status(rest.channels(None, Some("user_count")).await.unwrap_err()),
        400
    );
    assert_eq!(
        rest.channel("presence-room", Some("user_count,subscription_count"))
            .await
            .unwrap(),
        ChannelState {
            occupied: true,
            user_count: Some(2),
            subscription_count: Some(2)
        }
    );
    assert_eq!(
        rest.channel("empty", None).await.unwrap(),
        ChannelState::default()
    );
    assert_eq!(
        status(rest.channel("news", Some("user_count")).await.unwrap_err()),
        400
    );
    assert_eq!(rest.users("presence-room").await.unwrap(), vec!["1", "2"]);
    assert_eq!(status(rest.users("news").await.unwrap_err()), 400);
}

#[tokio::test]
async fn terminate_closes_the_users_connections_with_4009() {
    let server = Server::start().await;
    let mut ana = Client::connect(&server).await;
    let data = r#"{"id":"ana"}"#;
    ana.send_message(&rusher_protocol::wire::ClientMessage::Signin {
        auth: sign::user_auth(KEY, SECRET, &ana.socket_id, data),
        user_data: data.into(),
    })
    .await;
    ana.next().await;
    client(&server)
        .terminate_user_connections("ana")
        .await
        .unwrap();
    assert_eq!(ana.closed().await, Closed::Code(4009));
}

#[tokio::test]
async fn server_to_user_events_reach_the_signed_in_user() {
    let server = Server::start().await;
    let mut ana = Client::connect(&server).await;
    let data = r#"{"id":"ana"}"#;
    ana.send_message(&rusher_protocol::wire::ClientMessage::Signin {
        auth: sign::user_auth(KEY, SECRET, &ana.socket_id, data),
        user_data: data.into(),
    })
    .await;
    ana.next().await;
    ana.subscribe("#server-to-user-ana").await;
    client(&server)
        .trigger(
            &["#server-to-user-ana"],
            "notice",
            r#"{"n":1}"#,
            &TriggerOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        ana.next().await,
        event("notice", "#server-to-user-ana", json!({"n": 1}))
    );
}

#[tokio::test]
async fn encrypted_triggers_arrive_as_a_secretbox_the_shared_secret_opens() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    a.subscribe("private-encrypted-room").await;
    let rest = client(&server);
    rest.trigger(
        &["private-encrypted-room"],
        "secret",
        r#"{"message":"hello"}"#,
        &TriggerOptions::default(),
    )
    .await
    .unwrap();
    let ServerMessage::Event { data, .. } = a.next().await else {
        panic!()
    };
    let data = data.decode();
    assert!(data.json().get("nonce").is_some() && data.json().get("ciphertext").is_some());
    let secret = sign::shared_secret(&MASTER_KEY, "private-encrypted-room");
    assert_eq!(
        serde_json::Value::from(secret.decrypt(data.json()).unwrap()),
        json!({"message": "hello"})
    );
    // Never in the clear, and never with another channel.
    assert!(!data.to_string().contains("hello"));
    assert!(matches!(
        rest.trigger(
            &["private-encrypted-room", "news"],
            "x",
            "y",
            &TriggerOptions::default()
        )
        .await,
        Err(RestClientError::Encryption(_))
    ));
}

#[tokio::test]
async fn cache_channels_replay_the_last_event_or_say_cache_miss() {
    let server = Server::start().await;
    let mut first = Client::connect(&server).await;
    first.subscribe("cache-prices").await;
    assert_eq!(
        first.next().await,
        ChannelMessage::CacheMiss.on("cache-prices")
    );
    client(&server)
        .trigger(
            &["cache-prices"],
            "price",
            r#"{"eur":1}"#,
            &TriggerOptions::default(),
        )
        .await
        .unwrap();
    first.next().await;
    let mut later = Client::connect(&server).await;
    later.subscribe("cache-prices").await;
    assert_eq!(
        later.next().await,
        event("price", "cache-prices", json!({"eur": 1}))
    );
}

#[tokio::test]
async fn bad_credentials_and_unknown_apps_are_refused() {
    let server = Server::start().await;
    let options = TriggerOptions::default();
    let wrong_secret = RestClient::new(&server.http(""), APP_ID, KEY, "wrong");
    assert_eq!(
        status(
            wrong_secret
                .trigger(&["news"], "e", "d", &options)
                .await
                .unwrap_err()
        ),
        401
    );
    let wrong_key = RestClient::new(&server.http(""), APP_ID, "wrong", SECRET);
    assert_eq!(
        status(wrong_key.channels(None, None).await.unwrap_err()),
        401
    );
    let wrong_app = RestClient::new(&server.http(""), "other-app", KEY, SECRET);
    assert_eq!(
        status(wrong_app.channels(None, None).await.unwrap_err()),
        404
    );
}

/// Sends a hand-signed request, to test what the client would never send.
async fn raw_post(server: &Server, body: &str, timestamp: u64, tamper_md5: bool) -> u16 {
    let path = format!("/apps/{APP_ID}/events");
    let mut query = sign::sign_rest_request(
        KEY,
        SECRET,
        &sign::RestRequest {
            method: "POST",
            path: &path,
            params: &[],
            body: Some(body.as_bytes()),
        },
        timestamp,
    );
    if tamper_md5 {
        let signed_body = r#"{"other":"body"}"#;
        query = sign::sign_rest_request(
            KEY,
            SECRET,
            &sign::RestRequest {
                method: "POST",
                path: &path,
                params: &[],
                body: Some(signed_body.as_bytes()),
            },
            timestamp,
        );
    }
    reqwest::Client::new()
        .post(server.http(&path))
        .query(&query)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn stale_timestamps_and_wrong_body_md5_are_refused() {
    let server = Server::start().await;
    let body = r#"{"name":"e","channel":"news","data":"d"}"#;
    assert_eq!(raw_post(&server, body, now(), false).await, 200);
    assert_eq!(raw_post(&server, body, now() - 601, false).await, 401);
    assert_eq!(raw_post(&server, body, now() + 601, false).await, 401);
    assert_eq!(raw_post(&server, body, now(), true).await, 401);
    // docs/protocol.md's known request is signed correctly but from 2012.
    assert_eq!(raw_post(&server, body, 1_353_088_179, false).await, 401);
}

#[tokio::test]
async fn limits_on_triggers() {
    let server = Server::start().await;
    let rest = client(&server);
    let options = TriggerOptions::default();
    let too_big = "x".repeat(10 * 1024 + 1);
    assert_eq!(
        status(
            rest.trigger(&["news"], "e", &too_big, &options)
                .await
                .unwrap_err()
        ),
        413
    );
    let names: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    let many: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        status(rest.trigger(&many, "e", "d", &options).await.unwrap_err()),
        400
    );
    assert_eq!(
        status(
            rest.trigger(&["bad name"], "e", "d", &options)
                .await
                .unwrap_err()
        ),
        400
    );
    assert_eq!(
        status(
            rest.trigger(&["news"], &"e".repeat(201), "d", &options)
                .await
                .unwrap_err()
        ),
        400
    );
    let batch: Vec<BatchEvent> = (0..11)
        .map(|i| BatchEvent {
            channel: "news".into(),
            name: format!("e{i}"),
            data: "d".into(),
            socket_id: None,
            info: None,
        })
        .collect();
    assert_eq!(status(rest.trigger_batch(&batch).await.unwrap_err()), 400);
}
