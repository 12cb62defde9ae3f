//! Presence channel members: keyed by user id, with `me`, rebuilt from every
//! `subscription_succeeded`.

use crate::json::JsonText;
use crate::prelude::*;
use crate::sorted_map::SortedMap;
use crate::wire::PresenceData;

/// The most members Rusher keeps for one channel. Pusher allows 100; self-hosted servers may allow
/// more, but a bound keeps a hostile server from growing memory without limit.
pub const MAX_MEMBERS: usize = 10_000;

/// One member of a presence channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The user id.
    pub id: String,
    /// What the auth endpoint said about the user (`null` when nothing), as JSON text.
    pub info: JsonText,
}

/// The members of a presence channel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Members {
    members: SortedMap<JsonText>,
    me: Option<String>,
}

/// The outcome of adding a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// The id is new: a member joined.
    New,
    /// The id was already a member (a second connection of the same user).
    Known,
    /// [`MAX_MEMBERS`] is reached; the member is not tracked.
    Full,
}

impl Members {
    /// The members in a `subscription_succeeded`, with `me` as our own id. Returns whether the list
    /// had to be cut at [`MAX_MEMBERS`].
    pub fn from_presence(data: PresenceData, me: Option<String>) -> (Self, bool) {
        let infos = SortedMap::from_entries(data.hash);
        let mut listed: Vec<(String, JsonText)> = data
            .ids
            .into_iter()
            .map(|id| {
                let info = infos.get(&id).cloned().unwrap_or_default();
                (id, info)
            })
            .collect();
        // Members in `hash` but not in `ids` count too; duplicates collapse below.
        listed.extend(infos.iter().map(|(id, info)| (id.clone(), info.clone())));
        let mut members = SortedMap::from_entries(listed);
        let full = members.len() > MAX_MEMBERS;
        members.truncate(MAX_MEMBERS);
        (Members { members, me }, full)
    }

    /// Adds a member unless the id is already known.
    pub fn add(&mut self, id: String, info: JsonText) -> Added {
        if self.members.contains_key(&id) {
            Added::Known
        } else if self.members.len() >= MAX_MEMBERS {
            Added::Full
        } else {
            self.members.insert(id, info);
            Added::New
        }
    }

    /// Removes a member, returning it if it was there.
    pub fn remove(&mut self, id: &str) -> Option<Member> {
        self.members.remove(id).map(|info| Member {
            id: id.to_owned(),
            info,
        })
    }

    /// How many members there are.
    pub fn count(&self) -> usize {
        self.members.len()
    }

    /// One member by id.
    pub fn get(&self, id: &str) -> Option<Member> {
        self.members.get(id).map(|info| Member {
            id: id.to_owned(),
            info: info.clone(),
        })
    }

    /// Our own member, once the channel is subscribed.
    pub fn me(&self) -> Option<Member> {
        self.me.as_deref().and_then(|id| self.get(id))
    }

    /// Every member as `(id, info)`, ordered by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &JsonText)> {
        self.members.iter().map(|(id, info)| (id.as_str(), info))
    }
}
