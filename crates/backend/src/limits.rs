//! Rate limits on what a visitor can make the backend do: sign in (create sessions), send
//! messages and send invitations, each per session and per address. Over a limit, the answer is
//! 429 with `Retry-After` (whole seconds) and the `rate-limited` refusal; the widget keeps a
//! message queued and sends it again later.
//!
//! The address is the peer's, except behind a reverse proxy on the same host: a request from a
//! loopback peer with `X-Forwarded-For` counts against the last address in that header (the one
//! the proxy saw). A remote peer's `X-Forwarded-For` is ignored, since anyone can send one.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::http::header::RETRY_AFTER;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rusher_chat_api::Refusal;

use crate::BackendState;
use crate::chat::refuse;
use crate::session;

/// How many keys (sessions or addresses) one limiter tracks before it forgets those whose
/// allowance is full again: bounds its memory under a flood of new addresses or forged tokens.
pub const MAX_TRACKED_KEYS: usize = 100_000;

/// A rate: a burst of `burst` requests, refilled at one per `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many requests may come at once.
    pub burst: u32,
    /// How long one request of the burst takes to come back.
    pub every: Duration,
}

impl Rate {
    /// A burst of `burst` requests, refilled at one per `every`.
    pub const fn new(burst: u32, every: Duration) -> Self {
        Self { burst, every }
    }

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst)
    }
}

/// Sign-ins (each creates a session) from one address: a visitor signs in once per browser, an
/// office behind one address a few dozen times a day; a script creating sessions is stopped
/// after its burst at one a second.
pub const SIGN_INS_PER_ADDRESS: Rate = Rate::new(60, Duration::from_secs(1));
/// Messages from one session: a burst as long as an outbox sent again after a long time
/// offline, then one a second, faster than anyone types.
pub const MESSAGES_PER_SESSION: Rate = Rate::new(60, Duration::from_secs(1));
/// Messages from one address: several people chatting behind one address.
pub const MESSAGES_PER_ADDRESS: Rate = Rate::new(200, Duration::from_millis(200));
/// Invitations from one session: a visitor invites a few people, not everyone in the room.
pub const INVITATIONS_PER_SESSION: Rate = Rate::new(10, Duration::from_secs(10));
/// Invitations from one address.
pub const INVITATIONS_PER_ADDRESS: Rate = Rate::new(60, Duration::from_secs(1));

/// What a limited request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `POST /chat/session`.
    SignIn,
    /// `POST /chat/messages`.
    Message,
    /// `POST /chat/invitations`.
    Invitation,
}

/// The rates a backend enforces, per action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Sign-ins per address.
    pub sign_ins_per_address: Rate,
    /// Messages per session.
    pub messages_per_session: Rate,
    /// Messages per address.
    pub messages_per_address: Rate,
    /// Invitations per session.
    pub invitations_per_session: Rate,
    /// Invitations per address.
    pub invitations_per_address: Rate,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            sign_ins_per_address: SIGN_INS_PER_ADDRESS,
            messages_per_session: MESSAGES_PER_SESSION,
            messages_per_address: MESSAGES_PER_ADDRESS,
            invitations_per_session: INVITATIONS_PER_SESSION,
            invitations_per_address: INVITATIONS_PER_ADDRESS,
        }
    }
}

/// One action's limiters: per session (none for sign-in, which has no session yet) and per
/// address.
#[derive(Debug)]
struct ActionLimits {
    per_session: Option<DefaultKeyedRateLimiter<String>>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

/// The backend's rate limiters.
#[derive(Debug)]
pub struct RateLimits {
    sign_in: ActionLimits,
    message: ActionLimits,
    invitation: ActionLimits,
}

impl RateLimits {
    /// Limiters for `rates`.
    pub fn new(rates: Rates) -> Self {
        RateLimits {
            sign_in: ActionLimits {
                per_session: None,
                per_address: keyed(rates.sign_ins_per_address),
            },
            message: ActionLimits {
                per_session: Some(keyed(rates.messages_per_session)),
                per_address: keyed(rates.messages_per_address),
            },
            invitation: ActionLimits {
                per_session: Some(keyed(rates.invitations_per_session)),
                per_address: keyed(rates.invitations_per_address),
            },
        }
    }

    fn of(&self, action: Action) -> &ActionLimits {
        match action {
            Action::SignIn => &self.sign_in,
            Action::Message => &self.message,
            Action::Invitation => &self.invitation,
        }
    }

    /// Counts one `action` by `session` (its token) from `address`: `Err` with how long to
    /// wait when either is over its rate.
    pub fn check(
        &self,
        action: Action,
        session: Option<&str>,
        address: IpAddr,
    ) -> Result<(), Duration> {
        let limits = self.of(action);
        // The address first: a flood of made-up session tokens from one address stops there,
        // before each token becomes a key.
        check(&limits.per_address, &address_key(address))?;
        match (&limits.per_session, session) {
            (Some(limiter), Some(token)) => check(limiter, &token.to_owned()),
            _ => Ok(()),
        }
    }
}

/// The key an address counts under: an IPv4 address itself; an IPv6 address by its /64, the
/// block one subscriber gets (every address in it is theirs to take, so each alone would let one
/// visitor multiply the limit at will).
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// A limiter of `rate` per key.
fn keyed<K: Clone + Eq + std::hash::Hash>(rate: Rate) -> DefaultKeyedRateLimiter<K> {
    RateLimiter::keyed(rate.quota())
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::new(Rates::default())
    }
}

