//! The widget's root: the launcher and the panel it opens, the theme, and the unread count in
//! the page's title.

use leptos::prelude::*;

use super::launcher::Launcher;
use super::panel::Panel;
use crate::chat::Chat;
use crate::config::{ChatConfig, Theme};

/// The whole widget for a configuration: a launcher at the bottom right and the chat panel it
/// opens.
#[component]
pub fn ChatWidget(
    /// The configuration.
    config: ChatConfig,
) -> impl IntoView {
    let theme = config.theme;
    view! { <ChatRoot chat=Chat::new(config) theme=theme/> }
}

/// The widget for state made elsewhere (the embed keeps it for its handle).
#[component]
pub fn ChatRoot(
    /// The state.
    chat: Chat,
    /// The color theme.
    theme: Theme,
) -> impl IntoView {
    let theme = resolved_theme(theme);
    // The views under it reach the stores through the context (`use_chat`).
    provide_context(chat);
    let root = NodeRef::new();
    crate::viewport::follow(root);
    chat.start();
    unread_in_title(chat);
    on_cleanup(move || chat.stop());
    view! {
        <div class="rusher-chat" node_ref=root data-theme=move || theme.get()>
            <Show when=move || chat.notifications.open.get()>
                <Panel/>
            </Show>
            <Launcher/>
        </div>
    }
}

/// `light` or `dark`: as configured, or for [`Theme::System`] as the system prefers, following
/// changes.
fn resolved_theme(theme: Theme) -> RwSignal<&'static str> {
    let query = (theme == Theme::System)
        .then(|| {
            web_sys::window()?
                .match_media("(prefers-color-scheme: dark)")
                .ok()?
        })
        .flatten();
    let pick = |dark: bool| if dark { "dark" } else { "light" };
    let resolved = RwSignal::new(match (&query, theme) {
        (Some(query), _) => pick(query.matches()),
        (None, theme) => pick(theme == Theme::Dark),
    });
    if let Some(query) = query {
        let listener = gloo_events::EventListener::new(&query.clone(), "change", move |_| {
            resolved.set(pick(query.matches()));
        });
        // Kept by the component's owner, and dropped (unlistened) with it.
        StoredValue::new_local(listener);
    }
    resolved
}

/// Shows the unread count in the document title ("(2) Page"), and follows the tab's visibility.
fn unread_in_title(chat: Chat) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let base = document.title();
    let titled = document.clone();
    Effect::new(move |_| {
        let unread = chat.notifications.unread.get();
        titled.set_title(&if unread > 0 {
            ["(", &unread.to_string(), ") ", &base].concat()
        } else {
            base.clone()
        });
    });
    let listener = gloo_events::EventListener::new(&document, "visibilitychange", move |_| {
        chat.visibility_changed()
    });
    // Kept by the component's owner, and dropped (unlistened) with it.
    StoredValue::new_local(listener);
}
