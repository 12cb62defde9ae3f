//! One visitor of the load: signs in to the chat backend (or, without one, signs its own
//! channel auth with the app's secret, as an app's server would), connects with the protocol
//! core over a real WebSocket, joins the lobby and its small room, and writes down every
//! confirmation, delivery, drop and its departure in the ledger.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::{COOKIE, HeaderMap, HeaderValue};
use rusher_chat_api::{MESSAGE_EVENT, Message, routes};
use rusher_protocol::channels::PRESENCE_PREFIX;
use rusher_protocol::{AuthRequest, Config, Connection, Error, Event, OVER_CAPACITY, Output, sign};
use rusher_soak::auth::{self, AuthAnswer};
use rusher_soak::socket::{CurrentSocket, SocketEvent};
use tokio::sync::{mpsc, oneshot, watch};

use crate::ledger::Record;
use crate::live::Member;
use crate::plan::Room;
use crate::{Context, Via};

/// The event name of a message published without the chat backend.
pub const RAW_EVENT: &str = "load-message";

/// What the visitor's loop hears.
enum Incoming {
    Socket(SocketEvent),
    Auth(AuthAnswer),
}

impl From<SocketEvent> for Incoming {
    fn from(event: SocketEvent) -> Self {
        Self::Socket(event)
    }
}

/// The address a visitor's requests come from (as a reverse proxy names it): one of its own, so
/// that the backend's limits per address apply to it alone.
fn address(visitor: u32) -> String {
    let [_, a, b, c] = visitor.to_be_bytes();
    format!("10.{a}.{b}.{c}")
}

/// The headers of a visitor's requests to the chat backend: its address and, once it has one,
/// its session.
pub fn request_headers(visitor: u32, session: Option<&HeaderValue>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&address(visitor)) {
        headers.insert("x-forwarded-for", value);
    }
    if let Some(session) = session {
        headers.insert(COOKIE, session.clone());
    }
    headers
}

/// Signs in as `visitor number`: its session cookie, or `None` (written down) when refused.
async fn sign_in(context: &Context, base: &str, visitor: u32) -> Option<HeaderValue> {
    let answer = context
        .http
        .post(format!("{base}{}", routes::SESSION))
        .headers(request_headers(visitor, None))
        .json(&serde_json::json!({ "name": format!("visitor {visitor}") }))
        .send()
        .await;
    let failed = |status| {
        context.ledger.record(Record::SignInFailed {
            status,
            at: context.now(),
        });
        None
    };
    let response = match answer {
        Ok(response) => response,
        Err(_) => return failed(None),
    };
    if !response.status().is_success() {
        return failed(Some(response.status().as_u16()));
    }
    let cookie = response
        .cookies()
        .find(|cookie| cookie.name() == "rusher_session")
        .and_then(|cookie| {
            HeaderValue::from_str(&format!("{}={}", cookie.name(), cookie.value())).ok()
        });
    match cookie {
        Some(cookie) => Some(cookie),
        None => failed(Some(response.status().as_u16())),
    }
}

/// Counts the visitor among those joining until it is in the chat or gone.
struct Joining(Arc<Context>);

