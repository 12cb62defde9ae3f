//! The Pusher protocol 7 WebSocket endpoint, `/app/{key}?protocol=7`: handshake, ping and pong,
//! subscriptions, client events with their limits, sign-in, and closing with the protocol's codes.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use rusher_protocol::json::JsonText;
use rusher_protocol::wire::{ChannelMessage, ClientMessage, ServerMessage};
use rusher_protocol::{ChannelKind, MAX_CLIENT_EVENT_BYTES};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout};

use crate::hub::{ConnSender, Outgoing};
use crate::state::AppState;

/// The largest frame read at all; larger ones end the connection in the WebSocket layer.
const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// The largest frame the protocol accepts (a 10 KB client event plus its envelope).
const MAX_FRAME_BYTES: usize = MAX_CLIENT_EVENT_BYTES + 1024;
/// Each connection's read buffer to begin with: a frame larger than it grows it. The WebSocket
/// layer's default (128 KiB) is held by every connection and zeroed again on every read: at
/// 4,000 visitors that zeroing took a quarter of the server's CPU, and the buffers most of its
/// memory (`cargo xtask bench --scale`).
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Frames queued for one connection before it counts as a slow reader and is closed.
const SEND_QUEUE: usize = 1024;
/// How long one write may take before the reader counts as gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Upgrades `/app/{key}` to a Pusher connection.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    State(state): State<AppState>,
) -> Response {
    if state.faults.websocket_down() {
        return (StatusCode::SERVICE_UNAVAILABLE, "restarting").into_response();
    }
    let protocol = query.get("protocol").cloned();
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| serve(socket, state, key, protocol))
}

/// What the read loop decided.
enum Next {
    Continue,
    Close(u16, String),
}

/// Why a connection is refused before its handshake: a close code and its message.
fn refusal(state: &AppState, key: &str, protocol: Option<&str>) -> Option<(u16, &'static str)> {
    if key != state.hub().app().key {
        return Some((4001, "Application does not exist"));
    }
    match protocol {
        None => Some((4008, "No protocol version supplied")),
        Some("7") => None,
        Some(_) => Some((4007, "Unsupported protocol version")),
    }
}

/// When the connection was last heard from, and what silence means: a ping after the activity
/// timeout, then a close when no answer comes within the pong timeout.
struct Liveness {
    activity_timeout: Duration,
    pong_timeout: Duration,
    ping_at: Instant,
    pong_by: Option<Instant>,
}

impl Liveness {
    fn new(activity_timeout: Duration, pong_timeout: Duration) -> Self {
        Self {
            activity_timeout,
            pong_timeout,
            ping_at: Instant::now() + activity_timeout,
            pong_by: None,
        }
    }

    /// When silence next needs an answer.
    fn deadline(&self) -> Instant {
        self.pong_by.unwrap_or(self.ping_at)
    }

    /// Something came from the client.
    fn heard(&mut self) {
        self.ping_at = Instant::now() + self.activity_timeout;
        self.pong_by = None;
    }

    /// The deadline passed: whether to ping (`true`) or to give up (`false`, a ping went
    /// unanswered).
    fn ping_now(&mut self) -> bool {
        if self.pong_by.is_some() {
            return false;
        }
        self.pong_by = Some(Instant::now() + self.pong_timeout);
        true
    }
}

/// The queue a new connection's frames come out of, the signal that it overflowed, its liveness
/// and its client events' rate, once the hub knows it.
fn join(
    state: &AppState,
    id: &str,
) -> (
    mpsc::Receiver<Outgoing>,
    mpsc::UnboundedReceiver<()>,
    Liveness,
    u32,
) {
    let (sender, outgoing, overflow) = ConnSender::new(SEND_QUEUE);
    let mut hub = state.hub();
    hub.connect(id, sender);
    let app = hub.app();
    let liveness = Liveness::new(app.activity_timeout, app.pong_timeout);
    tracing::debug!(socket = %id, "connected");
    (outgoing, overflow, liveness, app.client_events_per_second)
}

/// Tells a connection the server refuses why (`pusher:error` with `code`) and closes it with
/// that code.
async fn refuse(mut socket: WebSocket, code: u16, message: &str) {
    let frame = ServerMessage::Error {
        code: Some(code),
        message: message.to_owned(),
    }
    .to_json();
    let _ = socket.send(Message::Text(frame.into())).await;
    let _ = socket.send(close(code, message)).await;
}

