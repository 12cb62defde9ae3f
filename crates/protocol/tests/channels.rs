//! Channels: names and kinds, subscribe and resubscribe, auth (single and batched), presence,
//! encrypted channels, and user sign-in with server-to-user events and the watchlist.
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

use common::json;
use common::{
    Harness, KEY, SECRET, auth_requests, config, events, frames, sign_channel, user_auth_requests,
};
use rusher_protocol::channels::{validate_name, validate_name_server};
use rusher_protocol::json::Value;
use rusher_protocol::{
    Access, AuthError, AuthRequest, ChannelAuth, ChannelKind, Error, Event, Member, UserAuth, sign,
};

fn kind(access: Access, cache: bool) -> ChannelKind {
    ChannelKind { access, cache }
}

#[test]
fn kinds_by_prefix_longest_first() {
    for (name, expected) in [
        ("private-encrypted-cache-x", kind(Access::Encrypted, true)),
        ("private-encrypted-x", kind(Access::Encrypted, false)),
        ("presence-cache-x", kind(Access::Presence, true)),
        ("presence-x", kind(Access::Presence, false)),
        ("private-cache-x", kind(Access::Private, true)),
        ("private-x", kind(Access::Private, false)),
        ("cache-x", kind(Access::Public, true)),
        ("#server-to-user-10", kind(Access::ServerToUser, false)),
        ("news", kind(Access::Public, false)),
        ("privatex", kind(Access::Public, false)),
    ] {
        assert_eq!(ChannelKind::of(name), expected, "{name}");
    }
    assert!(kind(Access::Private, false).allows_client_events());
    assert!(kind(Access::Presence, true).allows_client_events());
    assert!(!kind(Access::Encrypted, false).allows_client_events());
    assert!(!kind(Access::Public, false).allows_client_events());
    assert!(!kind(Access::ServerToUser, false).allows_client_events());
}

#[test]
fn channel_name_validation() {
    assert!(validate_name("a-Z_0=9@,.;").is_ok());
    assert!(validate_name(&"x".repeat(164)).is_ok());
    for bad in [
        "",
        "has space",
        "ümlaut",
        "slash/",
        "star*",
        "#server-to-user-1",
    ] {
        let err = validate_name(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidChannelName { .. }), "{bad}");
        assert!(err.to_string().contains("invalid channel name"));
    }
    assert!(validate_name(&"x".repeat(165)).is_err());
    assert!(validate_name_server("#server-to-user-10").is_ok());
    assert!(validate_name_server("#server-to-user-").is_err());
    let mut h = Harness::new();
    assert!(h.conn.subscribe("bad name", h.now).is_err());
    assert_eq!(h.conn.channels().count(), 0);
}

