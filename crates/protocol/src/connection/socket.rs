//! The socket's life: its deadlines, opening it, the handshake, closing or losing it, and when
//! to try again. Every reconnect decision is made here.

use crate::prelude::*;
use core::time::Duration;

use super::Connection;
use crate::Error;
use crate::event::{Event, Output, SocketHandle, State};
use crate::time::{Instant, earliest_of};
use crate::wire::{ClientMessage, ServerMessage};

/// How soon to try again after losing the socket.
#[derive(Debug, Clone, Copy)]
pub(super) enum Retry {
    /// At once (close codes 4000 and 4200-4299, pong timeout).
    Now,
    /// After a backoff delay of at least this long.
    Backoff(Duration),
}

/// Every deadline the connection keeps.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Timers {
    /// Open the next socket.
    pub(super) retry: Option<Instant>,
    /// Move from `connecting` to `unavailable`.
    pub(super) unavailable: Option<Instant>,
    /// Give up on a socket that has not completed the handshake.
    pub(super) handshake: Option<Instant>,
    /// Send `pusher:ping` after silence.
    pub(super) ping: Option<Instant>,
    /// Give up when nothing arrived after our ping.
    pub(super) pong: Option<Instant>,
    /// Fail the subscriptions still pending since this generation or earlier.
    pub(super) subscriptions: Option<(Instant, u64)>,
}

impl Timers {
    pub(super) fn earliest(&self) -> Option<Instant> {
        earliest_of(&[
            self.retry,
            self.unavailable,
            self.handshake,
            self.ping,
            self.pong,
            self.subscriptions.map(|(at, _)| at),
        ])
    }
}

impl Connection {
    /// A socket closed (or failed to open) with this close code and reason.
    pub fn handle_close(&mut self, handle: SocketHandle, code: u16, reason: &str, now: Instant) {
        if self.socket != Some(handle) {
            return;
        }
        self.socket = None;
        self.lose_socket();
        if (4000..5000).contains(&code) {
            self.out.error(Error::Closed {
                code,
                reason: reason.to_owned(),
            });
        }
        match code {
            4000 => {
                self.use_tls = true;
                self.retry(Retry::Now, now);
            }
            4001..=4099 => {
                self.wanted = false;
                self.timers = Timers::default();
                self.set_state(State::Disconnected);
            }
            4100..=4199 => self.retry(Retry::Backoff(Duration::from_secs(1)), now),
            4200..=4299 => {
                self.restarting_until = Some(now + self.backoff.restart_window());
                self.retry(Retry::Now, now);
            }
            _ => self.retry(Retry::Backoff(Duration::ZERO), now),
        }
    }

