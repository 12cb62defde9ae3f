//! A frame the driver read as JSON itself (`Connection::handle_envelope`, as the JavaScript API
//! reads frames with the browser's `JSON.parse`) does what the same frame as text does: the same
//! outputs, except that an event passes a string data on as `Payload::Kept`, which stands for
//! that data. serde_json stands in for `JSON.parse`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::Harness;
use rusher_protocol::json::{JsonText, Payload};
use rusher_protocol::wire::{Envelope, KeptData};
use rusher_protocol::{Event, Output};
use serde_json::Value;

/// The number every kept data gets here.
const KEPT: u32 = 41;

/// Two harnesses in the same state: connected, on a public, a presence and an encrypted channel.
fn twins() -> (Harness, Harness) {
    let start = || {
        let mut h = Harness::connected();
        h.subscribe_confirmed("room", "{}");
        h.subscribe_confirmed(
            "presence-room",
            r#"{"presence":{"ids":["10","11"],"hash":{"10":{"name":"Ada"},"11":null},"count":2}}"#,
        );
        h.subscribe_confirmed("private-encrypted-foobar", "{}");
        h.drain();
        h
    };
    (start(), start())
}

/// A frame's fields as the JavaScript API reads them: `event`, `channel`, `user_id`, `data`.
type Fields = (String, Option<String>, Option<String>, Option<String>);

/// What the JavaScript API hands the core for `text`: `None` when it reads the frame as text
/// (not an object with a string `event`, strings or nothing for `channel` and `user_id`, and a
/// string or nothing for `data`).
fn fields(text: &str) -> Option<Fields> {
    let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let optional = |key: &str| match frame.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    let event = frame.get("event")?.as_str()?.to_owned();
    let data = match frame.get("data") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return None,
    };
    Some((event, optional("channel")?, optional("user_id")?, data))
}

/// Feeds `text` to `a` as text and to `b` as an envelope (when the JavaScript API would), checks
/// that both say the same (a kept data must stand for the frame's data), and returns it.
fn feed_both(a: &mut Harness, b: &mut Harness, text: &str) -> Vec<Output> {
    a.receive(text);
    let expected = a.drain();
    let Some((event, channel, user_id, data)) = fields(text) else {
        b.receive(text);
        assert_eq!(b.drain(), expected, "{text}");
        return expected;
    };
    let read = {
        let data = data.clone().unwrap_or_default();
        move || data.clone()
    };
    let envelope = Envelope {
        event,
        channel,
        user_id,
        data: data.as_ref().map(|_| KeptData {
            id: KEPT,
            text: &read,
        }),
    };
    b.conn.handle_envelope(b.socket.unwrap(), envelope, b.now);
    let got: Vec<Output> = b
        .drain()
        .into_iter()
        .map(|output| match output {
            Output::Event(Event::Message {
                channel,
                event,
                data: Payload::Kept(id),
                user_id,
            }) => {
                assert_eq!(id, KEPT, "{text}");
                let data = JsonText::decode(data.clone().expect("a kept data was there"));
                Output::Event(Event::Message {
                    channel,
                    event,
                    data: Payload::Json(data),
                    user_id,
                })
            }
            other => other,
        })
        .collect();
    assert_eq!(got, expected, "{text}");
    expected
}

