//! The channels the user subscribed to: each one's subscription state, presence members, encryption
//! key and count, kept across reconnects and re-authorized on each new socket. This module keeps
//! the subscriptions' state and their authorization; [`presence`] their members, and
//! [`encrypted`] their events, decrypted, and fresh keys.

mod answer;
mod encrypted;
mod presence;

use crate::prelude::*;

use crate::auth::{AuthError, AuthRequest, AuthRequestId, ChannelAuth};
use crate::channels::{Access, ChannelKind};
use crate::crypto::SharedSecret;
use crate::event::{Event, Output, Outputs};
use crate::presence::Members;
use crate::sorted_map::SortedMap;
use crate::wire::{ChannelMessage, ClientMessage, PresenceData};
use answer::subscribe_message;
use encrypted::KeyRefresh;

/// Where a channel's subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubState {
    /// Waiting for a connection.
    Idle,
    /// Auth will be requested at the next flush.
    AwaitingAuth,
    /// Auth requested; waiting for the answer.
    Authorizing(AuthRequestId),
    /// `pusher:subscribe` sent; waiting for the server.
    Pending,
    /// The server confirmed.
    Subscribed,
    /// Auth or the server refused; retried on the next connection.
    Failed,
}

#[derive(Debug)]
struct Channel {
    kind: ChannelKind,
    state: SubState,
    /// Unsubscribed while pending: unsubscribe as soon as the server confirms.
    cancelled: bool,
    my_id: Option<String>,
    members: Option<Members>,
    secret: Option<SharedSecret>,
    refresh: Option<KeyRefresh>,
    count: Option<u64>,
    /// When it last started waiting for its auth answer or the server, as a generation number.
    pending_since: u64,
}

impl Channel {
    /// Whether it waits for its auth answer or for the server, and may time out.
    fn is_waiting(&self) -> bool {
        matches!(
            self.state,
            SubState::AwaitingAuth | SubState::Authorizing(_) | SubState::Pending
        )
    }
}

/// A channel's state as the user sees it (pusher-js's `subscribed`, `subscriptionPending`,
/// `subscriptionCount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelStatus {
    /// Its kind.
    pub kind: ChannelKind,
    /// The server confirmed the subscription.
    pub subscribed: bool,
    /// Auth or the server's answer is awaited.
    pub pending: bool,
    /// `pusher:subscribe` is sent and the server's answer awaited (not auth): a refusal that
    /// names no channel, such as sockudo's over-capacity error, can only be about a channel in
    /// this state.
    pub asked: bool,
    /// The last subscription count the server sent.
    pub subscription_count: Option<u64>,
}

/// What building auth requests needs from the connection.
pub(crate) struct AuthContext<'a> {
    pub(crate) socket_id: &'a str,
    pub(crate) batched: bool,
    pub(crate) next_id: &'a mut u64,
}

/// Every channel the user asked for, by name.
#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    channels: SortedMap<Channel>,
    auth_queue: Vec<String>,
    /// Counts the moves to `Authorizing` and `Pending`, to time each wait out.
    generation: u64,
    /// `generation` when [`newly_pending`](Self::newly_pending) last looked.
    looked_at: u64,
}

impl Subscriptions {
    /// Adds a channel and starts it when connected. Subscribing again revives a channel whose
    /// unsubscribe is pending, and retries one that failed.
    pub(crate) fn subscribe(
        &mut self,
        name: &str,
        kind: ChannelKind,
        connected: bool,
        out: &mut Outputs,
    ) {
        if let Some(channel) = self.channels.get_mut(name) {
            channel.cancelled = false;
            if channel.state == SubState::Failed && connected {
                self.start(name, out);
            }
            return;
        }
        self.channels.insert(
            name.to_owned(),
            Channel {
                kind,
                state: SubState::Idle,
                cancelled: false,
                my_id: None,
                members: None,
                secret: None,
                refresh: None,
                count: None,
                pending_since: 0,
            },
        );
        if connected {
            self.start(name, out);
        }
    }

    /// Starts every channel on a new connection.
    pub(crate) fn start_all(&mut self, out: &mut Outputs) {
        let names: Vec<String> = self.channels.keys().cloned().collect();
        for name in names {
            self.start(&name, out);
        }
    }

    fn start(&mut self, name: &str, out: &mut Outputs) {
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.kind.needs_auth() {
            self.generation += 1;
            channel.state = SubState::AwaitingAuth;
            channel.pending_since = self.generation;
            self.auth_queue.push(name.to_owned());
        } else {
            let auth = (channel.kind.access == Access::ServerToUser).then(String::new);
            out.send(&ClientMessage::Subscribe {
                channel: name.to_owned(),
                auth,
                channel_data: None,
            });
            wait_for_server(channel, &mut self.generation);
        }
    }

