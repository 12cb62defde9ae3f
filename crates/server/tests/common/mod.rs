//! An in-process server on a free port and a raw WebSocket client that speaks frames.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rusher_backend::Store;
use rusher_protocol::sign;
use rusher_protocol::wire::{ChannelMessage, ClientMessage, ServerMessage};
use rusher_server::{App, AppState, Shared, Site, embedded};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

pub const KEY: &str = "app-key";
pub const SECRET: &str = "app-secret";
pub const APP_ID: &str = "app-id";
pub const MASTER_KEY: [u8; 32] = [7; 32];
const WAIT: Duration = Duration::from_secs(5);

pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut App)) -> Self {
        Self::start_full(configure, Store::in_memory().unwrap(), true).await
    }

    pub async fn start_full(configure: impl FnOnce(&mut App), store: Store, faults: bool) -> Self {
        let mut app = App::new(APP_ID, KEY, SECRET, MASTER_KEY);
        configure(&mut app);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Shared::new(app, faults, 4242);
        let backend = embedded::backend(&state, store, Vec::new());
        let (stop, stopped) = oneshot::channel::<()>();
        let site = Site {
            realtime: Some(state.clone()),
            backend: Some(backend),
            www: None,
        };
        let done = tokio::spawn(async move {
            rusher_server::serve(listener, site, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            addr,
            state,
            stop: Some(stop),
            done,
        }
    }

    pub fn ws_url(&self, key: &str, query: &str) -> String {
        format!("ws://{}/app/{key}{query}", self.addr)
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server (as SIGTERM does) and waits until it has returned.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(WAIT, &mut self.done).await;
    }
}

/// A channel event as a server sends it, without a sender.
pub fn event(name: &str, channel: &str, data: Value) -> ServerMessage {
    ServerMessage::Event {
        event: name.to_owned(),
        channel: Some(channel.to_owned()),
        data: data.into(),
        user_id: None,
    }
}

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub socket_id: String,
}

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// A close frame with this code.
    Code(u16),
    /// The stream ended without a close frame.
    Abruptly,
}

impl Client {
    /// Connects with `?protocol=7` and reads the handshake.
    pub async fn connect(server: &Server) -> Self {
        Self::connect_url(&server.ws_url(KEY, "?protocol=7&client=test")).await
    }

    /// Connects to any Pusher server's WebSocket URL and reads the handshake.
    pub async fn connect_url(url: &str) -> Self {
        let mut client = Self::raw(url).await;
        let frame = client.recv().await;
        match ServerMessage::parse(&frame).unwrap() {
            ServerMessage::ConnectionEstablished { socket_id, .. } => client.socket_id = socket_id,
            other => panic!("expected the handshake, got {other:?}"),
        }
        client
    }

    /// Connects without reading anything.
    pub async fn raw(url: &str) -> Self {
        let (ws, _) = connect_async(url).await.unwrap();
        Self {
            ws,
            socket_id: String::new(),
        }
    }

    pub async fn send(&mut self, text: &str) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    pub async fn send_message(&mut self, message: &ClientMessage) {
        self.send(&message.to_json()).await;
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.ws
            .send(Message::Binary(bytes.to_vec().into()))
            .await
            .unwrap();
    }

