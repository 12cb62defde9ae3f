//! Client events: where they are allowed, the outbox that keeps them while the channel is not
//! subscribed, its order, caps and age limit, and the client-side rate limit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// On wasm32, `#[test]` is wasm-bindgen-test's: the same tests run in headless Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use std::time::Duration;

use common::json;
use common::{Harness, auth_requests, config, events, frames};
use rusher_protocol::OutboxConfig;
use rusher_protocol::{DropReason, Error, Event};

const SEC: Duration = Duration::from_secs(1);

fn typing(n: u32) -> String {
    format!(r#"{{"event":"client-typing","channel":"private-room","data":{{"n":{n}}}}}"#)
}

#[test]
fn client_events_only_where_allowed() {
    let mut h = Harness::connected();
    for channel in [
        "news",
        "cache-x",
        "private-encrypted-x",
        "private-room",
        "presence-room",
    ] {
        h.conn.subscribe(channel, h.now).unwrap();
    }
    let refused = |h: &mut Harness, channel: &str, event: &str| {
        let now = h.now;
        h.conn.trigger(channel, event, json!({}).into(), now)
    };
    for channel in ["news", "cache-x", "private-encrypted-x"] {
        assert!(
            matches!(
                refused(&mut h, channel, "client-x"),
                Err(Error::ClientEventRefused(_))
            ),
            "{channel}"
        );
    }
    assert!(matches!(
        refused(&mut h, "private-room", "typing"),
        Err(Error::ClientEventRefused(_))
    ));
    assert!(matches!(
        refused(
            &mut h,
            "private-room",
            &format!("client-{}", "x".repeat(200))
        ),
        Err(Error::ClientEventRefused(_))
    ));
    assert_eq!(
        refused(&mut h, "private-unknown", "client-x"),
        Err(Error::UnknownChannel("private-unknown".into()))
    );
    assert!(refused(&mut h, "private-room", "client-x").is_ok());
    assert!(refused(&mut h, "presence-room", "client-x").is_ok());
}

#[test]
fn client_event_data_is_limited_to_10_kb() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("private-room", "{}");
    let fits = "x".repeat(10 * 1024 - 2);
    assert!(
        h.conn
            .trigger("private-room", "client-big", json!(fits).into(), h.now)
            .is_ok()
    );
    let over = "x".repeat(10 * 1024 - 1);
    assert_eq!(
        h.conn
            .trigger("private-room", "client-big", json!(over).into(), h.now),
        Err(Error::ClientEventRefused("the data is larger than 10 KB"))
    );
}

#[test]
fn subscribed_client_events_go_out_at_once() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("private-room", "{}");
    h.drain();
    h.conn
        .trigger(
            "private-room",
            "client-typing",
            json!({"n": 1}).into(),
            h.now,
        )
        .unwrap();
    assert_eq!(h.sent(), vec![typing(1)]);
}

#[test]
fn events_wait_for_the_subscription_and_go_in_order() {
    let mut h = Harness::new();
    h.conn.subscribe("private-room", h.now).unwrap();
    for n in 1..=3 {
        h.conn
            .trigger(
                "private-room",
                "client-typing",
                json!({"n": n}).into(),
                h.now,
            )
            .unwrap();
    }
    assert_eq!(h.conn.queued_client_events(), 3);
    h.connect();
    let request = auth_requests(&h.drain()).remove(0);
    h.authorize(&request);
    let sent = h.sent();
    assert_eq!(
        sent.len(),
        1,
        "only the subscribe until confirmed: {sent:?}"
    );
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-room","data":"{}"}"#);
    assert_eq!(h.sent(), vec![typing(1), typing(2), typing(3)]);
    assert_eq!(h.conn.queued_client_events(), 0);
}

#[test]
fn events_triggered_while_disconnected_are_sent_after_resubscribe() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("private-room", "{}");
    h.close(1006);
    h.conn
        .trigger(
            "private-room",
            "client-typing",
            json!({"n": 7}).into(),
            h.now,
        )
        .unwrap();
    assert!(h.sent().is_empty());
    h.advance(2 * SEC);
    h.establish("2.2");
    let request = auth_requests(&h.drain()).remove(0);
    h.authorize(&request);
    h.drain();
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-room","data":"{}"}"#);
    assert_eq!(h.sent(), vec![typing(7)]);
}

