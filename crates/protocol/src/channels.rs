//! Channel names and kinds (docs/protocol.md section 4).

use crate::Error;
use crate::prelude::*;
use crate::text::prefix;

/// The longest channel name Pusher accepts.
pub const MAX_CHANNEL_NAME_LEN: usize = 164;

/// The prefix of private channels (signed by the auth endpoint).
pub const PRIVATE_PREFIX: &str = "private-";

/// The prefix of presence channels (signed, with member data).
pub const PRESENCE_PREFIX: &str = "presence-";

/// The reserved prefix of a signed-in user's own channel.
pub const SERVER_TO_USER_PREFIX: &str = "#server-to-user-";

/// Whether `name` is a signed-in user's own channel (`#server-to-user-…`): one prefix check,
/// for paths that route every event by it.
pub fn is_server_to_user(name: &str) -> bool {
    name.starts_with(SERVER_TO_USER_PREFIX)
}

/// Who may subscribe to a channel and how it is authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone; no auth.
    Public,
    /// `private-`: signed by the auth endpoint.
    Private,
    /// `presence-`: signed, with member data.
    Presence,
    /// `private-encrypted-`: signed, with a shared secret; payloads are encrypted.
    Encrypted,
    /// `#server-to-user-{id}`: the signed-in user's own channel.
    ServerToUser,
}

/// What a channel name says about the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelKind {
    /// How it is authorized.
    pub access: Access,
    /// Whether it is a cache channel (the last event is replayed to new subscribers).
    pub cache: bool,
}

impl ChannelKind {
    /// The kind of a channel by its prefix, longest prefix first.
    pub fn of(name: &str) -> ChannelKind {
        const PREFIXES: [(&str, Access, bool); 7] = [
            ("private-encrypted-cache-", Access::Encrypted, true),
            ("private-encrypted-", Access::Encrypted, false),
            ("presence-cache-", Access::Presence, true),
            (PRESENCE_PREFIX, Access::Presence, false),
            ("private-cache-", Access::Private, true),
            (PRIVATE_PREFIX, Access::Private, false),
            ("cache-", Access::Public, true),
        ];
        if is_server_to_user(name) {
            return ChannelKind {
                access: Access::ServerToUser,
                cache: false,
            };
        }
        PREFIXES
            .iter()
            .find(|(prefix, _, _)| name.starts_with(prefix))
            .map_or(
                ChannelKind {
                    access: Access::Public,
                    cache: false,
                },
                |&(_, access, cache)| ChannelKind { access, cache },
            )
    }

    /// Whether subscribing needs a signature from the auth endpoint.
    pub fn needs_auth(self) -> bool {
        matches!(
            self.access,
            Access::Private | Access::Presence | Access::Encrypted
        )
    }

    /// Whether clients may trigger `client-` events on it (private and presence only).
    pub fn allows_client_events(self) -> bool {
        matches!(self.access, Access::Private | Access::Presence)
    }
}

/// Checks a name a user subscribes to: 1-164 characters from `[A-Za-z0-9_\-=@,.;]`. The reserved
/// `#server-to-user-` prefix is refused here; the core subscribes that channel itself after
/// sign-in.
pub fn validate_name(name: &str) -> Result<ChannelKind, Error> {
    let invalid = |reason| Error::InvalidChannelName {
        name: prefix(name, MAX_CHANNEL_NAME_LEN + 1).to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > MAX_CHANNEL_NAME_LEN {
        return Err(invalid("it is longer than 164 characters"));
    }
    if name.starts_with(SERVER_TO_USER_PREFIX) {
        return Err(invalid(
            "#server-to-user- channels are subscribed by sign-in, not by name",
        ));
    }
    if !name.bytes().all(is_name_byte) {
        return Err(invalid(
            "only letters, digits and _ - = @ , . ; are allowed",
        ));
    }
    Ok(ChannelKind::of(name))
}

/// Checks a name as a server does: [`validate_name`], plus the `#server-to-user-` channels.
pub fn validate_name_server(name: &str) -> Result<ChannelKind, Error> {
    match name.strip_prefix(SERVER_TO_USER_PREFIX) {
        Some(user) if !user.is_empty() && name.len() <= MAX_CHANNEL_NAME_LEN => {
            Ok(ChannelKind::of(name))
        }
        Some(_) => Err(Error::InvalidChannelName {
            name: prefix(name, MAX_CHANNEL_NAME_LEN + 1).to_owned(),
            reason: "a #server-to-user- channel needs a user id",
        }),
        None => validate_name(name),
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-=@,.;".contains(&b)
}
