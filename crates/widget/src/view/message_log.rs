//! The message log of the room shown: follows new messages, draws and loads older ones at the top.

use leptos::html;
use leptos::prelude::*;

use super::message_row::message_row;
use super::rows::{Row, keyed_rows};
use crate::chat::Chat;
use crate::log_window::Drawn;
use crate::model::Line;

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
pub(super) fn MessageLog(chat: Chat) -> impl IntoView {
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
