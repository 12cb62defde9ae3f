//! The visitors in the chat now (both their rooms confirmed), and the slots free for new ones.
//! The sender picks senders from it and the spawner picks who leaves.

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::header::HeaderValue;
use tokio::sync::oneshot;

use crate::plan::Room;

/// A visitor in the chat.
#[derive(Debug)]
pub struct Member {
    /// Its number.
    pub id: u32,
    /// Its small room.
    pub room: Room,
    /// Its session cookie (with the chat backend).
    pub session: Option<HeaderValue>,
    /// Tells it to leave.
    pub leave: oneshot::Sender<()>,
}

/// Whom a message is sent as.
#[derive(Debug, Clone)]
pub struct Sender {
    /// The visitor's number.
    pub id: u32,
    /// Its small room.
    pub room: Room,
    /// Its session cookie (with the chat backend).
    pub session: Option<HeaderValue>,
}

#[derive(Debug, Default)]
struct Set {
    members: Vec<Member>,
    index: HashMap<u32, usize>,
    free_slots: Vec<usize>,
    next_slot: usize,
}

/// The live set.
#[derive(Debug, Default)]
pub struct Live(Mutex<Set>);

impl Live {
    /// Adds a visitor whose rooms are both confirmed.
    pub fn insert(&self, member: Member) {
        if let Ok(mut set) = self.0.lock() {
            let at = set.members.len();
            set.index.insert(member.id, at);
            set.members.push(member);
        }
    }

    /// Removes a visitor (it left); nothing if it never was in.
    pub fn remove(&self, id: u32) {
        let Ok(mut set) = self.0.lock() else {
            return;
        };
        let Some(at) = set.index.remove(&id) else {
            return;
        };
        set.members.swap_remove(at);
        if let Some(moved) = set.members.get(at).map(|m| m.id) {
            set.index.insert(moved, at);
        }
    }

    /// How many visitors are in.
    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |set| set.members.len())
    }

    /// The visitor at `pick % len`, to send as.
    pub fn sender(&self, pick: usize) -> Option<Sender> {
        let set = self.0.lock().ok()?;
        let member = set.members.get(pick.checked_rem(set.members.len())?)?;
        Some(Sender {
            id: member.id,
            room: member.room,
            session: member.session.clone(),
        })
    }

    /// Tells the visitor at `pick % len` to leave: it is out of the set at once.
    pub fn send_away(&self, pick: usize) {
        let Ok(mut set) = self.0.lock() else {
            return;
        };
        let Some(at) = pick.checked_rem(set.members.len()) else {
            return;
        };
        let member = set.members.swap_remove(at);
        set.index.remove(&member.id);
        if let Some(moved) = set.members.get(at).map(|m| m.id) {
            set.index.insert(moved, at);
        }
        let _ = member.leave.send(());
    }

    /// Tells every visitor in the set to leave.
    pub fn send_all_away(&self) {
        let Ok(mut set) = self.0.lock() else {
            return;
        };
        set.index.clear();
        for member in set.members.drain(..) {
            let _ = member.leave.send(());
        }
    }

    /// A slot for a new visitor: a departed visitor's, else a new one.
    pub fn take_slot(&self) -> usize {
        let Ok(mut set) = self.0.lock() else {
            return 0;
        };
        match set.free_slots.pop() {
            Some(slot) => slot,
            None => {
                set.next_slot += 1;
                set.next_slot - 1
            }
        }
    }

    /// Gives a departed (or never joined) visitor's slot back.
    pub fn free(&self, slot: usize) {
        if let Ok(mut set) = self.0.lock() {
            set.free_slots.push(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: u32) -> (Member, oneshot::Receiver<()>) {
        let (leave, told) = oneshot::channel();
        let member = Member {
            id,
            room: Room::of_slot(id as usize),
            session: None,
            leave,
        };
        (member, told)
    }

    #[test]
    fn visitors_come_and_go_and_slots_are_reused() {
        let live = Live::default();
        let (a, _a) = member(1);
        let (b, mut told_b) = member(2);
        let (c, _c) = member(3);
        live.insert(a);
        live.insert(b);
        live.insert(c);
        live.remove(1);
        assert_eq!(live.len(), 2);
        assert_eq!(live.sender(0).map(|s| s.id), Some(3));
        live.send_away(1);
        assert_eq!(live.len(), 1);
        assert!(told_b.try_recv().is_ok());
        live.remove(3);
        assert_eq!(live.len(), 0);
        assert!(live.sender(5).is_none());
        assert_eq!((live.take_slot(), live.take_slot()), (0, 1));
        live.free(0);
        assert_eq!(live.take_slot(), 0);
    }
}
