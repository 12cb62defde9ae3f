//! Every live connection and what it is subscribed to: channels, presence members, signed-in
//! users, watchlists and cache channels' last events. Synchronous and behind one lock; it queues
//! frames on connections' bounded outboxes and never blocks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use rusher_protocol::channels::{SERVER_TO_USER_PREFIX, validate_name_server};
use rusher_protocol::json::{Json, JsonText, Value};
use rusher_protocol::sign;
use rusher_protocol::wire::{
    ChannelMessage, PresenceData, ServerMessage, WatchlistEvent, WatchlistEventKind,
};
use rusher_protocol::{AUTH_ERROR, Access, AuthError, ChannelKind, INVALID_CHANNEL, LIMIT_REACHED};
use tokio::sync::mpsc;

use crate::app::App;

/// A socket id, `^\d+\.\d+$`.
pub type SocketId = String;

/// How long a cache channel keeps its last event (Pusher's TTL).
const CACHE_TTL: Duration = Duration::from_secs(30 * 60);

/// A channel with up to this many subscribers hears its subscription count at every change, as
/// on Pusher. Every change of a larger one would cost a frame to each subscriber: with visitors
/// coming and going, that grows with the square of the channel's size.
const COUNT_AT_ONCE_UP_TO: usize = 100;
/// How often a larger channel hears its count at most (Pusher's lock is 5 s too); the count a
/// burst of changes ends on follows when the time is up ([`Hub::announce_due_counts`]).
pub const LARGE_COUNT_EVERY: Duration = Duration::from_secs(5);
/// The longest presence user id Pusher accepts.
const MAX_USER_ID_LEN: usize = 128;
/// The largest presence `user_info` Pusher accepts, as JSON.
const MAX_USER_INFO_BYTES: usize = 1024;
/// The most channels one connection may be subscribed to, so a client cannot grow the server's
/// memory without bound.
pub const MAX_CHANNELS_PER_CONNECTION: usize = 1000;

/// What a connection's writer task is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// Send a text frame.
    Frame(String),
    /// Close the socket with this code and reason.
    Close(u16, String),
    /// End the connection without a close frame, as a crashed network would (fault injection).
    Drop,
}

/// The sending half of a connection's bounded outbox.
#[derive(Debug, Clone)]
pub struct ConnSender {
    frames: mpsc::Sender<Outgoing>,
    /// Asked to close when the outbox is full: a slow reader is dropped, not buffered forever.
    overflow: mpsc::UnboundedSender<()>,
}

impl ConnSender {
    /// A sender and its receivers: frames (bounded to `capacity`) and the overflow signal.
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<Outgoing>, mpsc::UnboundedReceiver<()>) {
        let (frames, frames_rx) = mpsc::channel(capacity);
        let (overflow, overflow_rx) = mpsc::unbounded_channel();
        (Self { frames, overflow }, frames_rx, overflow_rx)
    }

    /// Queues a frame; a full outbox signals overflow instead of waiting.
    pub fn send(&self, outgoing: Outgoing) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.frames.try_send(outgoing) {
            let _ = self.overflow.send(());
        }
    }
}

#[derive(Debug)]
struct Conn {
    sender: ConnSender,
    channels: BTreeSet<String>,
    /// Our user id in each presence channel.
    presence: BTreeMap<String, String>,
    user: Option<SignedIn>,
}

#[derive(Debug, Clone)]
struct SignedIn {
    id: String,
    watchlist: Vec<String>,
}

#[derive(Debug, Default)]
struct Channel {
    subscribers: BTreeSet<SocketId>,
    /// Presence members: id → (info, how many of its connections are subscribed).
    members: BTreeMap<String, (JsonText, usize)>,
    /// When its subscribers last heard its subscription count.
    count_told_at: Option<Instant>,
}

/// Why a subscription was refused: the payload of `pusher:subscription_error`.
pub type Refusal = AuthError;

/// Channel information for the REST API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInfo {
    /// Whether anyone is subscribed.
    pub occupied: bool,
    /// Connections subscribed.
    pub subscription_count: usize,
    /// Distinct presence users.
    pub user_count: Option<usize>,
}