#[test]
fn subscribe_before_connect_is_queued() {
    let mut h = Harness::new();
    h.conn.subscribe("news", h.now).unwrap();
    assert!(frames(&h.drain()).is_empty());
    assert!(h.conn.channel("news").unwrap().pending);
    h.connect();
    assert_eq!(
        h.sent(),
        vec![r#"{"event":"pusher:subscribe","data":{"channel":"news"}}"#]
    );
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#);
    assert_eq!(
        h.events(),
        vec![Event::SubscriptionSucceeded {
            channel: "news".into()
        }]
    );
    let status = h.conn.channel("news").unwrap();
    assert!(status.subscribed && !status.pending);
}

#[test]
fn channel_events_reach_the_user_and_internal_ones_do_not() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("news", "{}");
    h.drain();
    h.receive(r#"{"event":"new-message","channel":"news","data":"{\"text\":\"hi\"}"}"#);
    h.receive(r#"{"event":"pusher_internal:whatever","channel":"news","data":"{}"}"#);
    assert_eq!(
        h.events(),
        vec![Event::Message {
            channel: Some("news".into()),
            event: "new-message".into(),
            data: json!({"text": "hi"}).into(),
            user_id: None
        }]
    );
}

#[test]
fn private_channel_is_authorized_then_subscribed() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let requests = auth_requests(&h.drain());
    let status = h.conn.channel("private-foobar").unwrap();
    assert!(
        status.pending && !status.asked,
        "auth is awaited, not the server"
    );
    assert_eq!(
        requests,
        vec![AuthRequest {
            id: requests[0].id,
            socket_id: "1234.1234".into(),
            channels: vec!["private-foobar".into()],
            batched: false
        }]
    );
    assert_eq!(
        requests[0].form_body(&[("_token".into(), "a b&c".into())]),
        "socket_id=1234.1234&channel_name=private-foobar&_token=a+b%26c"
    );
    h.authorize(&requests[0]);
    assert_eq!(
        h.sent(),
        vec![
            r#"{"event":"pusher:subscribe","data":{"channel":"private-foobar","auth":"278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"}}"#
        ]
    );
    let status = h.conn.channel("private-foobar").unwrap();
    assert!(
        status.pending && status.asked,
        "the server's answer is awaited"
    );
}

#[test]
fn auth_failure_is_a_subscription_error_with_status() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    let results = request.parse_response(403, "Forbidden");
    h.conn.handle_channel_auth(request.id, results, h.now);
    let evs = h.events();
    let [Event::SubscriptionError { channel, error }] = evs.as_slice() else {
        panic!("{evs:?}")
    };
    assert_eq!(channel, "private-foobar");
    assert_eq!(error.kind, "AuthError");
    assert_eq!(error.status, Some(403));
    let status = h.conn.channel("private-foobar").unwrap();
    assert!(!status.subscribed && !status.pending);
}

#[test]
fn subscribing_again_retries_a_failed_channel() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    h.conn
        .handle_channel_auth(request.id, request.parse_response(500, "down"), h.now);
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let retry = auth_requests(&h.drain());
    assert_eq!(retry.len(), 1);
    assert_ne!(retry[0].id, request.id);
    h.authorize(&retry[0]);
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn unusable_auth_answers_never_panic_and_fail_the_channel() {
    let single = AuthRequest {
        id: rusher_protocol::AuthRequestId(1),
        socket_id: "1.1".into(),
        channels: vec!["private-a".into()],
        batched: false,
    };
    for body in ["", "null", "[]", "{}", r#"{"auth":5}"#, "<html>", "\u{0}"] {
        let results = single.parse_response(200, body);
        assert_eq!(results.len(), 1);
        assert_eq!(
            results[0].1.as_ref().unwrap_err().status,
            Some(200),
            "{body}"
        );
    }
    // A presence answer without usable channel_data, an encrypted one without a key.
    for (channel, auth) in [
        (
            "presence-room",
            ChannelAuth {
                auth: "k:s".into(),
                channel_data: Some("not json".into()),
                shared_secret: None,
            },
        ),
        (
            "presence-room",
            ChannelAuth {
                auth: "k:s".into(),
                channel_data: Some(r#"{"user_info":{}}"#.into()),
                shared_secret: None,
            },
        ),
        (
            "private-encrypted-room",
            ChannelAuth {
                auth: "k:s".into(),
                channel_data: None,
                shared_secret: Some("AAAA".into()),
            },
        ),
    ] {
        let mut h = Harness::connected();
        h.drain();
        h.conn.subscribe(channel, h.now).unwrap();
        let request = auth_requests(&h.drain()).remove(0);
        h.conn
            .handle_channel_auth(request.id, vec![(channel.into(), Ok(auth))], h.now);
        let out = h.drain();
        assert!(frames(&out).is_empty(), "{channel}");
        assert!(matches!(
            events(&out).as_slice(),
            [Event::SubscriptionError { .. }]
        ));
    }
}

#[test]
fn batched_auth_makes_one_request_for_channels_waiting_together() {
    let mut cfg = config();
    cfg.batch_auth = true;
    let mut h = Harness::with_config(cfg);
    for channel in ["private-a", "presence-b", "private-c", "news"] {
        h.conn.subscribe(channel, h.now).unwrap();
    }
    h.connect();
    let out = h.drain();
    let requests = auth_requests(&out);
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.channels,
        vec!["presence-b", "private-a", "private-c"]
    );
    assert_eq!(
        request.form_body(&[]),
        "socket_id=1234.1234&channel_name%5B0%5D=presence-b&channel_name%5B1%5D=private-a&channel_name%5B2%5D=private-c"
    );
    let a = sign_channel("1234.1234", "private-a");
    let b = sign_channel("1234.1234", "presence-b");
    let body = json!({"1234.1234": {
        "private-a": {"status": 200, "data": {"auth": a.auth}},
        "presence-b": {"status": 200, "data": {"auth": b.auth, "channel_data": b.channel_data}},
        "private-c": {"status": 403}
    }});
    let results = request.parse_response(200, &body.to_string());
    h.conn.handle_channel_auth(request.id, results, h.now);
    let out = h.drain();
    let sent = frames(&out);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().any(|f| f.contains("private-a")));
    assert!(
        sent.iter()
            .any(|f| f.contains("presence-b") && f.contains("channel_data"))
    );
    assert!(events(&out).iter().any(|e| matches!(
        e,
        Event::SubscriptionError { channel, error: AuthError { status: Some(403), .. } } if channel == "private-c"
    )));
}

