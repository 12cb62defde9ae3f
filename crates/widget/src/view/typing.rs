//! Who is typing in the room shown.

use leptos::prelude::*;

use crate::chat::use_chat;

/// "Ana is typing…".
#[component]
pub(super) fn Typing() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    let text = move || {
        let room = chat.rooms.room.get();
        chat.typing.list.with(|typing| {
            let names: Vec<&str> = typing
                .iter()
                .filter(|t| t.room == room)
                .map(|t| t.name.as_str())
                .collect();
            if names.is_empty() {
                String::new()
            } else {
                [names.join(", ").as_str(), " ", s.is_typing].concat()
            }
        })
    };
    view! { <p class="typing" aria-live="polite">{text}</p> }
}