/// The registry.
#[derive(Debug)]
pub struct Hub {
    app: App,
    conns: HashMap<SocketId, Conn>,
    channels: HashMap<String, Channel>,
    users: HashMap<String, BTreeSet<SocketId>>,
    cache: HashMap<String, (String, Instant)>,
    /// Large channels whose count changed while held back ([`LARGE_COUNT_EVERY`]).
    counts_due: BTreeSet<String>,
}

impl Hub {
    /// An empty hub for an app.
    pub fn new(app: App) -> Self {
        Self {
            app,
            conns: HashMap::new(),
            channels: HashMap::new(),
            users: HashMap::new(),
            cache: HashMap::new(),
            counts_due: BTreeSet::new(),
        }
    }

    /// The app's settings.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Registers a new connection.
    pub fn connect(&mut self, id: &str, sender: ConnSender) {
        self.conns.insert(
            id.to_owned(),
            Conn {
                sender,
                channels: BTreeSet::new(),
                presence: BTreeMap::new(),
                user: None,
            },
        );
    }

    /// Forgets a connection: leaves its channels and, for its user's last connection, tells
    /// watchers the user went offline.
    pub fn disconnect(&mut self, id: &str) {
        let Some(conn) = self.conns.get(id) else {
            return;
        };
        let channels: Vec<String> = conn.channels.iter().cloned().collect();
        for channel in channels {
            self.unsubscribe(id, &channel);
        }
        if let Some(user) = self.conns.remove(id).and_then(|c| c.user) {
            self.remove_user_socket(&user.id, id);
        }
    }

    /// Queues a frame for one connection.
    /// The queue of one connection's outgoing frames, for a sender that waits for room in it
    /// (the fault switch that floods a socket) instead of dropping a slow reader.
    pub fn queue_of(&self, id: &str) -> Option<mpsc::Sender<Outgoing>> {
        self.conns.get(id).map(|conn| conn.sender.frames.clone())
    }

    pub fn send_to(&self, id: &str, frame: String) {
        if let Some(conn) = self.conns.get(id) {
            conn.sender.send(Outgoing::Frame(frame));
        }
    }

    /// Subscribes a connection, checking the signature for private, presence and encrypted
    /// channels; sends `subscription_succeeded` (with members) and tells the others.
    pub fn subscribe(
        &mut self,
        id: &str,
        channel: &str,
        auth: Option<&str>,
        channel_data: Option<&str>,
    ) -> Result<(), Refusal> {
        let kind = validate_name_server(channel)
            .map_err(|e| refusal(INVALID_CHANNEL, e.to_string(), 400))?;
        let Some(conn) = self.conns.get(id) else {
            return Ok(());
        };
        if conn.channels.contains(channel) {
            return Ok(());
        }
        if conn.channels.len() >= MAX_CHANNELS_PER_CONNECTION {
            return Err(refusal(
                LIMIT_REACHED,
                format!(
                    "a connection may subscribe to at most {MAX_CHANNELS_PER_CONNECTION} channels"
                ),
                403,
            ));
        }
        let member = self.authorize(id, conn, channel, kind, auth, channel_data)?;
        if let Some((user_id, _)) = &member {
            let state = self.channels.get(channel);
            let known = state.is_some_and(|c| c.members.contains_key(user_id));
            let count = state.map_or(0, |c| c.members.len());
            if !known && count >= self.app.member_limit {
                return Err(refusal(
                    LIMIT_REACHED,
                    format!(
                        "presence channel is full ({} members)",
                        self.app.member_limit
                    ),
                    403,
                ));
            }
        }
        let state = self.channels.entry(channel.to_owned()).or_default();
        state.subscribers.insert(id.to_owned());
        let mut joined = None;
        if let Some((user_id, info)) = member {
            let entry = state
                .members
                .entry(user_id.clone())
                .or_insert((info.clone(), 0));
            entry.1 += 1;
            if entry.1 == 1 {
                joined = Some((user_id.clone(), info));
            }
            if let Some(conn) = self.conns.get_mut(id) {
                conn.presence.insert(channel.to_owned(), user_id);
            }
        }
        if let Some(conn) = self.conns.get_mut(id) {
            conn.channels.insert(channel.to_owned());
        }
        let presence = (kind.access == Access::Presence).then(|| self.presence_data(channel));
        self.send_to(
            id,
            ChannelMessage::SubscriptionSucceeded { presence }
                .on(channel)
                .to_json(),
        );
        if let Some((user_id, user_info)) = joined {
            let frame = ChannelMessage::MemberAdded { user_id, user_info }
                .on(channel)
                .to_json();
            self.broadcast(channel, &frame, Some(id));
        }
        if kind.cache {
            let frame = match self.cache.get(channel) {
                Some((frame, at)) if at.elapsed() < CACHE_TTL => frame.clone(),
                _ => ChannelMessage::CacheMiss.on(channel).to_json(),
            };
            self.send_to(id, frame);
        }
        self.announce_count(channel, kind);
        Ok(())
    }