#[test]
fn every_kind_of_frame_does_the_same_read_either_way() {
    let (mut a, mut b) = twins();
    for text in [
        r#"{"event":"message","channel":"room","data":"{\"text\":\"hi \\u00e9 \\ud83d\\ude00\"}"}"#,
        r#"{"event":"message","channel":"room","data":"not JSON"}"#,
        r#"{"event":"message","channel":"room","data":"\"42\""}"#,
        r#"{"event":"message","channel":"room"}"#,
        r#"{"event":"message","channel":"room","data":{"an":"object"}}"#,
        r#"{"event":"message","channel":null,"data":"1"}"#,
        r#"{"event":"message","data":"{}"}"#,
        r#"{"event":"message","channel":"elsewhere","data":"{}"}"#,
        r#"{"event":"client-typing","channel":"presence-room","data":"{}","user_id":"11"}"#,
        r#"{"event":"client-typing","channel":"presence-room","data":"{}","user_id":12}"#,
        r#"{"event":"pusher_internal:member_added","channel":"presence-room","data":"{\"user_id\":\"12\",\"user_info\":{\"name\":\"Ben\"}}"}"#,
        r#"{"event":"pusher_internal:member_added","channel":"presence-room","data":"{\"user_id\":13}"}"#,
        r#"{"event":"pusher_internal:member_removed","channel":"presence-room","data":"{\"user_id\":\"12\"}"}"#,
        r#"{"event":"pusher_internal:member_removed","channel":"presence-room","data":"{}"}"#,
        r#"{"event":"pusher_internal:subscription_count","channel":"room","data":"{\"subscription_count\":3}"}"#,
        r#"{"event":"pusher:cache_miss","channel":"room"}"#,
        r#"{"event":"pusher_internal:unknown","channel":"room","data":"{}"}"#,
        r#"{"event":"pusher:error","data":"{\"code\":4100,\"message\":\"over\"}"}"#,
        r#"{"event":"pusher:error","data":{"code":4200,"message":"later"}}"#,
        r#"{"event":"pusher:ping","data":"{}"}"#,
        r#"{"event":"pusher:pong"}"#,
        r#"{"event":"pusher:signin_success","data":"{\"user_data\":\"{\\\"id\\\":\\\"7\\\"}\"}"}"#,
        r#"{"event":"pusher_internal:watchlist_events","data":"{\"events\":[{\"name\":\"online\",\"user_ids\":[\"1\"]}]}"}"#,
        r#"{"event":"secret","channel":"private-encrypted-foobar","data":"{\"nonce\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\",\"ciphertext\":\"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0=\"}"}"#,
        r#"{"event":"secret","channel":"private-encrypted-foobar","data":"{\"nonce\":\"AQ\"}"}"#,
        r#"{"event":"pusher:subscription_error","channel":"room","data":"{\"type\":\"AuthError\",\"error\":\"no\",\"status\":403}"}"#,
        r#"{"event":7}"#,
        r#"["event"]"#,
        "not a frame",
    ] {
        feed_both(&mut a, &mut b, text);
    }
    // The core decrypts an encrypted channel's events: it reads their kept data.
    let encrypted = r#"{"event":"secret","channel":"private-encrypted-foobar","data":"{\"nonce\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\",\"ciphertext\":\"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0=\"}"}"#;
    let hello = Output::Event(Event::Message {
        channel: Some("private-encrypted-foobar".into()),
        event: "secret".into(),
        data: Payload::Json(JsonText::parse(r#"{"message":"hello"}"#).unwrap()),
        user_id: None,
    });
    assert_eq!(feed_both(&mut a, &mut b, encrypted), vec![hello]);
}

#[cfg(not(target_arch = "wasm32"))]
mod any_frame {
    use super::*;
    use proptest::prelude::*;

    /// Events of every kind the core routes: its own, a client's, anyone's.
    fn event() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("pusher_internal:member_added".to_owned()),
            Just("pusher_internal:member_removed".to_owned()),
            Just("pusher_internal:subscription_count".to_owned()),
            Just("pusher_internal:subscription_succeeded".to_owned()),
            Just("pusher:error".to_owned()),
            Just("pusher:ping".to_owned()),
            Just("client-typing".to_owned()),
            "[a-z:_-]{0,12}",
        ]
    }

    fn channel() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            Just("room".to_owned()),
            Just("presence-room".to_owned()),
            Just("private-encrypted-foobar".to_owned()),
            "[a-z-]{0,10}",
        ])
    }

    /// A `data` string: JSON text of the shapes the protocol's events carry, or any text.
    fn data() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            ("[0-9a-z]{0,4}", ".{0,8}").prop_map(|(id, name)| {
                serde_json::json!({"user_id": id, "user_info": {"name": name}}).to_string()
            }),
            (0u64..5).prop_map(|n| serde_json::json!({ "subscription_count": n }).to_string()),
            ".{0,16}",
            any::<i32>().prop_map(|n| n.to_string()),
        ])
    }

    proptest! {
        #[test]
        fn any_frame_does_the_same_read_either_way(
            frames in prop::collection::vec(
                (event(), channel(), prop::option::of("[0-9]{1,3}"), data()),
                1..12,
            )
        ) {
            let (mut a, mut b) = twins();
            for (event, channel, user_id, data) in frames {
                let mut frame = serde_json::Map::new();
                frame.insert("event".into(), event.into());
                if let Some(channel) = channel {
                    frame.insert("channel".into(), channel.into());
                }
                if let Some(data) = data {
                    frame.insert("data".into(), data.into());
                }
                if let Some(user_id) = user_id {
                    frame.insert("user_id".into(), user_id.into());
                }
                feed_both(&mut a, &mut b, &Value::Object(frame).to_string());
            }
        }
    }
}
