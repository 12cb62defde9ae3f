//! The message log's scrolling, apart from the DOM so that it is tested natively: whether the
//! reader is at the bottom (new lines are followed there, and offered below otherwise), where the
//! log was last scrolled to its bottom, and the reader's place while lines are drawn above them.
//! The view (`view/message_log.rs`) reads the log's metrics and does what this says.

/// How near the bottom (pixels) the reader still counts as at the bottom.
const AT_BOTTOM_SLACK: i32 = 24;

/// A log's scroll metrics, in pixels, as the DOM gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics {
    /// How far it is scrolled from its top (`scrollTop`).
    pub top: i32,
    /// Its visible height (`clientHeight`).
    pub visible: i32,
    /// Its content's height (`scrollHeight`).
    pub height: i32,
}

/// What the log saw of its room's lines at an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The room shown.
    pub room: String,
    /// How many lines it has.
    pub count: usize,
    /// Its newest backend id.
    pub newest: Option<i64>,
    /// Its last line's client id.
    pub last: Option<String>,
}

impl Seen {
    /// Whether it is of another room than `before` (none at the first update).
    pub fn another_room_than(&self, before: Option<&Seen>) -> bool {
        before.is_some_and(|before| before.room != self.room)
    }
}

/// What an update of the room's lines asks of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Scroll to the bottom (the reader is there).
    ToBottom,
    /// Tell the reader that new lines came below.
    OfferBelow,
    /// Nothing.
    Stay,
}

/// The log's scroll state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogScroll {
    /// The reader is at the bottom: new lines are followed.
    at_bottom: bool,
    /// Where the log was last scrolled to its bottom: a scroll event at or below it is the log
    /// growing under a reader at the bottom (the event comes a frame later, maybe after more
    /// lines), not the reader scrolling up.
    pinned: Option<i32>,
    /// The log's height when the reader reached its top and lines were to be drawn above them
    /// (their distance from the bottom then): their place is kept once the log has grown, or it
    /// would show the oldest. Forgotten when they scroll away.
    held_at_top: Option<i32>,
}

impl Default for LogScroll {
    fn default() -> Self {
        Self {
            at_bottom: true,
            pinned: None,
            held_at_top: None,
        }
    }
}

impl LogScroll {
    /// The log was scrolled to its bottom, and is now scrolled `top` from its top.
    pub fn pinned_at(&mut self, top: i32) {
        self.pinned = Some(top);
    }

    /// The reader scrolled (or the log grew under them): returns whether they are at the bottom.
    pub fn scrolled(&mut self, log: Metrics) -> bool {
        let bottom = log.top + log.visible >= log.height - AT_BOTTOM_SLACK
            || self.pinned.is_some_and(|pinned| log.top >= pinned);
        if !bottom {
            self.pinned = None;
        }
        self.at_bottom = bottom;
        if log.top != 0 {
            self.held_at_top = None;
        }
        bottom
    }

    /// Lines are about to be drawn (or loaded) above a reader at the top of a log `height` high:
    /// their place is held.
    pub fn hold_top(&mut self, height: i32) {
        self.held_at_top = Some(height);
    }

    /// Whether a place is held for lines drawn above the reader.
    pub fn holding(&self) -> bool {
        self.held_at_top.is_some()
    }

    /// Once the log has grown to `height`: where to scroll to keep the reader's place, if the
    /// lines drawn above them moved it.
    pub fn kept_place(&mut self, height: i32) -> Option<i32> {
        let before = self.held_at_top.filter(|&before| before != height)?;
        self.held_at_top = None;
        Some(height - before)
    }

