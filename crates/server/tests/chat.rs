//! The chat backend: sessions, the auth endpoints (single and batched), messages with
//! idempotent retries, history, two-person rooms, and storage that survives a restart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Client, KEY, MASTER_KEY, SECRET, Server, Visitor};
use rusher_backend::Store;
use rusher_backend::store::MessageToStore;
use rusher_chat_api::{HistoryQuery, User};
use rusher_protocol::sign;
use rusher_protocol::wire::{ChannelMessage, ServerMessage};
use serde_json::{Value, json};

#[tokio::test]
async fn sign_in_with_a_valid_name_sets_an_http_only_cookie() {
    let server = Server::start().await;
    let visitor = Visitor::anonymous(&server);
    let response = visitor
        .post_json("/chat/session", &json!({ "name": "  Ana  " }))
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("rusher_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["name"], "Ana");
    assert!(!user["id"].as_str().unwrap().is_empty());
    assert!(
        user.get("token").is_none(),
        "a same-origin page gets the HttpOnly cookie alone"
    );
    for bad in ["", "   ", &"x".repeat(33), "tab\there"] {
        let response = visitor
            .post_json("/chat/session", &json!({ "name": bad }))
            .await;
        assert_eq!(response.status(), 400, "{bad:?}");
    }
    assert_eq!(
        visitor
            .post_json("/chat/session", &json!({ "name": "x".repeat(32) }))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn config_gives_pages_the_app_key_and_nothing_secret() {
    let server = Server::start().await;
    let response = Visitor::anonymous(&server).get("/chat/config").await;
    assert_eq!(response.status(), 200);
    let config: Value = response.json().await.unwrap();
    assert_eq!(
        config,
        json!({
            "key": KEY,
            "memberLimit": 100,
            "wsHost": "127.0.0.1",
            "wsPort": server.addr.port(),
        }),
        "the sockets are where the page asked, even from a page on another origin"
    );
}

#[tokio::test]
async fn session_can_be_read_and_ended() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let me: Value = ana.get("/chat/session").await.json().await.unwrap();
    assert_eq!(me, json!({ "id": ana.id, "name": "Ana" }));
    assert_eq!(ana.delete("/chat/session").await.status(), 204);
    assert_eq!(ana.get("/chat/session").await.status(), 204);
    assert_eq!(
        Visitor::anonymous(&server)
            .get("/chat/session")
            .await
            .status(),
        204,
        "no session yet is not an error"
    );
}

#[tokio::test]
async fn auth_endpoint_signs_only_for_a_session() {
    let server = Server::start().await;
    let anonymous = Visitor::anonymous(&server);
    let form = "socket_id=1.1&channel_name=private-room";
    assert_eq!(
        anonymous.post_form("/pusher/auth", form).await.status(),
        403
    );
    let ana = Visitor::join(&server, "Ana").await;

    let private: Value = ana
        .post_form("/pusher/auth", form)
        .await
        .json()
        .await
        .unwrap();
    let auth = private["auth"].as_str().unwrap();
    assert!(sign::verify_channel_auth(
        KEY,
        SECRET,
        auth,
        "1.1",
        "private-room",
        None
    ));
    assert!(private.get("shared_secret").is_none());

    let presence: Value = ana
        .post_form("/pusher/auth", "socket_id=1.1&channel_name=presence-lobby")
        .await
        .json()
        .await
        .unwrap();
    let channel_data = presence["channel_data"].as_str().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(channel_data).unwrap(),
        json!({ "user_id": ana.id, "user_info": { "name": "Ana" } })
    );
    assert!(sign::verify_channel_auth(
        KEY,
        SECRET,
        presence["auth"].as_str().unwrap(),
        "1.1",
        "presence-lobby",
        Some(channel_data)
    ));

    let encrypted: Value = ana
        .post_form(
            "/pusher/auth",
            "socket_id=1.1&channel_name=private-encrypted-room",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        encrypted["shared_secret"],
        sign::shared_secret(&MASTER_KEY, "private-encrypted-room").to_base64()
    );
    let text = encrypted.to_string();
    assert!(
        !text.contains(SECRET),
        "the app secret never leaves the server"
    );

    for bad in [
        "socket_id=1.1&channel_name=news",
        "socket_id=abc&channel_name=private-room",
        "channel_name=private-room",
        "socket_id=1.1",
        "socket_id=1.1&channel_name=bad%20name",
    ] {
        assert_eq!(
            ana.post_form("/pusher/auth", bad).await.status(),
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn batched_auth_answers_per_channel() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let form = "socket_id=2.2&channel_name%5B0%5D=private-a&channel_name%5B1%5D=presence-b\
                &channel_name%5B2%5D=presence-dm-someone-else";
    let answer: Value = ana
        .post_form("/pusher/auth", form)
        .await
        .json()
        .await
        .unwrap();
    let answers = &answer["2.2"];
    assert_eq!(answers["private-a"]["status"], 200);
    assert!(answers["private-a"]["data"]["auth"].is_string());
    assert_eq!(answers["presence-b"]["status"], 200);
    assert!(answers["presence-b"]["data"]["channel_data"].is_string());
    assert_eq!(
        answers["presence-dm-someone-else"],
        json!({ "status": 403 })
    );
}

#[tokio::test]
async fn user_auth_signs_the_session_user() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let answer: Value = ana
        .post_form("/pusher/user-auth", "socket_id=3.3")
        .await
        .json()
        .await
        .unwrap();
    let user_data = answer["user_data"].as_str().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(user_data).unwrap(),
        json!({ "id": ana.id, "user_info": { "name": "Ana" } })
    );
    assert!(sign::verify_user_auth(
        KEY,
        SECRET,
        answer["auth"].as_str().unwrap(),
        "3.3",
        user_data
    ));
    assert_eq!(
        Visitor::anonymous(&server)
            .post_form("/pusher/user-auth", "socket_id=3.3")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn two_person_rooms_are_for_their_two_members_only() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let bob = Visitor::join(&server, "Bob").await;
    let eve = Visitor::join(&server, "Eve").await;
    let room = format!("presence-dm-{}-{}", ana.id, bob.id);
    let form = format!("socket_id=1.1&channel_name={room}");
    assert_eq!(ana.post_form("/pusher/auth", &form).await.status(), 200);
    assert_eq!(bob.post_form("/pusher/auth", &form).await.status(), 200);
    assert_eq!(eve.post_form("/pusher/auth", &form).await.status(), 403);
    let message = json!({ "channel": room, "text": "psst", "client_id": "c1" });
    assert_eq!(
        eve.post_json("/chat/messages", &message).await.status(),
        403
    );
    let history = format!("/chat/history?channel={room}");
    assert_eq!(eve.get(&history).await.status(), 403);
    assert_eq!(
        ana.post_json("/chat/messages", &message).await.status(),
        200
    );
    let seen: Value = bob.get(&history).await.json().await.unwrap();
    assert_eq!(seen["messages"][0]["text"], "psst");
}

#[tokio::test]
async fn messages_are_stored_broadcast_once_and_retries_are_harmless() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let mut ana_socket = Client::connect(&server).await;
    let mut bob_socket = Client::connect(&server).await;
    ana_socket
        .subscribe_as("presence-lobby", Some(("a", json!({}))))
        .await;
    bob_socket
        .subscribe_as("presence-lobby", Some(("b", json!({}))))
        .await;
    ana_socket.next().await; // member_added b
    // A visitor the full presence room refused reads it on its private twin.
    let mut overflow_socket = Client::connect(&server).await;
    overflow_socket.subscribe_as("private-lobby", None).await;
    let body = json!({
        "channel": "presence-lobby",
        "text": "  hello <b>there</b>  ",
        "client_id": "m-1",
        "socket_id": ana_socket.socket_id,
    });
    let response = ana.post_json("/chat/messages", &body).await;
    assert_eq!(response.status(), 200);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["text"], "hello <b>there</b>");
    assert_eq!(stored["user"], json!({ "id": ana.id, "name": "Ana" }));
    assert_eq!(stored["client_id"], "m-1");
    assert!(stored["time"].as_i64().unwrap() > 1_700_000_000_000);
    let ServerMessage::Event { event, data, .. } = bob_socket.next().await else {
        panic!()
    };
    assert_eq!(event, "message");
    assert_eq!(serde_json::Value::from(data), stored);
    let ServerMessage::Event {
        event,
        channel,
        data,
        ..
    } = overflow_socket.next().await
    else {
        panic!()
    };
    assert_eq!(
        (event.as_str(), channel.as_deref()),
        ("message", Some("private-lobby"))
    );
    assert_eq!(serde_json::Value::from(data), stored);
    ana_socket.silent_for(200).await;
    // A retry with the same client_id returns the same message and sends nothing.
    let again: Value = ana
        .post_json("/chat/messages", &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, stored);
    bob_socket.silent_for(300).await;
}

