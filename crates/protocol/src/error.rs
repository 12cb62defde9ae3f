//! The one error type of the protocol core.

use crate::prelude::*;
use crate::text::decimal;

/// Pusher's code for "over capacity", first of the 4100-4199 range (retry after a second). sockudo
/// also refuses a member past a presence channel's limit with a `pusher:error` of this code that
/// names no channel, where Pusher and soketi send a `pusher:subscription_error` of type
/// [`LIMIT_REACHED`](crate::LIMIT_REACHED).
pub const OVER_CAPACITY: u16 = 4100;

/// Everything that can go wrong in the protocol core, each with a message a user can read.
///
/// Errors caused by the peer (a malformed frame, a bad auth response) are also reported as
/// [`Event::Error`](crate::Event::Error) or a channel event, and never change state that was
/// already established.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A frame from the server is not valid protocol JSON.
    MalformedFrame(String),
    /// The server's handshake is unusable (bad socket id or activity timeout).
    InvalidHandshake(String),
    /// The server sent `pusher:error`.
    Server {
        /// The error code, when the server gave one.
        code: Option<u16>,
        /// The server's message.
        message: String,
    },
    /// The server closed the connection with a code in 4000-4399.
    Closed {
        /// The WebSocket close code.
        code: u16,
        /// The close reason the server gave, possibly empty.
        reason: String,
    },
    /// A channel name is not valid.
    InvalidChannelName {
        /// The rejected name (truncated when very long).
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The channel is not subscribed (or was unsubscribed).
    UnknownChannel(String),
    /// A client event was refused before it was queued.
    ClientEventRefused(&'static str),
    /// A client event that was queued had to be dropped.
    ClientEventDropped {
        /// The channel it was for.
        channel: String,
        /// Its event name.
        event: String,
        /// Why it was dropped.
        reason: DropReason,
    },
    /// An auth response could not be used.
    InvalidAuthResponse(String),
    /// An encrypted event could not be decrypted, even with a fresh key.
    Decryption {
        /// The channel it arrived on.
        channel: String,
        /// Its event name.
        event: String,
    },
    /// A presence channel reached [`MAX_MEMBERS`](crate::presence::MAX_MEMBERS); further members are
    /// not tracked.
    TooManyMembers(String),
}

/// Why a queued client event was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// It waited longer than the outbox's maximum age.
    Expired,
    /// Its channel was unsubscribed before it could be sent.
    Unsubscribed,
}

impl Error {
    /// The `type` the JavaScript API gives it: pusher-js's `PusherError` for what the server
    /// said, else the variant's name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Error::Server { .. } | Error::Closed { .. } => "PusherError",
            Error::MalformedFrame(_) => "MalformedFrame",
            Error::InvalidHandshake(_) => "InvalidHandshake",
            Error::InvalidChannelName { .. } => "InvalidChannelName",
            Error::UnknownChannel(_) => "UnknownChannel",
            Error::ClientEventRefused(_) => "ClientEventRefused",
            Error::ClientEventDropped { .. } => "ClientEventDropped",
            Error::InvalidAuthResponse(_) => "InvalidAuthResponse",
            Error::Decryption { .. } => "DecryptionError",
            Error::TooManyMembers(_) => "TooManyMembers",
        }
    }

    /// The message a user reads, built by concatenation: `format!` would bring the formatting
    /// machinery into the browser bundle.
    pub fn message(&self) -> String {
        let quoted = |text: &str| ["\"", text, "\""].concat();
        match self {
            Error::MalformedFrame(why) => ["malformed frame: ", why].concat(),
            Error::InvalidHandshake(why) => ["invalid handshake: ", why].concat(),
            Error::Server { code, message } => {
                let code = code.map_or_else(|| "(no code)".to_owned(), |c| decimal(c.into()));
                ["server error ", &code, ": ", message].concat()
            }
            Error::Closed { code, reason } => [
                "connection closed by the server with code ",
                &decimal((*code).into()),
                ": ",
                reason,
            ]
            .concat(),
            Error::InvalidChannelName { name, reason } => {
                ["invalid channel name ", &quoted(name), ": ", reason].concat()
            }
            Error::UnknownChannel(name) => ["not subscribed to channel ", &quoted(name)].concat(),
            Error::ClientEventRefused(why) => ["client event refused: ", why].concat(),
            Error::ClientEventDropped {
                channel,
                event,
                reason,
            } => [
                "client event ",
                &quoted(event),
                " on ",
                &quoted(channel),
                " dropped: ",
                reason.message(),
            ]
            .concat(),
            Error::InvalidAuthResponse(why) => ["invalid auth response: ", why].concat(),
            Error::Decryption { channel, event } => [
                "could not decrypt event ",
                &quoted(event),
                " on ",
                &quoted(channel),
            ]
            .concat(),
            Error::TooManyMembers(channel) => [
                "presence channel ",
                &quoted(channel),
                " has more members than Rusher tracks",
            ]
            .concat(),
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

impl DropReason {
    /// Why, in words.
    pub fn message(self) -> &'static str {
        match self {
            DropReason::Expired => "it expired in the outbox",
            DropReason::Unsubscribed => "its channel was unsubscribed",
        }
    }
}

impl core::fmt::Display for DropReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}
