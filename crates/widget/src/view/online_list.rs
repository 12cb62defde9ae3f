//! Who's online in the room, with their count.

use leptos::prelude::*;

use super::rows::{Row, keyed_rows};
use crate::chat::{Chat, use_chat};
use rusher_chat_api::User;

/// "Who's online (N)" and the members.
#[component]
pub(super) fn OnlineList() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    view! {
        <aside class="online-list" role="region" aria-label=s.whos_online>
            <h3>{s.whos_online} " (" {move || chat.presence.online.get()} ")"</h3>
            <Show when=move || chat.presence.full.get()>
                <p class="full">{s.room_full}</p>
            </Show>
            <ul>
                {keyed_rows(Box::new(move || {
                    chat.presence.members.with(|members| {
                        members
                            .iter()
                            .cloned()
                            .map(|user| Row::new(user.id.clone(), move || member_row(chat, user)))
                            .collect()
                    })
                }))}
            </ul>
        </aside>
    }
}

/// One member, with a button to invite them (not for the reader).
fn member_row(chat: Chat, user: User) -> AnyView {
    let s = chat.strings;
    let me = chat
        .session
        .me
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == user.id));
    let invite_label = [s.invite, ": ", &user.name].concat();
    let invitee = user.clone();
    view! {
        <li>
            <span class="dot" aria-hidden="true"></span>
            <span class="name">
                {user.name.clone()}
                {me.then_some(" ").map(|sp| [sp, s.you].concat())}
            </span>
            {(!me).then(|| view! {
                <button
                    type="button"
                    class="invite"
                    aria-label=invite_label.clone()
                    title=invite_label.clone()
                    on:click=move |_| chat.invite(invitee.clone())
                >
                    "+"
                </button>
            })}
        </li>
    }
    .into_any()
}
