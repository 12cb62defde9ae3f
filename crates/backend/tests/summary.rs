//! `GET /chat/summary`, what the launcher shows before the widget loads: messages of others newer
//! than the one the visitor saw (capped), how many are online as the widget counts them (the
//! room's users, its private twin's subscriptions once the room is full), and nothing for a
//! visitor who is not signed in or asks about a room that is not theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{Recorder, refused_outside_the_room, sign_in, start, start_with};
use rusher_backend::Rates;
use rusher_backend::limits::Rate;
use rusher_chat_api::{MAX_UNREAD_COUNTED, Message, Summary};
use serde_json::json;

async fn say(client: &reqwest::Client, addr: std::net::SocketAddr, text: &str) -> Message {
    client
        .post(format!("http://{addr}/chat/messages"))
        .json(&json!({ "channel": "presence-lobby", "text": text, "client_id": text }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn summary(client: &reqwest::Client, addr: std::net::SocketAddr, query: &str) -> Summary {
    let answer = client
        .get(format!("http://{addr}/chat/summary?{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{query}");
    answer.json().await.unwrap()
}

#[tokio::test]
async fn unread_counts_the_messages_of_others_after_the_one_seen() {
    let recorder = Arc::new(Recorder::default());
    recorder
        .counts
        .lock()
        .unwrap()
        .insert("presence-lobby".into(), 3);
    let addr = start(recorder.clone(), &[]).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let (bo, _) = sign_in(addr, "Bo").await;
    let seen = say(&bo, addr, "first").await;
    say(&ana, addr, "mine").await;
    say(&bo, addr, "second").await;
    say(&bo, addr, "third").await;

    let after = summary(
        &ana,
        addr,
        &format!("channel=presence-lobby&after={}", seen.id),
    )
    .await;
    assert_eq!(
        after,
        Summary {
            online: Some(3),
            unread: 2
        },
        "Bo's two, not Ana's own"
    );
    let never = summary(&ana, addr, "channel=presence-lobby").await;
    assert_eq!(
        never.unread, 0,
        "a visitor who never saw the room has nothing unread"
    );
    let bos = summary(
        &bo,
        addr,
        &format!("channel=presence-lobby&after={}", seen.id),
    )
    .await;
    assert_eq!(bos.unread, 1, "Ana's one");

    recorder.failing.store(503, Ordering::SeqCst);
    let unanswered = summary(
        &ana,
        addr,
        &format!("channel=presence-lobby&after={}", seen.id),
    )
    .await;
    assert_eq!(
        unanswered,
        Summary {
            online: None,
            unread: 2
        },
        "no count, still the unread"
    );
}

#[tokio::test]
async fn unread_is_capped() {
    let many = Rate {
        burst: 1000,
        every: Duration::from_millis(1),
    };
    let rates = Rates {
        messages_per_session: many,
        messages_per_address: many,
        ..Rates::default()
    };
    let addr = start_with(Arc::new(Recorder::default()), &[], rates, None).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let (bo, _) = sign_in(addr, "Bo").await;
    for i in 0..=MAX_UNREAD_COUNTED {
        say(&bo, addr, &format!("m{i}")).await;
    }
    let all = summary(&ana, addr, "channel=presence-lobby&after=0").await;
    assert_eq!(all.unread, MAX_UNREAD_COUNTED);
}

#[tokio::test]
async fn a_full_room_is_counted_on_its_private_twin() {
    let recorder = Arc::new(Recorder::default());
    recorder.counts.lock().unwrap().extend([
        ("presence-lobby".to_owned(), 5),
        ("private-lobby".to_owned(), 42),
        ("presence-quiet".to_owned(), 4),
        ("private-quiet".to_owned(), 0),
    ]);
    let addr = start_with(recorder, &[], Rates::default(), Some(5)).await;
    let (ana, _) = sign_in(addr, "Ana").await;
    let full = summary(&ana, addr, "channel=presence-lobby").await;
    assert_eq!(
        full.online,
        Some(42),
        "every visitor reads a full room on the twin"
    );
    let below = summary(&ana, addr, "channel=presence-quiet").await;
    assert_eq!(below.online, Some(4), "below the limit, the members");
}

#[tokio::test]
async fn only_a_signed_in_member_of_the_room_gets_a_summary() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    let channels = ["presence-dm-a1-b2", "public-room", "presence-cache-x"];
    refused_outside_the_room(addr, "/chat/summary", &channels).await;
}