fn check<K>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), Duration>
where
    K: Clone + Eq + std::hash::Hash,
{
    if limiter.len() > MAX_TRACKED_KEYS {
        limiter.retain_recent();
    }
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

/// The address a request counts against: the peer's, or behind a reverse proxy on this host,
/// the last in `X-Forwarded-For`.
pub fn client_address(peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
    // `::ffff:127.0.0.1` (a dual-stack listener) is the loopback address it stands for.
    let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |peer| peer.ip().to_canonical());
    if !peer.is_loopback() {
        return peer;
    }
    // Only the last hop, the one the proxy wrote: the ones before it came from the client.
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .next_back()
        .and_then(|hop| hop.trim().parse::<IpAddr>().ok())
        .map_or(peer, |address| address.to_canonical())
}

/// The peer a request came from, when the server records it.
pub fn peer(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer)
}

/// Middleware for the routes of `action`: 429 with `Retry-After` over a rate, else the handler.
pub async fn limit(
    State((backend, action)): State<(BackendState, Action)>,
    request: Request,
    next: Next,
) -> Response {
    let address = client_address(peer(&request), request.headers());
    let token = session::token(request.headers());
    match backend.limits.check(action, token.as_deref(), address) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            // Whole seconds, rounded up: a client that waits as long is let through.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = refuse(Refusal::RateLimited).into_response();
            response
                .headers_mut()
                .insert(RETRY_AFTER, seconds.max(1).into());
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));
    const BEN: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 8));

    fn tight() -> RateLimits {
        let rate = Rate {
            burst: 2,
            every: Duration::from_secs(60),
        };
        RateLimits::new(Rates {
            sign_ins_per_address: rate,
            messages_per_session: rate,
            messages_per_address: Rate { burst: 3, ..rate },
            invitations_per_session: rate,
            invitations_per_address: rate,
        })
    }

    #[test]
    fn a_session_over_its_burst_waits_and_another_session_does_not() {
        let limits = tight();
        assert_eq!(limits.check(Action::Message, Some("a"), ADA), Ok(()));
        assert_eq!(limits.check(Action::Message, Some("a"), ADA), Ok(()));
        let wait = limits.check(Action::Message, Some("a"), ADA).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
        // Another session from another address is not held back by the first.
        assert_eq!(limits.check(Action::Message, Some("b"), BEN), Ok(()));
    }

    #[test]
    fn an_address_is_limited_across_its_sessions() {
        let limits = tight();
        for token in ["a", "b", "c"] {
            assert_eq!(limits.check(Action::Message, Some(token), ADA), Ok(()));
        }
        assert!(limits.check(Action::Message, Some("d"), ADA).is_err());
        assert_eq!(limits.check(Action::Message, Some("d"), BEN), Ok(()));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_block() {
        let limits = tight();
        let address = |text: &str| text.parse::<IpAddr>().unwrap();
        assert_eq!(
            limits.check(Action::SignIn, None, address("2001:db8:1:2::1")),
            Ok(())
        );
        assert_eq!(
            limits.check(Action::SignIn, None, address("2001:db8:1:2::ffff")),
            Ok(())
        );
        // A third address of the same /64 is the same visitor; another /64 is not.
        let same_block = address("2001:db8:1:2:abcd::9");
        assert!(limits.check(Action::SignIn, None, same_block).is_err());
        assert_eq!(
            limits.check(Action::SignIn, None, address("2001:db8:1:3::1")),
            Ok(())
        );
    }

    #[test]
    fn actions_count_apart() {
        let limits = tight();
        for _ in 0..2 {
            assert_eq!(limits.check(Action::SignIn, None, ADA), Ok(()));
        }
        assert!(limits.check(Action::SignIn, None, ADA).is_err());
        assert_eq!(limits.check(Action::Invitation, Some("a"), ADA), Ok(()));
    }

    #[test]
    fn only_a_local_proxy_names_the_address() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.1, 203.0.113.7".parse().unwrap(),
        );
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.9:5000".parse().unwrap();
        assert_eq!(client_address(Some(local), &headers), ADA);
        assert_eq!(client_address(Some(remote), &headers), remote.ip());
        assert_eq!(
            client_address(Some(local), &HeaderMap::new()),
            local.ip(),
            "a loopback peer without the header is itself"
        );
        let mut forged = HeaderMap::new();
        forged.insert(
            "x-forwarded-for",
            "203.0.113.7, not-an-address".parse().unwrap(),
        );
        assert_eq!(
            client_address(Some(local), &forged),
            local.ip(),
            "an unreadable last hop is not skipped for the client's own"
        );
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(client_address(Some(mapped), &headers), ADA);
    }
}
