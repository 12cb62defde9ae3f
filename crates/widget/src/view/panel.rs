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
use crate::chat::use_chat;

/// The chat panel: header with status, then the join form or the chat.
#[component]
pub(super) fn Panel() -> impl IntoView {
    let chat = use_chat();
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
            <PanelHeader/>
            <Show when=move || chat.session.ready.get()>
                <Show when=move || chat.session.me.with(Option::is_some) fallback=move || view! { <JoinForm/> }>
                    <Invitations/>
                    <Show when=move || chat.rooms.notice.with(Option::is_some)>
                        <p class="notice" role="status">
                            {move || chat.rooms.notice.get().unwrap_or_default()}
                            <button type="button" class="dismiss" aria-label="OK" on:click=move |_| chat.rooms.dismiss_notice()>"×"</button>
                        </p>
                    </Show>
                    <div class="room">
                        <div class="conversation">
                            <Tabs/>
                            <MessageLog/>
                            <Typing/>
                            <Composer/>
                        </div>
                        <OnlineList/>
                    </div>
                </Show>
            </Show>
        </section>
    }
}
