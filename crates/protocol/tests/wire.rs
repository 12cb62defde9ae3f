//! Every frame in docs/protocol.md, parsed and written literally.
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
use rusher_protocol::json::{JsonText, Payload};
use rusher_protocol::wire::{
    ChannelMessage, ClientMessage, Frame, PresenceData, ServerMessage, WatchlistEvent,
    WatchlistEventKind,
};
use rusher_protocol::{AuthError, Error};

/// Parses a server frame, checks the typed message, and checks it writes back byte for byte.
fn server_roundtrip(text: &str, expected: ServerMessage) {
    let parsed = ServerMessage::parse(text).unwrap();
    assert_eq!(parsed, expected);
    assert_eq!(parsed.to_json(), text);
}

fn client_roundtrip(text: &str, expected: ClientMessage) {
    let parsed = ClientMessage::parse(text).unwrap();
    assert_eq!(parsed, expected);
    assert_eq!(parsed.to_json(), text);
}

#[test]
fn connection_established() {
    server_roundtrip(
        r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}"#,
        ServerMessage::ConnectionEstablished {
            socket_id: "123.456".into(),
            activity_timeout: Some(120),
        },
    );
}

#[test]
fn connection_established_with_object_data() {
    let parsed = ServerMessage::parse(
        r#"{"event":"pusher:connection_established","data":{"socket_id":"1.2","activity_timeout":30}}"#,
    )
    .unwrap();
    assert_eq!(
        parsed,
        ServerMessage::ConnectionEstablished {
            socket_id: "1.2".into(),
            activity_timeout: Some(30)
        }
    );
}

#[test]
fn error_refusal_with_code() {
    server_roundtrip(
        r#"{"event":"pusher:error","data":{"message":"Application does not exist","code":4001}}"#,
        ServerMessage::Error {
            code: Some(4001),
            message: "Application does not exist".into(),
        },
    );
}

