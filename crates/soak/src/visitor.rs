//! One simulated chat visitor: the protocol core (`Connection`) driven over a real WebSocket by
//! tokio, the way the browser client drives it, and around it what the widget does: it signs in,
//! joins the room, sends messages through the chat backend (each retried until stored, the
//! same `client_id` every time), and reads the room's history each time its subscription is
//! confirmed, walking back until it reaches what it had already seen.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use rusher_chat_api::{History, MESSAGE_EVENT, Message, routes};
use rusher_protocol::{Config, Connection, Event, Instant, Output};
use rusher_soak::auth::{self, AuthAnswer};
use rusher_soak::socket::{CurrentSocket, SocketEvent};
use tokio::sync::{mpsc, watch};

/// The most history pages a visitor reads after one recovery.
const MAX_HISTORY_PAGES: usize = 50;
/// A history page (the backend's largest).
const HISTORY_PAGE: usize = rusher_chat_api::MAX_HISTORY_PAGE;
/// How far below the newest id it had seen a visitor reads the history back: messages are
/// stored in one order and may be published in another.
const HISTORY_OVERLAP: i64 = 100;
/// How long a failed send waits before the same message goes again.
const SEND_RETRY: Duration = Duration::from_millis(500);

/// What every visitor shares: where the server is, the room, the clock, and the ids of every
/// message the backend stored.
#[derive(Debug)]
pub struct Shared {
    /// The backend's (and the sockets') base URL, `http://127.0.0.1:PORT`.
    pub base: String,
    /// The WebSocket host.
    pub ws_host: String,
    /// The WebSocket port.
    pub ws_port: u16,
    /// The app key.
    pub key: String,
    /// The presence room everyone joins.
    pub room: String,
    /// How often each visitor sends a message.
    pub send_every: Duration,
    /// When the run started (the protocol core's clock counts from here).
    pub start: std::time::Instant,
    /// Every message id the backend stored.
    pub stored: std::sync::Mutex<Vec<i64>>,
    /// Set when the visitors are to stop sending.
    pub stop_sending: AtomicBool,
}

impl Shared {
    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

/// What one visitor saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Every message id it has, live or from the history.
    pub seen: HashSet<i64>,
    /// Messages that arrived live more than once.
    pub live_duplicates: usize,
    /// Messages it had only from the history (missed live during an outage).
    pub recovered: usize,
    /// The room's members it lists at the end.
    pub members: usize,
    /// How many times its subscription was confirmed.
    pub subscriptions: u64,
    /// Messages it sent (each stored once).
    pub sent: u64,
}

/// What the visitor's helper tasks report back to its loop.
enum Incoming {
    Socket(SocketEvent),
    Auth(AuthAnswer),
    History(Vec<Message>),
}

impl From<SocketEvent> for Incoming {
    fn from(event: SocketEvent) -> Self {
        Self::Socket(event)
    }
}

/// A visitor's state while it runs.
struct Visitor {
    shared: Arc<Shared>,
    http: reqwest::Client,
    conn: Connection,
    socket: CurrentSocket,
    tx: mpsc::UnboundedSender<Incoming>,
    live: HashMap<i64, u32>,
    report: Report,
    /// When its subscription was last confirmed, in ms since the start (read by the run).
    confirmed_at: Arc<AtomicU64>,
}

