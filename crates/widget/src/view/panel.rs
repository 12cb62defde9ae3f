//! The chat panel: its header with the status, then the join form or the room.

use leptos::prelude::*;

use super::composer::Composer;
use super::focus::{LAUNCHER, focus_in_widget};
use super::invitations::Invitations;
use super::join_form::JoinForm;
use super::message_log::MessageLog;
use super::online_list::OnlineList;
use super::tabs::Tabs;
use super::typing::Typing;
use crate::chat::Chat;
use crate::model::Status;

/// The chat panel: header with status, then the join form or the chat.
#[component]
pub(super) fn Panel(chat: Chat) -> impl IntoView {
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
        <section
            class="panel"
            aria-label=s.title
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    chat.set_open(false);
                    focus_in_widget(&ev, LAUNCHER, 1);
                }
            }
        >
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
                        on:click=move |_| chat.toggle_notifications()
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
            <Show when=move || chat.session.ready.get()>
                <Show when=move || chat.session.me.with(Option::is_some) fallback=move || view! { <JoinForm chat=chat/> }>
                    <Invitations chat=chat/>
                    <Show when=move || chat.rooms.notice.with(Option::is_some)>
                        <p class="notice" role="status">
                            {move || chat.rooms.notice.get().unwrap_or_default()}
                            <button type="button" class="dismiss" aria-label="OK" on:click=move |_| chat.rooms.notice.set(None)>"×"</button>
                        </p>
                    </Show>
                    <div class="room">
                        <div class="conversation">
                            <Tabs chat=chat/>
                            <MessageLog chat=chat/>
                            <Typing chat=chat/>
                            <Composer chat=chat/>
                        </div>
                        <OnlineList chat=chat/>
                    </div>
                </Show>
            </Show>
        </section>
    }
}
