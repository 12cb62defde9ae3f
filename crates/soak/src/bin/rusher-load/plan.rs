//! The shape of the load, as a chat is used: many small rooms (pairs and groups of ten) and one
//! big lobby, a message rate people keep up in a chat, and visitors coming and going the whole
//! time.

use std::time::Duration;

/// Visitors in a room of two.
pub const PAIR_SIZE: usize = 2;
/// Visitors in a group room.
pub const GROUP_SIZE: usize = 10;
/// Visitor slots per block: one pair and one group.
const BLOCK: usize = PAIR_SIZE + GROUP_SIZE;

/// How often a visitor says something in its small room, on average: every half minute while it
/// is in the chat.
pub const SMALL_ROOM_SEND_EVERY: Duration = Duration::from_secs(30);
/// Messages in the lobby per second, from anyone in it: a busy room that people can still read,
/// whatever its size (the lobby's fan-out grows with its size, its rate does not).
pub const LOBBY_MESSAGES_PER_SECOND: f64 = 1.0;
/// How long a visitor stays, on average: about one visitor in 300 leaves every second and is
/// replaced by a new one, who signs in and joins.
pub const MEAN_STAY: Duration = Duration::from_secs(300);
/// The fastest the generator signs new visitors in while it ramps up to a step.
pub const RAMP_PER_SECOND: usize = 200;

/// A room of the load: 0 is the lobby; the others are small rooms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Room(pub u32);

impl Room {
    /// The lobby, where everyone is.
    pub const LOBBY: Room = Room(0);

    /// The small room of the visitor in `slot`: slots come in blocks of one pair and one group.
    pub fn of_slot(slot: usize) -> Room {
        let block = u32::try_from(slot / BLOCK).unwrap_or(u32::MAX / 2 - 1);
        let in_group = u32::from(slot % BLOCK >= PAIR_SIZE);
        Room(1 + 2 * block + in_group)
    }

    /// The room's channel: the lobby's presence channel, `presence-pair-N` or `presence-group-N`.
    pub fn channel(self, lobby: &str) -> String {
        match self.0 {
            0 => lobby.to_owned(),
            n if n % 2 == 1 => format!("presence-pair-{}", (n - 1) / 2),
            n => format!("presence-group-{}", (n - 2) / 2),
        }
    }

    /// The room a channel belongs to: the lobby's presence channel or its private twin, or a
    /// small room's channel.
    pub fn of_channel(channel: &str, lobby: &str, twin: &str) -> Option<Room> {
        if channel == lobby || channel == twin {
            return Some(Room::LOBBY);
        }
        let block = |rest: &str| rest.parse::<u32>().ok().filter(|b| *b < u32::MAX / 2 - 1);
        if let Some(rest) = channel.strip_prefix("presence-pair-") {
            return block(rest).map(|b| Room(1 + 2 * b));
        }
        channel
            .strip_prefix("presence-group-")
            .and_then(block)
            .map(|b| Room(2 + 2 * b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fill_pairs_then_groups() {
        let rooms: Vec<Room> = (0..2 * BLOCK).map(Room::of_slot).collect();
        assert_eq!(rooms.iter().filter(|r| **r == Room(1)).count(), PAIR_SIZE);
        assert_eq!(rooms.iter().filter(|r| **r == Room(2)).count(), GROUP_SIZE);
        assert_eq!(rooms.iter().filter(|r| **r == Room(3)).count(), PAIR_SIZE);
        assert_eq!(rooms.iter().filter(|r| **r == Room(4)).count(), GROUP_SIZE);
    }

    #[test]
    fn channels_name_their_rooms_both_ways() {
        let (lobby, twin) = ("presence-lobby", "private-lobby");
        for room in [Room::LOBBY, Room(1), Room(2), Room(7), Room(40)] {
            assert_eq!(
                Room::of_channel(&room.channel(lobby), lobby, twin),
                Some(room)
            );
        }
        assert_eq!(Room(1).channel(lobby), "presence-pair-0");
        assert_eq!(Room(4).channel(lobby), "presence-group-1");
        assert_eq!(Room::of_channel(twin, lobby, twin), Some(Room::LOBBY));
        assert_eq!(Room::of_channel("presence-other", lobby, twin), None);
        assert_eq!(Room::of_channel("presence-pair-x", lobby, twin), None);
    }
}