#[tokio::test]
async fn invalid_messages_are_refused() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let message = |channel: &str, text: &str, client_id: &str| json!({ "channel": channel, "text": text, "client_id": client_id });
    for (body, status) in [
        (message("presence-lobby", "   ", "c"), 400),
        (message("presence-lobby", &"x".repeat(2001), "c"), 413),
        (message("presence-lobby", "hi", ""), 400),
        (message("presence-lobby", "hi", &"c".repeat(65)), 400),
        (message("news", "hi", "c"), 400),
        (message("bad name", "hi", "c"), 400),
    ] {
        assert_eq!(
            ana.post_json("/chat/messages", &body).await.status(),
            status,
            "{body}"
        );
    }
    assert_eq!(
        ana.post_json(
            "/chat/messages",
            &message("presence-lobby", &"é".repeat(2000), "ok")
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        Visitor::anonymous(&server)
            .post_json("/chat/messages", &message("presence-lobby", "hi", "c"))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn history_is_oldest_first_and_pages_backwards() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    for i in 0..5 {
        let body = json!({ "channel": "presence-lobby", "text": format!("m{i}"), "client_id": format!("c{i}") });
        ana.post_json("/chat/messages", &body).await;
    }
    let page: Value = ana
        .get("/chat/history?channel=presence-lobby&limit=2")
        .await
        .json()
        .await
        .unwrap();
    let texts = |page: &Value| -> Vec<String> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(texts(&page), vec!["m3", "m4"]);
    let oldest = page["messages"][0]["id"].as_i64().unwrap();
    let older: Value = ana
        .get(&format!(
            "/chat/history?channel=presence-lobby&before={oldest}&limit=10"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(texts(&older), vec!["m0", "m1", "m2"]);
    assert_eq!(
        Visitor::anonymous(&server)
            .get("/chat/history?channel=presence-lobby")
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn messages_and_sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.sqlite3");
    let user = User {
        id: "u1".into(),
        name: "Ana".into(),
    };
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().await.unwrap(), 2);
        store.create_session("token", &user, 1).await.unwrap();
        store
            .add_message(MessageToStore {
                channel: "presence-lobby",
                user: &user,
                text: "kept",
                client_id: "c1",
                time: 2,
            })
            .await
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 2);
    assert_eq!(
        store.session_user("token").await.unwrap(),
        Some(user.clone())
    );
    let history = store
        .history(&HistoryQuery {
            channel: "presence-lobby".into(),
            before: None,
            limit: Some(50),
        })
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].text, "kept");
    // Through the HTTP API too: a server on the reopened store still knows the session.
    let server = Server::start_full(|_| {}, store, false).await;
    let response = reqwest::Client::new()
        .get(server.http("/chat/history?channel=presence-lobby"))
        .header("cookie", "rusher_session=token")
        .send()
        .await
        .unwrap();
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["messages"][0]["user"]["name"], "Ana");
}

