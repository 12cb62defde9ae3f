//! Room rules: which channels are chat rooms, who may use a two-person room, and the private twin
//! that carries a full room's messages.

use rusher_protocol::channels::{PRESENCE_PREFIX, PRIVATE_PREFIX};

/// The room a widget joins when its page names none: a presence channel everyone on the site
/// shares.
pub const DEFAULT_ROOM: &str = "presence-lobby";

/// The prefix of two-person rooms: `presence-dm-{a}-{b}`, the two user ids sorted. User ids never
/// contain `-` ([`is_user_id`]), so the name says exactly who may join.
pub const DM_PREFIX: &str = "presence-dm-";

/// The longest user id, in bytes.
const MAX_USER_ID_LEN: usize = 64;

/// Whether a string can be a user id the backend assigned: 1 to 64 ASCII letters and digits.
pub fn is_user_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_USER_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The two-person room of two users (the same whichever invites).
pub fn dm_room(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    [DM_PREFIX, first, "-", second].concat()
}

/// Whether the user `user_id` may use `channel`: a two-person room only if it names the user;
/// any other room, yes.
pub fn may_access(user_id: &str, channel: &str) -> bool {
    match channel.strip_prefix(DM_PREFIX) {
        Some(pair) => pair.split('-').any(|id| id == user_id),
        None => true,
    }
}

/// The private twin of a presence room (`presence-lobby` -> `private-lobby`), which gets the
/// room's messages too: visitors who cannot join a full presence channel read the room there and
/// count it by the twin's subscription count. Two-person rooms have none.
pub fn overflow_twin(channel: &str) -> Option<String> {
    let rest = channel.strip_prefix(PRESENCE_PREFIX)?;
    (!channel.starts_with(DM_PREFIX)).then(|| [PRIVATE_PREFIX, rest].concat())
}

/// Whether `channel` is the private twin of a presence room.
pub fn is_overflow_twin(channel: &str) -> bool {
    channel.strip_prefix(PRIVATE_PREFIX).is_some_and(|rest| {
        overflow_twin(&[PRESENCE_PREFIX, rest].concat()).as_deref() == Some(channel)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_person_rooms_admit_their_two_members_only() {
        let room = dm_room("b2", "a1");
        assert_eq!(room, "presence-dm-a1-b2");
        assert_eq!(dm_room("a1", "b2"), room);
        assert!(may_access("a1", &room));
        assert!(may_access("b2", &room));
        assert!(!may_access("c3", &room));
        assert!(!may_access("a", &room));
        assert!(may_access("c3", "presence-lobby"));
    }

    #[test]
    fn only_shared_presence_rooms_have_a_twin() {
        assert_eq!(
            overflow_twin("presence-lobby").as_deref(),
            Some("private-lobby")
        );
        assert_eq!(overflow_twin("presence-dm-a1-b2"), None);
        assert_eq!(overflow_twin("private-lobby"), None);
        assert!(is_overflow_twin("private-lobby"));
        assert!(!is_overflow_twin("private-dm-a1-b2"));
        assert!(!is_overflow_twin("presence-lobby"));
        assert!(!is_overflow_twin("lobby"));
    }

    /// The rooms' names are presence channels as the protocol core reads names.
    #[test]
    fn the_default_room_and_two_person_rooms_are_presence_channels() {
        use rusher_protocol::{Access, ChannelKind};
        for room in [DEFAULT_ROOM, &dm_room("a1", "b2")] {
            assert_eq!(ChannelKind::of(room).access, Access::Presence, "{room}");
        }
    }

    #[test]
    fn user_ids_are_letters_and_digits() {
        assert!(is_user_id("0f3a"));
        assert!(!is_user_id(""));
        assert!(!is_user_id("a-b"));
        assert!(!is_user_id(&"a".repeat(65)));
    }

    proptest! {
        #[test]
        fn a_room_of_two_ids_admits_exactly_them(
            a in "[a-z0-9]{1,12}", b in "[a-z0-9]{1,12}", c in "[a-z0-9]{1,12}"
        ) {
            let room = dm_room(&a, &b);
            prop_assert!(may_access(&a, &room) && may_access(&b, &room));
            prop_assert_eq!(may_access(&c, &room), c == a || c == b);
        }
    }
}
