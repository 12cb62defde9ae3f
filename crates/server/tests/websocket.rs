//! The WebSocket protocol, frame by frame, against the in-process server with raw clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{Client, Closed, KEY, SECRET, Server, event};
use rusher_protocol::wire::{
    ChannelMessage, ClientMessage, ServerMessage, WatchlistEvent, WatchlistEventKind,
};
use rusher_protocol::{AuthError, sign};
use serde_json::json;

#[tokio::test]
async fn handshake_gives_a_socket_id_and_the_activity_timeout() {
    let server = Server::start().await;
    let mut client = Client::raw(&server.ws_url(KEY, "?protocol=7")).await;
    let text = client.recv().await;
    let ServerMessage::ConnectionEstablished {
        socket_id,
        activity_timeout,
    } = ServerMessage::parse(&text).unwrap()
    else {
        panic!("{text}")
    };
    let (a, b) = socket_id.split_once('.').unwrap();
    assert!(
        a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok(),
        "{socket_id}"
    );
    assert_eq!(activity_timeout, Some(120));
    let other = Client::connect(&server).await;
    assert_ne!(other.socket_id, socket_id);
}

#[tokio::test]
async fn refusals_send_an_error_and_close_with_its_code() {
    let server = Server::start().await;
    for (url, code) in [
        (server.ws_url("wrong-key", "?protocol=7"), 4001),
        (server.ws_url(KEY, ""), 4008),
        (server.ws_url(KEY, "?protocol=6"), 4007),
    ] {
        let mut client = Client::raw(&url).await;
        let error = ServerMessage::parse(&client.recv().await).unwrap();
        assert!(
            matches!(error, ServerMessage::Error { code: Some(c), .. } if c == code),
            "{url}: {error:?}"
        );
        assert_eq!(client.closed().await, Closed::Code(code), "{url}");
    }
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

#[tokio::test]
async fn the_server_pings_after_silence_and_closes_4201_without_pong() {
    let server = Server::start_with(|app| {
        app.activity_timeout = Duration::from_secs(1);
        app.pong_timeout = Duration::from_millis(500);
    })
    .await;
    let mut client = Client::connect(&server).await;
    assert_eq!(client.next().await, ServerMessage::Ping);
    client.send_message(&ClientMessage::Pong).await;
    assert_eq!(client.next().await, ServerMessage::Ping);
    assert_eq!(client.closed().await, Closed::Code(4201));
}

#[tokio::test]
async fn public_subscribe_unsubscribe_and_subscription_count() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    let mut b = Client::connect(&server).await;
    a.send(r#"{"event":"pusher:subscribe","data":{"channel":"news"}}"#)
        .await;
    assert_eq!(
        a.recv().await,
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#
    );
    assert_eq!(
        a.recv().await,
        r#"{"event":"pusher_internal:subscription_count","channel":"news","data":"{\"subscription_count\":1}"}"#
    );
    b.subscribe("news").await;
    assert_eq!(
        a.recv().await,
        r#"{"event":"pusher_internal:subscription_count","channel":"news","data":"{\"subscription_count\":2}"}"#
    );
    b.send(r#"{"event":"pusher:unsubscribe","data":{"channel":"news"}}"#)
        .await;
    assert_eq!(
        a.recv().await,
        r#"{"event":"pusher_internal:subscription_count","channel":"news","data":"{\"subscription_count\":1}"}"#
    );
}

#[tokio::test]
async fn private_channels_check_the_signature_and_keep_the_connection() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    assert_eq!(
        client.subscribe("private-room").await,
        ChannelMessage::SubscriptionSucceeded { presence: None }.on("private-room")
    );
    for auth in [
        None,
        Some(format!("{KEY}:{}", "0".repeat(64))),
        Some(sign::channel_auth(
            KEY,
            SECRET,
            "1.1",
            "private-other",
            None,
        )),
        Some(sign::channel_auth(
            KEY,
            "wrong",
            &client.socket_id,
            "private-other",
            None,
        )),
    ] {
        client
            .send_message(&ClientMessage::Subscribe {
                channel: "private-other".into(),
                auth: auth.clone(),
                channel_data: None,
            })
            .await;
        assert_eq!(
            client.next().await,
            ChannelMessage::SubscriptionError(AuthError {
                kind: "AuthError".into(),
                error: "Invalid signature".into(),
                status: Some(401)
            })
            .on("private-other"),
            "{auth:?}"
        );
    }
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

#[tokio::test]
async fn invalid_channel_names_are_refused() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    let reply = client.subscribe("bad name!").await;
    assert!(
        matches!(&reply, ServerMessage::Channel { message: ChannelMessage::SubscriptionError(error), .. } if error.status == Some(400)),
        "{reply:?}"
    );
}

#[tokio::test]
async fn presence_members_join_and_leave_once_per_user() {
    let server = Server::start().await;
    let mut ana = Client::connect(&server).await;
    let mut bob = Client::connect(&server).await;
    let mut bob_again = Client::connect(&server).await;
    let joined = ana
        .subscribe_as("presence-room", Some(("1", json!({"name": "Ana"}))))
        .await;
    let ServerMessage::Channel {
        message:
            ChannelMessage::SubscriptionSucceeded {
                presence: Some(members),
            },
        ..
    } = joined
    else {
        panic!("{joined:?}")
    };
    assert_eq!(members.ids, vec!["1"]);
    let ServerMessage::Channel {
        message:
            ChannelMessage::SubscriptionSucceeded {
                presence: Some(members),
            },
        ..
    } = bob
        .subscribe_as("presence-room", Some(("2", json!({"name": "Bob"}))))
        .await
    else {
        panic!()
    };
    assert_eq!(members.ids, vec!["1", "2"]);
    assert_eq!(members.count, 2);
    let info = members
        .hash
        .iter()
        .find(|(id, _)| id == "2")
        .map(|(_, info)| info);
    assert_eq!(info, Some(&json!({"name": "Bob"}).into()));
    assert_eq!(
        ana.next().await,
        ChannelMessage::MemberAdded {
            user_id: "2".into(),
            user_info: json!({"name": "Bob"}).into()
        }
        .on("presence-room")
    );
    // Bob's second connection adds no member.
    bob_again
        .subscribe_as("presence-room", Some(("2", json!({"name": "Bob"}))))
        .await;
    ana.silent_for(200).await;
    // Bob leaves only when his last connection does.
    bob.close().await;
    ana.silent_for(200).await;
    bob_again
        .send(r#"{"event":"pusher:unsubscribe","data":{"channel":"presence-room"}}"#)
        .await;
    assert_eq!(
        ana.next().await,
        ChannelMessage::MemberRemoved {
            user_id: "2".into()
        }
        .on("presence-room")
    );
}

#[tokio::test]
async fn presence_refuses_bad_member_data_and_enforces_the_member_limit() {
    let server = Server::start_with(|app| app.member_limit = 2).await;
    let mut client = Client::connect(&server).await;
    let long_id = "x".repeat(129);
    let big_info = json!({ "bio": "x".repeat(1100) });
    for (id, info) in [(long_id.as_str(), json!({})), ("1", big_info)] {
        let reply = client.subscribe_as("presence-room", Some((id, info))).await;
        assert!(
            matches!(&reply, ServerMessage::Channel { message: ChannelMessage::SubscriptionError(error), .. } if error.status == Some(400)),
            "{reply:?}"
        );
    }
    let mut members = Vec::new();
    for id in ["1", "2"] {
        let mut member = Client::connect(&server).await;
        member
            .subscribe_as("presence-full", Some((id, json!({}))))
            .await;
        members.push(member);
    }
    let reply = client
        .subscribe_as("presence-full", Some(("3", json!({}))))
        .await;
    assert!(
        matches!(&reply, ServerMessage::Channel { message: ChannelMessage::SubscriptionError(error), .. } if error.kind == "LimitReached"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn client_events_reach_the_others_with_user_id_on_presence() {
    let server = Server::start().await;
    let mut ana = Client::connect(&server).await;
    let mut bob = Client::connect(&server).await;
    ana.subscribe_as("presence-room", Some(("1", json!({}))))
        .await;
    bob.subscribe_as("presence-room", Some(("2", json!({}))))
        .await;
    ana.next().await; // member_added 2
    ana.send(r#"{"event":"client-typing","channel":"presence-room","data":{"name":"Ana"}}"#)
        .await;
    assert_eq!(
        bob.recv().await,
        r#"{"event":"client-typing","channel":"presence-room","data":"{\"name\":\"Ana\"}","user_id":"1"}"#
    );
    ana.silent_for(200).await;

    ana.subscribe("private-room").await;
    bob.subscribe("private-room").await;
    bob.send(r#"{"event":"client-note","channel":"private-room","data":{"n":1}}"#)
        .await;
    assert_eq!(
        ana.next().await,
        event("client-note", "private-room", json!({"n": 1}))
    );
}

#[tokio::test]
async fn client_events_are_refused_where_not_allowed() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    client.subscribe("news").await;
    for frame in [
        r#"{"event":"client-x","channel":"news","data":{}}"#.to_owned(),
        r#"{"event":"client-x","channel":"private-elsewhere","data":{}}"#.to_owned(),
        format!(
            r#"{{"event":"client-x","channel":"news","data":"{}"}}"#,
            "x".repeat(10 * 1024)
        ),
    ] {
        client.send(&frame).await;
        assert!(
            matches!(client.next().await, ServerMessage::Error { .. }),
            "{}",
            &frame[..60.min(frame.len())]
        );
    }
}

#[tokio::test]
async fn the_client_event_rate_limit_closes_with_4301() {
    let server = Server::start_with(|app| app.client_events_per_second = 3).await;
    let mut client = Client::connect(&server).await;
    client.subscribe("private-room").await;
    for _ in 0..4 {
        client
            .send(r#"{"event":"client-x","channel":"private-room","data":{}}"#)
            .await;
    }
    assert_eq!(client.closed().await, Closed::Code(4301));
}

#[tokio::test]
async fn malformed_binary_and_oversized_frames_get_an_error_and_the_connection_stays() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    for frame in [
        "not json",
        "{}",
        r#"{"event":"pusher:subscribe","data":{}}"#,
        r#"{"event":"whatever"}"#,
    ] {
        client.send(frame).await;
        assert!(
            matches!(client.next().await, ServerMessage::Error { code: None, .. }),
            "{frame}"
        );
    }
    client.send_binary(b"\x00\x01").await;
    assert!(matches!(client.next().await, ServerMessage::Error { .. }));
    client.send(&"x".repeat(64 * 1024)).await;
    assert!(matches!(client.next().await, ServerMessage::Error { .. }));
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

fn user_data(id: &str, watchlist: &[&str]) -> String {
    json!({ "id": id, "user_info": {"name": id}, "watchlist": watchlist }).to_string()
}

async fn signin(client: &mut Client, id: &str, watchlist: &[&str]) -> ServerMessage {
    let data = user_data(id, watchlist);
    client
        .send_message(&ClientMessage::Signin {
            auth: sign::user_auth(KEY, SECRET, &client.socket_id, &data),
            user_data: data,
        })
        .await;
    client.next().await
}

#[tokio::test]
async fn signin_the_user_channel_and_the_watchlist() {
    let server = Server::start().await;
    let mut ana = Client::connect(&server).await;
    assert_eq!(
        signin(&mut ana, "ana", &["bob"]).await,
        ServerMessage::SigninSuccess {
            user_data: user_data("ana", &["bob"])
        }
    );
    assert!(matches!(
        ana.subscribe_as("#server-to-user-ana", None).await,
        ServerMessage::Channel {
            message: ChannelMessage::SubscriptionSucceeded { .. },
            ..
        }
    ));
    // Someone else's user channel is refused.
    assert!(matches!(
        ana.subscribe("#server-to-user-bob").await,
        ServerMessage::Channel {
            message: ChannelMessage::SubscriptionError(_),
            ..
        }
    ));
    let mut bob = Client::connect(&server).await;
    signin(&mut bob, "bob", &[]).await;
    assert_eq!(
        ana.next().await,
        ServerMessage::Watchlist(vec![WatchlistEvent {
            kind: WatchlistEventKind::Online,
            user_ids: vec!["bob".into()]
        }])
    );
    bob.close().await;
    assert_eq!(
        ana.next().await,
        ServerMessage::Watchlist(vec![WatchlistEvent {
            kind: WatchlistEventKind::Offline,
            user_ids: vec!["bob".into()]
        }])
    );
    // A new watcher learns who is online at once.
    let mut bob = Client::connect(&server).await;
    signin(&mut bob, "bob", &[]).await;
    let mut carol = Client::connect(&server).await;
    signin(&mut carol, "carol", &["bob", "dave"]).await;
    assert_eq!(
        carol.next().await,
        ServerMessage::Watchlist(vec![WatchlistEvent {
            kind: WatchlistEventKind::Online,
            user_ids: vec!["bob".into()]
        }])
    );
}

#[tokio::test]
async fn a_bad_signin_is_an_error_and_the_connection_stays() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    client
        .send_message(&ClientMessage::Signin {
            auth: format!("{KEY}:{}", "0".repeat(64)),
            user_data: user_data("ana", &[]),
        })
        .await;
    assert!(matches!(
        client.next().await,
        ServerMessage::Error {
            code: Some(4009),
            ..
        }
    ));
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

#[tokio::test]
async fn shutdown_closes_every_socket_with_4200() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    let mut b = Client::connect(&server).await;
    b.subscribe("news").await;
    server.stop().await;
    assert_eq!(a.closed().await, Closed::Code(4200));
    assert_eq!(b.closed().await, Closed::Code(4200));
}

#[tokio::test]
async fn a_connection_may_subscribe_to_at_most_1000_channels() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    for i in 0..rusher_server::hub::MAX_CHANNELS_PER_CONNECTION {
        client
            .send(&format!(
                r#"{{"event":"pusher:subscribe","data":{{"channel":"c{i}"}}}}"#
            ))
            .await;
    }
    for _ in 0..rusher_server::hub::MAX_CHANNELS_PER_CONNECTION {
        assert!(matches!(
            client.next().await,
            ServerMessage::Channel {
                message: ChannelMessage::SubscriptionSucceeded { .. },
                ..
            }
        ));
    }
    let reply = client.subscribe("one-too-many").await;
    assert!(
        matches!(&reply, ServerMessage::Channel { message: ChannelMessage::SubscriptionError(error), .. } if error.kind == "LimitReached"),
        "{reply:?}"
    );
}
