//! The names pusher-js gives the events it makes of the protocol's, by which a page binds them
//! (`channel.bind("pusher:subscription_succeeded", …)`), each written once, here. Some are the
//! wire's names too (`pusher:cache_miss`); others are not: `pusher_internal:member_added` on the
//! wire is `pusher:member_added` to a page, and `pusher:signin_error` is never on the wire. The
//! client's JavaScript sink names events by these; a test holds `pusher.js`'s copies to [`ALL`],
//! which the table below makes of every constant in it.

crate::string_table! {
    /// A channel's subscription was confirmed ([`Event::SubscriptionSucceeded`](crate::Event)).
    SUBSCRIPTION_SUCCEEDED = "pusher:subscription_succeeded",
    /// A channel's subscription was refused ([`Event::SubscriptionError`](crate::Event)).
    SUBSCRIPTION_ERROR = "pusher:subscription_error",
    /// How many connections a channel has ([`Event::SubscriptionCount`](crate::Event)).
    SUBSCRIPTION_COUNT = "pusher:subscription_count",
    /// A cache channel has no last event ([`Event::CacheMiss`](crate::Event)).
    CACHE_MISS = "pusher:cache_miss",
    /// A member came to a presence channel ([`Event::MemberAdded`](crate::Event)).
    MEMBER_ADDED = "pusher:member_added",
    /// A member left a presence channel ([`Event::MemberRemoved`](crate::Event)).
    MEMBER_REMOVED = "pusher:member_removed",
    /// The user signed in ([`Event::SignedIn`](crate::Event)).
    SIGNIN_SUCCESS = "pusher:signin_success",
    /// The user's sign-in failed ([`Event::SigninError`](crate::Event)).
    SIGNIN_ERROR = "pusher:signin_error",
    /// The server sent an error, for the client's global callbacks ([`Event::Error`](crate::Event)
    /// with [`Error::Server`](crate::Error)).
    ERROR = "pusher:error",
}
