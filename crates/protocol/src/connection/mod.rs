//! The sans-IO connection: inputs (user calls, socket events, auth answers, time) go in; outputs
//! (sockets to open and close, frames to send, auth requests, user events) and the next deadline
//! come out. This module holds the inputs and outputs; [`socket`] the socket's life, where every
//! reconnect decision is made.

mod socket;

use socket::{Timers, before_handshake};

use crate::prelude::*;
use core::time::Duration;

use crate::json::JsonText;

use crate::Error;
use crate::auth::{AuthError, AuthRequestId, ChannelAuth, UserAuth};
use crate::backoff::Backoff;
use crate::channels::{ChannelKind, SERVER_TO_USER_PREFIX, validate_name};
use crate::config::Config;
use crate::event::{Event, Output, Outputs, SocketHandle, State};
use crate::outbox::{Outbox, Queued};
use crate::presence::Members;
use crate::subscriptions::{AuthContext, ChannelStatus, Subscriptions};
use crate::time::{Instant, earliest_of};
use crate::user::User;
use crate::wire::{ClientMessage, Envelope, Frame, ServerMessage};

/// The largest client event payload, as JSON (Pusher's limit).
pub const MAX_CLIENT_EVENT_BYTES: usize = 10 * 1024;
/// The longest event name Pusher accepts.
pub const MAX_EVENT_NAME_LEN: usize = 200;
/// How long the link check of [`Connection::wake`] waits for an answer to its ping. A live
/// link answers in well under a second even on a phone's network; a link that died while the
/// laptop slept is then found in seconds rather than after the activity and pong timeouts
/// (150 s by default), and a slow answer costs no more than one reconnect.
pub const WAKE_PONG_TIMEOUT: Duration = Duration::from_secs(5);

/// One Pusher connection with its channels, sign-in and client-event outbox.
///
/// Drive it like quinn-proto or str0m: call an input method with the current time, then drain
/// [`poll_output`](Self::poll_output) until it returns `None`, and call
/// [`handle_timeout`](Self::handle_timeout) at [`poll_timeout`](Self::poll_timeout).
#[derive(Debug)]
pub struct Connection {
    config: Config,
    state: State,
    /// The user wants to be connected (`connect()` called, not `disconnect()`ed, not refused).
    wanted: bool,
    online: bool,
    use_tls: bool,
    socket: Option<SocketHandle>,
    next_handle: u64,
    socket_id: Option<String>,
    activity_timeout: Duration,
    timers: Timers,
    backoff: Backoff,
    /// Until when reconnect delays stay short: set by a 4200-4299 close (the server restarts),
    /// cleared by a handshake or the user's `disconnect`.
    restarting_until: Option<Instant>,
    subscriptions: Subscriptions,
    user: User,
    outbox: Outbox,
    next_request: u64,
    out: Outputs,
}

impl Connection {
    /// A connection in state `initialized`. `seed` feeds the reconnect jitter: pass a random value.
    pub fn new(config: Config, seed: u64) -> Self {
        Self {
            state: State::Initialized,
            wanted: false,
            online: true,
            use_tls: config.use_tls,
            socket: None,
            next_handle: 0,
            socket_id: None,
            activity_timeout: config.activity_timeout,
            timers: Timers::default(),
            backoff: Backoff::new(config.backoff, seed),
            restarting_until: None,
            subscriptions: Subscriptions::default(),
            user: User::default(),
            outbox: Outbox::new(config.outbox),
            next_request: 0,
            out: Outputs::default(),
            config,
        }
    }

    // ----- user calls -------------------------------------------------------------------------

    /// Starts connecting (pusher-js `connect()`); does nothing when already connecting or
    /// connected.
    pub fn connect(&mut self, now: Instant) {
        if self.state == State::Failed || self.wanted {
            return;
        }
        self.wanted = true;
        self.backoff.reset();
        if self.online {
            self.open_socket(now);
        } else {
            self.set_state(State::Unavailable);
        }
    }

    /// Closes the connection and stops retrying (pusher-js `disconnect()`). Channels, sign-in and
    /// queued client events are kept for the next `connect()`.
    pub fn disconnect(&mut self) {
        self.wanted = false;
        self.restarting_until = None;
        self.close_socket("disconnected by the user");
        self.timers = Timers::default();
        self.set_state(State::Disconnected);
    }

    /// Whether the page can use the network: the browser's `offline` and `online` events, and
    /// a page put in the back/forward cache, which is offline until it is shown again. Offline
    /// closes the socket (channels, sign-in and queued client events are kept) and makes the
    /// state `unavailable`; back online, it connects at once.
    pub fn set_online(&mut self, online: bool, now: Instant) {
        if self.online == online {
            return;
        }
        self.online = online;
        if !self.wanted {
            return;
        }
        if online {
            self.backoff.reset();
            if self.socket.is_none() {
                self.out.event(Event::ConnectingIn(Duration::ZERO));
                self.open_socket(now);
            }
        } else {
            self.close_socket("the browser is offline");
            self.timers = Timers::default();
            self.set_state(State::Unavailable);
        }
    }