/// One connection, from the handshake's checks to its end: frames out from its queue, frames
/// in to the hub, pings while it is quiet, and a close when the server shuts down or the
/// connection reads too slowly.
async fn serve(socket: WebSocket, state: AppState, key: String, protocol: Option<String>) {
    if let Some((code, message)) = refusal(&state, &key, protocol.as_deref()) {
        refuse(socket, code, message).await;
        return;
    }
    let id = state.new_socket_id();
    let (mut outgoing, mut overflow, mut liveness, rate) = join(&state, &id);
    let established = ServerMessage::ConnectionEstablished {
        socket_id: id.clone(),
        activity_timeout: Some(liveness.activity_timeout.as_secs()),
    };
    let (mut sink, mut stream) = socket.split();
    let mut shutdown = state.shutdown.subscribe();
    let mut limiter = RateLimiter::new(rate);
    let mut result = send(&mut sink, Message::Text(established.to_json().into())).await;
    if *shutdown.borrow_and_update() {
        result = Err(());
    }

    while result.is_ok() {
        // Biased, outgoing first: replies drain before more input is read, so only a peer that
        // really stops reading fills its queue.
        let next = tokio::select! {
            biased;
            Some(out) = outgoing.recv() => match out {
                Outgoing::Frame(frame) => {
                    result = send(&mut sink, Message::Text(frame.into())).await;
                    Next::Continue
                }
                Outgoing::Close(code, reason) => Next::Close(code, reason),
                Outgoing::Drop => break,
            },
            _ = overflow.recv() => Next::Close(4100, "too slow to read its messages".to_owned()),
            _ = shutdown.changed() => Next::Close(4200, "server shutting down".to_owned()),
            incoming = stream.next() => match incoming {
                Some(Ok(message)) => {
                    liveness.heard();
                    handle(&state, &id, message, &mut limiter)
                }
                _ => break,
            },
            _ = sleep_until(liveness.deadline()) => {
                if liveness.ping_now() {
                    let ping = ServerMessage::Ping.to_json();
                    result = send(&mut sink, Message::Text(ping.into())).await;
                    Next::Continue
                } else {
                    Next::Close(4201, "Pong reply not received".to_owned())
                }
            }
        };
        if let Next::Close(code, reason) = next {
            let _ = send(&mut sink, close(code, &reason)).await;
            break;
        }
    }
    state.hub().disconnect(&id);
    tracing::debug!(socket = %id, "disconnected");
}

/// Handles one message from the client.
fn handle(state: &AppState, id: &str, message: Message, limiter: &mut RateLimiter) -> Next {
    let text = match message {
        Message::Text(text) => text,
        Message::Binary(_) => return error(state, id, None, "binary frames are not supported"),
        Message::Ping(_) | Message::Pong(_) | Message::Close(_) => return Next::Continue,
    };
    if text.len() > MAX_FRAME_BYTES {
        return error(state, id, None, "frame is too large");
    }
    let message = match ClientMessage::parse(&text) {
        Ok(message) => message,
        Err(e) => return error(state, id, None, &e.to_string()),
    };
    let mut hub = state.hub();
    match message {
        ClientMessage::Ping => {
            if !state.faults.ignore_pings() {
                hub.send_to(id, ServerMessage::Pong.to_json());
            }
        }
        ClientMessage::Pong => {}
        ClientMessage::Subscribe {
            channel,
            auth,
            channel_data,
        } => {
            if let Err(refusal) =
                hub.subscribe(id, &channel, auth.as_deref(), channel_data.as_deref())
            {
                hub.send_to(
                    id,
                    ChannelMessage::SubscriptionError(refusal)
                        .on(channel)
                        .to_json(),
                );
            }
        }
        ClientMessage::Unsubscribe { channel } => hub.unsubscribe(id, &channel),
        ClientMessage::Signin { auth, user_data } => {
            if let Err(why) = hub.signin(id, &auth, &user_data) {
                drop(hub);
                return error(state, id, Some(4009), &why);
            }
        }
        ClientMessage::ClientEvent {
            event,
            channel,
            data,
        } => {
            drop(hub);
            return client_event(state, id, limiter, &channel, &event, data);
        }
    }
    Next::Continue
}

/// A client event: relayed when the channel takes client events, the sender is subscribed, it is
/// small enough and the sender within its rate; refused with `pusher:error` otherwise, and past
/// the rate, closed with 4301.
fn client_event(
    state: &AppState,
    id: &str,
    limiter: &mut RateLimiter,
    channel: &str,
    event: &str,
    data: JsonText,
) -> Next {
    let hub = state.hub();
    let refused = if !ChannelKind::of(channel).allows_client_events() {
        Some("client events are only allowed on private and presence channels")
    } else if !hub.is_subscribed(id, channel) {
        Some("client events need a subscription to the channel")
    } else if data.as_str().len() > MAX_CLIENT_EVENT_BYTES {
        Some("client event data is larger than 10 KB")
    } else {
        None
    };
    if let Some(why) = refused {
        drop(hub);
        return error(state, id, None, why);
    }
    if !limiter.allow(Instant::now()) {
        return Next::Close(4301, "Client event rejected due to rate limit".to_owned());
    }
    hub.client_event(id, channel, event, data);
    Next::Continue
}

/// Sends `pusher:error` and keeps the connection.
fn error(state: &AppState, id: &str, code: Option<u16>, message: &str) -> Next {
    let frame = ServerMessage::Error {
        code,
        message: message.to_owned(),
    }
    .to_json();
    state.hub().send_to(id, frame);
    Next::Continue
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}

async fn send<S>(sink: &mut S, message: Message) -> Result<(), ()>
where
    S: SinkExt<Message> + Unpin,
{
    match timeout(SEND_TIMEOUT, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

/// At most `per_second` client events in any one second; 0 means no limit.
struct RateLimiter {
    per_second: usize,
    recent: VecDeque<Instant>,
}

impl RateLimiter {
    fn new(per_second: u32) -> Self {
        Self {
            per_second: usize::try_from(per_second).unwrap_or(usize::MAX),
            recent: VecDeque::new(),
        }
    }

    fn allow(&mut self, now: Instant) -> bool {
        if self.per_second == 0 {
            return true;
        }
        while self
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1))
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= self.per_second {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}
