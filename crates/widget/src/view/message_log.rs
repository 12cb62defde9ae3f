//! The message log of the room shown: follows new messages, draws and loads older ones at the top.

use leptos::html;
use leptos::prelude::*;

use super::message_row::message_row;
use super::rows::{Row, keyed_rows};
use crate::chat::{Chat, use_chat};
use crate::log_scroll::{Follow, LogScroll, Metrics, Seen};
use crate::log_window::Drawn;

/// The message log: sticks to the bottom unless the reader scrolled up; draws older messages, then
/// loads them, at the top ([`Drawn`]).
#[component]
pub(super) fn MessageLog() -> impl IntoView {
    let chat = use_chat();
    let s = chat.strings;
    let log = Log {
        chat,
        node: NodeRef::new(),
        new_below: RwSignal::new(false),
        drawn: RwSignal::new(Drawn::Newest),
        scroll: StoredValue::new(LogScroll::default()),
    };
    let (node, drawn, new_below) = (log.node, log.drawn, log.new_below);
    Effect::new(move |before: Option<Seen>| log.lines_changed(before));
    let on_scroll = move |_| log.scrolled();
    view! {
        <div class="log-wrap">
            <div class="log" node_ref=node role="log" aria-label=s.messages aria-live="polite" on:scroll=on_scroll tabindex="0">
                <Show when=move || chat.messages.in_room(&chat.rooms.room.get(), |lines| lines.is_empty())>
                    <p class="empty">{s.no_messages}</p>
                </Show>
                <ul>
                    {keyed_rows(Box::new(move || {
                        let room = chat.rooms.room.get();
                        let drawn = drawn.get();
                        chat.messages.in_room(&room, |lines| {
                            lines
                                .iter()
                                .skip(drawn.first(lines))
                                .map(|line| {
                                    let line = (*line).clone();
                                    Row::new(line.key(), move || message_row(chat, line))
                                })
                                .collect()
                        })
                    }))}
                </ul>
            </div>
            <Show when=move || new_below.get()>
                <button class="new-messages" type="button" on:click=move |_| log.to_bottom()>
                    {s.new_messages}
                </button>
            </Show>
        </div>
    }
}

/// The log's parts, cheap to copy into its closures; what it does with its scrolling is
/// [`LogScroll`]'s to say.
#[derive(Clone, Copy)]
struct Log {
    chat: Chat,
    node: NodeRef<html::Div>,
    /// Whether new lines came below a reader above the bottom.
    new_below: RwSignal<bool>,
    drawn: RwSignal<Drawn>,
    scroll: StoredValue<LogScroll>,
}

impl Log {
    /// The log's element, unless it is gone: this also runs at animation frames, after the panel
    /// closed or the widget was removed, where reading it as present would panic.
    fn element(self) -> Option<web_sys::HtmlDivElement> {
        self.node.try_get_untracked().flatten()
    }

    /// Scrolls to the bottom.
    fn to_bottom(self) {
        if let Some(el) = self.element() {
            el.set_scroll_top(el.scroll_height());
            self.scroll
                .update_value(|scroll| scroll.pinned_at(el.scroll_top()));
        }
        self.new_below.set(false);
    }

    /// After this update is rendered: the reader's place, if lines were drawn above them.
    fn keep_place(self) {
        if !self.scroll.with_value(LogScroll::holding) {
            return;
        }
        request_animation_frame(move || {
            let Some(el) = self.element() else {
                return;
            };
            if let Some(top) = self
                .scroll
                .try_update_value(|s| s.kept_place(el.scroll_height()))
                .flatten()
            {
                el.set_scroll_top(top);
            }
        });
    }

    /// The room's lines changed (or the room did): follows new lines at the bottom or offers the
    /// way down to them, keeps the reader's place when lines are drawn above them, draws the
    /// newest of another room. Returns what it saw, for the next change.
    fn lines_changed(self, before: Option<Seen>) -> Seen {
        let room = self.chat.rooms.room.get();
        self.drawn.track();
        let (count, newest, last) = self.chat.messages.in_room(&room, |lines| {
            let newest = lines.iter().filter_map(|line| line.id).max();
            let last = lines.last().map(|line| line.client_id.clone());
            (lines.len(), newest, last)
        });
        let now = Seen {
            room,
            count,
            newest,
            last,
        };
        if now.another_room_than(before.as_ref()) {
            self.drawn.set(Drawn::Newest);
        }
        let follow = self
            .scroll
            .try_update_value(|s| s.lines_changed(before.as_ref(), &now));
        self.keep_place();
        match follow {
            Some(Follow::ToBottom) => request_animation_frame(move || self.to_bottom()),
            Some(Follow::OfferBelow) => self.new_below.set(true),
            Some(Follow::Stay) | None => {}
        }
        now
    }

    /// The reader scrolled: at the bottom, the newest lines are drawn; above it, the lines drawn
    /// are held; at the top, older ones are drawn, then asked of the backend.
    fn scrolled(self) {
        let Some(el) = self.element() else {
            return;
        };
        let metrics = Metrics {
            top: el.scroll_top(),
            visible: el.client_height(),
            height: el.scroll_height(),
        };
        let bottom = self
            .scroll
            .try_update_value(|s| s.scrolled(metrics))
            .unwrap_or(true);
        let room = self.chat.rooms.room.get_untracked();
        let now = self.drawn.get_untracked();
        let (next, load_older) = self.chat.messages.in_room_untracked(&room, |lines| {
            if metrics.top == 0 {
                let at_top = now.at_top(lines);
                (at_top.drawn, at_top.load_older)
            } else if bottom {
                (Drawn::Newest, false)
            } else {
                (now.held(lines), false)
            }
        });
        if bottom {
            self.new_below.set(false);
        }
        let asked = load_older && self.chat.load_older();
        if metrics.top == 0 && (asked || next != now) {
            self.scroll.update_value(|s| s.hold_top(metrics.height));
        }
        if next != now {
            self.drawn.set(next);
        }
    }
}
