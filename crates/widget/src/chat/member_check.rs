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

use super::Chat;

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

impl Chat {
    /// The lobby's subscription was confirmed (first, or again): its member list is checked
    /// once it has settled. A later confirmation replaces the check.
    pub(super) fn check_members_later(self) {
        let Some(check) = self.services.try_update_value(|s| {
            s.member_check = s.member_check.wrapping_add(1);
            s.member_check
        }) else {
            return;
        };
        // Whole milliseconds from 8,000 to 12,000.
        let wait = (SETTLE_MS + js_sys::Math::random() * SPREAD_MS) as u32;
        self.check_members_after(check, wait);
    }

    /// A new connection may subscribe to the lobby afresh [`MAX_READS_AGAIN`] times.
    pub(super) fn reset_member_reads(self) {
        self.services.update_value(|s| s.member_reads = 0);
    }

    /// A member the server did not list was added after all: listed again.
    pub(super) fn member_came_back(self, id: &str) {
        self.services
            .update_value(|s| s.unlisted.retain(|unlisted| unlisted != id));
    }

    /// Checks the list in `wait_ms`, then acts on a difference that lasts.
    fn check_members_after(self, check: u32, wait_ms: u32) {
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(wait_ms).await;
            let Some(mut lasting) = self.difference(check).await else {
                return;
            };
            if lasting != Difference::default() {
                // What differs still, 2 s later, with the backend asked again.
                gloo_timers::future::TimeoutFuture::new(CONFIRM_MS).await;
                let Some(again) = self.difference(check).await else {
                    return;
                };
                lasting = again;
            }
            let unlisted = !lasting.extra.is_empty();
            let updated = self.services.try_update_value(|s| {
                (s.member_check == check).then(|| s.unlisted = lasting.extra)
            });
            if updated.flatten().is_none() {
                return;
            }
            self.refresh_members();
            if !lasting.missing.is_empty() && self.read_members_again(check) {
                return;
            }
            if unlisted {
                self.check_members_after(check, RECHECK_MS);
            }
        });
    }

    /// How the lobby's members differ from the server's list, when `check` is still the latest,
    /// the lobby has a member list (it is not full) and the backend answers.
    async fn difference(self, check: u32) -> Option<Difference> {
        let (backend, lobby) = self
            .services
            .try_with_value(|s| {
                (s.member_check == check).then(|| (s.backend.clone(), s.config.channel()))
            })
            .flatten()?;
        if self.presence.full.get_untracked() {
            return None;
        }
        let listed = backend.members(&lobby).await.ok()?;
        let held = self
            .services
            .try_with_value(|s| {
                let channel = s.channel(&lobby).filter(|_| s.member_check == check)?;
                channel.read_members(|members| {
                    members
                        .iter()
                        .map(|(id, _)| id.to_owned())
                        .collect::<Vec<String>>()
                })
            })
            .flatten()?;
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
    fn read_members_again(self, check: u32) -> bool {
        let again = self.services.try_update_value(|s| {
            if s.member_check != check || s.member_reads >= MAX_READS_AGAIN {
                return None;
            }
            s.member_reads += 1;
            Some((s.pusher.clone()?, s.config.channel()))
        });
        let Some(Some((pusher, lobby))) = again else {
            return false;
        };
        // Outside the stored value: the client may report events to the widget at once. The
        // channel's handle is its name, so the one kept stays good.
        pusher.unsubscribe(&lobby);
        pusher.subscribe(&lobby).is_ok()
    }
}
