//! The form a visitor joins with, by name.

use leptos::prelude::*;

use super::focus::{JOIN_FOCUS_WAIT_STEPS, MESSAGE_FIELD, focus_in_widget};
use crate::chat::use_chat;

/// The name form.
#[component]
pub(super) fn JoinForm() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    let name = RwSignal::new(String::new());
    view! {
        <form
            class="join"
            on:submit=move |ev| {
                ev.prevent_default();
                chat.join(name.get_untracked());
                // The form goes once the visitor has joined: the focus goes to the message field.
                focus_in_widget(&ev, MESSAGE_FIELD, JOIN_FOCUS_WAIT_STEPS);
            }
        >
            <label for="rusher-name">{s.your_name}</label>
            <input
                id="rusher-name"
                type="text"
                maxlength="64"
                autocomplete="nickname"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <button type="submit">{s.join}</button>
            <Show when=move || chat.session.join_error.with(Option::is_some)>
                <p class="error" role="alert">{move || chat.session.join_error.get().unwrap_or_default()}</p>
            </Show>
        </form>
    }
}