    /// The room's lines changed from `before` (none at the first update) to `now`: what the log
    /// does. Lines came when the count grew (lines not stored have no id) or the newest backend
    /// id did (the count stays once the room keeps all it may); they came below when the last
    /// line is another. Another room shown starts afresh; lines drawn at the top (a place held)
    /// are not offered below.
    pub fn lines_changed(&mut self, before: Option<&Seen>, now: &Seen) -> Follow {
        let came = match before {
            _ if now.another_room_than(before) => {
                self.held_at_top = None;
                false
            }
            Some(before) => {
                if before.last != now.last {
                    // A new last line is below the reader: the place held for lines drawn above
                    // is not moved by its height.
                    self.held_at_top = None;
                }
                before.count < now.count || before.newest < now.newest
            }
            None => false,
        };
        if now.count == 0 {
            Follow::Stay
        } else if self.at_bottom {
            Follow::ToBottom
        } else if came && !self.holding() {
            Follow::OfferBelow
        } else {
            Follow::Stay
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(room: &str, count: usize, newest: Option<i64>, last: &str) -> Seen {
        Seen {
            room: room.into(),
            count,
            newest,
            last: Some(last.into()),
        }
    }

    fn at(top: i32) -> Metrics {
        Metrics {
            top,
            visible: 400,
            height: 2000,
        }
    }

    #[test]
    fn a_reader_at_the_bottom_follows_new_lines_and_one_above_is_offered_them() {
        let mut scroll = LogScroll::default();
        let one = seen("lobby", 1, Some(1), "a");
        assert_eq!(scroll.lines_changed(None, &one), Follow::ToBottom);
        assert!(!scroll.scrolled(at(800)), "scrolled up");
        let two = seen("lobby", 2, Some(2), "b");
        assert_eq!(scroll.lines_changed(Some(&one), &two), Follow::OfferBelow);
        assert!(scroll.scrolled(at(1600)), "within the slack of the bottom");
        let three = seen("lobby", 3, Some(3), "c");
        assert_eq!(scroll.lines_changed(Some(&two), &three), Follow::ToBottom);
    }

    #[test]
    fn the_log_growing_under_a_reader_pinned_to_the_bottom_is_not_scrolling_up() {
        let mut scroll = LogScroll::default();
        scroll.pinned_at(1600);
        let grown = Metrics {
            top: 1600,
            visible: 400,
            height: 2600,
        };
        assert!(scroll.scrolled(grown), "the event of the log growing");
        assert!(!scroll.scrolled(at(1000)), "the reader scrolled up");
        assert!(!scroll.scrolled(grown), "no longer pinned");
    }

    #[test]
    fn lines_drawn_above_a_reader_at_the_top_keep_their_place_and_are_not_offered_below() {
        let mut scroll = LogScroll::default();
        scroll.scrolled(at(0));
        scroll.hold_top(2000);
        let before = seen("lobby", 100, Some(100), "z");
        let older = seen("lobby", 150, Some(100), "z");
        assert_eq!(scroll.lines_changed(Some(&before), &older), Follow::Stay);
        assert_eq!(scroll.kept_place(2000), None, "not grown yet");
        assert_eq!(
            scroll.kept_place(2900),
            Some(900),
            "the old top, where it is now"
        );
        assert!(!scroll.holding(), "once");
    }

    #[test]
    fn a_new_last_line_or_scrolling_away_or_another_room_forgets_the_place_held() {
        let mut scroll = LogScroll::default();
        scroll.scrolled(at(0));
        scroll.hold_top(2000);
        let before = seen("lobby", 100, Some(100), "z");
        let below = seen("lobby", 101, Some(101), "new");
        assert_eq!(
            scroll.lines_changed(Some(&before), &below),
            Follow::OfferBelow
        );
        assert_eq!(scroll.kept_place(2900), None);

        scroll.hold_top(2000);
        scroll.scrolled(at(10));
        assert!(!scroll.holding(), "scrolled away");

        scroll.hold_top(2000);
        let other = seen("presence-dm-a1-b2", 3, Some(7), "x");
        assert_eq!(scroll.lines_changed(Some(&below), &other), Follow::Stay);
        assert!(!scroll.holding(), "another room");
    }

    #[test]
    fn an_empty_room_asks_nothing() {
        let mut scroll = LogScroll::default();
        let empty = Seen {
            room: "lobby".into(),
            count: 0,
            newest: None,
            last: None,
        };
        assert_eq!(scroll.lines_changed(None, &empty), Follow::Stay);
    }
}