#[test]
fn batched_answer_missing_a_channel_fails_only_that_channel() {
    let request = AuthRequest {
        id: rusher_protocol::AuthRequestId(3),
        socket_id: "1.1".into(),
        channels: vec!["private-a".into(), "private-b".into()],
        batched: true,
    };
    let results = request.parse_response(
        200,
        r#"{"1.1":{"private-a":{"status":200,"data":{"auth":"k:s"}}}}"#,
    );
    assert!(results[0].1.is_ok());
    assert!(results[1].1.is_err());
    let all = request.parse_response(500, "oops");
    assert!(
        all.iter()
            .all(|(_, r)| r.as_ref().unwrap_err().status == Some(500))
    );
}

#[test]
fn every_channel_is_resubscribed_with_fresh_auth_after_reconnect() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("news", "{}");
    h.subscribe_confirmed("private-foobar", "{}");
    h.drain();
    h.close(4200);
    h.drain();
    assert!(!h.conn.channel("news").unwrap().subscribed);
    h.establish("5.5");
    let out = h.drain();
    assert_eq!(
        frames(&out),
        vec![r#"{"event":"pusher:subscribe","data":{"channel":"news"}}"#]
    );
    let requests = auth_requests(&out);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].socket_id, "5.5");
    h.authorize(&requests[0]);
    let sent = h.sent();
    let expected = sign::channel_auth(KEY, SECRET, "5.5", "private-foobar", None);
    assert!(sent[0].contains(&expected), "{sent:?}");
}

#[test]
fn a_late_auth_answer_for_an_old_socket_is_ignored() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let old = auth_requests(&h.drain()).remove(0);
    h.close(4200);
    h.drain();
    h.establish("6.6");
    let fresh = auth_requests(&h.drain()).remove(0);
    h.authorize(&old);
    assert!(h.sent().is_empty());
    h.authorize(&fresh);
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn unsubscribe_sends_unsubscribe_and_forgets_the_channel() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("news", "{}");
    h.drain();
    h.conn.unsubscribe("news");
    assert_eq!(
        h.sent(),
        vec![r#"{"event":"pusher:unsubscribe","data":{"channel":"news"}}"#]
    );
    assert!(h.conn.channel("news").is_none());
    h.close(4200);
    h.drain();
    h.establish("7.7");
    assert!(h.sent().is_empty());
}

#[test]
fn unsubscribe_while_pending_cancels_once_the_server_confirms() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("news", h.now).unwrap();
    h.drain();
    h.conn.unsubscribe("news");
    assert!(h.sent().is_empty());
    assert!(h.conn.channel("news").is_none());
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#);
    let out = h.drain();
    assert_eq!(
        frames(&out),
        vec![r#"{"event":"pusher:unsubscribe","data":{"channel":"news"}}"#]
    );
    assert!(events(&out).is_empty());
}

