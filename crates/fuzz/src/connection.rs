//! The protocol core's `Connection` driven like the browser client drives it, by any sequence of
//! inputs and times: calls from the API, frames (well-formed ones of every kind, and any text),
//! closes, auth answers and the clock. After every step: no panic, the state and the
//! subscriptions agree with each other and with the socket the driver holds, and every queue and
//! member list is within its cap.

use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use rusher_protocol::channels::validate_name_server;
use rusher_protocol::presence::MAX_MEMBERS;
use rusher_protocol::wire::ChannelMessage;
use rusher_protocol::{
    AuthError, AuthRequest, ChannelAuth, Config, Connection, Instant, Output, SocketHandle, State,
    UserAuth, UserAuthRequest, sign,
};

/// The app key and secret the channels are signed with (docs/protocol.md's example credentials).
const KEY: &str = "278d425bdf160c739803";
const SECRET: &str = "7ad3773142a6692b25b8";
const MASTER_KEY: [u8; 32] = [7; 32];
/// The most outputs one step may produce: more means something grows without bound.
const MAX_OUTPUTS_PER_STEP: usize = 1_000;
/// The most inputs one run takes (longer runs find nothing more, only run slower).
const MAX_STEPS: usize = 400;

/// The channels a run uses: one of each kind, and a name the core refuses.
const CHANNELS: [&str; 6] = [
    "news",
    "cache-prices",
    "private-room",
    "presence-room",
    "private-encrypted-room",
    "bad name",
];

/// A channel of [`CHANNELS`].
#[derive(Debug, Clone, Copy)]
struct Channel(&'static str);

impl<'a> Arbitrary<'a> for Channel {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Channel(u.choose(&CHANNELS)?))
    }
}

/// A frame from the server, well-formed, of each kind the core reads.
#[derive(Debug, Arbitrary)]
enum ServerFrame {
    Established { socket: u8, activity_timeout: u8 },
    Ping,
    Pong,
    Error { code: u16 },
    Succeeded(Channel),
    PresenceSucceeded(Channel, u8),
    SubscriptionError(Channel, u16),
    MemberAdded(Channel, u8),
    MemberRemoved(Channel, u8),
    Encrypted(Channel),
    Event(Channel, String),
    SubscriptionCount(Channel, u32),
    SigninSuccess,
    Watchlist(u8),
}