/// A raw connection signed in as `visitor` and subscribed to its server-to-user channel.
async fn user_connection(server: &Server, visitor: &Visitor) -> Client {
    let mut client = Client::connect(server).await;
    let data = json!({ "id": visitor.id, "user_info": {} }).to_string();
    client
        .send_message(&rusher_protocol::wire::ClientMessage::Signin {
            auth: sign::user_auth(KEY, SECRET, &client.socket_id, &data),
            user_data: data,
        })
        .await;
    assert!(matches!(
        client.next().await,
        ServerMessage::SigninSuccess { .. }
    ));
    let channel = format!("#server-to-user-{}", visitor.id);
    assert!(matches!(
        client.subscribe_as(&channel, None).await,
        ServerMessage::Channel {
            message: ChannelMessage::SubscriptionSucceeded { .. },
            ..
        }
    ));
    client
}

#[tokio::test]
async fn invitations_and_answers_reach_the_other_user_with_the_private_room() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let bob = Visitor::join(&server, "Bob").await;
    let mut ana_events = user_connection(&server, &ana).await;
    let mut bob_events = user_connection(&server, &bob).await;
    let room = if ana.id < bob.id {
        format!("presence-dm-{}-{}", ana.id, bob.id)
    } else {
        format!("presence-dm-{}-{}", bob.id, ana.id)
    };

    let response = ana
        .post_json("/chat/invitations", &json!({ "to": bob.id }))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "room": room })
    );
    let ServerMessage::Event { event, data, .. } = bob_events.next().await else {
        panic!("no invitation")
    };
    assert_eq!(event, "invitation");
    assert_eq!(
        serde_json::Value::from(data),
        json!({ "from": { "id": ana.id, "name": "Ana" }, "room": room })
    );

    let response = bob
        .post_json(
            "/chat/invitations/answer",
            &json!({ "from": ana.id, "accept": true }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let ServerMessage::Event { event, data, .. } = ana_events.next().await else {
        panic!("no answer")
    };
    assert_eq!(event, "invitation-answer");
    assert_eq!(
        serde_json::Value::from(data),
        json!({ "from": { "id": bob.id, "name": "Bob" }, "room": room, "accepted": true })
    );

    // Refusals: no session, oneself, or something that is not a user id.
    let stranger = Visitor::anonymous(&server);
    assert_eq!(
        stranger
            .post_json("/chat/invitations", &json!({ "to": bob.id }))
            .await
            .status(),
        401
    );
    for to in [ana.id.as_str(), "", "a-b", &"x".repeat(65)] {
        let response = ana
            .post_json("/chat/invitations", &json!({ "to": to }))
            .await;
        assert_eq!(response.status(), 400, "{to:?}");
    }
}
