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
        // Ids that `hash` leaves out are members too, with no info: after `hash`, so that of an
        // id in both, its info is kept. One sort, and no copies.
        let mut listed = data.hash;
        listed.extend(data.ids.into_iter().map(|id| (id, JsonText::default())));
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    //! Building the members from a `subscription_succeeded`: `ids` and `hash` together, repeats,
    //! and the cap.

    use super::{MAX_MEMBERS, Members};
    use crate::json::JsonText;
    use crate::prelude::*;
    use crate::wire::PresenceData;

    fn info(text: &str) -> JsonText {
        JsonText::parse(text).unwrap()
    }

    fn listed(members: &Members) -> Vec<(String, String)> {
        members
            .iter()
            .map(|(id, info)| (id.to_owned(), info.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn ids_and_hash_are_both_members_each_once_with_the_first_info_of_a_repeated_id() {
        let data = PresenceData {
            ids: ["b", "x", "a", "a"].map(String::from).to_vec(),
            hash: vec![
                ("c".to_owned(), info("3")),
                ("a".to_owned(), info("1")),
                ("a".to_owned(), info("9")),
            ],
            count: 4,
        };
        let (members, full) = Members::from_presence(data, Some("x".to_owned()));
        let expected = [("a", "1"), ("b", "null"), ("c", "3"), ("x", "null")]
            .map(|(id, info)| (id.to_owned(), info.to_owned()));
        assert_eq!((listed(&members), full), (expected.to_vec(), false));
        assert_eq!(members.me().map(|me| me.id), Some("x".to_owned()));
    }

    #[test]
    fn a_list_over_the_cap_keeps_the_first_ids_in_order_and_says_so() {
        let ids: Vec<String> = (0..=MAX_MEMBERS).rev().map(|i| format!("{i:05}")).collect();
        let hash = vec![("00000".to_owned(), info("{}"))];
        let data = PresenceData {
            ids,
            hash,
            count: 0,
        };
        let (members, full) = Members::from_presence(data, None);
        assert_eq!((members.count(), full), (MAX_MEMBERS, true));
        assert_eq!(members.get("00000").map(|m| m.info), Some(info("{}")));
        assert_eq!(members.get(&format!("{MAX_MEMBERS:05}")), None);
    }
}
