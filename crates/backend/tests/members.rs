//! `GET /chat/members`, which the widget checks its who's-online list against: the user ids the
//! realtime server lists on a presence room, for a signed-in member of it; nothing for anyone
//! else, for a room that is not a presence room, or when the server does not answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::{Recorder, refused_outside_the_room, sign_in, start};
use rusher_chat_api::Members;

#[tokio::test]
async fn a_member_of_the_room_gets_the_ids_the_server_lists_sorted() {
    let recorder = Arc::new(Recorder::default());
    recorder.members.lock().unwrap().insert(
        "presence-lobby".into(),
        vec!["b2".into(), "a1".into(), "b2".into()],
    );
    let addr = start(recorder.clone(), &[]).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let answer = ana
        .get(format!("http://{addr}/chat/members?channel=presence-lobby"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let members: Members = answer.json().await.unwrap();
    assert_eq!(members.ids, ["a1", "b2"], "sorted, each once");

    // The server does not answer: a refusal the widget reads as no answer (it changes nothing).
    recorder.failing.store(503, Ordering::SeqCst);
    let answer = ana
        .get(format!("http://{addr}/chat/members?channel=presence-lobby"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
}

#[tokio::test]
async fn only_a_signed_in_member_of_a_presence_room_gets_its_members() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    let channels = [
        "presence-dm-a1-b2",
        "private-lobby",
        "public-room",
        "presence-cache-x",
    ];
    refused_outside_the_room(addr, "/chat/members", &channels).await;
}