impl ServerFrame {
    fn text(&self) -> String {
        match self {
            ServerFrame::Established {
                socket,
                activity_timeout,
            } => format!(
                r#"{{"event":"pusher:connection_established","data":"{{\"socket_id\":\"{socket}.{socket}\",\"activity_timeout\":{activity_timeout}}}"}}"#
            ),
            ServerFrame::Ping => r#"{"event":"pusher:ping","data":{}}"#.to_owned(),
            ServerFrame::Pong => r#"{"event":"pusher:pong"}"#.to_owned(),
            ServerFrame::Error { code } => {
                format!(r#"{{"event":"pusher:error","data":{{"message":"x","code":{code}}}}}"#)
            }
            ServerFrame::Succeeded(Channel(c)) => {
                ChannelMessage::SubscriptionSucceeded { presence: None }
                    .on(*c)
                    .to_json()
            }
            ServerFrame::PresenceSucceeded(Channel(c), count) => {
                let ids: Vec<String> = (0..*count % 16).map(|i| format!("\\\"{i}\\\"")).collect();
                let hash: Vec<String> = (0..*count % 16)
                    .map(|i| format!("\\\"{i}\\\":{{}}"))
                    .collect();
                format!(
                    r#"{{"event":"pusher_internal:subscription_succeeded","channel":"{c}","data":"{{\"presence\":{{\"ids\":[{}],\"hash\":{{{}}},\"count\":{}}}}}"}}"#,
                    ids.join(","),
                    hash.join(","),
                    count % 16
                )
            }
            ServerFrame::SubscriptionError(Channel(c), status) => {
                ChannelMessage::SubscriptionError(AuthError::new("no", Some(*status)))
                    .on(*c)
                    .to_json()
            }
            ServerFrame::MemberAdded(Channel(c), id) => format!(
                r#"{{"event":"pusher_internal:member_added","channel":"{c}","data":"{{\"user_id\":\"{id}\",\"user_info\":{{}}}}"}}"#
            ),
            ServerFrame::MemberRemoved(Channel(c), id) => format!(
                r#"{{"event":"pusher_internal:member_removed","channel":"{c}","data":"{{\"user_id\":\"{id}\"}}"}}"#
            ),
            ServerFrame::Encrypted(Channel(c)) => format!(
                r#"{{"event":"secret","channel":"{c}","data":"{{\"nonce\":\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\",\"ciphertext\":\"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0=\"}}"}}"#
            ),
            ServerFrame::Event(Channel(c), data) => {
                let data = serde_json::to_string(data).unwrap_or_default();
                format!(r#"{{"event":"news","channel":"{c}","data":{data}}}"#)
            }
            ServerFrame::SubscriptionCount(Channel(c), n) => format!(
                r#"{{"event":"pusher_internal:subscription_count","channel":"{c}","data":"{{\"subscription_count\":{n}}}"}}"#
            ),
            ServerFrame::SigninSuccess => {
                r#"{"event":"pusher:signin_success","data":{"user_data":"{\"id\":\"10\"}"}}"#
                    .to_owned()
            }
            ServerFrame::Watchlist(id) => format!(
                r#"{{"event":"pusher_internal:watchlist_events","data":{{"events":[{{"name":"online","user_ids":["{id}"]}}]}}}}"#
            ),
        }
    }
}

/// One thing that happens to a connection.
#[derive(Debug, Arbitrary)]
enum Input {
    Connect,
    Disconnect,
    Online(bool),
    Subscribe(Channel),
    Unsubscribe(Channel),
    Trigger(Channel, u8),
    Signin,
    Frame(ServerFrame),
    Text(String),
    Close(u16),
    Advance(u16),
    AnswerAuth(u8, bool),
    AnswerUserAuth(bool),
}

/// Runs one input: a sequence of [`Input`]s. With `RUSHER_FUZZ_TRACE` set, prints each step
/// (to read what a crash did).
pub fn run(data: &[u8]) {
    let trace = std::env::var_os("RUSHER_FUZZ_TRACE").is_some();
    let mut input = Unstructured::new(data);
    let mut driver = Driver::new();
    for _ in 0..MAX_STEPS {
        match Input::arbitrary(&mut input) {
            Ok(step) => {
                if trace {
                    eprintln!("{step:?}");
                }
                driver.step(step);
            }
            Err(_) => break,
        }
    }
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
    fn new() -> Self {
        Driver {
            conn: Connection::new(Config::for_host(KEY, "127.0.0.1", 6001, 6002, false), 99),
            now: Instant::from_millis(0),
            socket: None,
            auth: Vec::new(),
            user_auth: Vec::new(),
            disconnected_by_user: false,
        }
    }

    fn drain(&mut self) {
        let mut outputs = 0;
        while let Some(output) = self.conn.poll_output() {
            outputs += 1;
            assert!(outputs <= MAX_OUTPUTS_PER_STEP, "outputs without end");
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
                    assert!(
                        rusher_protocol::json::Value::parse(&frame).is_ok(),
                        "sent {frame}, which is not JSON"
                    );
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
                self.conn.disconnect();
                self.drain();
                self.disconnected_by_user = true;
            }
            Input::Online(online) => self.conn.set_online(online, now),
            Input::Subscribe(Channel(name)) => {
                let _ = self.conn.subscribe(name, now);
            }
            Input::Unsubscribe(Channel(name)) => self.conn.unsubscribe(name),
            Input::Trigger(Channel(name), n) => {
                let data = rusher_protocol::json::JsonText::parse(&format!(r#"{{"n":{n}}}"#));
                if let Ok(data) = data {
                    let _ = self.conn.trigger(name, "client-x", data, now);
                }
            }
            Input::Signin => self.conn.signin(now),
            Input::Frame(frame) => self.receive(&frame.text()),
            Input::Text(text) => self.receive(&text),
            Input::Close(code) => {
                if let Some(socket) = self.socket.take() {
                    self.conn.handle_close(socket, code, "", now);
                }
            }
            Input::Advance(ms) => {
                self.now = self.now + Duration::from_millis(u64::from(ms) * 4);
                self.conn.handle_timeout(self.now);
            }
            Input::AnswerAuth(i, ok) => self.answer_auth(usize::from(i), ok),
            Input::AnswerUserAuth(ok) => self.answer_user_auth(ok),
        }
        self.drain();
        self.check();
    }

    /// Answers the auth request at `index` (mod those waiting): signed, or a 500.
    fn answer_auth(&mut self, index: usize, ok: bool) {
        if self.auth.is_empty() {
            return;
        }
        let request = self.auth.remove(index % self.auth.len());
        let results = if ok {
            let sign = |c: &String| (c.clone(), Ok(sign_channel(&request.socket_id, c)));
            request.channels.iter().map(sign).collect()
        } else {
            request.parse_response(500, "down")
        };
        self.conn.handle_channel_auth(request.id, results, self.now);
    }

    /// Answers the last user auth request: signed in, or a 401.
    fn answer_user_auth(&mut self, ok: bool) {
        if let Some(request) = self.user_auth.pop() {
            let result = if ok {
                Ok(UserAuth {
                    auth: "k:s".into(),
                    user_data: r#"{"id":"10"}"#.into(),
                })
            } else {
                Err(AuthError::new("no", Some(401)))
            };
            self.conn.handle_user_auth(request.id, result);
        }
    }

    fn receive(&mut self, text: &str) {
        if let Some(socket) = self.socket {
            self.conn.handle_message(socket, text, self.now);
        }
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
            let Some(status) = conn.channel(name) else {
                panic!("{name} is listed but has no status");
            };
            assert!(!(status.subscribed && status.pending));
            assert!(
                !status.asked || status.pending,
                "{name} asked but not pending"
            );
            if status.subscribed {
                assert!(connected, "{name} subscribed while {:?}", conn.state());
            }
            if let Some(members) = conn.members(name) {
                assert!(
                    status.subscribed,
                    "{name} has members but is not subscribed"
                );
                assert!(members.count() <= MAX_MEMBERS);
            }
        }
        if let Some(deadline) = conn.poll_timeout() {
            assert!(deadline.as_millis() < u64::MAX / 2);
        }
    }
}

/// A valid auth answer for `channel`, as an auth endpoint signs it.
fn sign_channel(socket_id: &str, channel: &str) -> ChannelAuth {
    let channel_data = channel
        .starts_with("presence-")
        .then(|| r#"{"user_id":"10","user_info":{"name":"Mr. Channels"}}"#.to_owned());
    sign::channel_auth_answer((KEY, SECRET, &MASTER_KEY), socket_id, channel, channel_data)
}