    /// Checks the auth of a subscription; returns the presence member it adds, if any.
    fn authorize(
        &self,
        id: &str,
        conn: &Conn,
        channel: &str,
        kind: ChannelKind,
        auth: Option<&str>,
        channel_data: Option<&str>,
    ) -> Result<Option<(String, JsonText)>, Refusal> {
        let key = &self.app.key;
        let secret = &self.app.secret;
        let bad_signature = || refusal(AUTH_ERROR, "Invalid signature", 401);
        match kind.access {
            Access::Public => Ok(None),
            Access::ServerToUser => {
                let own = conn
                    .user
                    .as_ref()
                    .is_some_and(|u| channel == format!("{SERVER_TO_USER_PREFIX}{}", u.id));
                if own {
                    Ok(None)
                } else {
                    Err(refusal(
                        AUTH_ERROR,
                        "only the signed-in user may subscribe to its own channel",
                        403,
                    ))
                }
            }
            Access::Private | Access::Encrypted => {
                let auth = auth.ok_or_else(bad_signature)?;
                if sign::verify_channel_auth(key, secret, auth, id, channel, None) {
                    Ok(None)
                } else {
                    Err(bad_signature())
                }
            }
            Access::Presence => {
                let auth = auth.ok_or_else(bad_signature)?;
                let data = channel_data
                    .ok_or_else(|| refusal(AUTH_ERROR, "presence needs channel_data", 400))?;
                if !sign::verify_channel_auth(key, secret, auth, id, channel, Some(data)) {
                    return Err(bad_signature());
                }
                presence_member(data).map(Some)
            }
        }
    }

