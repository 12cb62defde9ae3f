//! The widget's state as Leptos signals, and what changes it: joining, the Rusher client's events,
//! sending with a pending state and retry, history, and the typing indicator. The signals are
//! `Copy` handles; the client and the backend live in local storage beside them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat::{
    ANSWER_EVENT, DEFAULT_HISTORY_PAGE, INVITATION_EVENT, Invitation, InvitationAnswer,
    MAX_NAME_CHARS, MAX_TEXT_CHARS, Message, Refusal, TYPING_EVENT, User, check_name,
    overflow_twin,
};
use rusher_client::{Channel, ChannelAuthorizer, Endpoint, Event, Options, Pusher, State};
use rusher_client::{UserAuthenticator, Value};

use crate::backend::Backend;
use crate::config::{ChatConfig, SendMode};
use crate::i18n::{Strings, strings};
use crate::model::{Delivery, Line, Room, Status, merge};
use crate::notify;
use crate::outbox::{self, MAX_QUEUED, Queued};

/// How long "… is typing" shows after the last typing event, in milliseconds.
const TYPING_SHOWS_MS: f64 = 3000.0;
/// At most one typing event per this many milliseconds.
const TYPING_EVERY_MS: f64 = 2000.0;
/// Messages loaded on join and per page of older history.
const HISTORY_PAGE: usize = DEFAULT_HISTORY_PAGE;
/// The most history pages a room reads after a reconnection, to fill what an outage in a busy
/// room left out (5 pages: 250 messages, half of what a room keeps).
const CATCH_UP_PAGES: usize = 5;
/// How often a message the realtime server did not take is offered again while it stays down.
const PUBLISH_RETRY_MS: u32 = 5000;
/// How long a room whose subscription failed (its auth endpoint refused, failed or did not
/// answer; the server refused it), or a sign-in that failed, waits before trying again: long
/// enough not to hammer a failing endpoint, short enough that a passing failure costs a reader
/// seconds.
const AUTH_RETRY_MS: u32 = 5000;
/// The client event that carries messages in `send: "client-event"` mode.
const CLIENT_MESSAGE_EVENT: &str = "client-message";
/// The prefix of the signed-in user's own channel.
const USER_CHANNEL_PREFIX: &str = "#server-to-user-";

/// The parts that are not signals: the client, the rooms' channels and the backend.
struct Services {
    backend: Backend,
    config: ChatConfig,
    pusher: Option<Pusher>,
    channels: Vec<Channel>,
    last_typing_sent: f64,
    /// Messages waiting for the backend, oldest first.
    outbox: Vec<Queued>,
    /// Whether a flush of the outbox is running.
    flushing: bool,
    /// Whether a flush waits to offer a message the realtime server did not take again.
    retry_waiting: bool,
    /// The server's presence member limit, when it says.
    member_limit: Option<usize>,
    /// Whether the lobby's private twin is subscribed (the room is full: it gives the count).
    counting: bool,
}

impl Services {
    fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name() == name)
    }
}

/// Someone typing in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Typist {
    /// The room.
    pub room: String,
    /// Their user id, when the server said (sockudo does not on client events).
    pub user_id: Option<String>,
    /// Their name, as their typing event gave it.
    pub name: String,
    /// Until when it shows, in `performance.now()` milliseconds.
    pub until: f64,
}

