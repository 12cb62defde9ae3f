//! The fault switches tests use to break things on purpose, and that they are off by default.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{Client, Closed, KEY, Server, Visitor};
use rusher_backend::Store;
use rusher_protocol::wire::{ClientMessage, ServerMessage};

async fn fault(server: &Server, path: &str) -> u16 {
    reqwest::Client::new()
        .post(server.http(&format!("/_faults/{path}")))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn fault_endpoints_do_not_exist_unless_enabled() {
    let server = Server::start_full(|_| {}, Store::in_memory().unwrap(), false).await;
    let mut client = Client::connect(&server).await;
    assert_eq!(fault(&server, "drop-all").await, 404);
    assert_eq!(fault(&server, "auth?delay_ms=0&status=500").await, 404);
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

#[tokio::test]
async fn drop_all_ends_connections_without_a_close_frame() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    let mut b = Client::connect(&server).await;
    assert_eq!(fault(&server, "drop-all").await, 204);
    assert_eq!(a.closed().await, Closed::Abruptly);
    assert_eq!(b.closed().await, Closed::Abruptly);
}

#[tokio::test]
async fn close_all_uses_the_given_code() {
    let server = Server::start().await;
    let mut a = Client::connect(&server).await;
    assert_eq!(fault(&server, "close-all?code=4100").await, 204);
    assert_eq!(a.closed().await, Closed::Code(4100));
}

#[tokio::test]
async fn ignore_pings_stops_the_pongs() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    fault(&server, "ignore-pings?on=true").await;
    client.send_message(&ClientMessage::Ping).await;
    client.silent_for(300).await;
    fault(&server, "ignore-pings?on=false").await;
    client.send_message(&ClientMessage::Ping).await;
    assert_eq!(client.next().await, ServerMessage::Pong);
}

#[tokio::test]
async fn raw_frames_reach_the_socket_as_they_are() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    let status = reqwest::Client::new()
        .post(server.http(&format!("/_faults/raw?socket_id={}", client.socket_id)))
        .body("{not json")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    assert_eq!(client.recv().await, "{not json");
}

#[tokio::test]
async fn auth_can_be_delayed_and_failed() {
    let server = Server::start().await;
    let ana = Visitor::join(&server, "Ana").await;
    let form = "socket_id=1.1&channel_name=private-room";
    fault(&server, "auth?delay_ms=300&status=503").await;
    let started = Instant::now();
    assert_eq!(ana.post_form("/pusher/auth", form).await.status(), 503);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        ana.post_form("/pusher/user-auth", "socket_id=1.1")
            .await
            .status(),
        503
    );
    fault(&server, "auth?delay_ms=0&status=0").await;
    assert_eq!(ana.post_form("/pusher/auth", form).await.status(), 200);
}

#[tokio::test]
async fn restart_websocket_drops_everyone_and_refuses_for_a_while() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    assert_eq!(fault(&server, "restart-websocket?down_ms=400").await, 204);
    assert_eq!(client.closed().await, Closed::Abruptly);
    let refused = tokio_tungstenite::connect_async(server.ws_url(KEY, "?protocol=7")).await;
    assert!(refused.is_err());
    tokio::time::sleep(Duration::from_millis(450)).await;
    Client::connect(&server).await;
}