    /// Removes a connection from a channel; tells the others when a user's last connection left.
    pub fn unsubscribe(&mut self, id: &str, channel: &str) {
        let Some(conn) = self.conns.get_mut(id) else {
            return;
        };
        if !conn.channels.remove(channel) {
            return;
        }
        let user_id = conn.presence.remove(channel);
        let Some(state) = self.channels.get_mut(channel) else {
            return;
        };
        state.subscribers.remove(id);
        let mut left = None;
        if let Some(user_id) = user_id
            && let Some(entry) = state.members.get_mut(&user_id)
        {
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                state.members.remove(&user_id);
                left = Some(user_id);
            }
        }
        if state.subscribers.is_empty() {
            self.channels.remove(channel);
        }
        if let Some(user_id) = left {
            let frame = ChannelMessage::MemberRemoved { user_id }
                .on(channel)
                .to_json();
            self.broadcast(channel, &frame, None);
        }
        self.announce_count(channel, ChannelKind::of(channel));
    }

    /// Whether a connection is subscribed to a channel.
    pub fn is_subscribed(&self, id: &str, channel: &str) -> bool {
        self.conns
            .get(id)
            .is_some_and(|c| c.channels.contains(channel))
    }

    /// Relays a client event to the channel's other subscribers, with `user_id` on presence.
    pub fn client_event(&self, id: &str, channel: &str, event: &str, data: JsonText) {
        let user_id = self
            .conns
            .get(id)
            .and_then(|c| c.presence.get(channel))
            .cloned();
        let frame = ServerMessage::Event {
            event: event.to_owned(),
            channel: Some(channel.to_owned()),
            data: data.into(),
            user_id,
        }
        .to_json();
        self.broadcast(channel, &frame, Some(id));
    }

    /// Publishes an event from the REST API to each channel (except one socket), remembering it
    /// for cache channels.
    pub fn publish(&mut self, channels: &[String], event: &str, data: &str, except: Option<&str>) {
        for channel in channels {
            let frame = ServerMessage::Event {
                event: event.to_owned(),
                channel: Some(channel.clone()),
                data: JsonText::string(data).into(),
                user_id: None,
            }
            .to_json();
            if ChannelKind::of(channel).cache {
                self.cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
                self.cache
                    .insert(channel.clone(), (frame.clone(), Instant::now()));
            }
            self.broadcast(channel, &frame, except);
        }
    }

    /// Signs a connection in after checking the user auth signature; subscribes nothing (the
    /// client subscribes its `#server-to-user-` channel) but starts watchlist events.
    pub fn signin(&mut self, id: &str, auth: &str, user_data: &str) -> Result<(), String> {
        if !sign::verify_user_auth(&self.app.key, &self.app.secret, auth, id, user_data) {
            return Err("Invalid signature".to_owned());
        }
        let data = Value::parse(user_data).map_err(|_| "user_data is not JSON".to_owned())?;
        let user_id = match data.get("id") {
            Some(Value::String(user_id)) if !user_id.is_empty() => user_id.clone(),
            _ => return Err("user_data.id must be a non-empty string".to_owned()),
        };
        let watchlist: Vec<String> = data
            .get("watchlist")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let Some(conn) = self.conns.get_mut(id) else {
            return Ok(());
        };
        if let Some(previous) = conn.user.take() {
            self.remove_user_socket(&previous.id, id);
        }
        if let Some(conn) = self.conns.get_mut(id) {
            conn.user = Some(SignedIn {
                id: user_id.clone(),
                watchlist: watchlist.clone(),
            });
        }
        self.send_to(
            id,
            ServerMessage::SigninSuccess {
                user_data: user_data.to_owned(),
            }
            .to_json(),
        );
        let sockets = self.users.entry(user_id.clone()).or_default();
        let first = sockets.is_empty();
        sockets.insert(id.to_owned());
        let online: Vec<String> = watchlist
            .iter()
            .filter(|w| self.users.get(*w).is_some_and(|s| !s.is_empty()))
            .cloned()
            .collect();
        if !online.is_empty() {
            self.send_to(id, watchlist_frame(WatchlistEventKind::Online, online));
        }
        if first {
            self.tell_watchers(&user_id, WatchlistEventKind::Online);
        }
        Ok(())
    }

    /// The sockets of a signed-in user (for terminating its connections).
    pub fn user_sockets(&self, user_id: &str) -> Vec<SocketId> {
        self.users
            .get(user_id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Asks a connection to close with a code.
    pub fn close(&self, id: &str, code: u16, reason: &str) {
        if let Some(conn) = self.conns.get(id) {
            conn.sender.send(Outgoing::Close(code, reason.to_owned()));
        }
    }

    /// Asks every connection to close with a code (shutdown, fault injection).
    pub fn close_all(&self, code: u16, reason: &str) {
        self.send_all(&Outgoing::Close(code, reason.to_owned()));
    }

    /// Queues the same instruction for every connection.
    pub fn send_all(&self, outgoing: &Outgoing) {
        for conn in self.conns.values() {
            conn.sender.send(outgoing.clone());
        }
    }

    /// The ids of every connection.
    pub fn socket_ids(&self) -> Vec<SocketId> {
        self.conns.keys().cloned().collect()
    }

    /// One channel's information.
    pub fn channel_info(&self, channel: &str) -> ChannelInfo {
        let state = self.channels.get(channel);
        ChannelInfo {
            occupied: state.is_some_and(|c| !c.subscribers.is_empty()),
            subscription_count: state.map_or(0, |c| c.subscribers.len()),
            user_count: (ChannelKind::of(channel).access == Access::Presence)
                .then(|| state.map_or(0, |c| c.members.len())),
        }
    }

    /// Every occupied channel whose name starts with `prefix`.
    pub fn occupied_channels(&self, prefix: &str) -> Vec<(String, ChannelInfo)> {
        let mut list: Vec<(String, ChannelInfo)> = self
            .channels
            .keys()
            .filter(|name| name.starts_with(prefix))
            .map(|name| (name.clone(), self.channel_info(name)))
            .filter(|(_, info)| info.occupied)
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list
    }

    /// A presence channel's user ids.
    pub fn presence_users(&self, channel: &str) -> Vec<String> {
        self.channels
            .get(channel)
            .map(|c| c.members.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn presence_data(&self, channel: &str) -> PresenceData {
        let members = self.channels.get(channel).map(|c| &c.members);
        let mut data = PresenceData::default();
        for (id, (info, _)) in members.into_iter().flatten() {
            data.ids.push(id.clone());
            data.hash.push((id.clone(), info.clone()));
        }
        data.count = data.ids.len() as u64;
        data
    }

    fn broadcast(&self, channel: &str, frame: &str, except: Option<&str>) {
        let Some(state) = self.channels.get(channel) else {
            return;
        };
        for id in &state.subscribers {
            if Some(id.as_str()) != except {
                self.send_to(id, frame.to_owned());
            }
        }
    }

    /// Sends `pusher_internal:subscription_count` to a non-presence channel's subscribers: at
    /// once, unless it is a large channel that heard it less than [`LARGE_COUNT_EVERY`] ago.
    fn announce_count(&mut self, channel: &str, kind: ChannelKind) {
        self.announce_count_at(channel, kind, Instant::now());
    }

    fn announce_count_at(&mut self, channel: &str, kind: ChannelKind, now: Instant) {
        if kind.access == Access::Presence || kind.access == Access::ServerToUser {
            return;
        }
        let Some(state) = self.channels.get_mut(channel) else {
            return;
        };
        let count = state.subscribers.len();
        let told_lately = state
            .count_told_at
            .is_some_and(|at| now.duration_since(at) < LARGE_COUNT_EVERY);
        if count > COUNT_AT_ONCE_UP_TO && told_lately {
            // A busy channel is held back on every join and leave: its name is copied once.
            if !self.counts_due.contains(channel) {
                self.counts_due.insert(channel.to_owned());
            }
            return;
        }
        state.count_told_at = Some(now);
        self.counts_due.remove(channel);
        let frame = ChannelMessage::SubscriptionCount(count as u64)
            .on(channel)
            .to_json();
        self.broadcast(channel, &frame, None);
    }

    /// Sends the counts that large channels held back, once [`LARGE_COUNT_EVERY`] has passed
    /// since they last heard one (`now`). The server calls it every second.
    pub fn announce_due_counts(&mut self, now: Instant) {
        // Each is told now or held back again (and put back); a channel gone meanwhile is
        // dropped.
        for channel in std::mem::take(&mut self.counts_due) {
            let kind = ChannelKind::of(&channel);
            self.announce_count_at(&channel, kind, now);
        }
    }

    fn remove_user_socket(&mut self, user_id: &str, id: &str) {
        let last = match self.users.get_mut(user_id) {
            Some(sockets) => {
                sockets.remove(id);
                sockets.is_empty()
            }
            None => false,
        };
        if last {
            self.users.remove(user_id);
            self.tell_watchers(user_id, WatchlistEventKind::Offline);
        }
    }

    /// Tells every signed-in connection that watches `user_id` that it came online or went offline.
    fn tell_watchers(&self, user_id: &str, kind: WatchlistEventKind) {
        for (id, conn) in &self.conns {
            let watching = conn
                .user
                .as_ref()
                .is_some_and(|u| u.watchlist.iter().any(|w| w == user_id));
            if watching {
                self.send_to(id, watchlist_frame(kind, vec![user_id.to_owned()]));
            }
        }
    }
}

fn watchlist_frame(kind: WatchlistEventKind, ids: Vec<String>) -> String {
    ServerMessage::Watchlist(vec![WatchlistEvent {
        kind,
        user_ids: ids,
    }])
    .to_json()
}

/// Reads presence `channel_data`: a user id (string or number) within Pusher's limits, and info.
fn presence_member(channel_data: &str) -> Result<(String, JsonText), Refusal> {
    let invalid = |why: &str| refusal(AUTH_ERROR, format!("invalid channel_data: {why}"), 400);
    let data = Json::parse(channel_data).map_err(|_| invalid("not JSON"))?;
    let user_id = match data.get("user_id").and_then(Json::as_id) {
        Some(id) if !id.is_empty() => id,
        _ => return Err(invalid("no user_id")),
    };
    if user_id.len() > MAX_USER_ID_LEN {
        return Err(invalid("user_id is longer than 128 characters"));
    }
    let info = data
        .get("user_info")
        .map(JsonText::from)
        .unwrap_or_default();
    if info.as_str().len() > MAX_USER_INFO_BYTES {
        return Err(invalid("user_info is larger than 1 KB"));
    }
    Ok((user_id, info))
}

fn refusal(kind: &str, error: impl Into<String>, status: u16) -> Refusal {
    AuthError {
        kind: kind.to_owned(),
        error: error.into(),
        status: Some(status),
    }
}

#[cfg(test)]
mod tests {
    use super::{ConnSender, Hub, LARGE_COUNT_EVERY, Outgoing};
    use crate::App;

    /// The subscription counts a connection's outbox holds.
    fn counts_heard(frames: &mut tokio::sync::mpsc::Receiver<Outgoing>) -> Vec<u64> {
        let mut counts = Vec::new();
        while let Ok(Outgoing::Frame(frame)) = frames.try_recv() {
            if frame.contains("pusher_internal:subscription_count") {
                let digits: String = frame
                    .rsplit("subscription_count")
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                counts.push(digits.parse().unwrap_or(u64::MAX));
            }
        }
        counts
    }

    #[test]
    fn a_large_channel_hears_its_count_at_most_every_few_seconds_and_ends_on_the_last() {
        let mut hub = Hub::new(App::new("1", "key", "secret", [7; 32]));
        let mut first = None;
        for n in 0..150 {
            let (sender, frames, _overflow) = ConnSender::new(1024);
            let id = format!("1.{n}");
            hub.connect(&id, sender);
            assert!(hub.subscribe(&id, "big-room", None, None).is_ok());
            if n == 0 {
                first = Some(frames);
            }
        }
        let mut frames = first.expect("the first connection");
        let heard = counts_heard(&mut frames);
        assert_eq!(
            heard,
            (1..=100).collect::<Vec<u64>>(),
            "every change up to 100"
        );
        let now = std::time::Instant::now();
        hub.announce_due_counts(now);
        assert!(counts_heard(&mut frames).is_empty(), "held back: too soon");
        hub.announce_due_counts(now + LARGE_COUNT_EVERY);
        assert_eq!(counts_heard(&mut frames), vec![150], "the count it got to");
        hub.unsubscribe("1.149", "big-room");
        assert!(counts_heard(&mut frames).is_empty(), "held back: too soon");
        hub.announce_due_counts(now + LARGE_COUNT_EVERY * 2);
        assert_eq!(
            counts_heard(&mut frames),
            vec![149],
            "the count it ended on"
        );
        hub.announce_due_counts(now + LARGE_COUNT_EVERY * 4);
        assert!(counts_heard(&mut frames).is_empty(), "nothing new to tell");
    }

    #[test]
    fn a_full_outbox_signals_overflow_instead_of_growing() {
        let (sender, mut frames, mut overflow) = ConnSender::new(2);
        sender.send(Outgoing::Frame("1".into()));
        sender.send(Outgoing::Frame("2".into()));
        assert!(overflow.try_recv().is_err());
        sender.send(Outgoing::Frame("3".into()));
        assert!(overflow.try_recv().is_ok(), "the third frame overflows");
        assert_eq!(frames.try_recv().ok(), Some(Outgoing::Frame("1".into())));
        assert_eq!(frames.try_recv().ok(), Some(Outgoing::Frame("2".into())));
        assert!(
            frames.try_recv().is_err(),
            "nothing beyond the cap was queued"
        );
    }
}
