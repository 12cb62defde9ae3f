//! The chat panel: its header, then the join form or the room.

use leptos::prelude::*;

use super::composer::Composer;
use super::focus::{LAUNCHER, focus_in_widget};
use super::invitations::Invitations;
use super::join_form::JoinForm;
use super::message_log::MessageLog;
use super::online_list::OnlineList;
use super::panel_header::PanelHeader;
use super::tabs::Tabs;
use super::typing::Typing;
use crate::chat::Chat;

/// The chat panel: header with status, then the join form or the chat.
#[component]
pub(super) fn Panel(chat: Chat) -> impl IntoView {
    let s = chat.strings;
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
            <PanelHeader chat=chat/>
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