    /// The newest generation of the subscriptions waiting for their auth answer or the server,
    /// if any waits and any subscription started waiting since the last look. (Asked after every
    /// input: without a new generation there is nothing to arm, so the channels are not scanned.
    /// Every subscription still waiting from before was covered by the timeout armed then.)
    pub(crate) fn newly_pending(&mut self) -> Option<u64> {
        if self.looked_at == self.generation {
            return None;
        }
        self.looked_at = self.generation;
        let mut latest = None;
        for (_, channel) in self.channels.iter() {
            if channel.is_waiting() {
                latest = latest.max(Some(channel.pending_since));
            }
        }
        latest
    }

    /// Fails the subscriptions that have waited since `generation` or earlier: for the auth
    /// endpoint (`AuthTimeout`; its late answer is then ignored) or for the server
    /// (`SubscriptionTimeout`; its late confirmation still counts).
    pub(crate) fn expire(&mut self, generation: u64, out: &mut Outputs) {
        let mut expired = Vec::new();
        for (name, channel) in self.channels.iter() {
            if channel.is_waiting() && channel.pending_since <= generation {
                expired.push(name.clone());
            }
        }
        for name in expired {
            if let Some(channel) = self.channels.get_mut(&name) {
                let (kind, error) = if channel.state == SubState::Pending {
                    (
                        "SubscriptionTimeout",
                        "the server did not answer the subscription",
                    )
                } else {
                    ("AuthTimeout", "the auth endpoint did not answer")
                };
                let error = AuthError {
                    kind: kind.to_owned(),
                    error: error.to_owned(),
                    status: None,
                };
                fail(&name, channel, error, out);
            }
        }
    }

    /// Turns the channels waiting for auth into requests: one batched request, or one each.
    pub(crate) fn flush_auth(&mut self, ctx: AuthContext<'_>, out: &mut Outputs) {
        let mut waiting: Vec<String> = Vec::new();
        for name in core::mem::take(&mut self.auth_queue) {
            if !waiting.contains(&name) {
                waiting.push(name);
            }
        }
        let groups: Vec<Vec<String>> = if !ctx.batched {
            waiting.into_iter().map(|name| vec![name]).collect()
        } else if waiting.is_empty() {
            Vec::new()
        } else {
            vec![waiting]
        };
        for group in groups {
            *ctx.next_id = ctx.next_id.wrapping_add(1);
            let id = AuthRequestId(*ctx.next_id);
            for name in &group {
                if let Some(channel) = self.channels.get_mut(name) {
                    match (&channel.state, channel.refresh.as_mut()) {
                        (SubState::AwaitingAuth, _) => channel.state = SubState::Authorizing(id),
                        (_, Some(refresh)) => refresh.request = Some(id),
                        _ => {}
                    }
                }
            }
            out.push(Output::Authorize(AuthRequest {
                id,
                socket_id: ctx.socket_id.to_owned(),
                channels: group,
                batched: ctx.batched,
            }));
        }
    }

    /// Takes one channel's auth answer: subscribes, fails the subscription, or installs a fresh
    /// key. Answers to requests that are no longer current are ignored.
    pub(crate) fn handle_auth(
        &mut self,
        id: AuthRequestId,
        name: &str,
        result: Result<ChannelAuth, AuthError>,
        signed_in_user: Option<&str>,
        out: &mut Outputs,
    ) {
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.state == SubState::Authorizing(id) {
            match result.and_then(|auth| subscribe_message(name, channel.kind, auth)) {
                Ok((message, my_id, secret)) => {
                    out.send(&message);
                    wait_for_server(channel, &mut self.generation);
                    channel.my_id = my_id.or_else(|| signed_in_user.map(str::to_owned));
                    channel.secret = secret;
                }
                Err(error) => fail(name, channel, error, out),
            }
        } else if channel
            .refresh
            .as_ref()
            .is_some_and(|r| r.request == Some(id))
        {
            encrypted::fresh_key(name, channel, result, out);
        }
    }

    /// Removes a channel, or marks a pending one to be unsubscribed once confirmed. Returns
    /// whether the channel was known.
    pub(crate) fn unsubscribe(&mut self, name: &str, out: &mut Outputs) -> bool {
        let Some(channel) = self.channels.get_mut(name) else {
            return false;
        };
        match channel.state {
            SubState::Pending => channel.cancelled = true,
            SubState::Subscribed => {
                out.send(&ClientMessage::Unsubscribe {
                    channel: name.to_owned(),
                });
                self.channels.remove(name);
            }
            _ => {
                self.channels.remove(name);
                self.auth_queue.retain(|queued| queued != name);
            }
        }
        true
    }