/// Signs in as visitor `index` (from its own address, as a reverse proxy would name it) and
/// joins; runs until `done`; returns what it saw.
pub async fn run(
    shared: Arc<Shared>,
    index: usize,
    confirmed_at: Arc<AtomicU64>,
    mut done: watch::Receiver<bool>,
) -> Result<Report, String> {
    let http = sign_in(&shared, index).await?;
    let config = Config::for_host(
        &shared.key,
        &shared.ws_host,
        shared.ws_port,
        shared.ws_port,
        false,
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut visitor = Visitor {
        conn: Connection::new(config, 7919 * index as u64 + 1),
        shared: shared.clone(),
        http: http.clone(),
        socket: CurrentSocket::default(),
        tx,
        live: HashMap::new(),
        report: Report::default(),
        confirmed_at,
    };
    let now = shared.now();
    visitor.conn.connect(now);
    visitor
        .conn
        .subscribe(&shared.room, now)
        .map_err(|e| format!("{e:?}"))?;
    let sender = tokio::spawn(send_messages(shared.clone(), http, index));
    let clock_zero = tokio::time::Instant::from_std(shared.start);
    loop {
        visitor.drain().await;
        let deadline = visitor.conn.poll_timeout();
        let wake = deadline.map(|d| clock_zero + Duration::from_millis(d.as_millis()));
        tokio::select! {
            Some(incoming) = rx.recv() => visitor.apply(incoming),
            () = sleep_until(wake) => visitor.conn.handle_timeout(shared.now()),
            _ = done.changed() => break,
        }
    }
    visitor.report.sent = sender.await.map_err(|e| e.to_string())?;
    visitor.report.members = visitor
        .conn
        .members(&shared.room)
        .map_or(0, |members| members.count());
    Ok(visitor.report)
}

/// Signs in as visitor `index`, from its own address as a reverse proxy would name it; the
/// client that holds its session.
async fn sign_in(shared: &Shared, index: usize) -> Result<reqwest::Client, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    let address = format!("10.77.{}.{}", index / 250, index % 250 + 1);
    headers.insert(
        "x-forwarded-for",
        address.parse().map_err(|e| format!("{e}"))?,
    );
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let signed_in = http
        .post(format!("{}{}", shared.base, routes::SESSION))
        .json(&serde_json::json!({ "name": format!("visitor {index}") }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !signed_in.status().is_success() {
        return Err(format!(
            "visitor {index}: sign-in answered {}",
            signed_in.status()
        ));
    }
    Ok(http)
}

async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Sends a message every `send_every` until told to stop; each is retried until the backend
/// stores it. Returns how many it sent.
async fn send_messages(shared: Arc<Shared>, http: reqwest::Client, index: usize) -> u64 {
    let mut sent = 0;
    while !shared.stop_sending.load(Ordering::SeqCst) {
        let client_id = format!("v{index}-{sent}");
        loop {
            let answer = http
                .post(format!("{}{}", shared.base, routes::MESSAGES))
                .json(&serde_json::json!({
                    "channel": shared.room, "text": client_id, "client_id": client_id,
                }))
                .send()
                .await;
            let stored = match answer {
                Ok(response) if response.status().is_success() => {
                    response.json::<Message>().await.ok()
                }
                // Refused for good (not a 429): the run counts it as never stored.
                Ok(response) if response.status().is_client_error() && response.status() != 429 => {
                    eprintln!(
                        "visitor {index}: {client_id} refused: {}",
                        response.status()
                    );
                    break;
                }
                _ => None,
            };
            if let Some(message) = stored {
                if let Ok(mut ids) = shared.stored.lock() {
                    ids.push(message.id);
                }
                break;
            }
            if shared.stop_sending.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(SEND_RETRY).await;
        }
        sent += 1;
        tokio::time::sleep(shared.send_every).await;
    }
    sent
}

impl Visitor {
    /// Carries out everything the core asked for.
    async fn drain(&mut self) {
        while let Some(output) = self.socket.next_output(&mut self.conn, &self.tx).await {
            match output {
                Output::Authorize(request) => {
                    let (http, base, tx) =
                        (self.http.clone(), self.shared.base.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let answer = auth::ask_backend(&http, &base, &request, HeaderMap::new());
                        let _ = tx.send(Incoming::Auth(answer.await));
                    });
                }
                Output::Event(event) => self.on_event(event),
                // The visitors do not sign in to the socket (no server-to-user events here), and
                // outputs a newer core adds mean nothing to a soak visitor until it learns them.
                _ => {}
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::SubscriptionSucceeded { channel } if channel == self.shared.room => {
                self.report.subscriptions += 1;
                let ms = u64::try_from(self.shared.start.elapsed().as_millis()).unwrap_or(0);
                self.confirmed_at.store(ms, Ordering::SeqCst);
                let newest = self.report.seen.iter().max().copied();
                tokio::spawn(read_history(
                    self.http.clone(),
                    self.shared.clone(),
                    newest,
                    self.tx.clone(),
                ));
            }
            Event::Message {
                channel: Some(channel),
                event,
                data,
                ..
            } if channel == self.shared.room && event == MESSAGE_EVENT => {
                if let Ok(message) = serde_json::from_str::<Message>(data.decode().as_str()) {
                    let count = self.live.entry(message.id).or_default();
                    *count += 1;
                    if *count > 1 {
                        self.report.live_duplicates += 1;
                    }
                    self.report.seen.insert(message.id);
                }
            }
            _ => {}
        }
    }

    fn apply(&mut self, incoming: Incoming) {
        let now = self.shared.now();
        match incoming {
            Incoming::Socket(event) => self.socket.apply(&mut self.conn, event, now),
            Incoming::Auth((id, results)) => self.conn.handle_channel_auth(id, results, now),
            Incoming::History(messages) => {
                for message in messages {
                    if self.report.seen.insert(message.id) {
                        self.report.recovered += 1;
                    }
                }
            }
        }
    }
}

/// Reads the room's history from the newest back to `HISTORY_OVERLAP` below `newest` (all of
/// it, within `MAX_HISTORY_PAGES`, when the visitor has seen nothing yet).
async fn read_history(
    http: reqwest::Client,
    shared: Arc<Shared>,
    newest: Option<i64>,
    tx: mpsc::UnboundedSender<Incoming>,
) {
    let mut before: Option<i64> = None;
    for _ in 0..MAX_HISTORY_PAGES {
        let mut query = vec![
            ("channel", shared.room.clone()),
            ("limit", HISTORY_PAGE.to_string()),
        ];
        query.extend(before.map(|b| ("before", b.to_string())));
        let page = match http
            .get(format!("{}{}", shared.base, routes::HISTORY))
            .query(&query)
            .send()
            .await
        {
            Ok(response) => response.json::<History>().await.ok(),
            Err(_) => None,
        };
        let Some(History { messages }) = page else {
            return;
        };
        let oldest = messages.first().map(|m| m.id);
        let full = messages.len() == HISTORY_PAGE;
        let _ = tx.send(Incoming::History(messages));
        match (oldest, newest) {
            (Some(oldest), Some(newest)) if full && oldest > newest - HISTORY_OVERLAP => {
                before = Some(oldest);
            }
            (Some(oldest), None) if full => before = Some(oldest),
            _ => return,
        }
    }
}