impl Drop for Joining {
    fn drop(&mut self) {
        self.0.joining.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The running visitor.
struct Visitor {
    context: Arc<Context>,
    id: u32,
    room: Room,
    session: Option<HeaderValue>,
    conn: Connection,
    socket: CurrentSocket,
    tx: mpsc::UnboundedSender<Incoming>,
    /// The rooms confirmed so far (both: it is in the live set).
    lobby_confirmed: bool,
    room_confirmed: bool,
    /// Whether it reads the lobby through the twin (its presence channel was full).
    on_twin: bool,
    leave: Option<oneshot::Sender<()>>,
    joining: Option<Joining>,
    leaving: bool,
}

/// Runs visitor `id` in `slot` until it is told to leave (through the live set) or the run
/// stops. The spawner has counted it among those joining.
pub async fn run(context: Arc<Context>, id: u32, slot: usize, mut stop: watch::Receiver<bool>) {
    let joining = Joining(context.clone());
    let (ws_host, ws_port) = context.sockets_of(id);
    let Ok(session) = session(&context, id).await else {
        context.live.free(slot);
        return;
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (leave, mut told_to_leave) = oneshot::channel();
    let connection = Connection::new(
        Config::for_host(&context.key, ws_host, ws_port, ws_port, false),
        7919 * u64::from(id) + 1,
    );
    let mut visitor = Visitor {
        room: Room::of_slot(slot),
        conn: connection,
        context: context.clone(),
        id,
        session,
        socket: CurrentSocket::default(),
        tx,
        lobby_confirmed: false,
        room_confirmed: false,
        on_twin: false,
        leave: Some(leave),
        joining: Some(joining),
        leaving: false,
    };
    visitor.join();
    let clock_zero = tokio::time::Instant::from_std(context.start);
    loop {
        visitor.drain().await;
        let wake = visitor
            .conn
            .poll_timeout()
            .map(|d| clock_zero + Duration::from_millis(d.as_millis()));
        tokio::select! {
            Some(incoming) = rx.recv() => visitor.apply(incoming),
            () = sleep_until(wake) => visitor.conn.handle_timeout(context.instant()),
            _ = &mut told_to_leave => break,
            _ = stop.changed() => break,
        }
    }
    visitor.leaving = true;
    visitor.conn.disconnect();
    visitor.drain().await;
    context.ledger.record(Record::Left {
        visitor: id,
        at: context.now(),
    });
    context.live.remove(id);
    context.live.free(slot);
}

/// Signs visitor `id` in: its session with the chat backend (none with the REST API, where
/// there is nothing to sign in to). Err when the sign-in failed.
async fn session(context: &Context, id: u32) -> Result<Option<HeaderValue>, ()> {
    let session = match context.via(id) {
        Via::Backend(base) => Some(sign_in(context, base, id).await.ok_or(())?),
        Via::Rest { .. } => None,
    };
    context.ledger.record(Record::SignedIn {
        visitor: id,
        at: context.now(),
    });
    Ok(session)
}

async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Visitor {
    /// Connects, and subscribes to the lobby and the visitor's room.
    fn join(&mut self) {
        let context = self.context.clone();
        let now = context.instant();
        self.conn.connect(now);
        for channel in [context.lobby.clone(), self.room.channel(&context.lobby)] {
            if self.conn.subscribe(&channel, now).is_err() {
                context
                    .ledger
                    .record(Record::SubscriptionRefused { at: context.now() });
            }
        }
    }

    /// Carries out everything the core asked for.
    async fn drain(&mut self) {
        while let Some(output) = self.socket.next_output(&mut self.conn, &self.tx).await {
            match output {
                Output::Authorize(request) => self.authorize(request),
                Output::Event(event) => self.on_event(event),
                // Not signed in to the socket (no server-to-user events in the load); outputs a
                // newer core adds mean nothing to a load visitor until it learns them.
                _ => {}
            }
        }
    }

    fn authorize(&self, request: AuthRequest) {
        let tx = self.tx.clone();
        match self.context.via(self.id) {
            Via::Backend(base) => {
                let (http, base) = (self.context.http.clone(), base.to_owned());
                let headers = request_headers(self.id, self.session.as_ref());
                tokio::spawn(async move {
                    let answer = auth::ask_backend(&http, &base, &request, headers).await;
                    let _ = tx.send(Incoming::Auth(answer));
                });
            }
            Via::Rest { secret, .. } => {
                let user = serde_json::json!({
                    "user_id": format!("u{}", self.id),
                    "user_info": { "name": format!("visitor {}", self.id) },
                })
                .to_string();
                let results = request
                    .channels
                    .iter()
                    .map(|channel| {
                        let data = channel.starts_with(PRESENCE_PREFIX).then(|| user.clone());
                        let app = (self.context.key.as_str(), secret, &[0; 32]);
                        let answer =
                            sign::channel_auth_answer(app, &request.socket_id, channel, data);
                        (channel.clone(), Ok(answer))
                    })
                    .collect();
                let _ = tx.send(Incoming::Auth((request.id, results)));
            }
        }
    }

    /// Handles one of the core's events. Over 60 lines: one arm per event the visitor acts on.
    fn on_event(&mut self, event: Event) {
        let context = self.context.clone();
        let room_of = |channel: &str| Room::of_channel(channel, &context.lobby, &context.twin);
        match event {
            Event::SubscriptionSucceeded { channel } => {
                let Some(room) = room_of(&channel) else {
                    return;
                };
                context.ledger.record(Record::Confirmed {
                    visitor: self.id,
                    room,
                    at: context.now(),
                });
                if room == Room::LOBBY {
                    self.lobby_confirmed = true;
                } else {
                    self.room_confirmed = true;
                }
                if self.lobby_confirmed
                    && self.room_confirmed
                    && let Some(leave) = self.leave.take()
                {
                    context.live.insert(Member {
                        id: self.id,
                        room: self.room,
                        session: self.session.clone(),
                        leave,
                    });
                    self.joining = None;
                }
            }
            // The lobby's presence channel is full: the room is read through its private twin,
            // as the widget does. Any other refusal is an error.
            Event::SubscriptionError { channel, .. } => {
                let on_twin = channel == context.lobby && self.read_lobby_on_twin();
                if !on_twin {
                    self.refused();
                }
            }
            // sockudo refuses a full presence channel with `pusher:error` 4100 ("Over
            // capacity"), which names no channel: while the lobby waits, it is the lobby's.
            Event::Error(Error::Server {
                code: Some(OVER_CAPACITY),
                ..
            }) if !self.lobby_confirmed
                && !self.on_twin
                && self.conn.channel(&context.lobby).is_some() =>
            {
                self.conn.unsubscribe(&context.lobby);
                if !self.read_lobby_on_twin() {
                    self.refused();
                }
            }
            Event::Message {
                channel: Some(channel),
                event,
                data,
                ..
            } => {
                let text = data.decode();
                let seq = match event.as_str() {
                    MESSAGE_EVENT => serde_json::from_str::<Message>(text.as_str())
                        .ok()
                        .and_then(|message| message.text.parse().ok()),
                    RAW_EVENT => text.as_str().parse().ok(),
                    _ => None,
                };
                if let (Some(seq), Some(_)) = (seq, room_of(&channel)) {
                    context.ledger.record(Record::Delivered {
                        visitor: self.id,
                        seq,
                        at: context.now(),
                    });
                }
            }
            _ => {}
        }
    }

    /// Reads the lobby through its private twin; whether the core took the subscription.
    fn read_lobby_on_twin(&mut self) -> bool {
        self.on_twin = true;
        let twin = self.context.twin.clone();
        self.conn.subscribe(&twin, self.context.instant()).is_ok()
    }

    fn refused(&self) {
        self.context.ledger.record(Record::SubscriptionRefused {
            at: self.context.now(),
        });
    }

    fn apply(&mut self, incoming: Incoming) {
        let now = self.context.instant();
        match incoming {
            Incoming::Socket(event) => {
                if matches!(event, SocketEvent::Closed(..)) && !self.leaving {
                    self.context.ledger.record(Record::Dropped {
                        visitor: self.id,
                        at: self.context.now(),
                    });
                }
                self.socket.apply(&mut self.conn, event, now);
            }
            Incoming::Auth((id, results)) => self.conn.handle_channel_auth(id, results, now),
        }
    }
}
