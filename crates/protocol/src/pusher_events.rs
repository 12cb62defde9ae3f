//! The names pusher-js gives the events it makes of the protocol's, by which a page binds them
//! (`channel.bind("pusher:subscription_succeeded", …)`), each written once, here. Some are the
//! wire's names too (`pusher:cache_miss`); others are not: `pusher_internal:member_added` on the
//! wire is `pusher:member_added` to a page, and `pusher:signin_error` is never on the wire. The
//! client's JavaScript sink names events by these; a test holds `pusher.js`'s copies to [`ALL`].

/// A channel's subscription was confirmed ([`Event::SubscriptionSucceeded`](crate::Event)).
pub const SUBSCRIPTION_SUCCEEDED: &str = "pusher:subscription_succeeded";
/// A channel's subscription was refused ([`Event::SubscriptionError`](crate::Event)).
pub const SUBSCRIPTION_ERROR: &str = "pusher:subscription_error";
/// How many connections a channel has ([`Event::SubscriptionCount`](crate::Event)).
pub const SUBSCRIPTION_COUNT: &str = "pusher:subscription_count";
/// A cache channel has no last event ([`Event::CacheMiss`](crate::Event)).
pub const CACHE_MISS: &str = "pusher:cache_miss";
/// A member came to a presence channel ([`Event::MemberAdded`](crate::Event)).
pub const MEMBER_ADDED: &str = "pusher:member_added";
/// A member left a presence channel ([`Event::MemberRemoved`](crate::Event)).
pub const MEMBER_REMOVED: &str = "pusher:member_removed";
/// The user signed in ([`Event::SignedIn`](crate::Event)).
pub const SIGNIN_SUCCESS: &str = "pusher:signin_success";
/// The user's sign-in failed ([`Event::SigninError`](crate::Event)).
pub const SIGNIN_ERROR: &str = "pusher:signin_error";
/// The server sent an error, for the client's global callbacks ([`Event::Error`](crate::Event)
/// with [`Error::Server`](crate::Error)).
pub const ERROR: &str = "pusher:error";

/// Every one.
pub const ALL: [&str; 9] = [
    SUBSCRIPTION_SUCCEEDED,
    SUBSCRIPTION_ERROR,
    SUBSCRIPTION_COUNT,
    CACHE_MISS,
    MEMBER_ADDED,
    MEMBER_REMOVED,
    SIGNIN_SUCCESS,
    SIGNIN_ERROR,
    ERROR,
];
