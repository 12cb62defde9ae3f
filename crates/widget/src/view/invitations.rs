//! The invitations waiting for an answer.

use leptos::prelude::*;

use super::rows::{Row, keyed_rows};
use crate::chat::{Chat, use_chat};
use rusher_chat_api::Invitation;

/// The invitations waiting for an answer, each with Accept and Decline.
#[component]
pub(super) fn Invitations() -> impl IntoView {
    let chat = use_chat();
    keyed_rows(Box::new(move || {
        chat.rooms.invitations.with(|invitations| {
            invitations
                .iter()
                .cloned()
                .map(|invitation| {
                    Row::new(invitation.room.clone(), move || {
                        invitation_row(chat, invitation)
                    })
                })
                .collect()
        })
    }))
}

/// One invitation, with Accept and Decline.
fn invitation_row(chat: Chat, invitation: Invitation) -> AnyView {
    let s = chat.strings;
    let accepted = invitation.clone();
    let declined = invitation.clone();
    view! {
        <div class="invitation" role="alert">
            <span>{invitation.from.name.clone()} " " {s.invites_you}</span>
            <button type="button" on:click=move |_| chat.answer(accepted.clone(), true)>
                {s.accept}
            </button>
            <button type="button" class="secondary" on:click=move |_| chat.answer(declined.clone(), false)>
                {s.decline}
            </button>
        </div>
    }
    .into_any()
}
