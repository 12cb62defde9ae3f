//! The message log of the room shown: follows new messages, draws and loads older ones at the top.

use leptos::html;
use leptos::prelude::*;

use super::message_row::message_row;
use super::rows::{Row, keyed_rows};
use crate::chat::Chat;
use crate::log_scroll::{Follow, LogScroll, Metrics, Seen};
use crate::log_window::Drawn;
use crate::model::Line;

/// The message log: sticks to the bottom unless the reader scrolled up; draws older messages, then
/// loads them, at the top ([`Drawn`]).
#[component]
pub(super) fn MessageLog(chat: Chat) -> impl IntoView {
    let s = chat.strings;
    let log: NodeRef<html::Div> = NodeRef::new();
    let new_below = RwSignal::new(false);
    let drawn = RwSignal::new(Drawn::Newest);
    let scroll = StoredValue::new(LogScroll::default());
    // Also runs at the next animation frame, when the log may be gone (the panel closed, the
    // widget removed): a gone log is not an error (reading it as present would panic).
    let to_bottom = move || {
        if let Some(el) = log.try_get_untracked().flatten() {
            el.set_scroll_top(el.scroll_height());
            scroll.update_value(|scroll| scroll.pinned_at(el.scroll_top()));
        }
        new_below.set(false);
    };
    // After this update is rendered: the reader's place, if lines were drawn above them.
    let keep_place = move || {
        if !scroll.with_value(LogScroll::holding) {
            return;
        }
        request_animation_frame(move || {
            let Some(el) = log.try_get_untracked().flatten() else {
                return;
            };
            if let Some(top) = scroll
                .try_update_value(|s| s.kept_place(el.scroll_height()))
                .flatten()
            {
                el.set_scroll_top(top);
            }
        });
    };
    // Follows new lines at the bottom or offers the way down to them, keeps the reader's place
    // when lines are drawn above them, draws the newest of another room (log_scroll.rs).
    Effect::new(move |before: Option<Seen>| {
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
        let now = Seen {
            room,
            count,
            newest,
            last,
        };
        if now.another_room_than(before.as_ref()) {
            drawn.set(Drawn::Newest);
        }
        let follow = scroll.try_update_value(|s| s.lines_changed(before.as_ref(), &now));
        keep_place();
        match follow {
            Some(Follow::ToBottom) => request_animation_frame(to_bottom),
            Some(Follow::OfferBelow) => new_below.set(true),
            Some(Follow::Stay) | None => {}
        }
        now
    });
    let on_scroll = move |_| {
        let Some(el) = log.try_get_untracked().flatten() else {
            return;
        };
        let top = el.scroll_top();
        let metrics = Metrics {
            top,
            visible: el.client_height(),
            height: el.scroll_height(),
        };
        let bottom = scroll
            .try_update_value(|s| s.scrolled(metrics))
            .unwrap_or(true);
        let room = chat.rooms.room.get_untracked();
        let now = drawn.get_untracked();
        let (next, load_older) = chat.messages.lines.with_untracked(|lines| {
            let lines = room_lines(lines, &room);
            if top == 0 {
                let at_top = now.at_top(&lines);
                (at_top.drawn, at_top.load_older)
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
        if top == 0 && (asked || next != now) {
            scroll.update_value(|s| s.hold_top(metrics.height));
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
