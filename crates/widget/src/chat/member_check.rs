//! The who's-online list checked against the realtime server's own list of the lobby
//! (`GET /chat/members`, asked of every node of a cluster at once), once the lobby's subscription
//! has settled. On a sockudo cluster a presence subscription can be answered wrong, with no event
//! to put it right after:
//! - a node that restarted answers before it has learned the members on the other nodes (up to
//!   about 5 s after it joins) and sends no `member_added` for those it learns then: members are
//!   missing, and subscribing afresh brings them;
//! - the other nodes keep listing the dead node's members until one counts it dead, and when the
//!   node that does (the cleanup leader) is the restarted one, which never knew the dead node,
//!   nobody does: its members stay listed for good (ghosts), however often the visitor subscribes.
//!
//! A difference that lasts (still there [`CONFIRM_MS`] after it was seen) is acted on: missing members are
//! read again by subscribing to the lobby afresh ([`MAX_READS_AGAIN`] times a connection), and
//! members the server does not list are left out of the list, checked again every
//! [`RECHECK_MS`] while there are any. One check per subscription otherwise, spread over a few
//! seconds, and a backend that answers every widget from one REST call a second: no polling.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::link::Link;
use super::presence::Presence;

/// How long after the lobby's subscription its list is checked: past the time a restarted
/// sockudo node takes to learn the cluster's members (up to 5.1 s after its first heartbeat).
const SETTLE_MS: f64 = 8_000.0;

/// At most this much is added to [`SETTLE_MS`], at random: the visitors of a node that
/// restarted subscribe again together, and do not all ask at once.
const SPREAD_MS: f64 = 4_000.0;

/// How long a difference must last to be acted on: a member joining or leaving while the list
/// is compared differs for a moment (and the backend's answer may be a second old).
const CONFIRM_MS: u32 = 2_000;

/// How often the list is checked again while members the server does not list are left out: a
/// member whose node died is not listed until they reconnect to another, and the client, which
/// still holds them, may be told of no `member_added` when they do; so is a ghost that comes
/// back for real. Only visitors with such members ask, and the backend answers from its copy.
const RECHECK_MS: u32 = 15_000;

/// The most times the lobby is subscribed afresh on one connection: a server that keeps
/// answering without members it lists costs five subscriptions, not one every ten seconds.
const MAX_READS_AGAIN: u32 = 5;

/// How the lobby's members, as the client holds them, differ from the server's list.
#[derive(Default, PartialEq)]
struct Difference {
    /// Listed by the server, not held.
    missing: Vec<String>,
    /// Held, not listed by the server.
    extra: Vec<String>,
}

/// The member check store: what it needs to check the lobby's list against the server's.
#[derive(Clone, Copy)]
pub struct MemberCheck {
    state: StoredValue<Checks, LocalStorage>,
    link: Link,
    presence: Presence,
}

/// The checks so far.
#[derive(Default)]
struct Checks {
    /// The latest check: an earlier one gives up.
    latest: u32,
    /// How often the list was read again on this connection.
    reads: u32,
    /// Members the client holds that the server does not list, left out of the list.
    unlisted: Vec<String>,
}

impl MemberCheck {
    /// No check yet, of the list `presence` shows, through `link`.
    pub(super) fn new(link: Link, presence: Presence) -> Self {
        Self {
            state: StoredValue::new_local(Checks::default()),
            link,
            presence,
        }
    }

    /// Reads the lobby's members into the list, but those the server does not list.
    pub(super) fn refresh(self, lobby: &str) {
        let unlisted = self
            .state
            .try_with_value(|c| c.unlisted.clone())
            .unwrap_or_default();
        self.presence.refresh(self.link, lobby, &unlisted);
    }

    /// The lobby's subscription was confirmed (first, or again): its member list is checked
    /// once it has settled. A later confirmation replaces the check.
    pub(super) fn later(self, lobby: String) {
        let Some(check) = self.state.try_update_value(|c| {
            c.latest = c.latest.wrapping_add(1);
            c.latest
        }) else {
            return;
        };
        // Whole milliseconds from 8,000 to 12,000.
        let wait = (SETTLE_MS + js_sys::Math::random() * SPREAD_MS) as u32;
        self.after(lobby, check, wait);
    }

    /// A new connection may subscribe to the lobby afresh [`MAX_READS_AGAIN`] times.
    pub(super) fn new_connection(self) {
        self.state.update_value(|c| c.reads = 0);
    }

    /// A member the server did not list was added after all: listed again.
    pub(super) fn came_back(self, id: &str) {
        self.state
            .update_value(|c| c.unlisted.retain(|unlisted| unlisted != id));
    }

    /// Checks the list in `wait_ms`, then acts on a difference that lasts.
    fn after(self, lobby: String, check: u32, wait_ms: u32) {
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(wait_ms).await;
            let Some(mut lasting) = self.difference(&lobby, check).await else {
                return;
            };
            if lasting != Difference::default() {
                // What differs still, 2 s later, with the backend asked again.
                gloo_timers::future::TimeoutFuture::new(CONFIRM_MS).await;
                let Some(again) = self.difference(&lobby, check).await else {
                    return;
                };
                lasting = again;
            }
            let unlisted = !lasting.extra.is_empty();
            let updated = self
                .state
                .try_update_value(|c| (c.latest == check).then(|| c.unlisted = lasting.extra));
            if updated.flatten().is_none() {
                return;
            }
            self.refresh(&lobby);
            if !lasting.missing.is_empty() && self.read_again(&lobby, check) {
                return;
            }
            if unlisted {
                self.after(lobby, check, RECHECK_MS);
            }
        });
    }

    /// Whether `check` is still the latest.
    fn is_latest(self, check: u32) -> bool {
        self.state.try_with_value(|c| c.latest) == Some(check)
    }

    /// How the lobby's members differ from the server's list, when `check` is still the latest,
    /// the lobby has a member list (it is not full) and the backend answers.
    async fn difference(self, lobby: &str, check: u32) -> Option<Difference> {
        if !self.is_latest(check) || self.presence.full.get_untracked() {
            return None;
        }
        let listed = self.link.backend()?.members(lobby).await.ok()?;
        if !self.is_latest(check) {
            return None;
        }
        let held = self.link.channel(lobby)?.read_members(|members| {
            members
                .iter()
                .map(|(id, _)| id.to_owned())
                .collect::<Vec<String>>()
        })?;
        Some(Difference {
            missing: listed
                .iter()
                .filter(|id| !held.contains(id))
                .cloned()
                .collect(),
            extra: held.into_iter().filter(|id| !listed.contains(id)).collect(),
        })
    }

    /// Subscribes to the lobby afresh, unless it has been [`MAX_READS_AGAIN`] times on this
    /// connection: the server's `subscription_succeeded` brings the whole list, and its
    /// confirmation checks it again. Whether it did.
    fn read_again(self, lobby: &str, check: u32) -> bool {
        let again = self.state.try_update_value(|c| {
            let again = c.latest == check && c.reads < MAX_READS_AGAIN;
            c.reads += u32::from(again);
            again
        });
        let Some(pusher) = self.link.pusher().filter(|_| again == Some(true)) else {
            return false;
        };
        // The channel's handle is its name, so the one kept stays good.
        pusher.unsubscribe(lobby);
        pusher.subscribe(lobby).is_ok()
    }
}
