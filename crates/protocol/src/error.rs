//! The one error type of the protocol core.

use crate::prelude::*;
use thiserror::Error;

/// Everything that can go wrong in the protocol core, each with a message a user can read.
///
/// Errors caused by the peer (a malformed frame, a bad auth response) are also reported as
/// [`Event::Error`](crate::Event::Error) or a channel event, and never change state that was
/// already established.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A frame from the server is not valid protocol JSON.
    #[error("malformed frame: {0}")]
    MalformedFrame(String),
    /// The server's handshake is unusable (bad socket id or activity timeout).
    #[error("invalid handshake: {0}")]
    InvalidHandshake(String),
    /// The server sent `pusher:error`.
    #[error("server error {}: {message}", code.map_or_else(|| "(no code)".to_owned(), |c| c.to_string()))]
    Server {
        /// The error code, when the server gave one.
        code: Option<u16>,
        /// The server's message.
        message: String,
    },
    /// The server closed the connection with a code in 4000-4399.
    #[error("connection closed by the server with code {code}: {reason}")]
    Closed {
        /// The WebSocket close code.
        code: u16,
        /// The close reason the server gave, possibly empty.
        reason: String,
    },
    /// A channel name is not valid.
    #[error("invalid channel name {name:?}: {reason}")]
    InvalidChannelName {
        /// The rejected name (truncated when very long).
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The channel is not subscribed (or was unsubscribed).
    #[error("not subscribed to channel {0:?}")]
    UnknownChannel(String),
    /// A client event was refused before it was queued.
    #[error("client event refused: {0}")]
    ClientEventRefused(&'static str),
    /// A client event that was queued had to be dropped.
    #[error("client event {event:?} on {channel:?} dropped: {reason}")]
    ClientEventDropped {
        /// The channel it was for.
        channel: String,
        /// Its event name.
        event: String,
        /// Why it was dropped.
        reason: DropReason,
    },
    /// An auth response could not be used.
    #[error("invalid auth response: {0}")]
    InvalidAuthResponse(String),
    /// An encrypted event could not be decrypted, even with a fresh key.
    #[error("could not decrypt event {event:?} on {channel:?}")]
    Decryption {
        /// The channel it arrived on.
        channel: String,
        /// Its event name.
        event: String,
    },
    /// A presence channel reached [`MAX_MEMBERS`](crate::presence::MAX_MEMBERS); further members are
    /// not tracked.
    #[error("presence channel {0:?} has more members than Rusher tracks")]
    TooManyMembers(String),
}

/// Why a queued client event was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DropReason {
    /// It waited longer than the outbox's maximum age.
    #[error("it expired in the outbox")]
    Expired,
    /// Its channel was unsubscribed before it could be sent.
    #[error("its channel was unsubscribed")]
    Unsubscribed,
}