    /// Time passed: fire every deadline that is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        let due = |deadline: Option<Instant>| deadline.is_some_and(|at| at <= now);
        if due(self.timers.unavailable) {
            self.timers.unavailable = None;
            if self.state == State::Connecting {
                self.set_state(State::Unavailable);
            }
        }
        if due(self.timers.retry) {
            self.timers.retry = None;
            if self.wanted && self.online && self.socket.is_none() {
                self.open_socket(now);
            }
        }
        if due(self.timers.handshake) {
            self.timers.handshake = None;
            self.close_socket("no handshake from the server");
            self.retry(Retry::Backoff(Duration::ZERO), now);
        }
        if due(self.timers.pong) {
            self.timers.pong = None;
            self.close_socket("no pong from the server");
            self.retry(Retry::Now, now);
        } else if due(self.timers.ping) {
            self.timers.ping = None;
            self.out.send(&ClientMessage::Ping);
            self.timers.pong = Some(now + self.config.pong_timeout);
        }
        if let Some((at, generation)) = self.timers.subscriptions
            && at <= now
        {
            self.timers.subscriptions = None;
            self.subscriptions.expire(generation, &mut self.out);
        }
        self.user.expire(now, &mut self.out);
        for dropped in self.outbox.expire(now) {
            self.out.error(dropped);
        }
        self.flush_outbox(now);
        self.watch_subscriptions(now);
    }

    /// Arms the subscription timeout when channels wait for the server and none is armed.
    pub(super) fn watch_subscriptions(&mut self, now: Instant) {
        if self.timers.subscriptions.is_none()
            && let Some(generation) = self.subscriptions.newly_pending()
        {
            let at = now + self.config.subscription_timeout;
            self.timers.subscriptions = Some((at, generation));
        }
    }

    pub(super) fn is_connected(&self) -> bool {
        self.state == State::Connected
    }

    pub(super) fn set_state(&mut self, state: State) {
        if self.state != state {
            let previous = core::mem::replace(&mut self.state, state);
            self.out.event(Event::StateChange {
                previous,
                current: state,
            });
        }
    }

    pub(super) fn open_socket(&mut self, now: Instant) {
        self.timers.retry = None;
        self.next_handle = self.next_handle.wrapping_add(1);
        let handle = SocketHandle(self.next_handle);
        self.socket = Some(handle);
        self.timers.handshake = Some(now + self.config.pong_timeout);
        if !matches!(self.state, State::Connecting | State::Unavailable) {
            self.set_state(State::Connecting);
            self.timers.unavailable = Some(now + self.config.unavailable_timeout);
        }
        self.out.push(Output::Open {
            handle,
            url: self.config.url(self.use_tls),
        });
    }

    /// Closes our socket (if any) and forgets what was tied to it.
    pub(super) fn close_socket(&mut self, reason: &str) {
        if let Some(handle) = self.socket.take() {
            self.out.push(Output::Close {
                handle,
                code: 1000,
                reason: reason.to_owned(),
            });
        }
        self.lose_socket();
    }

    pub(super) fn lose_socket(&mut self) {
        self.socket_id = None;
        self.timers.handshake = None;
        self.timers.ping = None;
        self.timers.pong = None;
        self.subscriptions.reset();
        self.user.reset();
    }

    pub(super) fn retry(&mut self, retry: Retry, now: Instant) {
        if !self.wanted {
            return;
        }
        if !self.online {
            self.set_state(State::Unavailable);
            return;
        }
        let restarting = self.restarting_until.is_some_and(|until| now < until);
        let delay = match retry {
            Retry::Now => Duration::ZERO,
            Retry::Backoff(floor) if restarting => self.backoff.next_restart_delay(floor),
            Retry::Backoff(floor) => self.backoff.next_delay(floor),
        };
        self.out.event(Event::ConnectingIn(delay));
        if delay.is_zero() {
            self.open_socket(now);
        } else {
            if !matches!(self.state, State::Connecting | State::Unavailable) {
                self.set_state(State::Connecting);
                self.timers.unavailable = Some(now + self.config.unavailable_timeout);
            }
            self.timers.retry = Some(now + delay);
        }
    }

    pub(super) fn note_activity(&mut self, now: Instant) {
        self.timers.pong = None;
        if self.is_connected() {
            self.timers.ping = Some(now + self.activity_timeout);
        }
    }

    pub(super) fn handle_established(
        &mut self,
        socket_id: String,
        activity_timeout: Option<u64>,
        now: Instant,
    ) {
        if self.is_connected() {
            return;
        }
        let timeout = match activity_timeout {
            Some(seconds) if seconds > 0 => Duration::from_secs(seconds),
            _ => {
                return self.refuse_handshake("activity_timeout is missing or 0", now);
            }
        };
        if !crate::wire::is_socket_id(&socket_id) {
            return self.refuse_handshake("socket_id is not of the form 123.456", now);
        }
        self.socket_id = Some(socket_id);
        // A handshake proves the network and the server work: a drop from here on is retried
        // from the first, shortest step (jittered, so the clients of a crashed server do not
        // come back in one herd), as pusher-js, Socket.IO and Phoenix do.
        self.backoff.reset();
        self.restarting_until = None;
        self.activity_timeout = timeout.min(self.config.activity_timeout);
        self.timers.handshake = None;
        self.timers.unavailable = None;
        self.timers.ping = Some(now + self.activity_timeout);
        self.set_state(State::Connected);
        self.subscriptions.start_all(&mut self.out);
        self.user
            .on_connected(now, self.config.subscription_timeout);
        self.flush_outbox(now);
    }

    pub(super) fn refuse_handshake(&mut self, reason: &str, now: Instant) {
        self.out.error(Error::InvalidHandshake(reason.to_owned()));
        self.close_socket(reason);
        self.retry(Retry::Backoff(Duration::ZERO), now);
    }

    pub(super) fn flush_outbox(&mut self, now: Instant) {
        if !self.is_connected() {
            return;
        }
        let ready = self
            .outbox
            .take_ready(now, |channel| self.subscriptions.is_subscribed(channel));
        for message in ready {
            self.out.send(&message);
        }
    }
}

/// Whether a message means something before the handshake (the handshake itself, errors,
/// pings); anything about channels or the user does not.
pub(super) fn before_handshake(message: &ServerMessage) -> bool {
    match message {
        ServerMessage::ConnectionEstablished { .. }
        | ServerMessage::Error { .. }
        | ServerMessage::Ping
        | ServerMessage::Pong => true,
        ServerMessage::SigninSuccess { .. }
        | ServerMessage::Watchlist(_)
        | ServerMessage::Channel { .. }
        | ServerMessage::Event { .. } => false,
    }
}