#[test]
fn resubscribing_while_cancel_is_pending_keeps_the_channel() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("news", h.now).unwrap();
    h.conn.unsubscribe("news");
    h.conn.subscribe("news", h.now).unwrap();
    h.drain();
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#);
    let out = h.drain();
    assert!(frames(&out).is_empty());
    assert!(h.conn.channel("news").unwrap().subscribed);
}

#[test]
fn unsubscribe_during_auth_drops_the_answer() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-foobar", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    h.conn.unsubscribe("private-foobar");
    h.authorize(&request);
    assert!(h.drain().is_empty());
    // Unsubscribing before the request went out means it never goes out.
    h.conn.subscribe("private-other", h.now).unwrap();
    h.conn.unsubscribe("private-other");
    assert!(auth_requests(&h.drain()).is_empty());
}

#[test]
fn subscription_count_and_cache_miss() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("cache-prices", "{}");
    h.drain();
    h.receive(r#"{"event":"pusher:cache_miss","channel":"cache-prices"}"#);
    h.receive(r#"{"event":"pusher_internal:subscription_count","channel":"cache-prices","data":"{\"subscription_count\":3}"}"#);
    assert_eq!(
        h.events(),
        vec![
            Event::CacheMiss {
                channel: "cache-prices".into()
            },
            Event::SubscriptionCount {
                channel: "cache-prices".into(),
                count: 3
            }
        ]
    );
    assert_eq!(
        h.conn.channel("cache-prices").unwrap().subscription_count,
        Some(3)
    );
}

const PRESENCE_SUCCEEDED: &str =
    r#"{"presence":{"ids":["10","11"],"hash":{"10":{"name":"Mr. Channels"},"11":null},"count":2}}"#;

#[test]
fn a_refusal_after_a_success_leaves_no_members() {
    // Found by the connection fuzz target: a server that sends subscription_error for a channel
    // it confirmed. The channel is refused, and its member list goes with it.
    let mut h = Harness::connected();
    h.subscribe_confirmed("presence-foobar", PRESENCE_SUCCEEDED);
    assert!(h.conn.members("presence-foobar").is_some());
    h.receive(r#"{"event":"pusher:subscription_error","channel":"presence-foobar","data":{"type":"AuthError","error":"no","status":403}}"#);
    let status = h.conn.channel("presence-foobar").unwrap();
    assert!(!status.subscribed && !status.pending);
    assert!(h.conn.members("presence-foobar").is_none());
}

#[test]
fn presence_members_me_count_added_and_removed() {
    let mut h = Harness::connected();
    let sent = h.subscribe_confirmed("presence-foobar", PRESENCE_SUCCEEDED);
    assert!(sent[0].contains(r#""channel_data":"{\"user_id\":\"10\""#));
    let members = h.conn.members("presence-foobar").unwrap();
    assert_eq!(members.count(), 2);
    assert_eq!(
        members.me(),
        Some(Member {
            id: "10".into(),
            info: json!({"name": "Mr. Channels"}).into()
        })
    );
    assert_eq!(
        members.get("11").unwrap().info,
        rusher_protocol::json::JsonText::null()
    );
    h.drain();
    h.receive(r#"{"event":"pusher_internal:member_added","channel":"presence-foobar","data":"{\"user_id\":\"12\",\"user_info\":{\"name\":\"Ana\"}}"}"#);
    // A second connection of user 12 adds no member.
    h.receive(r#"{"event":"pusher_internal:member_added","channel":"presence-foobar","data":"{\"user_id\":\"12\",\"user_info\":{\"name\":\"Ana\"}}"}"#);
    h.receive(r#"{"event":"pusher_internal:member_removed","channel":"presence-foobar","data":"{\"user_id\":\"11\"}"}"#);
    // Removing someone who is not there says nothing.
    h.receive(r#"{"event":"pusher_internal:member_removed","channel":"presence-foobar","data":"{\"user_id\":\"99\"}"}"#);
    assert_eq!(
        h.events(),
        vec![
            Event::MemberAdded {
                channel: "presence-foobar".into(),
                member: Member {
                    id: "12".into(),
                    info: json!({"name": "Ana"}).into()
                }
            },
            Event::MemberRemoved {
                channel: "presence-foobar".into(),
                member: Member {
                    id: "11".into(),
                    info: Value::Null.into()
                }
            },
        ]
    );
    let ids: Vec<&str> = h
        .conn
        .members("presence-foobar")
        .unwrap()
        .iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, vec!["10", "12"]);
}

#[test]
fn presence_members_are_cleared_on_disconnect_and_rebuilt() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("presence-foobar", PRESENCE_SUCCEEDED);
    h.close(1006);
    assert!(h.conn.members("presence-foobar").is_none());
    h.advance(std::time::Duration::from_secs(2));
    h.establish("8.8");
    let request = auth_requests(&h.drain()).remove(0);
    h.authorize(&request);
    h.drain();
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"presence-foobar","data":"{\"presence\":{\"ids\":[\"10\"],\"hash\":{\"10\":{}},\"count\":1}}"}"#);
    assert_eq!(h.conn.members("presence-foobar").unwrap().count(), 1);
}

#[test]
fn client_events_on_presence_carry_user_id() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("presence-room", PRESENCE_SUCCEEDED);
    h.drain();
    h.receive(r#"{"event":"client-typing","channel":"presence-room","data":"{\"name\":\"Ana\"}","user_id":"12"}"#);
    assert_eq!(
        h.events(),
        vec![Event::Message {
            channel: Some("presence-room".into()),
            event: "client-typing".into(),
            data: json!({"name": "Ana"}).into(),
            user_id: Some("12".into())
        }]
    );
}

const ENCRYPTED: &str = r#"{"event":"secret","channel":"private-encrypted-foobar","data":"{\"nonce\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\",\"ciphertext\":\"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0=\"}"}"#;

fn hello() -> Event {
    Event::Message {
        channel: Some("private-encrypted-foobar".into()),
        event: "secret".into(),
        data: json!({"message": "hello"}).into(),
        user_id: None,
    }
}

#[test]
fn encrypted_events_are_decrypted() {
    let mut h = Harness::connected();
    let sent = h.subscribe_confirmed("private-encrypted-foobar", "{}");
    assert!(
        !sent[0].contains("shared_secret"),
        "the key never goes to the server"
    );
    h.drain();
    h.receive(ENCRYPTED);
    assert_eq!(h.events(), vec![hello()]);
}

/// Subscribes with a wrong key, then returns the harness and the refresh request.
fn subscribed_with_stale_key() -> (Harness, AuthRequest) {
    let mut h = Harness::connected();
    h.drain();
    h.conn.subscribe("private-encrypted-foobar", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    let mut stale = sign_channel("1234.1234", "private-encrypted-foobar");
    stale.shared_secret = Some(sign::shared_secret(&[1; 32], "x").to_base64());
    h.conn.handle_channel_auth(
        request.id,
        vec![("private-encrypted-foobar".into(), Ok(stale))],
        h.now,
    );
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-encrypted-foobar","data":"{}"}"#);
    h.drain();
    h.receive(ENCRYPTED);
    h.receive(ENCRYPTED);
    let out = h.drain();
    assert!(events(&out).is_empty(), "{out:?}");
    let refresh = auth_requests(&out);
    assert_eq!(refresh.len(), 1, "one refresh for both events");
    (h, refresh.into_iter().next().unwrap())
}

#[test]
fn a_stale_key_is_refreshed_once_and_the_events_retried() {
    let (mut h, refresh) = subscribed_with_stale_key();
    h.authorize(&refresh);
    let out = h.drain();
    assert!(
        frames(&out).is_empty(),
        "a key refresh does not resubscribe"
    );
    assert_eq!(events(&out), vec![hello(), hello()]);
    h.receive(ENCRYPTED);
    assert_eq!(h.events(), vec![hello()]);
}

#[test]
fn events_that_still_fail_after_a_refresh_become_errors() {
    let (mut h, refresh) = subscribed_with_stale_key();
    let mut still_wrong = sign_channel("1234.1234", "private-encrypted-foobar");
    still_wrong.shared_secret = Some(sign::shared_secret(&[2; 32], "y").to_base64());
    h.conn.handle_channel_auth(
        refresh.id,
        vec![("private-encrypted-foobar".into(), Ok(still_wrong))],
        h.now,
    );
    let error = Event::Error(Error::Decryption {
        channel: "private-encrypted-foobar".into(),
        event: "secret".into(),
    });
    assert_eq!(h.events(), vec![error.clone(), error]);
    assert!(
        h.conn
            .channel("private-encrypted-foobar")
            .unwrap()
            .subscribed
    );
}

#[test]
fn malformed_encrypted_payloads_are_errors_without_refresh() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("private-encrypted-foobar", "{}");
    h.drain();
    h.receive(
        r#"{"event":"secret","channel":"private-encrypted-foobar","data":"{\"text\":\"plain\"}"}"#,
    );
    let out = h.drain();
    assert!(auth_requests(&out).is_empty());
    assert!(matches!(
        events(&out).as_slice(),
        [Event::Error(Error::Decryption { .. })]
    ));
    // pusher: events are not encrypted.
    h.receive(r#"{"event":"pusher:cache_miss","channel":"private-encrypted-foobar"}"#);
    assert_eq!(h.events().len(), 1);
}

fn user_data() -> String {
    r#"{"id":"10","user_info":{"name":"Mr. Channels"},"watchlist":["11","12"]}"#.to_owned()
}

fn signed_in() -> Harness {
    let mut h = Harness::new();
    h.conn.signin(h.now);
    h.connect();
    let request = user_auth_requests(&h.drain()).remove(0);
    assert_eq!(request.socket_id, "1234.1234");
    assert_eq!(request.form_body(&[]), "socket_id=1234.1234");
    let auth = UserAuth {
        auth: sign::user_auth(KEY, SECRET, &request.socket_id, &user_data()),
        user_data: user_data(),
    };
    h.conn.handle_user_auth(request.id, Ok(auth));
    let sent = h.sent();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].starts_with(r#"{"event":"pusher:signin","data":{"auth":"278d425bdf160c739803:"#)
    );
    h.receive(&format!(
        r#"{{"event":"pusher:signin_success","data":{}}}"#,
        json!({ "user_data": user_data() })
    ));
    h
}

#[test]
fn signin_subscribes_the_server_to_user_channel() {
    let mut h = signed_in();
    let out = h.drain();
    assert_eq!(
        frames(&out),
        vec![r##"{"event":"pusher:subscribe","data":{"channel":"#server-to-user-10","auth":""}}"##]
    );
    assert!(events(&out).iter().any(|e| matches!(
        e,
        Event::SignedIn { user_id, .. } if user_id == "10"
    )));
    assert_eq!(h.conn.user_id(), Some("10"));
    h.receive(r##"{"event":"pusher_internal:subscription_succeeded","channel":"#server-to-user-10","data":"{}"}"##);
    h.drain();
    h.receive(r##"{"event":"my-notice","channel":"#server-to-user-10","data":"{\"n\":1}"}"##);
    assert_eq!(
        h.events(),
        vec![Event::Message {
            channel: Some("#server-to-user-10".into()),
            event: "my-notice".into(),
            data: json!({"n": 1}).into(),
            user_id: None
        }]
    );
}

#[test]
fn watchlist_events_reach_the_user() {
    let mut h = signed_in();
    h.drain();
    h.receive(r#"{"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"online","user_ids":["11"]},{"name":"offline","user_ids":["12"]}]}}"#);
    assert_eq!(
        h.events(),
        vec![
            Event::Watchlist {
                kind: rusher_protocol::wire::WatchlistEventKind::Online,
                user_ids: vec!["11".into()]
            },
            Event::Watchlist {
                kind: rusher_protocol::wire::WatchlistEventKind::Offline,
                user_ids: vec!["12".into()]
            },
        ]
    );
}

#[test]
fn signin_is_repeated_after_reconnect() {
    let mut h = signed_in();
    h.drain();
    h.close(4200);
    assert_eq!(h.conn.user_id(), None);
    h.drain();
    h.establish("9.9");
    let out = h.drain();
    let requests = user_auth_requests(&out);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].socket_id, "9.9");
    assert!(
        frames(&out).iter().all(|f| !f.contains("#server-to-user-")),
        "the user channel waits for the new sign-in"
    );
}

#[test]
fn signin_errors() {
    for (status, body) in [
        (403, "no"),
        (200, "{}"),
        (200, r#"{"auth":"k:s","user_data":"{\"id\":\"\"}"}"#),
        (200, r#"{"auth":"k:s","user_data":"{\"name\":\"x\"}"}"#),
        (200, r#"{"auth":"k:s","user_data":"not json"}"#),
    ] {
        let mut h = Harness::new();
        h.conn.signin(h.now);
        h.connect();
        let request = user_auth_requests(&h.drain()).remove(0);
        h.conn
            .handle_user_auth(request.id, request.parse_response(status, body));
        let out = h.drain();
        assert!(frames(&out).is_empty(), "{body}");
        let evs = events(&out);
        assert!(
            matches!(evs.as_slice(), [Event::SigninError(AuthError { .. })]),
            "{body}: {evs:?}"
        );
        if status == 403 {
            assert!(matches!(&evs[0], Event::SigninError(e) if e.status == Some(403)));
        }
    }
}

#[test]
fn presence_without_channel_data_uses_the_signed_in_user_as_me() {
    let mut h = signed_in();
    h.drain();
    h.conn.subscribe("presence-room", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    let auth = ChannelAuth {
        auth: sign::channel_auth(KEY, SECRET, "1234.1234", "presence-room", None),
        channel_data: None,
        shared_secret: None,
    };
    h.conn
        .handle_channel_auth(request.id, vec![("presence-room".into(), Ok(auth))], h.now);
    h.drain();
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"presence-room","data":"{\"presence\":{\"ids\":[\"10\"],\"hash\":{\"10\":{}},\"count\":1}}"}"#);
    assert_eq!(
        h.conn.members("presence-room").unwrap().me().unwrap().id,
        "10"
    );
}

#[test]
fn a_subscription_the_server_never_answers_times_out_and_a_late_answer_still_counts() {
    let mut h = Harness::connected();
    h.conn.subscribe("news", h.now).unwrap();
    h.drain();
    // Some servers (sockudo) answer a refused subscription with a channel-less pusher:error only.
    h.receive(
        r#"{"event":"pusher:error","data":{"code":4009,"message":"Connection is unauthorized"}}"#,
    );
    h.drain();
    let timed_out = |outputs: &[rusher_protocol::Output]| {
        events(outputs)
            .into_iter()
            .filter(|e| matches!(e, Event::SubscriptionError { .. }))
            .collect::<Vec<_>>()
    };
    assert!(timed_out(&h.advance(std::time::Duration::from_secs(29))).is_empty());
    assert_eq!(
        timed_out(&h.advance(std::time::Duration::from_secs(2))),
        vec![Event::SubscriptionError {
            channel: "news".into(),
            error: AuthError {
                kind: "SubscriptionTimeout".into(),
                error: "the server did not answer the subscription".into(),
                status: None,
            },
        }]
    );
    let status = h.conn.channel("news").unwrap();
    assert!(!status.subscribed && !status.pending);
    // A confirmation that comes late still counts.
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#);
    assert!(h.conn.channel("news").unwrap().subscribed);
}

#[test]
fn a_subscription_started_while_another_waits_times_out_too() {
    let mut h = Harness::connected();
    let timed_out = |outputs: &[rusher_protocol::Output]| -> Vec<String> {
        events(outputs)
            .into_iter()
            .filter_map(|e| match e {
                Event::SubscriptionError { channel, error }
                    if error.kind == "SubscriptionTimeout" =>
                {
                    Some(channel)
                }
                _ => None,
            })
            .collect()
    };
    h.conn.subscribe("first", h.now).unwrap();
    h.drain();
    assert!(timed_out(&h.advance(std::time::Duration::from_secs(20))).is_empty());
    // A second subscription while the first one's timeout is armed.
    h.conn.subscribe("second", h.now).unwrap();
    h.drain();
    assert_eq!(
        timed_out(&h.advance(std::time::Duration::from_secs(11))),
        vec!["first".to_owned()]
    );
    // The second waited 11 s so far; its timeout is armed when the first one fires, so it
    // waits at least the timeout and at most twice that.
    assert!(timed_out(&h.advance(std::time::Duration::from_secs(28))).is_empty());
    assert_eq!(
        timed_out(&h.advance(std::time::Duration::from_secs(2))),
        vec!["second".to_owned()]
    );
    // A confirmed subscription never times out.
    h.conn.subscribe("third", h.now).unwrap();
    h.receive(
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"third","data":"{}"}"#,
    );
    assert!(timed_out(&h.advance(std::time::Duration::from_secs(60))).is_empty());
    assert!(h.conn.channel("third").unwrap().subscribed);
}

#[test]
fn an_auth_endpoint_that_never_answers_times_out_and_its_late_answer_is_ignored() {
    let mut h = Harness::connected();
    h.conn.subscribe("private-hung", h.now).unwrap();
    let request = auth_requests(&h.drain()).remove(0);
    let failures = |outputs: &[rusher_protocol::Output]| -> Vec<AuthError> {
        events(outputs)
            .into_iter()
            .filter_map(|e| match e {
                Event::SubscriptionError { error, .. } => Some(error),
                _ => None,
            })
            .collect()
    };
    assert!(failures(&h.advance(std::time::Duration::from_secs(29))).is_empty());
    assert!(h.conn.channel("private-hung").unwrap().pending);
    assert_eq!(
        failures(&h.advance(std::time::Duration::from_secs(2))),
        vec![AuthError {
            kind: "AuthTimeout".into(),
            error: "the auth endpoint did not answer".into(),
            status: None,
        }]
    );
    let status = h.conn.channel("private-hung").unwrap();
    assert!(!status.subscribed && !status.pending);
    // The answer that finally comes is for a request given up on: nothing is sent.
    let auth = sign_channel(h.conn.socket_id().unwrap(), "private-hung");
    h.conn
        .handle_channel_auth(request.id, vec![("private-hung".into(), Ok(auth))], h.now);
    assert!(frames(&h.drain()).is_empty());
    // Subscribing again asks again, and that answer counts.
    h.conn.subscribe("private-hung", h.now).unwrap();
    let again = auth_requests(&h.drain()).remove(0);
    h.authorize(&again);
    assert_eq!(frames(&h.drain()).len(), 1);
}

#[test]
fn a_signin_the_server_never_confirms_times_out_and_can_be_tried_again() {
    let mut h = Harness::new();
    h.conn.signin(h.now);
    h.connect();
    let request = user_auth_requests(&h.drain()).remove(0);
    let auth = UserAuth {
        auth: sign::user_auth(KEY, SECRET, &request.socket_id, &user_data()),
        user_data: user_data(),
    };
    h.conn.handle_user_auth(request.id, Ok(auth));
    assert_eq!(h.sent().len(), 1);
    // The server refuses it with a pusher:error that names no request, and nothing else.
    h.receive(r#"{"event":"pusher:error","data":{"code":4009,"message":"Invalid signature"}}"#);
    h.drain();
    let signin_errors = |outputs: &[rusher_protocol::Output]| -> Vec<AuthError> {
        events(outputs)
            .into_iter()
            .filter_map(|e| match e {
                Event::SigninError(error) => Some(error),
                _ => None,
            })
            .collect()
    };
    assert!(signin_errors(&h.advance(std::time::Duration::from_secs(29))).is_empty());
    assert_eq!(
        signin_errors(&h.advance(std::time::Duration::from_secs(2))),
        vec![AuthError {
            kind: "SigninTimeout".into(),
            error: "the server did not answer the sign-in".into(),
            status: None,
        }]
    );
    // Asked again, it signs in again.
    h.conn.signin(h.now);
    assert_eq!(user_auth_requests(&h.drain()).len(), 1);
    // A sign-in that succeeded never times out.
    let mut done = signed_in();
    done.drain();
    assert!(signin_errors(&done.advance(std::time::Duration::from_secs(120))).is_empty());
}
