//! The round button that opens and closes the panel.

use leptos::prelude::*;

use super::focus::{FOCUS_WAIT_STEPS, PANEL_FIELD, focus_in_widget};
use crate::chat::{Chat, use_chat};

/// The launcher's speech bubble (an SVG path in a 24 x 24 box); the package's launcher draws the
/// same before the widget loads.
pub(crate) const LAUNCHER_ICON: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";

/// The launcher's accessible name: what it does, then the counts it shows, in the order it shows
/// them, so that its name holds its visible text (WCAG 2.5.3, "Label in Name").
fn launcher_name(chat: Chat) -> String {
    let s = chat.strings;
    let mut name = String::from(if chat.notifications.open.get() {
        s.close_chat
    } else {
        s.open_chat
    });
    let unread = chat.notifications.unread.get();
    if unread > 0 {
        name = [&name, ", ", &unread.to_string(), " ", s.unread].concat();
    }
    if chat.session.me.with(Option::is_some) {
        name = [
            &name,
            ", ",
            &chat.presence.online.get().to_string(),
            " ",
            s.online,
        ]
        .concat();
    }
    name
}

/// The round button that opens and closes the panel, with the unread badge and online count.
#[component]
pub(super) fn Launcher() -> impl IntoView {
    let chat = use_chat();
    view! {
        <button
            class="launcher"
            type="button"
            aria-label=move || launcher_name(chat)
            aria-expanded=move || chat.notifications.open.get().to_string()
            on:click=move |ev| {
                let open = !chat.notifications.open.get_untracked();
                chat.set_open(open);
                if open {
                    focus_in_widget(&ev, PANEL_FIELD, FOCUS_WAIT_STEPS);
                }
            }
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" width="26" height="26">
                <path fill="currentColor" d=LAUNCHER_ICON/>
            </svg>
            <Show when=move || { chat.notifications.unread.get() > 0 }>
                <span class="badge" aria-hidden="true">{move || chat.notifications.unread.get()}</span>
            </Show>
            <Show when=move || { chat.session.me.with(Option::is_some) }>
                <span class="online-count" aria-hidden="true">{move || chat.presence.online.get()}</span>
            </Show>
        </button>
    }
}
