//! The chat backend's HTTP routes: the backend's router serves them and the widget asks them.
//! The launcher's and the demo page's JavaScript name two of them; a test in the widget holds
//! those copies to these. Each route is written once, in the table below, which also lists them
//! all in [`ALL`]: the backend's tests ask each one of its router, so a route added here fails
//! them until the router serves it.

rusher_protocol::string_table! {
    /// Authorizes a private or presence channel (POST, pusher-js's form). pusher-js's default
    /// endpoint, so a page's own pusher-js or Rusher client needs no option.
    CHANNEL_AUTH = "/pusher/auth",
    /// Signs the user in on the connection (POST, pusher-js's form): pusher-js's default endpoint.
    USER_AUTH = "/pusher/user-auth",
    /// The visitor's session: sign in (POST [`SignIn`](crate::SignIn)), who is signed in (GET),
    /// sign out (DELETE).
    SESSION = "/chat/session",
    /// The widget's connection settings ([`PageConfig`](crate::PageConfig), GET).
    CONFIG = "/chat/config",
    /// Sends a message (POST [`NewMessage`](crate::NewMessage)).
    MESSAGES = "/chat/messages",
    /// Invites a member to a room of two (POST [`Invite`](crate::Invite)).
    INVITATIONS = "/chat/invitations",
    /// Accepts or declines an invitation (POST [`InvitationAnswer`](crate::InvitationAnswer)).
    INVITATION_ANSWER = "/chat/invitations/answer",
    /// A room's messages, a page at a time (GET [`HistoryQuery`](crate::HistoryQuery)).
    HISTORY = "/chat/history",
    /// What the launcher shows before the widget loads: who is online, what is unread (GET
    /// [`SummaryQuery`](crate::SummaryQuery)).
    SUMMARY = "/chat/summary",
    /// The user ids the realtime server lists in a room, to check the who's-online list against
    /// (GET [`MembersQuery`](crate::MembersQuery)).
    MEMBERS = "/chat/members",
}
