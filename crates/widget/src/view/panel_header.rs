//! The chat panel's header: its title, the connection's status, the notifications bell (once
//! joined) and the close button.

use leptos::prelude::*;

use super::focus::{LAUNCHER, focus_in_widget};
use crate::chat::use_chat;
use crate::model::Status;

/// The panel's header.
#[component]
pub(super) fn PanelHeader() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    let status = move || match chat.session.status.get() {
        Status::Connecting => s.connecting,
        Status::Online => s.online,
        Status::Reconnecting => s.reconnecting,
        Status::Offline => s.offline,
    };
    let status_class = move || match chat.session.status.get() {
        Status::Online => "status is-online",
        Status::Offline => "status is-offline",
        _ => "status is-connecting",
    };
    view! {
        <header>
            <h2>{s.title}</h2>
            <span class=status_class role="status">{status}</span>
            <Show when=move || chat.session.me.with(Option::is_some)>
                <button
                    class="bell"
                    type="button"
                    aria-label=s.notify
                    title=s.notify
                    aria-pressed=move || chat.notifications.notify.get().to_string()
                    on:click=move |_| chat.notifications.toggle()
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" width="18" height="18">
                        <path fill="currentColor" d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"/>
                    </svg>
                </button>
            </Show>
            <button
                class="close"
                type="button"
                aria-label=s.close_chat
                on:click=move |ev| {
                    chat.set_open(false);
                    focus_in_widget(&ev, LAUNCHER, 1);
                }
            >
                "×"
            </button>
        </header>
    }
}
