//! One message of the log: its sender, time and text (text as text; only http(s) links become
//! links), and how its sending went.

use leptos::prelude::*;

use crate::chat::Chat;
use crate::model::{Delivery, Line, linkify};

/// `HH:MM` in the reader's time zone.
fn clock(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// One message.
pub(super) fn message_row(chat: Chat, line: Line) -> AnyView {
    let s = chat.strings;
    let mine = chat
        .session
        .me
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == line.user.id));
    let class = match (mine, line.delivery) {
        (true, Delivery::Failed) => "message mine failed",
        (true, Delivery::Pending) => "message mine pending",
        (true, Delivery::Sent) => "message mine",
        (false, _) => "message",
    };
    let parts = linkify(&line.text)
        .into_iter()
        .map(|(text, link)| {
            if link {
                let href = text.clone();
                view! { <a href=href target="_blank" rel="noopener noreferrer">{text}</a> }
                    .into_any()
            } else {
                text.into_any()
            }
        })
        .collect::<Vec<_>>();
    let client_id = line.client_id.clone();
    view! {
        <li class=class>
            <div class="meta">
                <span class="sender">{line.user.name.clone()}</span>
                <time>{clock(line.time)}</time>
            </div>
            <p class="text">{parts}</p>
            {match line.delivery {
                Delivery::Pending => view! { <span class="delivery">{s.sending}</span> }.into_any(),
                Delivery::Failed => view! {
                    <button
                        class="retry"
                        type="button"
                        on:click=move |_| chat.retry(client_id.clone())
                    >
                        {s.retry}
                    </button>
                }
                .into_any(),
                Delivery::Sent => ().into_any(),
            }}
        </li>
    }
    .into_any()
}
