//! The tabs of the visitor's rooms.

use leptos::prelude::*;

use super::rows::{Row, keyed_rows};
use crate::chat::{Chat, use_chat};
use crate::model::Room;

/// Tabs for the lobby and the private rooms, each with its unread count (only with more than one
/// room).
#[component]
pub(super) fn Tabs() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    view! {
        <Show when=move || chat.rooms.rooms.with(|rooms| rooms.len() > 1)>
            <div class="tabs" role="tablist" aria-label=s.rooms>
                {keyed_rows(Box::new(move || {
                    chat.rooms.rooms.with(|rooms| {
                        rooms
                            .iter()
                            .cloned()
                            .map(|room| {
                                let key = [room.channel.as_str(), " ", &room.unread.to_string()].concat();
                                Row::new(key, move || tab_row(chat, room))
                            })
                            .collect()
                    })
                }))}
            </div>
        </Show>
    }
}

/// One room's tab, with its unread count.
fn tab_row(chat: Chat, room: Room) -> AnyView {
    let channel = room.channel.clone();
    let selected = {
        let channel = channel.clone();
        move || chat.rooms.room.with(|r| *r == channel)
    };
    let label = if room.unread > 0 {
        [room.title.as_str(), " (", &room.unread.to_string(), ")"].concat()
    } else {
        room.title.clone()
    };
    view! {
        <button
            type="button"
            role="tab"
            aria-selected=move || selected().to_string()
            on:click=move |_| chat.select_room(channel.clone())
        >
            {label}
        </button>
    }
    .into_any()
}