#[test]
fn rate_limit_holds_events_back_without_reordering() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("private-room", "{}");
    h.drain();
    for n in 0..25 {
        h.conn
            .trigger(
                "private-room",
                "client-typing",
                json!({"n": n}).into(),
                h.now,
            )
            .unwrap();
    }
    let first = h.sent();
    assert_eq!(first.len(), 10);
    assert!(frames(&h.advance(SEC - Duration::from_millis(1))).is_empty());
    let second = frames(&h.advance(Duration::from_millis(1)));
    assert_eq!(second.len(), 10);
    let third = frames(&h.advance(SEC));
    assert_eq!(third.len(), 5);
    let all: Vec<String> = first.into_iter().chain(second).chain(third).collect();
    assert_eq!(all, (0..25).map(typing).collect::<Vec<_>>());
}

#[test]
fn the_rate_limit_is_configurable() {
    let mut cfg = config();
    cfg.outbox.per_second = 2;
    let mut h = Harness::with_config(cfg);
    h.connect();
    h.subscribe_confirmed("private-room", "{}");
    h.drain();
    for n in 0..3 {
        h.conn
            .trigger(
                "private-room",
                "client-typing",
                json!({"n": n}).into(),
                h.now,
            )
            .unwrap();
    }
    assert_eq!(h.sent().len(), 2);
    assert_eq!(frames(&h.advance(SEC)).len(), 1);
}

#[test]
fn a_full_outbox_refuses_new_events_and_keeps_the_old() {
    let mut cfg = config();
    cfg.outbox = OutboxConfig {
        capacity: 3,
        ..OutboxConfig::default()
    };
    let mut h = Harness::with_config(cfg);
    h.conn.subscribe("private-room", h.now).unwrap();
    for n in 0..3 {
        h.conn
            .trigger(
                "private-room",
                "client-typing",
                json!({"n": n}).into(),
                h.now,
            )
            .unwrap();
    }
    assert_eq!(
        h.conn.trigger(
            "private-room",
            "client-typing",
            json!({"n": 3}).into(),
            h.now
        ),
        Err(Error::ClientEventRefused("the outbox is full"))
    );
    assert_eq!(h.conn.queued_client_events(), 3);
}

#[test]
fn old_events_expire_with_an_error_each() {
    let mut h = Harness::new();
    h.conn.subscribe("private-room", h.now).unwrap();
    h.conn
        .trigger("private-room", "client-a", json!(1).into(), h.now)
        .unwrap();
    h.advance(Duration::from_secs(10));
    h.conn
        .trigger("private-room", "client-b", json!(2).into(), h.now)
        .unwrap();
    let out = h.advance(Duration::from_secs(20));
    assert_eq!(
        events(&out),
        vec![Event::Error(Error::ClientEventDropped {
            channel: "private-room".into(),
            event: "client-a".into(),
            reason: DropReason::Expired
        })]
    );
    assert_eq!(h.conn.queued_client_events(), 1);
    let out = h.advance(Duration::from_secs(10));
    assert_eq!(events(&out).len(), 1);
    assert_eq!(h.conn.queued_client_events(), 0);
}

#[test]
fn unsubscribing_drops_that_channels_events_only() {
    let mut h = Harness::new();
    h.conn.subscribe("private-a", h.now).unwrap();
    h.conn.subscribe("private-b", h.now).unwrap();
    h.conn
        .trigger("private-a", "client-x", json!(1).into(), h.now)
        .unwrap();
    h.conn
        .trigger("private-b", "client-x", json!(2).into(), h.now)
        .unwrap();
    h.conn.unsubscribe("private-a");
    assert_eq!(
        h.events(),
        vec![Event::Error(Error::ClientEventDropped {
            channel: "private-a".into(),
            event: "client-x".into(),
            reason: DropReason::Unsubscribed
        })]
    );
    assert_eq!(h.conn.queued_client_events(), 1);
}
