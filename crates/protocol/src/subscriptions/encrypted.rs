//! Events on their way to the user, decrypted on encrypted channels: an event the channel's key
//! does not open asks for a fresh key once (the master key may have been rotated), and the
//! events waiting for it are opened with it or reported.

use crate::prelude::*;

use super::{Channel, Subscriptions};
use crate::Error;
use crate::auth::{AuthError, AuthRequestId, ChannelAuth};
use crate::channels::Access;
use crate::crypto::{DecryptError, SharedSecret};
use crate::event::{Event, Outputs};
use crate::json::{JsonText, Payload};

/// The most encrypted events kept while a fresh key is fetched.
const MAX_EVENTS_AWAITING_KEY: usize = 100;

/// A fresh key being fetched for an encrypted channel, and the events waiting for it.
#[derive(Debug)]
pub(super) struct KeyRefresh {
    /// The auth request fetching it, once sent.
    pub(super) request: Option<AuthRequestId>,
    events: Vec<(String, JsonText)>,
}

impl Subscriptions {
    /// Passes an event to the user, decrypting it on encrypted channels.
    pub(crate) fn event(
        &mut self,
        event: String,
        channel: Option<String>,
        data: Payload,
        user_id: Option<String>,
        out: &mut Outputs,
    ) {
        if event.starts_with("pusher_internal:") {
            return;
        }
        let encrypted = channel
            .as_ref()
            .and_then(|name| self.channels.get_mut(name).map(|c| (name, c)))
            .filter(|(_, c)| c.kind.access == Access::Encrypted && !event.starts_with("pusher:"));
        let Some((name, encrypted)) = encrypted else {
            out.event(Event::Message {
                channel,
                event,
                data,
                user_id,
            });
            return;
        };
        let Some(secret) = encrypted.secret.as_ref() else {
            // Events before the key arrives are dropped, like pusher-js does.
            return;
        };
        let data = data.decode();
        match secret.decrypt(data.json()) {
            Ok(plain) => out.event(message(name, event, plain, user_id)),
            Err(DecryptError::Format) => out.error(Error::Decryption {
                channel: name.clone(),
                event,
            }),
            Err(DecryptError::Key) => {
                if await_fresh_key(encrypted, &event, data, out, name) {
                    self.auth_queue.push(name.clone());
                }
            }
        }
    }
}

/// Keeps an event the key did not open until a fresh key comes (or reports it when too many
/// wait). Returns whether a fresh key must be asked for.
fn await_fresh_key(
    channel: &mut Channel,
    event: &str,
    data: JsonText,
    out: &mut Outputs,
    name: &str,
) -> bool {
    match channel.refresh.as_mut() {
        Some(refresh) if refresh.events.len() < MAX_EVENTS_AWAITING_KEY => {
            refresh.events.push((event.to_owned(), data));
            false
        }
        Some(_) => {
            out.error(Error::Decryption {
                channel: name.to_owned(),
                event: event.to_owned(),
            });
            false
        }
        None => {
            channel.refresh = Some(KeyRefresh {
                request: None,
                events: vec![(event.to_owned(), data)],
            });
            true
        }
    }
}

/// The answer to a fresh-key request: the key it brings (if any) replaces the channel's, and
/// the events that waited are opened with it, or each reported.
pub(super) fn fresh_key(
    name: &str,
    channel: &mut Channel,
    result: Result<ChannelAuth, AuthError>,
    out: &mut Outputs,
) {
    let events = channel.refresh.take().map(|r| r.events).unwrap_or_default();
    let fresh = result
        .ok()
        .and_then(|auth| auth.shared_secret)
        .and_then(|key| SharedSecret::from_base64(&key));
    if fresh.is_some() {
        channel.secret = fresh;
    }
    for (event, data) in events {
        let decrypted = channel.secret.as_ref().map(|key| key.decrypt(data.json()));
        match decrypted {
            Some(Ok(data)) => out.event(message(name, event, data, None)),
            _ => out.error(Error::Decryption {
                channel: name.to_owned(),
                event,
            }),
        }
    }
}

fn message(channel: &str, event: String, data: JsonText, user_id: Option<String>) -> Event {
    Event::Message {
        channel: Some(channel.to_owned()),
        event,
        data: Payload::Json(data),
        user_id,
    }
}
