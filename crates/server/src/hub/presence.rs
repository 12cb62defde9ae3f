//! Presence: who a subscription adds as a member, and the members a channel lists.

use rusher_protocol::json::{Json, JsonText};
use rusher_protocol::wire::PresenceData;
use rusher_protocol::{AUTH_ERROR, LIMIT_REACHED};

use super::{Hub, Refusal, refusal};

/// The longest presence user id Pusher accepts.
const MAX_USER_ID_LEN: usize = 128;
/// The largest presence `user_info` Pusher accepts, as JSON.
const MAX_USER_INFO_BYTES: usize = 1024;

/// A presence member: the user's id and info.
pub(super) type Member = (String, JsonText);

impl Hub {
    /// Refuses a new member when the presence channel holds the app's member limit already;
    /// a user who is a member (on another connection) is let in.
    pub(super) fn check_room_for(&self, channel: &str, user_id: &str) -> Result<(), Refusal> {
        let state = self.channels.get(channel);
        let known = state.is_some_and(|c| c.members.contains_key(user_id));
        let count = state.map_or(0, |c| c.members.len());
        if !known && count >= self.app.member_limit {
            return Err(refusal(
                LIMIT_REACHED,
                format!(
                    "presence channel is full ({} members)",
                    self.app.member_limit
                ),
                403,
            ));
        }
        Ok(())
    }

    /// Counts connection `id`'s subscription for its member; the member if it is new to the
    /// channel (its first connection there).
    pub(super) fn add_member(&mut self, id: &str, channel: &str, member: Member) -> Option<Member> {
        let (user_id, info) = member;
        let state = self.channels.entry(channel.to_owned()).or_default();
        let entry = state
            .members
            .entry(user_id.clone())
            .or_insert((info.clone(), 0));
        entry.1 += 1;
        let joined = (entry.1 == 1).then(|| (user_id.clone(), info));
        if let Some(conn) = self.conns.get_mut(id) {
            conn.presence.insert(channel.to_owned(), user_id);
        }
        joined
    }

    /// A presence channel's user ids.
    pub fn presence_users(&self, channel: &str) -> Vec<String> {
        self.channels
            .get(channel)
            .map(|c| c.members.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn presence_data(&self, channel: &str) -> PresenceData {
        let members = self.channels.get(channel).map(|c| &c.members);
        let mut data = PresenceData::default();
        for (id, (info, _)) in members.into_iter().flatten() {
            data.ids.push(id.clone());
            data.hash.push((id.clone(), info.clone()));
        }
        data.count = data.ids.len() as u64;
        data
    }
}

/// Reads presence `channel_data`: a user id (string or number) within Pusher's limits, and info.
pub(super) fn presence_member(channel_data: &str) -> Result<(String, JsonText), Refusal> {
    let invalid = |why: &str| refusal(AUTH_ERROR, format!("invalid channel_data: {why}"), 400);
    let data = Json::parse(channel_data).map_err(|_| invalid("not JSON"))?;
    let user_id = match data.get("user_id").and_then(Json::as_id) {
        Some(id) if !id.is_empty() => id,
        _ => return Err(invalid("no user_id")),
    };
    if user_id.len() > MAX_USER_ID_LEN {
        return Err(invalid("user_id is longer than 128 characters"));
    }
    let info = data
        .get("user_info")
        .map(JsonText::from)
        .unwrap_or_default();
    if info.as_str().len() > MAX_USER_INFO_BYTES {
        return Err(invalid("user_info is larger than 1 KB"));
    }
    Ok((user_id, info))
}
