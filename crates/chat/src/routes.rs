//! The chat backend's HTTP routes: the backend's router serves them and the widget asks them.
//! The launcher's and the demo page's JavaScript name two of them; a test in the widget holds
//! those copies to these.

/// Authorizes a private or presence channel (POST, pusher-js's form). pusher-js's default
/// endpoint, so a page's own pusher-js or Rusher client needs no option.
pub const CHANNEL_AUTH: &str = "/pusher/auth";
/// Signs the user in on the connection (POST, pusher-js's form): pusher-js's default endpoint.
pub const USER_AUTH: &str = "/pusher/user-auth";
/// The visitor's session: sign in (POST [`SignIn`](crate::SignIn)), who is signed in (GET),
/// sign out (DELETE).
pub const SESSION: &str = "/chat/session";
/// The widget's connection settings ([`PageConfig`](crate::PageConfig), GET).
pub const CONFIG: &str = "/chat/config";
/// Sends a message (POST [`NewMessage`](crate::NewMessage)).
pub const MESSAGES: &str = "/chat/messages";
/// Invites a member to a room of two (POST [`Invite`](crate::Invite)).
pub const INVITATIONS: &str = "/chat/invitations";
/// Accepts or declines an invitation (POST [`InvitationAnswer`](crate::InvitationAnswer)).
pub const INVITATION_ANSWER: &str = "/chat/invitations/answer";
/// A room's messages, a page at a time (GET [`HistoryQuery`](crate::HistoryQuery)).
pub const HISTORY: &str = "/chat/history";
/// What the launcher shows before the widget loads: who is online, what is unread (GET
/// [`SummaryQuery`](crate::SummaryQuery)).
pub const SUMMARY: &str = "/chat/summary";
/// The user ids the realtime server lists in a room, to check the who's-online list against
/// (GET [`MembersQuery`](crate::MembersQuery)).
pub const MEMBERS: &str = "/chat/members";
