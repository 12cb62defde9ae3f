//! A test driver for `Connection`: a fake clock, the current socket, and helpers that feed frames
//! and collect what the core wants sent or said.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

// Every test binary that includes this module runs its tests in headless Chromium on wasm32.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use rusher_protocol::json::Value;
use rusher_protocol::{
    AuthRequest, ChannelAuth, Config, Connection, Event, Instant, Output, SocketHandle,
    UserAuthRequest,
};

/// docs/protocol.md's example credentials.
pub const KEY: &str = "278d425bdf160c739803";
pub const SECRET: &str = "7ad3773142a6692b25b8";
pub const MASTER_KEY: [u8; 32] = [7; 32];

pub fn config() -> Config {
    Config::for_host(KEY, "127.0.0.1", 6001, 6002, false)
}

pub fn established(socket_id: &str, activity_timeout: u64) -> String {
    format!(
        r#"{{"event":"pusher:connection_established","data":"{{\"socket_id\":\"{socket_id}\",\"activity_timeout\":{activity_timeout}}}"}}"#
    )
}

pub struct Harness {
    pub conn: Connection,
    pub now: Instant,
    pub socket: Option<SocketHandle>,
    /// Every output drained so far, in order.
    pub log: Vec<Output>,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_config(config())
    }

    pub fn with_config(config: Config) -> Self {
        Self {
            conn: Connection::new(config, 7),
            now: Instant::from_millis(1_000_000),
            socket: None,
            log: Vec::new(),
        }
    }

    /// A harness already connected with socket id 1234.1234.
    pub fn connected() -> Self {
        let mut h = Self::new();
        h.connect();
        h
    }

    /// Drains the outputs produced since the last drain, tracking socket opens and closes.
    pub fn drain(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        while let Some(output) = self.conn.poll_output() {
            match &output {
                Output::Open { handle, .. } => self.socket = Some(*handle),
                Output::Close { handle, .. } if self.socket == Some(*handle) => self.socket = None,
                _ => {}
            }
            out.push(output.clone());
            self.log.push(output);
        }
        out
    }

    pub fn connect(&mut self) {
        self.conn.connect(self.now);
        self.drain();
        self.establish("1234.1234");
    }

    pub fn establish(&mut self, socket_id: &str) {
        self.receive(&established(socket_id, 120));
    }

    /// Feeds a frame on the current socket.
    pub fn receive(&mut self, frame: &str) {
        let socket = self.socket.expect("no open socket");
        self.conn.handle_message(socket, frame, self.now);
    }

    /// The current socket closes with `code`.
    pub fn close(&mut self, code: u16) {
        let socket = self.socket.take().expect("no open socket");
        self.conn.handle_close(socket, code, "test", self.now);
    }

    /// Advances the clock, firing every deadline on the way, in order.
    pub fn advance(&mut self, by: Duration) -> Vec<Output> {
        let end = self.now + by;
        let mut out = Vec::new();
        loop {
            out.extend(self.drain());
            match self.conn.poll_timeout() {
                Some(at) if at <= end => {
                    self.now = at.max(self.now);
                    self.conn.handle_timeout(self.now);
                }
                _ => break,
            }
        }
        self.now = end;
        out.extend(self.drain());
        out
    }

    /// Outputs of the last step as frames sent.
    pub fn sent(&mut self) -> Vec<String> {
        frames(&self.drain())
    }

    pub fn events(&mut self) -> Vec<Event> {
        events(&self.drain())
    }

    /// Answers an auth request for every channel in it, signing like a server would.
    pub fn authorize(&mut self, request: &AuthRequest) {
        let results = request
            .channels
            .iter()
            .map(|channel| {
                (
                    channel.clone(),
                    Ok(sign_channel(&request.socket_id, channel)),
                )
            })
            .collect();
        self.conn.handle_channel_auth(request.id, results, self.now);
    }

    /// Subscribes, authorizes if needed, and confirms, returning the frames sent on the way.
    pub fn subscribe_confirmed(&mut self, channel: &str, data: &str) -> Vec<String> {
        self.conn.subscribe(channel, self.now).unwrap();
        let mut sent = Vec::new();
        for output in self.drain() {
            match output {
                Output::Authorize(request) => self.authorize(&request),
                Output::Send(frame) => sent.push(frame),
                _ => {}
            }
        }
        sent.extend(self.sent());
        self.receive(&format!(
            r#"{{"event":"pusher_internal:subscription_succeeded","channel":"{channel}","data":{}}}"#,
            Value::from(data).to_json()
        ));
        sent
    }
}

/// A valid auth answer, as the local server would give it (presence user 10).
pub fn sign_channel(socket_id: &str, channel: &str) -> ChannelAuth {
    let channel_data = channel
        .starts_with("presence-")
        .then(|| r#"{"user_id":"10","user_info":{"name":"Mr. Channels"}}"#.to_owned());
    rusher_protocol::sign::channel_auth_answer(
        (KEY, SECRET, &MASTER_KEY),
        socket_id,
        channel,
        channel_data,
    )
}

pub fn frames(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(frame) => Some(frame.clone()),
            _ => None,
        })
        .collect()
}

pub fn events(outputs: &[Output]) -> Vec<Event> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Event(event) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

pub fn auth_requests(outputs: &[Output]) -> Vec<AuthRequest> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Authorize(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

pub fn user_auth_requests(outputs: &[Output]) -> Vec<UserAuthRequest> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::AuthorizeUser(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

pub fn opens(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Open { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

pub fn parse_json(text: &str) -> Value {
    Value::parse(text).unwrap()
}

/// `serde_json::json!`, as the core's [`Value`].
#[allow(unused_macros)]
macro_rules! json {
    ($($value:tt)+) => {
        rusher_protocol::json::Value::from(serde_json::json!($($value)+))
    };
}
#[allow(unused_imports)]
pub(crate) use json;
