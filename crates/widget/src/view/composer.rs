//! The compose box.

use leptos::prelude::*;

use crate::chat::use_chat;
use rusher_chat_api::MAX_TEXT_CHARS;

/// Shows the remaining length when fewer characters than this are left.
const SHOW_REMAINING_BELOW: usize = 200;

/// The compose box: Enter sends, Shift+Enter is a new line.
#[component]
pub(super) fn Composer() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    let text = RwSignal::new(String::new());
    let send = move || {
        let value = text.get_untracked();
        if !value.trim().is_empty() && value.chars().count() <= MAX_TEXT_CHARS {
            chat.send(value);
            text.set(String::new());
        }
    };
    let remaining = move || MAX_TEXT_CHARS as i64 - text.with(|t| t.chars().count()) as i64;
    view! {
        <form
            class="composer"
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <label for="rusher-message" class="visually-hidden">{s.message}</label>
            <textarea
                id="rusher-message"
                rows="2"
                placeholder=s.message
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    chat.typed();
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <Show when=move || { remaining() < SHOW_REMAINING_BELOW as i64 }>
                <span class="remaining" aria-live="polite">
                    {move || remaining().to_string()} " " {s.characters_left}
                </span>
            </Show>
            <button type="submit" disabled=move || text.with(|t| t.trim().is_empty()) || remaining() < 0>
                {s.send}
            </button>
        </form>
    }
}