    /// The page has reason to believe the network is back, or that the link may have died
    /// unnoticed: it was shown again, got the focus, or was restored. A retry waiting out its
    /// backoff is made at once; a connected link is checked with a ping that must be answered
    /// within [`WAKE_PONG_TIMEOUT`], else it is replaced at once.
    pub fn wake(&mut self, now: Instant) {
        if !self.wanted || !self.online {
            return;
        }
        if self.timers.retry.is_some() {
            self.backoff.reset();
            self.out.event(Event::ConnectingIn(Duration::ZERO));
            self.open_socket(now);
        } else if self.is_connected() {
            let deadline = now + WAKE_PONG_TIMEOUT;
            if self.timers.pong.is_none_or(|at| at > deadline) {
                if self.timers.pong.is_none() {
                    self.out.send(&ClientMessage::Ping);
                }
                self.timers.pong = Some(deadline);
            }
        }
    }

    /// The driver has no transport (no WebSocket in this environment): state `failed`, for good.
    pub fn handle_transport_unsupported(&mut self) {
        self.wanted = false;
        self.close_socket("no transport");
        self.timers = Timers::default();
        self.set_state(State::Failed);
    }

    /// Subscribes to a channel, now if connected, else once connected. Subscribing twice is
    /// harmless; subscribing again while an unsubscribe is pending cancels the unsubscribe.
    pub fn subscribe(&mut self, name: &str, now: Instant) -> Result<ChannelKind, Error> {
        let kind = validate_name(name)?;
        let connected = self.is_connected();
        self.subscriptions
            .subscribe(name, kind, connected, &mut self.out);
        self.watch_subscriptions(now);
        Ok(kind)
    }

    /// Unsubscribes from a channel; a subscription still pending is cancelled once the server
    /// confirms it. Client events queued for the channel are dropped, each with an error event.
    pub fn unsubscribe(&mut self, name: &str) {
        if self.subscriptions.unsubscribe(name, &mut self.out) {
            for dropped in self.outbox.drop_channel(name) {
                self.out.error(dropped);
            }
        }
    }

    /// Triggers a client event. It is sent at once when the channel is subscribed and the rate
    /// limit allows, else kept in the outbox. Refused (with the reason) when the name, channel
    /// kind or size is not allowed, or the outbox is full.
    pub fn trigger(
        &mut self,
        channel: &str,
        event: &str,
        data: JsonText,
        now: Instant,
    ) -> Result<(), Error> {
        if !event.starts_with("client-") {
            return Err(Error::ClientEventRefused(
                "client event names must start with client-",
            ));
        }
        if event.len() > MAX_EVENT_NAME_LEN {
            return Err(Error::ClientEventRefused(
                "event names are at most 200 characters",
            ));
        }
        let status = self
            .subscriptions
            .status(channel)
            .ok_or_else(|| Error::UnknownChannel(channel.to_owned()))?;
        if !status.kind.allows_client_events() {
            return Err(Error::ClientEventRefused(
                "client events are only allowed on private and presence channels",
            ));
        }
        let size = data.as_str().len();
        if size > MAX_CLIENT_EVENT_BYTES {
            return Err(Error::ClientEventRefused("the data is larger than 10 KB"));
        }
        self.outbox.push(Queued {
            channel: channel.to_owned(),
            event: event.to_owned(),
            data,
            queued_at: now,
        })?;
        self.flush_outbox(now);
        Ok(())
    }

    /// Signs the user in (pusher-js `signin()`): now if connected, else once connected, and again
    /// after every reconnect.
    pub fn signin(&mut self, now: Instant) {
        let connected = self.is_connected();
        self.user
            .request(connected, now, self.config.subscription_timeout);
    }

    // ----- inputs from the driver -------------------------------------------------------------

    /// A text frame arrived on a socket.
    pub fn handle_message(&mut self, handle: SocketHandle, text: &str, now: Instant) {
        self.read_frame(handle, Frame::parse(text), now);
    }

    /// A text frame arrived on a socket, and the driver has read it as JSON itself (see
    /// [`Envelope`]): the same as [`handle_message`](Self::handle_message) of its text, except
    /// that an event passes its string data on as [`Payload::Kept`](crate::json::Payload::Kept).
    pub fn handle_envelope(&mut self, handle: SocketHandle, envelope: Envelope<'_>, now: Instant) {
        self.read_frame(handle, Ok(Frame::from_envelope(envelope)), now);
    }

