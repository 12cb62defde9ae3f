//! An auth answer checked against its channel's kind, and the `pusher:subscribe` frame it makes.

use crate::prelude::*;

use crate::auth::{AuthError, ChannelAuth, UNSUPPORTED_FEATURE};
use crate::channels::{Access, ChannelKind};
use crate::crypto::SharedSecret;
use crate::json::Json;
use crate::wire::ClientMessage;

/// Refuses a channel of a kind this build leaves out: an encrypted one without the `encrypted`
/// feature (`encrypted_built`).
fn built_in(kind: ChannelKind, encrypted_built: bool) -> Result<(), AuthError> {
    if kind.access == Access::Encrypted && !encrypted_built {
        return Err(AuthError {
            kind: UNSUPPORTED_FEATURE.to_owned(),
            error: "encrypted channels are not built into this client (the `encrypted` feature)"
                .to_owned(),
            status: None,
        });
    }
    Ok(())
}

/// Checks an auth answer against the channel's kind and builds the subscribe frame, with our
/// presence id and the channel key when there are any.
#[allow(clippy::type_complexity)]
pub(super) fn subscribe_message(
    name: &str,
    kind: ChannelKind,
    auth: ChannelAuth,
) -> Result<(ClientMessage, Option<String>, Option<SharedSecret>), AuthError> {
    let invalid = |what: &str| AuthError::new(["invalid auth answer: ", what].concat(), Some(200));
    let my_id = match (&kind.access, &auth.channel_data) {
        (Access::Presence, Some(data)) => {
            let parsed = Json::parse(data).map_err(|_| invalid("channel_data is not JSON"))?;
            match parsed.get("user_id").and_then(Json::as_id) {
                Some(id) if !id.is_empty() => Some(id),
                _ => return Err(invalid("channel_data has no user_id")),
            }
        }
        _ => None,
    };
    built_in(kind, cfg!(feature = "encrypted"))?;
    let secret = if kind.access == Access::Encrypted {
        let key = auth
            .shared_secret
            .as_deref()
            .and_then(SharedSecret::from_base64)
            .ok_or_else(|| invalid("an encrypted channel needs a 32-byte base64 shared_secret"))?;
        Some(key)
    } else {
        None
    };
    let channel_data = if kind.access == Access::Presence {
        auth.channel_data
    } else {
        None
    };
    Ok((
        ClientMessage::Subscribe {
            channel: name.to_owned(),
            auth: Some(auth.auth),
            channel_data,
        },
        my_id,
        secret,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_without_encryption_refuses_encrypted_channels_only() {
        let encrypted = ChannelKind::of("private-encrypted-room");
        let refusal = built_in(encrypted, false).err().map(|e| e.kind);
        assert_eq!(refusal.as_deref(), Some(UNSUPPORTED_FEATURE));
        assert!(built_in(encrypted, true).is_ok());
        for name in ["room", "private-room", "presence-room", "#server-to-user-1"] {
            assert!(built_in(ChannelKind::of(name), false).is_ok(), "{name}");
        }
    }
}
