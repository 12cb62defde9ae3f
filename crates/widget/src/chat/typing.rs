//! Who is typing where: shown for a few seconds after each typing event, gone at once when the
//! typist leaves the room; and telling the room that we type, at most every two seconds.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{MAX_NAME_CHARS, TYPING_EVENT, TypingNotice, User};
use rusher_client::JsonText;

use super::link::Link;
use crate::json;

/// How long "… is typing" shows after the last typing event, in milliseconds.
const TYPING_SHOWS_MS: f64 = 3000.0;
/// How often we tell the room that we type, at most, in milliseconds.
const TYPING_EVERY_MS: f64 = 2000.0;

/// Someone typing in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Typist {
    /// The room.
    pub room: String,
    /// Their user id, when the server said (sockudo does not on client events).
    pub user_id: Option<String>,
    /// Their name, as their typing event gave it.
    pub name: String,
    /// Until when it shows, in `performance.now()` milliseconds.
    pub until: f64,
}

/// The typing store.
#[derive(Clone, Copy)]
pub struct Typing {
    /// Who is typing where.
    pub list: RwSignal<Vec<Typist>>,
    /// When we last told the room that we type, on the [`now`] clock.
    last_sent: StoredValue<f64, LocalStorage>,
}

/// Milliseconds on the page's monotonic clock.
pub(super) fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

impl Typing {
    /// Nobody typing.
    pub(super) fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            last_sent: StoredValue::new_local(f64::NEG_INFINITY),
        }
    }

    /// A typing event in `room`: its typist shows for [`TYPING_SHOWS_MS`].
    pub(super) fn arrived(self, room: &str, notice: TypingNotice, user_id: Option<&str>) {
        let name = notice.name;
        if name.is_empty() {
            return;
        }
        let typist = Typist {
            room: room.to_owned(),
            user_id: user_id.map(str::to_owned),
            name: name.chars().take(MAX_NAME_CHARS).collect(),
            until: now() + TYPING_SHOWS_MS,
        };
        self.list.update(|typing| {
            typing.retain(|t| t.room != typist.room || t.name != typist.name);
            typing.push(typist);
        });
        let list = self.list;
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(TYPING_SHOWS_MS as u32 + 50).await;
            let now = now();
            list.update(|t| t.retain(|typist| typist.until > now));
        });
    }

    /// A member who leaves a room leaves its typing line at once.
    pub(super) fn left(self, room: &str, member: &rusher_client::Member) {
        let name = member
            .info
            .json()
            .get("name")
            .and_then(|name| name.to_string_value());
        self.stopped(room, &member.id, name.as_deref());
    }

    /// Whoever sent a message in a room has stopped typing it: their line goes as the message
    /// shows, not seconds later.
    pub(super) fn spoke(self, room: &str, user: &User) {
        self.stopped(room, &user.id, Some(&user.name));
    }

    /// The user `id` (named `name`) no longer types in `room`. A typist is known by id where the
    /// server gave one with their typing event, else by name.
    fn stopped(self, room: &str, id: &str, name: Option<&str>) {
        self.list.update(|typing| {
            typing.retain(|t| {
                let theirs = match &t.user_id {
                    Some(typist) => typist == id,
                    None => name == Some(t.name.as_str()),
                };
                t.room != room || !theirs
            });
        });
    }

    /// Tells `room` that `me` types, at most every [`TYPING_EVERY_MS`].
    pub(super) fn typed(self, link: Link, me: User, room: &str) {
        let now = now();
        if self
            .last_sent
            .try_with_value(|v| *v)
            .is_none_or(|sent| now - sent < TYPING_EVERY_MS)
        {
            return;
        }
        let Some(channel) = link.channel(room).filter(|c| c.subscribed()) else {
            return;
        };
        let notice = json::to_text(&TypingNotice { name: me.name });
        if let Some(data) = notice.and_then(|text| JsonText::parse(&text).ok()) {
            let _ = channel.trigger(TYPING_EVENT, data);
        }
        self.last_sent.update_value(|sent| *sent = now);
    }
}