    /// Forgets everything tied to the lost socket: members, keys, counts, pending auth. Channels
    /// whose unsubscribe was pending are dropped, and so is the server-to-user channel (sign-in
    /// subscribes it again).
    pub(crate) fn reset(&mut self) {
        self.auth_queue.clear();
        self.channels
            .retain(|_, c| !c.cancelled && c.kind.access != Access::ServerToUser);
        for channel in self.channels.values_mut() {
            channel.state = SubState::Idle;
            channel.my_id = None;
            channel.members = None;
            channel.secret = None;
            channel.refresh = None;
            channel.count = None;
        }
    }

    /// Routes a protocol message about `channel` to what handles it. Returns whether the channel
    /// became subscribed, so that queued client events may go.
    pub(crate) fn on_channel_message(
        &mut self,
        channel: String,
        message: ChannelMessage,
        out: &mut Outputs,
    ) -> bool {
        match message {
            ChannelMessage::SubscriptionSucceeded { presence } => {
                return self.succeeded(channel, presence, out);
            }
            ChannelMessage::SubscriptionError(error) => self.refused(channel, error, out),
            ChannelMessage::SubscriptionCount(count) => self.counted(channel, count, out),
            ChannelMessage::CacheMiss => self.cache_missed(channel, out),
            ChannelMessage::MemberAdded { user_id, user_info } => {
                self.member_added(channel, user_id, user_info, out);
            }
            ChannelMessage::MemberRemoved { user_id } => {
                self.member_removed(channel, &user_id, out);
            }
        }
        false
    }

    /// `subscription_succeeded`: the channel is subscribed (or, when its unsubscribe is pending,
    /// unsubscribed now). Returns whether it became subscribed, so that queued client events
    /// may go.
    fn succeeded(
        &mut self,
        name: String,
        presence: Option<PresenceData>,
        out: &mut Outputs,
    ) -> bool {
        let Some(channel) = self.channels.get_mut(&name) else {
            return false;
        };
        if channel.cancelled {
            out.send(&ClientMessage::Unsubscribe {
                channel: name.clone(),
            });
            self.channels.remove(&name);
            return false;
        }
        channel.state = SubState::Subscribed;
        if channel.kind.access == Access::Presence {
            presence::confirmed(&name, channel, presence.unwrap_or_default(), out);
        }
        out.event(Event::SubscriptionSucceeded { channel: name });
        true
    }

    /// `pusher:subscription_error`: the server refused the channel.
    fn refused(&mut self, name: String, error: AuthError, out: &mut Outputs) {
        if let Some(channel) = self.channels.get_mut(&name) {
            if channel.cancelled {
                self.channels.remove(&name);
            } else {
                fail(&name, channel, error, out);
            }
        }
    }

    /// `subscription_count`: how many connections the channel has.
    fn counted(&mut self, name: String, count: u64, out: &mut Outputs) {
        if let Some(channel) = self.channels.get_mut(&name) {
            channel.count = Some(count);
            out.event(Event::SubscriptionCount {
                channel: name,
                count,
            });
        }
    }

    /// `pusher:cache_miss`, on a channel we have.
    fn cache_missed(&self, channel: String, out: &mut Outputs) {
        if self.channels.contains_key(&channel) {
            out.event(Event::CacheMiss { channel });
        }
    }

    /// Whether the server confirmed the channel (client events may be sent on it).
    pub(crate) fn is_subscribed(&self, name: &str) -> bool {
        self.channels
            .get(name)
            .is_some_and(|c| c.state == SubState::Subscribed && !c.cancelled)
    }

    /// The user-visible state of a channel.
    pub(crate) fn status(&self, name: &str) -> Option<ChannelStatus> {
        self.channels
            .get(name)
            .filter(|c| !c.cancelled)
            .map(|c| ChannelStatus {
                kind: c.kind,
                subscribed: c.state == SubState::Subscribed,
                pending: matches!(
                    c.state,
                    SubState::Idle
                        | SubState::AwaitingAuth
                        | SubState::Authorizing(_)
                        | SubState::Pending
                ),
                asked: c.state == SubState::Pending,
                subscription_count: c.count,
            })
    }

    /// A presence channel's members, once subscribed.
    pub(crate) fn members(&self, name: &str) -> Option<&Members> {
        self.channels.get(name).and_then(|c| c.members.as_ref())
    }

    /// Every channel the user is subscribed to (or subscribing), by name.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.channels
            .iter()
            .filter(|(_, c)| !c.cancelled)
            .map(|(name, _)| name.as_str())
    }
}

/// The channel is not subscribed (its auth or the server refused it): it keeps no members, even
/// when a server sends the refusal after a success.
fn fail(name: &str, channel: &mut Channel, error: AuthError, out: &mut Outputs) {
    channel.state = SubState::Failed;
    channel.members = None;
    out.event(Event::SubscriptionError {
        channel: name.to_owned(),
        error,
    });
}

/// The channel's subscribe request went out: it waits for the server, as of a new generation.
fn wait_for_server(channel: &mut Channel, generation: &mut u64) {
    *generation += 1;
    channel.state = SubState::Pending;
    channel.pending_since = *generation;
}
