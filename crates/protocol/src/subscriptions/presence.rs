//! The members of presence channels: set from the confirmation, then kept by `member_added` and
//! `member_removed`, within [`MAX_MEMBERS`](crate::presence::MAX_MEMBERS).

use crate::prelude::*;

use super::{Channel, Subscriptions};
use crate::Error;
use crate::event::{Event, Outputs};
use crate::json::JsonText;
use crate::presence::{Added, Member, Members};
use crate::wire::PresenceData;

/// The server confirmed a presence channel with these members; more than the cap is said once.
pub(super) fn confirmed(
    name: &str,
    channel: &mut Channel,
    presence: PresenceData,
    out: &mut Outputs,
) {
    let (members, cut) = Members::from_presence(presence, channel.my_id.clone());
    channel.members = Some(members);
    if cut {
        out.error(Error::TooManyMembers(name.to_owned()));
    }
}

impl Subscriptions {
    /// `member_added`: a member new to the channel is told; one over the cap is said.
    pub(crate) fn member_added(
        &mut self,
        name: String,
        user_id: String,
        user_info: JsonText,
        out: &mut Outputs,
    ) {
        let Some(members) = self.members_mut(&name) else {
            return;
        };
        match members.add(user_id.clone(), user_info.clone()) {
            Added::New => out.event(Event::MemberAdded {
                channel: name,
                member: Member {
                    id: user_id,
                    info: user_info,
                },
            }),
            Added::Known => {}
            Added::Full => out.error(Error::TooManyMembers(name)),
        }
    }

    /// `member_removed`: a member the channel had is told.
    pub(crate) fn member_removed(&mut self, name: String, user_id: &str, out: &mut Outputs) {
        let removed = self.members_mut(&name).and_then(|m| m.remove(user_id));
        if let Some(member) = removed {
            out.event(Event::MemberRemoved {
                channel: name,
                member,
            });
        }
    }

    fn members_mut(&mut self, name: &str) -> Option<&mut Members> {
        self.channels.get_mut(name).and_then(|c| c.members.as_mut())
    }
}