/// The widget's state. Cheap to copy into every view closure.
///
/// The Rusher client may report events synchronously while it is called, so it is never called
/// from inside a `services` update or read: clones come out first.
#[derive(Clone, Copy)]
pub struct Chat {
    /// The words to show.
    pub strings: Strings,
    /// The signed-in user; `None` shows the join form.
    pub me: RwSignal<Option<User>>,
    /// Whether the session check is done (before it, neither form nor chat shows).
    pub ready: RwSignal<bool>,
    /// A problem to show in the join form.
    pub join_error: RwSignal<Option<String>>,
    /// The messages, oldest first.
    pub lines: RwSignal<Vec<Line>>,
    /// Who is online, sorted by name.
    pub members: RwSignal<Vec<User>>,
    /// How many are online (the subscription count when the room outgrows the member list).
    pub online: RwSignal<usize>,
    /// The connection as shown.
    pub status: RwSignal<Status>,
    /// Who is typing where.
    pub typing: RwSignal<Vec<Typist>>,
    /// Messages from others not seen yet.
    pub unread: RwSignal<u32>,
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// Whether older history may exist (in the lobby).
    pub more_history: RwSignal<bool>,
    /// The room shown.
    pub room: RwSignal<String>,
    /// The rooms open: the lobby first, then private chats.
    pub rooms: RwSignal<Vec<Room>>,
    /// Invitations waiting for an answer.
    pub invitations: RwSignal<Vec<Invitation>>,
    /// A short notice ("Invitation sent to Ana").
    pub notice: RwSignal<Option<String>>,
    /// Whether desktop notifications are on (the reader asked for them).
    pub notify: RwSignal<bool>,
    /// The lobby's presence channel was full: no member list, the count comes from the
    /// subscription count of its private twin.
    pub full: RwSignal<bool>,
    services: StoredValue<Services, LocalStorage>,
}

/// Milliseconds on the page's monotonic clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A random id for a message (the backend makes a retry with the same id harmless).
fn client_id() -> String {
    let part = || {
        format!(
            "{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        )
    };
    [part(), part(), part()].concat()
}

/// Where the open state is remembered.
const OPEN_KEY: &str = "rusher-chat-open";

fn remembered_open() -> Option<bool> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(OPEN_KEY).ok()?.map(|v| v == "1")
}

