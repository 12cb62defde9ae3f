//! Checking a subscription's auth, for the channels that need it.

use rusher_protocol::channels::SERVER_TO_USER_PREFIX;
use rusher_protocol::json::JsonText;
use rusher_protocol::sign;
use rusher_protocol::{AUTH_ERROR, Access, ChannelKind};

use super::presence::presence_member;
use super::{Conn, Hub, Refusal, refusal};

impl Hub {
    /// Checks the auth of a subscription; returns the presence member it adds, if any.
    pub(super) fn authorize(
        &self,
        id: &str,
        conn: &Conn,
        channel: &str,
        kind: ChannelKind,
        auth: Option<&str>,
        channel_data: Option<&str>,
    ) -> Result<Option<(String, JsonText)>, Refusal> {
        let key = &self.app.key;
        let secret = &self.app.secret;
        let bad_signature = || refusal(AUTH_ERROR, "Invalid signature", 401);
        match kind.access {
            Access::Public => Ok(None),
            Access::ServerToUser => {
                let own = conn
                    .user
                    .as_ref()
                    .is_some_and(|u| channel == format!("{SERVER_TO_USER_PREFIX}{}", u.id));
                if own {
                    Ok(None)
                } else {
                    Err(refusal(
                        AUTH_ERROR,
                        "only the signed-in user may subscribe to its own channel",
                        403,
                    ))
                }
            }
            Access::Private | Access::Encrypted => {
                let auth = auth.ok_or_else(bad_signature)?;
                if sign::verify_channel_auth(key, secret, auth, id, channel, None) {
                    Ok(None)
                } else {
                    Err(bad_signature())
                }
            }
            Access::Presence => {
                let auth = auth.ok_or_else(bad_signature)?;
                let data = channel_data
                    .ok_or_else(|| refusal(AUTH_ERROR, "presence needs channel_data", 400))?;
                if !sign::verify_channel_auth(key, secret, auth, id, channel, Some(data)) {
                    return Err(bad_signature());
                }
                presence_member(data).map(Some)
            }
        }
    }
}