#[test]
fn error_with_null_or_absent_code() {
    server_roundtrip(
        r#"{"event":"pusher:error","data":{"message":"...","code":null}}"#,
        ServerMessage::Error {
            code: None,
            message: "...".into(),
        },
    );
    assert_eq!(
        ServerMessage::parse(r#"{"event":"pusher:error","data":{"message":"x"}}"#).unwrap(),
        ServerMessage::Error {
            code: None,
            message: "x".into()
        }
    );
}

#[test]
fn ping_and_pong_both_ways() {
    server_roundtrip(r#"{"event":"pusher:ping","data":{}}"#, ServerMessage::Ping);
    server_roundtrip(r#"{"event":"pusher:pong","data":{}}"#, ServerMessage::Pong);
    client_roundtrip(r#"{"event":"pusher:ping","data":{}}"#, ClientMessage::Ping);
    client_roundtrip(r#"{"event":"pusher:pong","data":{}}"#, ClientMessage::Pong);
    // sockudo sends pong without data.
    assert_eq!(
        ServerMessage::parse(r#"{"event":"pusher:pong"}"#).unwrap(),
        ServerMessage::Pong
    );
}

#[test]
fn subscribe_frames() {
    client_roundtrip(
        r#"{"event":"pusher:subscribe","data":{"channel":"my-channel"}}"#,
        ClientMessage::Subscribe {
            channel: "my-channel".into(),
            auth: None,
            channel_data: None,
        },
    );
    client_roundtrip(
        r#"{"event":"pusher:subscribe","data":{"channel":"private-foobar","auth":"278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"}}"#,
        ClientMessage::Subscribe {
            channel: "private-foobar".into(),
            auth: Some("278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4".into()),
            channel_data: None,
        },
    );
    client_roundtrip(
        r#"{"event":"pusher:subscribe","data":{"channel":"presence-foobar","auth":"KEY:SIG","channel_data":"{\"user_id\":\"10\",\"user_info\":{\"name\":\"Mr. Channels\"}}"}}"#,
        ClientMessage::Subscribe {
            channel: "presence-foobar".into(),
            auth: Some("KEY:SIG".into()),
            channel_data: Some(r#"{"user_id":"10","user_info":{"name":"Mr. Channels"}}"#.into()),
        },
    );
    client_roundtrip(
        r##"{"event":"pusher:subscribe","data":{"channel":"#server-to-user-10","auth":""}}"##,
        ClientMessage::Subscribe {
            channel: "#server-to-user-10".into(),
            auth: Some(String::new()),
            channel_data: None,
        },
    );
}

#[test]
fn unsubscribe_frame() {
    client_roundtrip(
        r#"{"event":"pusher:unsubscribe","data":{"channel":"private-foobar"}}"#,
        ClientMessage::Unsubscribe {
            channel: "private-foobar".into(),
        },
    );
}

#[test]
fn subscription_succeeded_public_and_presence() {
    server_roundtrip(
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"my-channel","data":"{}"}"#,
        ChannelMessage::SubscriptionSucceeded { presence: None }.on("my-channel"),
    );
    let hash = vec![
        ("10".to_owned(), json!({"name": "Mr. Channels"}).into()),
        ("11".to_owned(), JsonText::null()),
    ];
    server_roundtrip(
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"presence-foobar","data":"{\"presence\":{\"ids\":[\"10\",\"11\"],\"hash\":{\"10\":{\"name\":\"Mr. Channels\"},\"11\":null},\"count\":2}}"}"#,
        ChannelMessage::SubscriptionSucceeded {
            presence: Some(PresenceData {
                ids: vec!["10".into(), "11".into()],
                hash,
                count: 2,
            }),
        }
        .on("presence-foobar"),
    );
    // soketi: no data at all on public channels.
    assert_eq!(
        ServerMessage::parse(
            r#"{"event":"pusher_internal:subscription_succeeded","channel":"my-channel"}"#
        )
        .unwrap(),
        ChannelMessage::SubscriptionSucceeded { presence: None }.on("my-channel")
    );
}

#[test]
fn member_added_and_removed() {
    server_roundtrip(
        r#"{"event":"pusher_internal:member_added","channel":"presence-foobar","data":"{\"user_id\":\"12\",\"user_info\":{\"name\":\"Ana\"}}"}"#,
        ChannelMessage::MemberAdded {
            user_id: "12".into(),
            user_info: json!({"name": "Ana"}).into(),
        }
        .on("presence-foobar"),
    );
    server_roundtrip(
        r#"{"event":"pusher_internal:member_removed","channel":"presence-foobar","data":"{\"user_id\":\"12\"}"}"#,
        ChannelMessage::MemberRemoved {
            user_id: "12".into(),
        }
        .on("presence-foobar"),
    );
}

#[test]
fn subscription_count_and_cache_miss() {
    server_roundtrip(
        r#"{"event":"pusher_internal:subscription_count","channel":"my-channel","data":"{\"subscription_count\":3}"}"#,
        ChannelMessage::SubscriptionCount(3).on("my-channel"),
    );
    server_roundtrip(
        r#"{"event":"pusher:cache_miss","channel":"cache-prices"}"#,
        ChannelMessage::CacheMiss.on("cache-prices"),
    );
}

#[test]
fn subscription_error() {
    server_roundtrip(
        r#"{"event":"pusher:subscription_error","channel":"private-foobar","data":{"type":"AuthError","error":"...","status":403}}"#,
        ChannelMessage::SubscriptionError(AuthError {
            kind: "AuthError".into(),
            error: "...".into(),
            status: Some(403),
        })
        .on("private-foobar"),
    );
}

#[test]
fn channel_event_with_string_and_object_data() {
    server_roundtrip(
        r#"{"event":"new-message","channel":"my-channel","data":"{\"text\":\"hi\"}"}"#,
        ServerMessage::Event {
            event: "new-message".into(),
            channel: Some("my-channel".into()),
            data: json!({"text": "hi"}).into(),
            user_id: None,
        },
    );
    let object =
        ServerMessage::parse(r#"{"event":"e","channel":"c","data":{"text":"hi"}}"#).unwrap();
    let ServerMessage::Event { data, .. } = object else {
        panic!("not an event")
    };
    assert_eq!(data.value(), json!({"text": "hi"}));
}

#[test]
fn string_data_passes_on_as_its_literal() {
    let text = r#"{"event":"e","channel":"c","data":"{\"a\":\"\\u00e9\"}","user_id":"1"}"#;
    let ServerMessage::Event { data, .. } = ServerMessage::parse(text).unwrap() else {
        panic!("not an event")
    };
    let Payload::Literal(literal) = &data else {
        panic!("not left as its literal: {data:?}")
    };
    assert_eq!(literal.as_str(), r#""{\"a\":\"\\u00e9\"}""#);
    // Decoded, it is the JSON the string holds, its own escapes kept.
    assert_eq!(data.decode().as_str(), r#"{"a":"\u00e9"}"#);
    assert_eq!(data.value(), json!({"a": "é"}));
    // Object data and null are read by the core; absent data stays absent, and decodes as null.
    for (frame, expected) in [
        (r#"{"event":"e","data":{"b":[1]}}"#, r#"{"b":[1]}"#),
        (r#"{"event":"e","data":null}"#, "null"),
    ] {
        let ServerMessage::Event { data, .. } = ServerMessage::parse(frame).unwrap() else {
            panic!("not an event")
        };
        assert!(
            matches!(&data, Payload::Json(json) if json.as_str() == expected),
            "{data:?}"
        );
    }
    let ServerMessage::Event { data, .. } = ServerMessage::parse(r#"{"event":"e"}"#).unwrap()
    else {
        panic!("not an event")
    };
    assert!(matches!(data, Payload::Absent), "{data:?}");
    assert_eq!(data.decode().as_str(), "null");
}

#[test]
fn plain_string_data_that_is_not_json_stays_a_string() {
    server_roundtrip(
        r#"{"event":"note","channel":"c","data":"hello there"}"#,
        ServerMessage::Event {
            event: "note".into(),
            channel: Some("c".into()),
            data: json!("hello there").into(),
            user_id: None,
        },
    );
}

#[test]
fn client_event_frames_both_ways() {
    client_roundtrip(
        r#"{"event":"client-typing","channel":"presence-room","data":{"name":"Ana"}}"#,
        ClientMessage::ClientEvent {
            event: "client-typing".into(),
            channel: "presence-room".into(),
            data: json!({"name": "Ana"}).into(),
        },
    );
    server_roundtrip(
        r#"{"event":"client-typing","channel":"presence-room","data":"{\"name\":\"Ana\"}","user_id":"12"}"#,
        ServerMessage::Event {
            event: "client-typing".into(),
            channel: Some("presence-room".into()),
            data: json!({"name": "Ana"}).into(),
            user_id: Some("12".into()),
        },
    );
}

#[test]
fn signin_frames() {
    client_roundtrip(
        r#"{"event":"pusher:signin","data":{"auth":"KEY:SIG","user_data":"{\"id\":\"10\",\"user_info\":{},\"watchlist\":[\"11\",\"12\"]}"}}"#,
        ClientMessage::Signin {
            auth: "KEY:SIG".into(),
            user_data: r#"{"id":"10","user_info":{},"watchlist":["11","12"]}"#.into(),
        },
    );
    server_roundtrip(
        r#"{"event":"pusher:signin_success","data":{"user_data":"{\"id\":\"10\"}"}}"#,
        ServerMessage::SigninSuccess {
            user_data: r#"{"id":"10"}"#.into(),
        },
    );
}

#[test]
fn server_to_user_event() {
    server_roundtrip(
        r##"{"event":"my-notice","channel":"#server-to-user-10","data":"{\"n\":1}"}"##,
        ServerMessage::Event {
            event: "my-notice".into(),
            channel: Some("#server-to-user-10".into()),
            data: json!({"n": 1}).into(),
            user_id: None,
        },
    );
}

#[test]
fn watchlist_events() {
    server_roundtrip(
        r#"{"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"online","user_ids":["11"]},{"name":"offline","user_ids":["12"]}]}}"#,
        ServerMessage::Watchlist(vec![
            WatchlistEvent {
                kind: WatchlistEventKind::Online,
                user_ids: vec!["11".into()],
            },
            WatchlistEvent {
                kind: WatchlistEventKind::Offline,
                user_ids: vec!["12".into()],
            },
        ]),
    );
}

#[test]
fn unknown_events_pass_through() {
    let parsed = ServerMessage::parse(r#"{"event":"pusher:something_new","data":"x"}"#).unwrap();
    assert_eq!(
        parsed,
        ServerMessage::Event {
            event: "pusher:something_new".into(),
            channel: None,
            data: json!("x").into(),
            user_id: None
        }
    );
}

#[test]
fn malformed_frames_are_typed_errors() {
    for bad in [
        "",
        "not json",
        "[]",
        "42",
        r#"{"channel":"x"}"#,
        r#"{"event":7}"#,
        r#"{"event":"pusher:connection_established","data":"{}"}"#,
        r#"{"event":"pusher_internal:subscription_succeeded","data":"{}"}"#,
        r#"{"event":"pusher_internal:member_added","channel":"presence-x","data":"{}"}"#,
        r#"{"event":"pusher_internal:subscription_count","channel":"x","data":"{}"}"#,
        r#"{"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"away"}]}}"#,
    ] {
        match ServerMessage::parse(bad) {
            Err(Error::MalformedFrame(_)) => {}
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
}

#[test]
fn oversized_frames_are_refused_before_parsing() {
    let huge = format!(
        r#"{{"event":"e","data":"{}"}}"#,
        "x".repeat(rusher_protocol::wire::MAX_FRAME_BYTES)
    );
    assert!(matches!(Frame::parse(&huge), Err(Error::MalformedFrame(_))));
}

#[test]
fn client_messages_a_server_refuses() {
    assert!(ClientMessage::parse(r#"{"event":"not-client","channel":"c","data":{}}"#).is_err());
    assert!(ClientMessage::parse(r#"{"event":"client-x","data":{}}"#).is_err());
    assert!(ClientMessage::parse(r#"{"event":"pusher:subscribe","data":{}}"#).is_err());
}