    /// A frame arrived on a socket (`frame`, or why it could not be read): one body for both
    /// ways of reading one.
    fn read_frame(&mut self, handle: SocketHandle, frame: Result<Frame<'_>, Error>, now: Instant) {
        self.read_message(handle, frame, now);
        self.watch_subscriptions(now);
    }

    fn read_message(
        &mut self,
        handle: SocketHandle,
        frame: Result<Frame<'_>, Error>,
        now: Instant,
    ) {
        if self.socket != Some(handle) {
            return;
        }
        self.note_activity(now);
        let message = frame.and_then(ServerMessage::from_frame);
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                self.out.error(error);
                return;
            }
        };
        if !self.is_connected() && !before_handshake(&message) {
            self.out.error(Error::MalformedFrame(
                "a channel or user message arrived before the handshake".to_owned(),
            ));
            return;
        }
        let out = &mut self.out;
        match message {
            ServerMessage::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => self.handle_established(socket_id, activity_timeout, now),
            ServerMessage::Error { code, message } => out.error(Error::Server { code, message }),
            ServerMessage::Ping => out.send(&ClientMessage::Pong),
            ServerMessage::Pong => {}
            ServerMessage::SigninSuccess { user_data } => self.signed_in(&user_data),
            ServerMessage::Watchlist(events) => {
                for event in events {
                    out.event(Event::Watchlist {
                        kind: event.kind,
                        user_ids: event.user_ids,
                    });
                }
            }
            ServerMessage::Channel { channel, message } => {
                if self.subscriptions.on_channel_message(channel, message, out) {
                    self.flush_outbox(now);
                }
            }
            ServerMessage::Event {
                event,
                channel,
                data,
                user_id,
            } => self.subscriptions.event(event, channel, data, user_id, out),
        }
    }

    /// `pusher:signin_success`: the user is signed in; their own channel is subscribed.
    fn signed_in(&mut self, user_data: &str) {
        if let Some(id) = self.user.handle_success(user_data, &mut self.out) {
            let channel = [SERVER_TO_USER_PREFIX, &id].concat();
            let kind = ChannelKind::of(&channel);
            self.subscriptions
                .subscribe(&channel, kind, true, &mut self.out);
        }
    }

    /// The answer to an [`Output::Authorize`]: one result per channel (see
    /// [`AuthRequest::parse_response`](crate::AuthRequest::parse_response)).
    pub fn handle_channel_auth(
        &mut self,
        id: AuthRequestId,
        results: Vec<(String, Result<ChannelAuth, AuthError>)>,
        now: Instant,
    ) {
        for (channel, result) in results {
            self.subscriptions
                .handle_auth(id, &channel, result, self.user.id(), &mut self.out);
        }
        self.watch_subscriptions(now);
    }

    /// The answer to an [`Output::AuthorizeUser`].
    pub fn handle_user_auth(&mut self, id: AuthRequestId, result: Result<UserAuth, AuthError>) {
        self.user.handle_auth(id, result, &mut self.out);
    }

    // ----- outputs ----------------------------------------------------------------------------

    /// The next thing to do or to tell the user; call until `None` after every input.
    pub fn poll_output(&mut self) -> Option<Output> {
        if let Some(socket_id) = self.socket_id.as_deref() {
            let ctx = AuthContext {
                socket_id,
                batched: self.config.batch_auth,
                next_id: &mut self.next_request,
            };
            self.subscriptions.flush_auth(ctx, &mut self.out);
            self.user
                .flush_auth(socket_id, &mut self.next_request, &mut self.out);
        }
        self.out.pop()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        earliest_of(&[
            self.timers.earliest(),
            self.outbox.next_deadline(),
            self.user.deadline(),
        ])
    }

    // ----- queries ----------------------------------------------------------------------------

    /// The connection state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The socket id while connected.
    pub fn socket_id(&self) -> Option<&str> {
        self.socket_id.as_deref()
    }

    /// A channel's subscription state, if subscribed or subscribing.
    pub fn channel(&self, name: &str) -> Option<ChannelStatus> {
        self.subscriptions.status(name)
    }

    /// Every channel subscribed or subscribing, by name.
    pub fn channels(&self) -> impl Iterator<Item = &str> {
        self.subscriptions.names()
    }

    /// A presence channel's members, once subscribed.
    pub fn members(&self, channel: &str) -> Option<&Members> {
        self.subscriptions.members(channel)
    }

    /// The signed-in user's id.
    pub fn user_id(&self) -> Option<&str> {
        self.user.id()
    }

    /// How many client events wait in the outbox.
    pub fn queued_client_events(&self) -> usize {
        self.outbox.len()
    }

    /// The options it was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}