    /// The next text frame (ignoring subscription counts unless asked for).
    pub async fn recv(&mut self) -> String {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => return text.to_string(),
                Ok(Some(Ok(Message::Close(frame)))) => panic!("closed: {frame:?}"),
                Ok(Some(Ok(_))) => continue,
                other => panic!("no frame: {other:?}"),
            }
        }
    }

    /// The next frame that is not a subscription count, typed.
    pub async fn next(&mut self) -> ServerMessage {
        loop {
            let message = ServerMessage::parse(&self.recv().await).unwrap();
            if !matches!(
                message,
                ServerMessage::Channel {
                    message: ChannelMessage::SubscriptionCount(_),
                    ..
                }
            ) {
                return message;
            }
        }
    }

    /// Waits until the connection closes and says how.
    pub async fn closed(&mut self) -> Closed {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next()).await {
                Ok(Some(Ok(Message::Close(Some(frame))))) => {
                    return Closed::Code(u16::from(frame.code));
                }
                Ok(Some(Ok(Message::Close(None)))) => return Closed::Code(1005),
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_))) | Ok(None) => return Closed::Abruptly,
                Err(_) => panic!("still open"),
            }
        }
    }

    /// Asserts nothing but subscription counts arrives for `ms` milliseconds.
    pub async fn silent_for(&mut self, ms: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return,
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message = ServerMessage::parse(&text).unwrap();
                    assert!(
                        matches!(
                            message,
                            ServerMessage::Channel {
                                message: ChannelMessage::SubscriptionCount(_),
                                ..
                            }
                        ),
                        "unexpected {text}"
                    );
                }
                Ok(other) => panic!("unexpected {other:?}"),
            }
        }
    }

    /// Subscribes with a valid signature (presence as `user_id` with `info`) and returns the
    /// `subscription_succeeded` or `subscription_error`.
    pub async fn subscribe_as(
        &mut self,
        channel: &str,
        user: Option<(&str, Value)>,
    ) -> ServerMessage {
        let channel_data = user
            .map(|(id, info)| serde_json::json!({ "user_id": id, "user_info": info }).to_string());
        let auth =
            (channel.starts_with("private-") || channel.starts_with("presence-")).then(|| {
                sign::channel_auth(
                    KEY,
                    SECRET,
                    &self.socket_id,
                    channel,
                    channel_data.as_deref(),
                )
            });
        self.send_message(&ClientMessage::Subscribe {
            channel: channel.to_owned(),
            auth,
            channel_data,
        })
        .await;
        self.next().await
    }

    pub async fn subscribe(&mut self, channel: &str) -> ServerMessage {
        self.subscribe_as(channel, None).await
    }

    pub async fn close(mut self) {
        let _ = self
            .ws
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "bye".into(),
            }))
            .await;
        // Drain until the server's close arrives.
        while let Ok(Some(Ok(_))) = tokio::time::timeout(WAIT, self.ws.next()).await {}
    }
}

/// A browser-like HTTP client with one chat session cookie.
pub struct Visitor {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
    pub id: String,
}

impl Visitor {
    pub fn anonymous(server: &Server) -> Self {
        Self::anonymous_at(&server.http(""))
    }

    /// A visitor of the backend at `base` (`http://127.0.0.1:PORT`).
    pub fn anonymous_at(base: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            cookie: None,
            id: String::new(),
        }
    }

    /// Signs in with a display name.
    pub async fn join(server: &Server, name: &str) -> Self {
        Self::join_at(&server.http(""), name).await
    }

    /// Signs in with a display name at the backend at `base`.
    pub async fn join_at(base: &str, name: &str) -> Self {
        let mut visitor = Self::anonymous_at(base);
        let response = visitor
            .post_json("/chat/session", &serde_json::json!({ "name": name }))
            .await;
        assert_eq!(response.status(), 200);
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        visitor.cookie = Some(set_cookie.split(';').next().unwrap().to_owned());
        let user: Value = response.json().await.unwrap();
        visitor.id = user["id"].as_str().unwrap().to_owned();
        visitor
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        }
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.with_cookie(self.http.post(format!("{}{path}", self.base)))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &str) -> reqwest::Response {
        self.with_cookie(self.http.post(format!("{}{path}", self.base)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.get(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.delete(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap()
    }
}

/// The `rusher-server` binary serving only the chat backend for an app on another server
/// (`--upstream`), with this suite's app credentials and a fresh data dir; killed on drop.
pub struct UpstreamBackend {
    child: std::process::Child,
    _data: tempfile::TempDir,
    /// Its HTTP base URL.
    pub base: String,
}

impl UpstreamBackend {
    /// Starts it for the app at `upstream` (a REST base URL) and waits until it answers.
    pub async fn start(upstream: &str) -> Self {
        Self::start_with(upstream, &[]).await
    }

    /// [`start`](Self::start) with more flags.
    pub async fn start_with(upstream: &str, flags: &[&str]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = tempfile::tempdir().unwrap();
        let master_key =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, MASTER_KEY);
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_rusher-server"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--upstream", upstream])
            .args(["--app-id", APP_ID, "--app-key", KEY, "--app-secret", SECRET])
            .args(["--master-key", &master_key])
            .args(flags)
            .arg("--data-dir")
            .arg(data.path())
            .env_remove("RUSHER_UPSTREAM_WS_HOST")
            .env_remove("RUSHER_UPSTREAM_WS_PORT")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let backend = Self {
            child,
            _data: data,
            base,
        };
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let up = reqwest::get(format!("{}/up", backend.base)).await;
            if up.is_ok_and(|r| r.status() == 200) {
                return backend;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the backend did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for UpstreamBackend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