impl Chat {
    /// The state for a config; nothing happens until [`start`](Self::start).
    pub fn new(config: ChatConfig) -> Self {
        let language = config.language.clone().unwrap_or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .unwrap_or_default()
        });
        let open = config.open.or_else(remembered_open).unwrap_or(false);
        let strings = strings(&language);
        let lobby = Room {
            channel: config.channel(),
            title: strings.lobby.to_owned(),
            unread: 0,
        };
        Chat {
            strings,
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
            join_error: RwSignal::new(None),
            lines: RwSignal::new(Vec::new()),
            members: RwSignal::new(Vec::new()),
            online: RwSignal::new(0),
            status: RwSignal::new(Status::Connecting),
            typing: RwSignal::new(Vec::new()),
            unread: RwSignal::new(0),
            open: RwSignal::new(open),
            more_history: RwSignal::new(true),
            room: RwSignal::new(lobby.channel.clone()),
            rooms: RwSignal::new(vec![lobby]),
            invitations: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            notify: RwSignal::new(false),
            full: RwSignal::new(false),
            services: StoredValue::new_local(Services {
                backend: Backend::new(&config.backend()),
                config,
                pusher: None,
                channels: Vec::new(),
                last_typing_sent: f64::NEG_INFINITY,
                outbox: Vec::new(),
                flushing: false,
                retry_waiting: false,
                member_limit: None,
                counting: false,
            }),
        }
    }

    /// Checks for a session (or the configured user) and connects when there is one.
    pub fn start(self) {
        let known = self.services.with_value(|s| s.config.user.clone());
        if let Some(user) = known {
            self.ready.set(true);
            self.joined(user);
            return;
        }
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            if let Ok(Some(user)) = backend.whoami().await {
                self.joined(user);
            }
            self.ready.set(true);
        });
    }

    /// Opens or closes the panel, remembering it.
    pub fn set_open(self, open: bool) {
        self.open.set(open);
        if open {
            self.seen(&self.room.get_untracked());
        }
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if let Some(storage) = storage {
            let _ = storage.set_item(OPEN_KEY, if open { "1" } else { "0" });
        }
    }

    /// Signs in with a display name.
    pub fn join(self, name: String) {
        let Ok(name) = check_name(&name).map(str::to_owned) else {
            self.join_error
                .set(Some(self.strings.invalid_name.to_owned()));
            return;
        };
        self.join_error.set(None);
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            match backend.join(&name).await {
                Ok(user) => self.joined(user),
                Err(e) => self.join_error.set(Some(e.message)),
            }
        });
    }

    /// Connects as `user` and subscribes to the room (its recent history loads once the
    /// subscription is confirmed); messages this tab still had waiting go out.
    fn joined(self, user: User) {
        let waiting: Vec<Queued> = outbox::load()
            .into_iter()
            .filter(|q| q.user.id == user.id)
            .collect();
        self.lines
            .update(|lines| lines.extend(waiting.iter().map(Queued::line)));
        self.services.update_value(|s| s.outbox = waiting);
        self.me.set(Some(user));
        let (mut config, backend) = self
            .services
            .with_value(|s| (s.config.clone(), s.backend.clone()));
        spawn_local(async move {
            // Best effort when the host gave the key: another backend may have no /chat/config.
            let server = backend.config().await.ok();
            let limit = server.as_ref().and_then(|c| c.member_limit);
            self.services.update_value(|s| s.member_limit = limit);
            // The page's options first, then where the backend says the sockets are.
            if let Some(server) = &server
                && config.ws_host.is_none()
                && server.ws_host.is_some()
            {
                config.ws_host.clone_from(&server.ws_host);
                config.ws_port = config.ws_port.or(server.ws_port);
                config.force_tls = config.force_tls.or(server.force_tls);
            }
            let Some(key) = config.key.clone().or(server.map(|c| c.key)) else {
                self.status.set(Status::Offline);
                return;
            };
            self.connect(&config, &key);
            // Read once now too, so that a visitor whose socket cannot connect still sees the
            // room; the read on the confirmed subscription fills what came in between.
            self.load_history(&config.channel(), None).await;
            self.flush();
        });
    }

    fn connect(self, config: &ChatConfig, key: &str) {
        let location = web_sys::window().map(|w| w.location());
        let page = |read: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location
                .as_ref()
                .and_then(|l| read(l).ok())
                .unwrap_or_default()
        };
        let tls = config
            .force_tls
            .unwrap_or_else(|| page(web_sys::Location::protocol) == "https:");
        let port = config
            .ws_port
            .or_else(|| page(web_sys::Location::port).parse().ok())
            .unwrap_or(if tls { 443 } else { 80 });
        let base = config.backend();
        let authorization = self
            .services
            .with_value(|s| s.backend.authorization())
            .into_iter()
            .collect::<Vec<_>>();
        let mut options = Options::new(key);
        options.ws_host = Some(
            config
                .ws_host
                .clone()
                .unwrap_or_else(|| page(web_sys::Location::hostname)),
        );
        options.force_tls = tls;
        options.ws_port = port;
        options.wss_port = port;
        let endpoint = |given: &Option<String>, path: &str| {
            let mut endpoint = Endpoint::new(
                &given
                    .clone()
                    .unwrap_or_else(|| [base.as_str(), path].concat()),
            );
            // The session token, for a backend on another site.
            endpoint.headers.clone_from(&authorization);
            endpoint
        };
        options.channel_authorization =
            ChannelAuthorizer::Endpoint(endpoint(&config.auth_endpoint, "/pusher/auth"));
        options.user_authentication =
            UserAuthenticator::Endpoint(endpoint(&config.user_auth_endpoint, "/pusher/user-auth"));
        let pusher = Pusher::new(options);
        pusher.bind_global(move |event| self.on_event(event));
        let channel = pusher.subscribe(&config.channel()).ok();
        pusher.signin();
        self.services.update_value(|s| {
            s.pusher = Some(pusher);
            s.channels.extend(channel);
        });
    }

    /// Loads a page of a room's history before `before` (or the latest); the page's size and its
    /// oldest message's id, when it came.
    async fn load_history(
        self,
        channel: &str,
        before: Option<i64>,
    ) -> Option<(usize, Option<i64>)> {
        let (backend, lobby, mode) = self
            .services
            .with_value(|s| (s.backend.clone(), s.config.channel(), s.config.send));
        if mode == SendMode::ClientEvent {
            self.more_history.set(false);
            return None;
        }
        let messages = backend.history(channel, before, HISTORY_PAGE).await.ok()?;
        let page = (messages.len(), messages.first().map(|m| m.id));
        if channel == lobby && messages.len() < HISTORY_PAGE {
            self.more_history.set(false);
        }
        self.lines.update(|lines| {
            for message in messages {
                merge(lines, message);
            }
        });
        Some(page)
    }

    /// Reads what a room missed: its latest page, then older pages until one reaches the newest
    /// message of others the room already had (after an outage in a busy room), at most
    /// [`CATCH_UP_PAGES`]. The visitor's own messages do not count: the outbox may have stored
    /// them, with new ids, before the subscription was confirmed again.
    async fn catch_up(self, room: &str) {
        let me = self.me.get_untracked().map(|user| user.id);
        let known = self.lines.with_untracked(|lines| {
            lines
                .iter()
                .filter(|l| l.channel == room && Some(&l.user.id) != me.as_ref())
                .filter_map(|l| l.id)
                .max()
        });
        let mut before = None;
        for _ in 0..CATCH_UP_PAGES {
            let Some((count, Some(oldest))) = self.load_history(room, before).await else {
                return;
            };
            match known {
                Some(known) if count == HISTORY_PAGE && oldest > known => before = Some(oldest),
                _ => return,
            }
        }
    }

    /// Loads older messages of the room shown (when the reader scrolls to the top).
    pub fn load_older(self) {
        let room = self.room.get_untracked();
        let lobby = self.services.with_value(|s| s.config.channel());
        if room == lobby && !self.more_history.get_untracked() {
            return;
        }
        let first = self.lines.with_untracked(|lines| {
            lines
                .iter()
                .filter(|l| l.channel == room)
                .find_map(|l| l.id)
        });
        spawn_local(async move {
            self.load_history(&room, first).await;
        });
    }

    /// Whether a channel is one of the open rooms.
    fn is_room(self, channel: &str) -> bool {
        self.rooms
            .with_untracked(|rooms| rooms.iter().any(|r| r.channel == channel))
    }

    fn on_event(self, event: &Event) {
        let Some(lobby) = self.services.try_with_value(|s| s.config.channel()) else {
            return;
        };
        if let Event::MemberRemoved { channel, member } = event {
            self.stopped_typing(channel, member);
        }
        match event {
            Event::StateChange { current, .. } => self.on_state(*current),
            Event::Message {
                channel: Some(channel),
                event,
                data,
                ..
            } if channel.starts_with(USER_CHANNEL_PREFIX) => {
                self.on_user_event(event, &data.value())
            }
            Event::Message {
                channel: Some(channel),
                event,
                data,
                user_id,
            } if self.is_room(channel) => {
                self.on_message(channel, event, &data.value(), user_id.as_deref());
            }
            // The lobby's private twin carries its messages for a visitor it had no room for.
            Event::Message {
                channel: Some(channel),
                event,
                data,
                user_id,
            } if Some(channel) == overflow_twin(&lobby).as_ref() => {
                self.on_message(&lobby, event, &data.value(), user_id.as_deref());
            }
            Event::SubscriptionError { channel, error }
                if *channel == lobby && error.kind == "LimitReached" =>
            {
                self.overflow(&lobby);
            }
            Event::SubscriptionError { channel, .. }
                if self.is_room(channel) || Some(channel) == overflow_twin(&lobby).as_ref() =>
            {
                self.room_refused(channel);
            }
            Event::SigninError(_) => self.signin_refused(),
            Event::SubscriptionSucceeded { channel } if self.is_room(channel) => {
                self.subscribed(channel, &lobby);
            }
            Event::SubscriptionSucceeded { channel }
                if self.full.get_untracked() && Some(channel) == overflow_twin(&lobby).as_ref() =>
            {
                self.subscribed(&lobby, &lobby);
            }
            Event::MemberAdded { channel, .. } | Event::MemberRemoved { channel, .. }
                if *channel == lobby =>
            {
                self.refresh_members();
            }
            Event::SubscriptionCount { channel, count }
                if Some(channel) == overflow_twin(&lobby).as_ref()
                    && self.services.with_value(|s| s.counting) =>
            {
                self.online
                    .set(usize::try_from(*count).unwrap_or(usize::MAX));
            }
            _ => {}
        }
    }

    fn on_state(self, state: State) {
        let online_before = self.status.get_untracked() == Status::Online;
        let browser_online = web_sys::window().is_none_or(|w| w.navigator().on_line());
        let status = match state {
            State::Connected => Status::Online,
            State::Initialized | State::Connecting if !online_before => {
                if self.status.get_untracked() == Status::Connecting {
                    Status::Connecting
                } else {
                    Status::Reconnecting
                }
            }
            State::Initialized | State::Connecting => Status::Reconnecting,
            State::Unavailable if browser_online => Status::Reconnecting,
            State::Unavailable | State::Failed | State::Disconnected => Status::Offline,
        };
        let before = self.status.get_untracked();
        self.status.set(status);
        if status == Status::Online {
            self.refresh_members();
            // What was broadcast while we were away comes back as each room's subscription is
            // confirmed again (its history reloads then).
            if matches!(before, Status::Reconnecting | Status::Offline) {
                self.flush();
            }
        }
    }

    /// Counts a message the reader has not seen, in its room and in total.
    fn bump(self, room: &str) {
        self.rooms.update(|rooms| {
            if let Some(r) = rooms.iter_mut().find(|r| r.channel == room) {
                r.unread += 1;
            }
        });
        self.unread.update(|n| *n += 1);
    }

    /// Marks a room's messages as seen.
    fn seen(self, room: &str) {
        let mut cleared = 0;
        self.rooms.update(|rooms| {
            if let Some(r) = rooms.iter_mut().find(|r| r.channel == room) {
                cleared = std::mem::take(&mut r.unread);
            }
        });
        self.unread.update(|n| *n = n.saturating_sub(cleared));
    }

    /// Turns desktop notifications on (asking for permission) or off.
    pub fn toggle_notifications(self) {
        if self.notify.get_untracked() {
            self.notify.set(false);
            return;
        }
        spawn_local(async move { self.notify.set(notify::ask().await) });
    }

    /// The tab became visible or hidden: a visible open panel has seen its room.
    pub fn visibility_changed(self) {
        if !notify::page_hidden() && self.open.get_untracked() {
            self.seen(&self.room.get_untracked());
        }
    }

    /// Shows a room.
    pub fn select_room(self, room: String) {
        self.seen(&room);
        self.room.set(room);
    }

    fn on_message(self, room: &str, event: &str, data: &Value, user_id: Option<&str>) {
        match event {
            rusher_chat::MESSAGE_EVENT | CLIENT_MESSAGE_EVENT => {
                let Ok(message) = serde_json::from_str::<Message>(&data.to_json()) else {
                    return;
                };
                let from_others = self
                    .me
                    .with_untracked(|me| me.as_ref().is_none_or(|me| me.id != message.user.id));
                let new = self.lines.try_update(|lines| merge(lines, message)) == Some(true);
                let hidden = notify::page_hidden();
                let watching =
                    self.open.get_untracked() && !hidden && self.room.with_untracked(|r| r == room);
                if new && from_others && !watching {
                    self.bump(room);
                    if hidden && self.notify.get_untracked() {
                        let (name, text) = self.lines.with_untracked(|lines| {
                            lines
                                .iter()
                                .rev()
                                .find(|l| l.channel == room)
                                .map(|l| (l.user.name.clone(), l.text.clone()))
                                .unwrap_or_default()
                        });
                        notify::show(&name, &text, room);
                    }
                }
            }
            TYPING_EVENT => {
                let name = data.get("name").and_then(Value::as_str).unwrap_or_default();
                if name.is_empty() {
                    return;
                }
                let typist = Typist {
                    room: room.to_owned(),
                    user_id: user_id.map(str::to_owned),
                    name: name.chars().take(MAX_NAME_CHARS).collect(),
                    until: now() + TYPING_SHOWS_MS,
                };
                self.typing.update(|typing| {
                    typing.retain(|t| t.room != typist.room || t.name != typist.name);
                    typing.push(typist);
                });
                let typing = self.typing;
                spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(TYPING_SHOWS_MS as u32 + 50).await;
                    let now = now();
                    typing.update(|t| t.retain(|typist| typist.until > now));
                });
            }
            _ => {}
        }
    }

    /// An invitation or an answer, as a server-to-user event.
    fn on_user_event(self, event: &str, data: &Value) {
        match event {
            INVITATION_EVENT => {
                let Ok(invitation) = serde_json::from_str::<Invitation>(&data.to_json()) else {
                    return;
                };
                self.invitations.update(|all| {
                    all.retain(|i| i.room != invitation.room);
                    all.push(invitation);
                });
            }
            ANSWER_EVENT => {
                let Ok(answer) = serde_json::from_str::<InvitationAnswer>(&data.to_json()) else {
                    return;
                };
                if answer.accepted {
                    self.open_room(answer.room, answer.from.name);
                } else {
                    let text = [answer.from.name.as_str(), " ", self.strings.declined];
                    self.notice.set(Some(text.concat()));
                }
            }
            _ => {}
        }
    }

    /// Invites a member to a private chat.
    pub fn invite(self, user: User) {
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            let notice = match backend.invite(&user.id).await {
                Ok(_) => [self.strings.invitation_sent, " ", &user.name].concat(),
                Err(e) => e.message,
            };
            self.notice.set(Some(notice));
        });
    }

    /// Answers an invitation; accepting opens the private room.
    pub fn answer(self, invitation: Invitation, accept: bool) {
        self.invitations
            .update(|all| all.retain(|i| i.room != invitation.room));
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            match backend.answer(&invitation.from.id, accept).await {
                Ok(room) if accept => self.open_room(room, invitation.from.name),
                Ok(_) => {}
                Err(e) => self.notice.set(Some(e.message)),
            }
        });
    }

    /// A room's subscription is confirmed (first, or again after a reconnection): what was
    /// published before it is in the history, what comes after arrives live, so its history is
    /// read now. Read earlier, a message published in between (on a cluster, a publish can
    /// overtake a subscription on another node) would be in neither.
    fn subscribed(self, room: &str, lobby: &str) {
        if room == lobby {
            self.refresh_members();
        }
        let connected = self
            .services
            .try_with_value(|s| s.pusher.as_ref().map(Pusher::state))
            .flatten()
            == Some(State::Connected);
        if connected && self.status.get_untracked() == Status::Reconnecting {
            self.status.set(Status::Online);
        }
        let room = room.to_owned();
        spawn_local(async move { self.catch_up(&room).await });
    }

    /// A room's subscription failed: the status line says Reconnecting… and the room subscribes
    /// again in [`AUTH_RETRY_MS`] (unless it was closed meanwhile); the history read when it is
    /// confirmed brings what was said in between.
    fn room_refused(self, channel: &str) {
        if self.status.get_untracked() == Status::Online {
            self.status.set(Status::Reconnecting);
        }
        let channel = channel.to_owned();
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(AUTH_RETRY_MS).await;
            let pusher = self.services.try_with_value(|s| s.pusher.clone()).flatten();
            let lobby = self.services.try_with_value(|s| s.config.channel());
            let still_open = self.is_room(&channel)
                || lobby.is_some_and(|lobby| overflow_twin(&lobby).as_ref() == Some(&channel));
            if let Some(pusher) = pusher.filter(|_| still_open) {
                // Subscribing again retries a failed subscription (its handle is already kept).
                let _ = pusher.subscribe(&channel);
            }
        });
    }

    /// The sign-in (for invitations and their answers) failed: it is tried again in
    /// [`AUTH_RETRY_MS`]; a new connection signs in anew anyway.
    fn signin_refused(self) {
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(AUTH_RETRY_MS).await;
            let pusher = self.services.try_with_value(|s| s.pusher.clone()).flatten();
            if let Some(pusher) = pusher {
                pusher.signin();
            }
        });
    }

    /// Opens (or shows) a private room: subscribes and adds its tab; its history loads once the
    /// subscription is confirmed.
    fn open_room(self, channel: String, title: String) {
        if !self.is_room(&channel) {
            let pusher = self.services.with_value(|s| s.pusher.clone());
            // Outside the stored value: subscribing may report events to the widget at once.
            let Some(subscribed) = pusher.and_then(|p| p.subscribe(&channel).ok()) else {
                return;
            };
            self.services.update_value(|s| s.channels.push(subscribed));
            self.rooms.update(|rooms| {
                rooms.push(Room {
                    channel: channel.clone(),
                    title,
                    unread: 0,
                });
            });
        }
        self.select_room(channel);
    }

    /// The lobby's presence channel is full: read it on its private twin, and count it by the
    /// twin's subscription count (no member list).
    fn overflow(self, lobby: &str) {
        self.full.set(true);
        self.count_on_twin(lobby, true);
    }

    /// Subscribes to the lobby's private twin (or leaves it). While the room is full, every
    /// visitor is on the twin, so its subscription count is the room's count.
    fn count_on_twin(self, lobby: &str, on: bool) {
        let Some(twin) = overflow_twin(lobby) else {
            return;
        };
        let (pusher, counting) = self.services.with_value(|s| (s.pusher.clone(), s.counting));
        if counting == on {
            return;
        }
        let Some(pusher) = pusher else { return };
        // Outside the stored value: the client may report events to the widget at once.
        if on {
            if let Ok(channel) = pusher.subscribe(&twin) {
                self.services.update_value(|s| {
                    s.channels.push(channel);
                    s.counting = true;
                });
            }
        } else {
            pusher.unsubscribe(&twin);
            self.services.update_value(|s| {
                s.channels.retain(|c| c.name() != twin);
                s.counting = false;
            });
        }
    }

    /// Reads the lobby's members from the client.
    fn refresh_members(self) {
        let members = self.services.with_value(|s| {
            s.channel(&s.config.channel())
                .and_then(Channel::members)
                .map(|members| {
                    let mut users: Vec<User> = members
                        .iter()
                        .map(|(id, info)| User {
                            id: id.to_owned(),
                            name: info
                                .json()
                                .get("name")
                                .and_then(|name| name.to_string_value())
                                .unwrap_or_else(|| id.to_owned()),
                        })
                        .collect();
                    users.sort_by_key(|u| u.name.to_lowercase());
                    users
                })
        });
        let Some(members) = members else { return };
        let (limit, lobby) = self
            .services
            .with_value(|s| (s.member_limit, s.config.channel()));
        // A full room is counted on its twin by everyone in it; below the limit, by its members.
        let full = limit.is_some_and(|limit| members.len() >= limit);
        self.count_on_twin(&lobby, full);
        if !full {
            self.online.set(members.len());
        }
        self.members.set(members);
    }

    /// Sends a message: shown at once as pending, confirmed when the backend answers.
    pub fn send(self, text: String) {
        let text = text.trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return;
        }
        let Some(user) = self.me.get_untracked() else {
            return;
        };
        let line = Line {
            channel: self.room.get_untracked(),
            user,
            text,
            time: js_sys::Date::now() as i64,
            id: None,
            client_id: client_id(),
            delivery: Delivery::Pending,
        };
        let key = line.client_id.clone();
        self.lines.update(|lines| lines.push(line));
        self.deliver(key);
    }

    /// Sends a failed message again, with the same client id.
    pub fn retry(self, client_id: String) {
        self.deliver(client_id);
    }

    /// Marks one of our lines.
    fn mark(self, client_id: &str, delivery: Delivery) {
        self.lines.update(|lines| {
            if let Some(l) = lines.iter_mut().find(|l| l.client_id == client_id) {
                l.delivery = delivery;
            }
        });
    }

    /// Sends a line: through the outbox to the backend, or as a client event.
    fn deliver(self, client_id: String) {
        let Some(line) = self.lines.try_update(|lines| {
            let line = lines.iter_mut().find(|l| l.client_id == client_id)?;
            line.delivery = Delivery::Pending;
            Some(line.clone())
        }) else {
            return;
        };
        let Some(line) = line else { return };
        let channel_name = line.channel.clone();
        let (mode, channel) = self
            .services
            .with_value(|s| (s.config.send, s.channel(&channel_name).cloned()));
        if mode == SendMode::ClientEvent {
            let message = rusher_client::object! {
                "id": 0u64, "channel": channel_name, "user": rusher_client::object! {
                    "id": &line.user.id, "name": &line.user.name,
                },
                "text": &line.text, "client_id": &line.client_id, "time": line.time.max(0) as u64,
            };
            let sent = channel.is_some_and(|c| c.trigger(CLIENT_MESSAGE_EVENT, message).is_ok());
            let delivery = if sent {
                Delivery::Sent
            } else {
                Delivery::Failed
            };
            self.mark(&client_id, delivery);
            return;
        }
        let queued = self.services.try_update_value(|s| {
            if s.outbox.iter().any(|q| q.client_id == client_id) {
                return true;
            }
            if s.outbox.len() >= MAX_QUEUED {
                return false;
            }
            s.outbox.push(Queued::of(&line));
            outbox::save(&s.outbox);
            true
        });
        if queued == Some(true) {
            self.flush();
        } else {
            self.mark(&client_id, Delivery::Failed);
        }
    }

    /// Sends the outbox to the backend, in order. A request that gets no answer (offline) stops
    /// the flush until the next reconnect; one the realtime server did not take (or one over the
    /// backend's rate limit) until then or a few seconds later; any other refusal marks that
    /// message failed and goes on.
    fn flush(self) {
        let start = self.services.try_update_value(|s| {
            let start = !s.flushing && !s.outbox.is_empty();
            s.flushing |= start;
            start
        });
        if start != Some(true) {
            return;
        }
        spawn_local(async move {
            loop {
                let next = self.services.with_value(|s| {
                    Some((
                        s.outbox.first()?.clone(),
                        s.backend.clone(),
                        s.pusher.clone(),
                    ))
                });
                let Some((queued, backend, pusher)) = next else {
                    break;
                };
                let socket_id = pusher.as_ref().and_then(Pusher::socket_id);
                let sent = backend
                    .send(
                        &queued.channel,
                        &queued.text,
                        &queued.client_id,
                        socket_id.as_deref(),
                    )
                    .await;
                match sent {
                    Err(e) if e.status == 0 => break,
                    // Stored, but the realtime server did not take it; or the backend asks
                    // to slow down: it stays queued (and pending) for the next flush: on
                    // reconnecting, or after a while.
                    Err(e)
                        if matches!(
                            e.kind,
                            Some(Refusal::PublishFailed | Refusal::RateLimited)
                        ) =>
                    {
                        self.retry_later(e.retry_after_ms.unwrap_or(PUBLISH_RETRY_MS));
                        break;
                    }
                    Ok(stored) => self.lines.update(|lines| {
                        merge(lines, stored);
                    }),
                    Err(_) => self.mark(&queued.client_id, Delivery::Failed),
                }
                self.services.update_value(|s| {
                    s.outbox.retain(|q| q.client_id != queued.client_id);
                    outbox::save(&s.outbox);
                });
            }
            self.services.update_value(|s| s.flushing = false);
        });
    }

    /// A member who leaves a room leaves its typing line at once.
    fn stopped_typing(self, room: &str, member: &rusher_client::Member) {
        let name = member
            .info
            .json()
            .get("name")
            .and_then(|name| name.to_string_value());
        self.typing.update(|typing| {
            typing.retain(|t| {
                let theirs = match &t.user_id {
                    Some(id) => *id == member.id,
                    None => name.as_deref() == Some(t.name.as_str()),
                };
                t.room != room || !theirs
            });
        });
    }

    /// Flushes the outbox again in `delay_ms` (the backend's `Retry-After`, else
    /// [`PUBLISH_RETRY_MS`]), unless a retry is already waiting.
    fn retry_later(self, delay_ms: u32) {
        let first = self
            .services
            .try_update_value(|s| !std::mem::replace(&mut s.retry_waiting, true));
        if first != Some(true) {
            return;
        }
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(delay_ms).await;
            self.services.update_value(|s| s.retry_waiting = false);
            self.flush();
        });
    }

    /// Tells the room we are typing, at most every two seconds.
    pub fn typed(self) {
        let Some(me) = self.me.get_untracked() else {
            return;
        };
        let now = now();
        let room = self.room.get_untracked();
        // The client is called outside the stored value: it may call back into the widget.
        let channel = self.services.with_value(|s| {
            (now - s.last_typing_sent >= TYPING_EVERY_MS)
                .then(|| s.channel(&room).cloned())
                .flatten()
        });
        if let Some(channel) = channel
            && channel.subscribed()
        {
            let _ = channel.trigger(TYPING_EVENT, rusher_client::object! {"name": me.name});
            self.services.update_value(|s| s.last_typing_sent = now);
        }
    }

    /// Disconnects the client (the widget is being removed).
    pub fn stop(self) {
        let pusher = self
            .services
            .try_update_value(|s| {
                s.channels.clear();
                s.pusher.take()
            })
            .flatten();
        // Outside the stored value: disconnecting reports a state change to the widget.
        if let Some(pusher) = pusher {
            pusher.disconnect();
        }
    }
}
