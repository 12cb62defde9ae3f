//! The widget's views: the launcher, the panel with its status line, the join form, the message
//! log, the who's-online list and the compose box. Text is always rendered as text; only http(s)
//! links become links.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::chat::Chat;
use crate::config::{ChatConfig, Theme};
use crate::log_window::Drawn;
use crate::model::{Delivery, Line, Room, Status, linkify};
use rusher_chat_api::{Invitation, MAX_TEXT_CHARS, User};

/// The launcher's speech bubble (an SVG path in a 24 x 24 box); the package's launcher draws the
/// same before the widget loads.
pub(crate) const LAUNCHER_ICON: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";

/// Shows the remaining length when fewer characters than this are left.
const SHOW_REMAINING_BELOW: usize = 200;

/// One row of a [`keyed_rows`] list: its key (the row is drawn again when it changes), and how
/// to draw it when it first shows.
struct Row {
    key: String,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

impl Row {
    fn new(key: String, draw: impl FnOnce() -> AnyView + Send + 'static) -> Self {
        Row {
            key,
            draw: Box::new(draw),
        }
    }
}

/// A keyed list (Leptos's `For`) of the rows `rows` gives; their keys must differ (the keyed
/// diff panics on a repeated key): a message's client id, a room, a user id are each unique in
/// their store. Every list of the widget goes through this one: `For` is generic over its rows,
/// and each list with rows of its own kind carried its own copy of the keyed diff, about 12 KB
/// of wasm each (`cargo xtask size --breakdown`).
fn keyed_rows(rows: Box<dyn Fn() -> Vec<Row> + Send>) -> impl IntoView {
    view! { <For each=move || rows() key=|row: &Row| row.key.clone() children=|row: Row| (row.draw)()/> }
}

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
    let root = NodeRef::new();
    crate::viewport::follow(root);
    chat.start();
    unread_in_title(chat);
    on_cleanup(move || chat.stop());
    view! {
        <div class="rusher-chat" node_ref=root data-theme=move || theme.get()>
            <Show when=move || chat.notifications.open.get()>
                <Panel chat=chat/>
            </Show>
            <Launcher chat=chat/>
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

/// The launcher, which takes the focus back when the panel closes from inside (once the panel is
/// gone: on a phone the launcher hides behind it).
const LAUNCHER: &str = "button.launcher";
/// The panel's first field (the name, or the message), which takes the focus when the launcher
/// opens the panel (the package's launcher, which opens it the first time, has the same).
pub(crate) const PANEL_FIELD: &str = ".panel input, .panel textarea";
/// The message field, which takes the focus from the join form once the visitor has joined.
const MESSAGE_FIELD: &str = ".composer textarea";

/// How long (in 50 ms steps) the focus waits for the panel's first field: the join form shows
/// only once the session check has answered, which a first open can come before.
const FOCUS_WAIT_STEPS: u32 = 40;
/// How long (in 50 ms steps: 15 s) the focus waits for the message field after Join: the
/// backend's answer on a slow network. A join that fails shows no message field, and the focus
/// stays in the form.
const JOIN_FOCUS_WAIT_STEPS: u32 = 300;

/// Moves the focus, as a dialog does, to the widget's element that `selector` finds from the
/// element `event` is on: once it is there (the panel a signal just opened or closed is drawn
/// after the handler), looking every 50 ms, `steps` times at most.
fn focus_in_widget(event: &web_sys::Event, selector: &'static str, steps: u32) {
    let widget = event
        .current_target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest(".rusher-chat").ok().flatten());
    let Some(widget) = widget else { return };
    let focus = move || match widget.query_selector(selector) {
        Ok(Some(element)) => element
            .dyn_into::<web_sys::HtmlElement>()
            .is_ok_and(|element| element.focus().is_ok()),
        _ => false,
    };
    leptos::task::spawn_local(async move {
        for _ in 0..steps {
            gloo_timers::future::TimeoutFuture::new(50).await;
            if focus() {
                return;
            }
        }
    });
}

/// The round button that opens and closes the panel, with the unread badge and online count.
#[component]
fn Launcher(chat: Chat) -> impl IntoView {
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

/// The chat panel: header with status, then the join form or the chat.
#[component]
fn Panel(chat: Chat) -> impl IntoView {
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

/// The name form.
#[component]
fn JoinForm(chat: Chat) -> impl IntoView {
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

/// `HH:MM` in the reader's time zone.
fn clock(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// One message.
fn message_row(chat: Chat, line: Line) -> AnyView {
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

/// What the message log saw of its room's lines at its last update.
struct LogSeen {
    room: String,
    count: usize,
    /// The newest backend id.
    newest: Option<i64>,
    /// The last line's client id.
    last: Option<String>,
}

/// The message log: sticks to the bottom unless the reader scrolled up; draws older messages, then
/// loads them, at the top ([`Drawn`]).
#[component]
fn MessageLog(chat: Chat) -> impl IntoView {
    let s = chat.strings;
    let log: NodeRef<html::Div> = NodeRef::new();
    let at_bottom = RwSignal::new(true);
    let new_below = RwSignal::new(false);
    let drawn = RwSignal::new(Drawn::Newest);
    // The log's scroll height when the reader reached its top and lines were to be drawn above
    // them (their distance from the bottom then): their place is kept once the log has grown, or
    // it would show the oldest. Forgotten when they scroll away.
    let held_at_top = StoredValue::new(None::<i32>);
    // Where the log was last scrolled to its bottom: a scroll event at or below it is the log
    // growing under a reader at the bottom (the event comes a frame later, maybe after more
    // messages), not the reader scrolling up.
    let pinned = StoredValue::new(None::<i32>);
    // Also runs at the next animation frame, when the log may be gone (the panel closed, the
    // widget removed): a gone log is not an error (reading it as present would panic).
    let to_bottom = move || {
        if let Some(el) = log.try_get_untracked().flatten() {
            el.set_scroll_top(el.scroll_height());
            pinned.set_value(Some(el.scroll_top()));
        }
        new_below.set(false);
    };
    // After this update is rendered.
    let keep_place = move || {
        if held_at_top.with_value(Option::is_none) {
            return;
        }
        request_animation_frame(move || {
            let Some(el) = log.try_get_untracked().flatten() else {
                return;
            };
            let height = el.scroll_height();
            if let Some(before) = held_at_top.get_value()
                && before != height
            {
                held_at_top.set_value(None);
                el.set_scroll_top(height - before);
            }
        });
    };
    // Follows new lines at the bottom, or offers the way down to them (not for the older ones
    // asked for at the top); keeps the reader's place when lines are drawn above them; draws
    // the newest of another room. Lines came when the room's line count grew (lines not stored
    // have no id) or its newest backend id did (the count stays once the room keeps all it may);
    // they came below when its last line is another.
    Effect::new(move |previous: Option<LogSeen>| {
        let room = chat.rooms.room.get();
        drawn.track();
        let (count, newest, last) = chat.messages.lines.with(|lines| {
            let (count, newest, last) = lines
                .iter()
                .filter(|line| line.channel == room)
                .fold((0, None, None), |(count, newest, _), line| {
                    (count + 1, newest.max(line.id), Some(line))
                });
            (count, newest, last.map(|line| line.client_id.clone()))
        });
        let came = match &previous {
            Some(seen) if seen.room != room => {
                drawn.set(Drawn::Newest);
                held_at_top.set_value(None);
                false
            }
            Some(seen) => {
                if seen.last != last {
                    // A new last line is below the reader: the place held for lines drawn above
                    // is not moved by its height, and they are told of it.
                    held_at_top.set_value(None);
                }
                seen.count < count || seen.newest < newest
            }
            None => false,
        };
        let from_the_top = held_at_top.with_value(Option::is_some);
        keep_place();
        if count > 0 {
            if at_bottom.get_untracked() {
                request_animation_frame(to_bottom);
            } else if came && !from_the_top {
                new_below.set(true);
            }
        }
        LogSeen {
            room,
            count,
            newest,
            last,
        }
    });
    let on_scroll = move |_| {
        let Some(el) = log.try_get_untracked().flatten() else {
            return;
        };
        let bottom = el.scroll_top() + el.client_height() >= el.scroll_height() - 24
            || pinned
                .get_value()
                .is_some_and(|pinned| el.scroll_top() >= pinned);
        if !bottom {
            pinned.set_value(None);
        }
        at_bottom.set(bottom);
        if el.scroll_top() != 0 {
            held_at_top.set_value(None);
        }
        let room = chat.rooms.room.get_untracked();
        let now = drawn.get_untracked();
        let (next, load_older) = chat.messages.lines.with_untracked(|lines| {
            let lines = room_lines(lines, &room);
            if el.scroll_top() == 0 {
                let top = now.at_top(&lines);
                (top.drawn, top.load_older)
            } else if bottom {
                (Drawn::Newest, false)
            } else {
                (now.held(&lines), false)
            }
        });
        if bottom {
            new_below.set(false);
        }
        let asked = load_older && chat.load_older();
        if el.scroll_top() == 0 && (asked || next != now) {
            held_at_top.set_value(Some(el.scroll_height()));
        }
        if next != now {
            drawn.set(next);
        }
    };
    view! {
        <div class="log-wrap">
            <div class="log" node_ref=log role="log" aria-label=s.messages aria-live="polite" on:scroll=on_scroll tabindex="0">
                <Show when=move || {
                    let room = chat.rooms.room.get();
                    chat.messages.lines.with(|lines| !lines.iter().any(|l| l.channel == room))
                }>
                    <p class="empty">{s.no_messages}</p>
                </Show>
                <ul>
                    {keyed_rows(Box::new(move || {
                        let room = chat.rooms.room.get();
                        let drawn = drawn.get();
                        chat.messages.lines.with(|lines| {
                            let lines = room_lines(lines, &room);
                            let first = drawn.first(&lines);
                            lines
                                .into_iter()
                                .skip(first)
                                .map(|line| {
                                    let line = line.clone();
                                    Row::new(line.key(), move || message_row(chat, line))
                                })
                                .collect()
                        })
                    }))}
                </ul>
            </div>
            <Show when=move || new_below.get()>
                <button class="new-messages" type="button" on:click=move |_| to_bottom()>
                    {s.new_messages}
                </button>
            </Show>
        </div>
    }
}

/// The lines of `room` among all kept, oldest first.
fn room_lines<'a>(lines: &'a [Line], room: &str) -> Vec<&'a Line> {
    lines.iter().filter(|line| line.channel == room).collect()
}

/// The invitations waiting for an answer, each with Accept and Decline.
#[component]
fn Invitations(chat: Chat) -> impl IntoView {
    keyed_rows(Box::new(move || {
        chat.rooms.invitations.with(|invitations| {
            invitations
                .iter()
                .cloned()
                .map(|invitation| {
                    Row::new(invitation.room.clone(), move || {
                        invitation_row(chat, invitation)
                    })
                })
                .collect()
        })
    }))
}

/// One invitation, with Accept and Decline.
fn invitation_row(chat: Chat, invitation: Invitation) -> AnyView {
    let s = chat.strings;
    let accepted = invitation.clone();
    let declined = invitation.clone();
    view! {
        <div class="invitation" role="alert">
            <span>{invitation.from.name.clone()} " " {s.invites_you}</span>
            <button type="button" on:click=move |_| chat.answer(accepted.clone(), true)>
                {s.accept}
            </button>
            <button type="button" class="secondary" on:click=move |_| chat.answer(declined.clone(), false)>
                {s.decline}
            </button>
        </div>
    }
    .into_any()
}

/// Tabs for the lobby and the private rooms, each with its unread count (only with more than one
/// room).
#[component]
fn Tabs(chat: Chat) -> impl IntoView {
    let s = chat.strings;
    view! {
        <Show when=move || chat.rooms.rooms.with(|rooms| rooms.len() > 1)>
            <div class="tabs" role="tablist" aria-label=s.rooms>
                {keyed_rows(Box::new(move || {
                    chat.rooms.rooms.with(|rooms| {
                        rooms
                            .iter()
                            .cloned()
                            .map(|room| {
                                let key = [room.channel.as_str(), " ", &room.unread.to_string()].concat();
                                Row::new(key, move || tab_row(chat, room))
                            })
                            .collect()
                    })
                }))}
            </div>
        </Show>
    }
}

/// One room's tab, with its unread count.
fn tab_row(chat: Chat, room: Room) -> AnyView {
    let channel = room.channel.clone();
    let selected = {
        let channel = channel.clone();
        move || chat.rooms.room.with(|r| *r == channel)
    };
    let label = if room.unread > 0 {
        [room.title.as_str(), " (", &room.unread.to_string(), ")"].concat()
    } else {
        room.title.clone()
    };
    view! {
        <button
            type="button"
            role="tab"
            aria-selected=move || selected().to_string()
            on:click=move |_| chat.select_room(channel.clone())
        >
            {label}
        </button>
    }
    .into_any()
}

/// "Ana is typing…".
#[component]
fn Typing(chat: Chat) -> impl IntoView {
    let s = chat.strings;
    let text = move || {
        let room = chat.rooms.room.get();
        chat.typing.list.with(|typing| {
            let names: Vec<&str> = typing
                .iter()
                .filter(|t| t.room == room)
                .map(|t| t.name.as_str())
                .collect();
            if names.is_empty() {
                String::new()
            } else {
                [names.join(", ").as_str(), " ", s.is_typing].concat()
            }
        })
    };
    view! { <p class="typing" aria-live="polite">{text}</p> }
}

/// The compose box: Enter sends, Shift+Enter is a new line.
#[component]
fn Composer(chat: Chat) -> impl IntoView {
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

/// "Who's online (N)" and the members.
#[component]
fn OnlineList(chat: Chat) -> impl IntoView {
    let s = chat.strings;
    view! {
        <aside class="online-list" role="region" aria-label=s.whos_online>
            <h3>{s.whos_online} " (" {move || chat.presence.online.get()} ")"</h3>
            <Show when=move || chat.presence.full.get()>
                <p class="full">{s.room_full}</p>
            </Show>
            <ul>
                {keyed_rows(Box::new(move || {
                    chat.presence.members.with(|members| {
                        members
                            .iter()
                            .cloned()
                            .map(|user| Row::new(user.id.clone(), move || member_row(chat, user)))
                            .collect()
                    })
                }))}
            </ul>
        </aside>
    }
}

/// One member, with a button to invite them (not for the reader).
fn member_row(chat: Chat, user: User) -> AnyView {
    let s = chat.strings;
    let me = chat
        .session
        .me
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == user.id));
    let invite_label = [s.invite, ": ", &user.name].concat();
    let invitee = user.clone();
    view! {
        <li>
            <span class="dot" aria-hidden="true"></span>
            <span class="name">
                {user.name.clone()}
                {me.then_some(" ").map(|sp| [sp, s.you].concat())}
            </span>
            {(!me).then(|| view! {
                <button
                    type="button"
                    class="invite"
                    aria-label=invite_label.clone()
                    title=invite_label.clone()
                    on:click=move |_| chat.invite(invitee.clone())
                >
                    "+"
                </button>
            })}
        </li>
    }
    .into_any()
}
