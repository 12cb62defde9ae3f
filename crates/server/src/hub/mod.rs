//! Every live connection and what it is subscribed to: channels, presence members, signed-in
//! users, watchlists and cache channels' last events. Synchronous and behind one lock; it queues
//! frames on connections' bounded outboxes and never blocks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use rusher_protocol::channels::validate_name_server;
use rusher_protocol::json::JsonText;
use rusher_protocol::wire::{ChannelMessage, ServerMessage};
use rusher_protocol::{Access, AuthError, ChannelKind, INVALID_CHANNEL, LIMIT_REACHED};
use tokio::sync::mpsc;

use crate::app::App;

mod auth;
mod counts;
mod outbox;
mod presence;
mod users;

use presence::Member;

pub use counts::LARGE_COUNT_EVERY;
pub use outbox::{ConnSender, Outgoing};

/// A socket id, `^\d+\.\d+$`.
pub type SocketId = String;

/// How long a cache channel keeps its last event (Pusher's TTL).
const CACHE_TTL: Duration = Duration::from_secs(30 * 60);

/// The most channels one connection may be subscribed to, so a client cannot grow the server's
/// memory without bound.
pub const MAX_CHANNELS_PER_CONNECTION: usize = 1000;

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
        self.conns.get(id).map(|conn| conn.sender.queue())
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
            self.check_room_for(channel, user_id)?;
        }
        let state = self.channels.entry(channel.to_owned()).or_default();
        state.subscribers.insert(id.to_owned());
        let joined = member.and_then(|member| self.add_member(id, channel, member));
        if let Some(conn) = self.conns.get_mut(id) {
            conn.channels.insert(channel.to_owned());
        }
        self.welcome(id, channel, kind, joined);
        self.announce_count(channel, kind);
        Ok(())
    }

    /// Sends a new subscriber `subscription_succeeded` (with the members of a presence channel)
    /// and a cache channel's last event (or `cache_miss`); tells the others of a member who
    /// `joined`.
    fn welcome(&mut self, id: &str, channel: &str, kind: ChannelKind, joined: Option<Member>) {
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
