//! # rusher-chat-api
//!
//! The chat's contract: what the widget (`rusher-widget`) and the chat backend
//! (`rusher-backend`) exchange, written once for both. Request and answer bodies, the stored
//! message and the user, the limits both sides check, the events the backend publishes, the room
//! rules (two-person rooms, the private twin of a full room) and the kinds of refusal with the
//! HTTP status each is sent with. No I/O; it builds for wasm32 and natively.
//!
//! `docs/deploy.md` writes out the HTTP contract these types make up, for sites that implement
//! the backend in their own stack.

mod config;
mod events;
mod invitation;
mod members;
mod message;
mod refusal;
mod rooms;
pub mod routes;
mod summary;
mod user;

pub use config::PageConfig;
pub use events::{
    ANSWER_EVENT, INVITATION_EVENT, MESSAGE_EVENT, ONLINE_EVENT, OnlineCount, TYPING_EVENT,
    TypingNotice,
};
pub use invitation::{Answer, Invitation, InvitationAnswer, Invite, RoomAnswer};
pub use members::{Members, MembersQuery};
pub use message::{
    DEFAULT_HISTORY_PAGE, History, HistoryQuery, MAX_CLIENT_ID_LEN, MAX_HISTORY_PAGE,
    MAX_TEXT_CHARS, Message, NewMessage, check_client_id, check_text,
};
pub use refusal::{ErrorBody, Refusal};
pub use rooms::{
    DEFAULT_ROOM, DM_PREFIX, dm_room, is_overflow_twin, is_user_id, may_access, overflow_twin,
};
pub use summary::{MAX_UNREAD_COUNTED, Summary, SummaryQuery};
pub use user::{MAX_NAME_CHARS, Session, SignIn, User, check_name};
