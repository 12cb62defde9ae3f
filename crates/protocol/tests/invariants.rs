//! Property tests: no sequence of inputs panics, and state and subscriptions stay consistent.
//! Native only (proptest needs the standard library's clock and file system).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::time::Duration;

use common::json;
use common::{config, established, sign_channel};
use proptest::prelude::*;
use rusher_protocol::channels::validate_name_server;
use rusher_protocol::{
    AuthError, AuthRequest, Connection, Instant, Output, SocketHandle, State, UserAuth,
    UserAuthRequest, wire::ServerMessage,
};

const CHANNELS: [&str; 6] = [
    "news",
    "cache-prices",
    "private-room",
    "presence-room",
    "private-encrypted-room",
    "bad name",
];

#[derive(Debug, Clone)]
enum Input {
    Connect,
    Disconnect,
    Online(bool),
    Subscribe(usize),
    Unsubscribe(usize),
    Trigger(usize, u8),
    Signin,
    Frame(String),
    Close(u16),
    Advance(u64),
    AnswerAuth(usize, bool),
    AnswerUserAuth(bool),
}

fn frame_templates() -> impl Strategy<Value = String> {
    let channel = prop::sample::select(CHANNELS.to_vec());
    prop_oneof![
        Just(established("1.1", 120)),
        (1u64..200).prop_map(|t| established("2.2", t)),
        Just(r#"{"event":"pusher:ping","data":{}}"#.to_owned()),
        Just(r#"{"event":"pusher:pong"}"#.to_owned()),
        Just(r#"{"event":"pusher:error","data":{"message":"x","code":4009}}"#.to_owned()),
        channel.clone().prop_map(|c| ServerMessage::SubscriptionSucceeded {
            channel: c.into(),
            presence: None
        }
        .to_json()),
        channel.clone().prop_map(|c| format!(
            r#"{{"event":"pusher_internal:subscription_succeeded","channel":"{c}","data":"{{\"presence\":{{\"ids\":[\"1\",\"2\"],\"hash\":{{\"1\":{{}},\"2\":null}},\"count\":2}}}}"}}"#
        )),
        channel.clone().prop_map(|c| ServerMessage::SubscriptionError {
            channel: c.into(),
            error: AuthError::new("no", Some(403))
        }
        .to_json()),
        (channel.clone(), 0u8..5).prop_map(|(c, id)| ServerMessage::MemberAdded {
            channel: c.into(),
            user_id: id.to_string(),
            user_info: json!({}).into()
        }
        .to_json()),
        (channel.clone(), 0u8..5).prop_map(|(c, id)| ServerMessage::MemberRemoved {
            channel: c.into(),
            user_id: id.to_string()
        }
        .to_json()),
        channel.clone().prop_map(|c| format!(
            r#"{{"event":"secret","channel":"{c}","data":"{{\"nonce\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\",\"ciphertext\":\"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0=\"}}"}}"#
        )),
        channel.prop_map(|c| format!(r#"{{"event":"news","channel":"{c}","data":"{{}}"}}"#)),
        Just(r#"{"event":"pusher:signin_success","data":{"user_data":"{\"id\":\"10\"}"}}"#.to_owned()),
        Just(r#"{"event":"pusher_internal:watchlist_events","data":{"events":[{"name":"online","user_ids":["1"]}]}}"#.to_owned()),
        ".{0,40}",
        "\\{\"event\":\"[a-z:_]{0,20}\"(,\"data\":.{0,20})?\\}",
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Connect),
        Just(Input::Disconnect),
        any::<bool>().prop_map(Input::Online),
        (0..CHANNELS.len()).prop_map(Input::Subscribe),
        (0..CHANNELS.len()).prop_map(Input::Unsubscribe),
        (0..CHANNELS.len(), any::<u8>()).prop_map(|(c, n)| Input::Trigger(c, n)),
        Just(Input::Signin),
        frame_templates().prop_map(Input::Frame),
        prop::sample::select(vec![1000u16, 1006, 4000, 4001, 4100, 4200, 4301, 4999])
            .prop_map(Input::Close),
        (0u64..40_000).prop_map(Input::Advance),
        (0usize..4, any::<bool>()).prop_map(|(i, ok)| Input::AnswerAuth(i, ok)),
        any::<bool>().prop_map(Input::AnswerUserAuth),
    ]
}

/// Drives a connection like the browser client would and checks invariants after every step.
struct Driver {
    conn: Connection,
    now: Instant,
    socket: Option<SocketHandle>,
    auth: Vec<AuthRequest>,
    user_auth: Vec<UserAuthRequest>,
    disconnected_by_user: bool,
}

impl Driver {
    fn drain(&mut self) {
        while let Some(output) = self.conn.poll_output() {
            match output {
                Output::Open { handle, .. } => {
                    assert!(
                        !self.disconnected_by_user,
                        "opened a socket after disconnect()"
                    );
                    self.socket = Some(handle);
                }
                Output::Close { handle, .. } => {
                    assert_eq!(
                        Some(handle),
                        self.socket,
                        "closed a socket that is not open"
                    );
                    self.socket = None;
                }
                Output::Send(frame) => {
                    assert!(self.socket.is_some(), "sent {frame} without a socket");
                    assert!(rusher_protocol::json::Value::parse(&frame).is_ok());
                }
                Output::Authorize(request) => {
                    assert!(!request.channels.is_empty());
                    self.auth.push(request);
                }
                Output::AuthorizeUser(request) => self.user_auth.push(request),
                Output::Event(_) => {}
            }
        }
    }

    fn step(&mut self, input: Input) {
        let now = self.now;
        match input {
            Input::Connect => {
                self.disconnected_by_user = false;
                self.conn.connect(now);
            }
            Input::Disconnect => {
                self.conn.disconnect(now);
                self.drain();
                self.disconnected_by_user = true;
            }
            Input::Online(online) => self.conn.set_online(online, now),
            Input::Subscribe(i) => {
                let _ = self.conn.subscribe(CHANNELS[i], now);
            }
            Input::Unsubscribe(i) => self.conn.unsubscribe(CHANNELS[i], now),
            Input::Trigger(i, n) => {
                let _ = self
                    .conn
                    .trigger(CHANNELS[i], "client-x", json!({ "n": n }).into(), now);
            }
            Input::Signin => self.conn.signin(now),
            Input::Frame(text) => {
                if let Some(socket) = self.socket {
                    self.conn.handle_message(socket, &text, now);
                }
            }
            Input::Close(code) => {
                if let Some(socket) = self.socket.take() {
                    self.conn.handle_close(socket, code, "", now);
                }
            }
            Input::Advance(ms) => {
                self.now = self.now + Duration::from_millis(ms);
                self.conn.handle_timeout(self.now);
            }
            Input::AnswerAuth(i, ok) => {
                if !self.auth.is_empty() {
                    let request = self.auth.remove(i % self.auth.len());
                    let results = if ok {
                        request
                            .channels
                            .iter()
                            .map(|c| (c.clone(), Ok(sign_channel(&request.socket_id, c))))
                            .collect()
                    } else {
                        request.parse_response(500, "down")
                    };
                    self.conn.handle_channel_auth(request.id, results, now);
                }
            }
            Input::AnswerUserAuth(ok) => {
                if let Some(request) = self.user_auth.pop() {
                    let result = if ok {
                        Ok(UserAuth {
                            auth: "k:s".into(),
                            user_data: r#"{"id":"10"}"#.into(),
                        })
                    } else {
                        Err(AuthError::new("no", Some(401)))
                    };
                    self.conn.handle_user_auth(request.id, result, now);
                }
            }
        }
        self.drain();
        self.check();
    }

    fn check(&self) {
        let conn = &self.conn;
        let connected = conn.state() == State::Connected;
        assert_eq!(connected, conn.socket_id().is_some());
        if connected {
            assert!(self.socket.is_some());
        }
        if matches!(conn.state(), State::Disconnected | State::Failed) {
            assert!(self.socket.is_none());
        }
        if conn.user_id().is_some() {
            assert!(connected);
        }
        assert!(conn.queued_client_events() <= conn.config().outbox.capacity);
        for name in conn.channels() {
            assert!(validate_name_server(name).is_ok(), "{name}");
            let status = conn.channel(name).unwrap();
            assert!(!(status.subscribed && status.pending));
            if status.subscribed {
                assert!(connected, "{name} subscribed while {:?}", conn.state());
            }
            if conn.members(name).is_some() {
                assert!(
                    status.subscribed,
                    "{name} has members but is not subscribed"
                );
            }
        }
        if let Some(deadline) = conn.poll_timeout() {
            assert!(deadline.as_millis() < u64::MAX / 2);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_input_sequence_panics_or_breaks_invariants(inputs in prop::collection::vec(input(), 1..80)) {
        let mut driver = Driver {
            conn: Connection::new(config(), 99),
            now: Instant::from_millis(0),
            socket: None,
            auth: Vec::new(),
            user_auth: Vec::new(),
            disconnected_by_user: false,
        };
        for input in inputs {
            driver.step(input);
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_parser(text in ".{0,200}") {
        let _ = ServerMessage::parse(&text);
        let _ = rusher_protocol::wire::ClientMessage::parse(&text);
    }

    #[test]
    fn arbitrary_auth_bodies_never_panic(status in 0u16..600, body in ".{0,200}") {
        let request = AuthRequest {
            id: rusher_protocol::AuthRequestId(1),
            socket_id: "1.1".into(),
            channels: vec!["private-a".into(), "presence-b".into()],
            batched: status % 2 == 0,
        };
        let results = request.parse_response(status, &body);
        prop_assert_eq!(results.len(), 2);
        let _ = UserAuthRequest { id: request.id, socket_id: "1.1".into() }.parse_response(status, &body);
    }
}
