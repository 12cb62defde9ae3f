//! The REST client (and raw WebSocket clients) against sockudo, a Pusher server nobody here
//! wrote. `cargo xtask test` starts sockudo and runs these with `--ignored`, passing its address
//! in `SOCKUDO_HOST` and `SOCKUDO_PORT`; its app is `app-id` / `app-key` / `app-secret`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{APP_ID, Client, Closed, KEY, MASTER_KEY, SECRET, UpstreamBackend, Visitor, event};
use rusher_backend::rest_client::{BatchEvent, RestClient, RestClientError, TriggerOptions};
use rusher_protocol::sign;
use rusher_protocol::wire::{ChannelMessage, ClientMessage, ServerMessage};
use serde_json::json;

fn address() -> String {
    let host = std::env::var("SOCKUDO_HOST").expect("SOCKUDO_HOST");
    let port = std::env::var("SOCKUDO_PORT").expect("SOCKUDO_PORT");
    format!("{host}:{port}")
}

fn rest() -> RestClient {
    RestClient::new(&format!("http://{}", address()), APP_ID, KEY, SECRET)
        .with_master_key(MASTER_KEY)
}

async fn connect() -> Client {
    Client::connect_url(&format!("ws://{}/app/{KEY}?protocol=7", address())).await
}

/// The next frame that is a channel event (sockudo may interleave other frames).
async fn next_event(client: &mut Client) -> ServerMessage {
    loop {
        let message = client.next().await;
        if matches!(message, ServerMessage::Event { .. }) {
            return message;
        }
    }
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn trigger_and_batch_reach_a_subscriber() {
    let mut client = connect().await;
    client.subscribe("sockudo-news").await;
    rest()
        .trigger(
            &["sockudo-news"],
            "headline",
            r#"{"text":"hi"}"#,
            &TriggerOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        next_event(&mut client).await,
        event("headline", "sockudo-news", json!({"text": "hi"}))
    );
    rest()
        .trigger_batch(&[BatchEvent {
            channel: "sockudo-news".into(),
            name: "batched".into(),
            data: "{}".into(),
            socket_id: None,
            info: None,
        }])
        .await
        .unwrap();
    assert!(matches!(
        next_event(&mut client).await,
        ServerMessage::Event { event, .. } if event == "batched"
    ));
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn queries_channels_channel_and_users() {
    let mut client = connect().await;
    client
        .subscribe_as("presence-sockudo", Some(("42", json!({"name": "Ana"}))))
        .await;
    let channels = rest()
        .channels(Some("presence-sockudo"), None)
        .await
        .unwrap();
    assert!(channels.contains_key("presence-sockudo"), "{channels:?}");
    let state = rest()
        .channel("presence-sockudo", Some("user_count"))
        .await
        .unwrap();
    assert!(state.occupied);
    assert_eq!(state.user_count, Some(1));
    assert_eq!(rest().users("presence-sockudo").await.unwrap(), vec!["42"]);
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn encrypted_triggers_decrypt_with_the_shared_secret() {
    let mut client = connect().await;
    client.subscribe("private-encrypted-sockudo").await;
    rest()
        .trigger(
            &["private-encrypted-sockudo"],
            "secret",
            r#"{"message":"hello"}"#,
            &TriggerOptions::default(),
        )
        .await
        .unwrap();
    let ServerMessage::Event { data, .. } = next_event(&mut client).await else {
        panic!()
    };
    let secret = sign::shared_secret(&MASTER_KEY, "private-encrypted-sockudo");
    assert_eq!(
        serde_json::Value::from(secret.decrypt(data.decode().json()).unwrap()),
        json!({"message": "hello"})
    );
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn terminate_closes_a_signed_in_users_connection() {
    let mut client = connect().await;
    let user_data = r#"{"id":"sockudo-user"}"#;
    client
        .send_message(&ClientMessage::Signin {
            auth: sign::user_auth(KEY, SECRET, &client.socket_id, user_data),
            user_data: user_data.into(),
        })
        .await;
    assert!(matches!(
        client.next().await,
        ServerMessage::SigninSuccess { .. }
    ));
    rest()
        .terminate_user_connections("sockudo-user")
        .await
        .unwrap();
    assert!(matches!(
        client.closed().await,
        Closed::Code(_) | Closed::Abruptly
    ));
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn a_wrong_secret_is_refused() {
    let wrong = RestClient::new(&format!("http://{}", address()), APP_ID, KEY, "wrong");
    let error = wrong.channels(None, None).await.unwrap_err();
    assert!(
        matches!(error, RestClientError::Status { status, .. } if (400..500).contains(&status)),
        "{error}"
    );
}

/// The visitor's summary of the lobby, having seen nothing after id 0.
async fn summary(visitor: &Visitor) -> rusher_chat_api::Summary {
    let answer = visitor
        .get("/chat/summary?channel=presence-lobby&after=0")
        .await;
    answer.json().await.unwrap()
}

#[tokio::test]
#[ignore = "needs a running sockudo; cargo xtask test runs it"]
async fn the_backend_signs_and_publishes_for_an_app_on_sockudo() {
    let backend = UpstreamBackend::start(&format!("http://{}", address())).await;
    let ana = Visitor::join_at(&backend.base, "Ana").await;
    let config: serde_json::Value = ana.get("/chat/config").await.json().await.unwrap();
    assert_eq!(config["key"], KEY);
    assert_eq!(
        format!(
            "{}:{}",
            config["wsHost"].as_str().unwrap(),
            config["wsPort"]
        ),
        address()
    );

    // Ana's socket on sockudo, authorized by the backend with the app's secret.
    let mut socket = connect().await;
    let form = format!("socket_id={}&channel_name=presence-lobby", socket.socket_id);
    let auth: serde_json::Value = ana
        .post_form("/pusher/auth", &form)
        .await
        .json()
        .await
        .unwrap();
    socket
        .send_message(&ClientMessage::Subscribe {
            channel: "presence-lobby".into(),
            auth: auth["auth"].as_str().map(str::to_owned),
            channel_data: auth["channel_data"].as_str().map(str::to_owned),
        })
        .await;
    loop {
        match socket.next().await {
            ServerMessage::Channel {
                channel,
                message: ChannelMessage::SubscriptionSucceeded { .. },
            } => {
                assert_eq!(channel, "presence-lobby");
                break;
            }
            ServerMessage::Channel {
                message: ChannelMessage::SubscriptionError(_),
                ..
            } => panic!("sockudo refused the signature"),
            _ => {}
        }
    }

    // A message through the backend reaches the socket through sockudo's REST API.
    let sent = ana
        .post_json(
            "/chat/messages",
            &json!({ "channel": "presence-lobby", "text": "via sockudo", "client_id": "s1" }),
        )
        .await;
    assert_eq!(sent.status(), 200);
    let stored: rusher_chat_api::Message = sent.json().await.unwrap();
    match next_event(&mut socket).await {
        ServerMessage::Event {
            event,
            channel,
            data,
            ..
        } => {
            assert_eq!(event, "message");
            assert_eq!(channel.as_deref(), Some("presence-lobby"));
            let published: rusher_chat_api::Message =
                serde_json::from_str(data.decode().as_str()).unwrap();
            assert_eq!(published, stored);
        }
        other => panic!("expected the message, got {other:?}"),
    }

    // An invitation reaches a user signed in on sockudo, through its server-to-user channel.
    let ben = Visitor::join_at(&backend.base, "Ben").await;

    // The launcher's summary, counted by sockudo's REST API: Ana is online; for Ben, who has
    // seen nothing after id 0, her message is unread; for Ana, her own is not.
    let bens = summary(&ben).await;
    assert_eq!((bens.online, bens.unread), (Some(1), 1), "Ben's summary");
    assert_eq!(summary(&ana).await.unread, 0, "Ana's own message");
    let mut ben_socket = connect().await;
    let form = format!("socket_id={}", ben_socket.socket_id);
    let signin: serde_json::Value = ben
        .post_form("/pusher/user-auth", &form)
        .await
        .json()
        .await
        .unwrap();
    ben_socket
        .send_message(&ClientMessage::Signin {
            auth: signin["auth"].as_str().unwrap().to_owned(),
            user_data: signin["user_data"].as_str().unwrap().to_owned(),
        })
        .await;
    loop {
        if matches!(ben_socket.next().await, ServerMessage::SigninSuccess { .. }) {
            break;
        }
    }
    // As pusher-js does once signed in; the pong says sockudo has handled the subscribe.
    ben_socket
        .send_message(&ClientMessage::Subscribe {
            channel: format!("#server-to-user-{}", ben.id),
            auth: None,
            channel_data: None,
        })
        .await;
    ben_socket.send_message(&ClientMessage::Ping).await;
    while ben_socket.next().await != ServerMessage::Pong {}
    let invited = ana
        .post_json("/chat/invitations", &json!({ "to": ben.id }))
        .await;
    assert_eq!(invited.status(), 200);
    match next_event(&mut ben_socket).await {
        ServerMessage::Event { event, channel, .. } => {
            assert_eq!(event, "invitation");
            assert_eq!(channel, Some(format!("#server-to-user-{}", ben.id)));
        }
        other => panic!("expected the invitation, got {other:?}"),
    }
}
