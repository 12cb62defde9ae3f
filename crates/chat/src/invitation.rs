//! Invitations to a two-person room: asked with `POST /chat/invitations`, answered with
//! `POST /chat/invitations/answer`, each delivered as a server-to-user event.

use serde::{Deserialize, Serialize};

use crate::User;

/// The body of `POST /chat/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// The invitee's user id.
    pub to: String,
}

/// The body of `POST /chat/invitations/answer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The inviter's user id.
    pub from: String,
    /// Whether the invitation is accepted.
    pub accept: bool,
}

/// The answer to both requests: the two-person room of the two users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomAnswer {
    /// The room (`presence-dm-…`).
    pub room: String,
}

/// The [`INVITATION_EVENT`](crate::INVITATION_EVENT)'s data: who invites, to which room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// Who invites.
    pub from: User,
    /// The two-person room.
    pub room: String,
}

/// The [`ANSWER_EVENT`](crate::ANSWER_EVENT)'s data: who answered, for which room, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationAnswer {
    /// Who answers (the invitee).
    pub from: User,
    /// The two-person room.
    pub room: String,
    /// Whether the invitation is accepted.
    pub accepted: bool,
}
