//! Which of a room's messages the log draws. A room keeps up to [`MAX_MESSAGES`]; the log draws
//! the newest [`ROWS_DRAWN`] while the reader is at the bottom, holds what it draws while they
//! read above it, and draws older ones, a page at a time, as they scroll to the top.
//!
//! [`MAX_MESSAGES`]: crate::model::MAX_MESSAGES

use crate::model::Line;

/// The most rows the log draws while the reader is at the bottom: many screens of messages. With
/// all 1,000 a room keeps drawn (some 12,000 DOM nodes), the browser's style and layout of the
/// list was half of what each new message cost (`cargo xtask bench`). It is also how many more
/// rows scrolling to the top draws before the backend is asked for older history.
pub const ROWS_DRAWN: usize = 100;

/// Which of a room's lines the log draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drawn {
    /// The newest [`ROWS_DRAWN`]: the reader is at the bottom, and the oldest drawn goes as a new
    /// line comes.
    #[default]
    Newest,
    /// The lines stored from this backend id on, and those not stored yet: the reader is above
    /// the bottom, so new lines add below and none drawn goes (lines are kept in id order).
    /// Chats over client events store nothing (every id is 0): there, all kept lines.
    From(i64),
    /// All of them: the reader reached the oldest kept, and older history from the backend shows
    /// as it comes.
    All,
}

/// What reaching the top of the log does: the lines then drawn, and whether to ask the backend
/// for older history (every kept line was drawn already).
#[derive(Debug, PartialEq, Eq)]
pub struct AtTop {
    /// The lines drawn now.
    pub drawn: Drawn,
    /// Whether older history is wanted.
    pub load_older: bool,
}

impl Drawn {
    /// The index of the first line drawn of a room's `lines` (oldest first).
    pub fn first(&self, lines: &[&Line]) -> usize {
        match self {
            Drawn::Newest => lines.len().saturating_sub(ROWS_DRAWN),
            Drawn::From(id) => lines
                .iter()
                .position(|line| line.id.is_none_or(|line| line >= *id))
                .unwrap_or(lines.len()),
            Drawn::All => 0,
        }
    }

    /// The lines drawn once the reader leaves the bottom: the same ones, held from the first.
    pub fn held(&self, lines: &[&Line]) -> Drawn {
        match self {
            Drawn::Newest => Drawn::from_index(lines, self.first(lines)),
            held => *held,
        }
    }

    /// The reader reached the top: [`ROWS_DRAWN`] older lines drawn, or, when every kept line
    /// is drawn, all of them and older history asked for.
    pub fn at_top(&self, lines: &[&Line]) -> AtTop {
        match self.first(lines) {
            0 => AtTop {
                drawn: Drawn::All,
                load_older: true,
            },
            first => AtTop {
                drawn: Drawn::from_index(lines, first.saturating_sub(ROWS_DRAWN)),
                load_older: false,
            },
        }
    }

    /// From the line at `index` on; all lines when it is not stored yet (unstored lines come
    /// last: then none after it is stored either, and a window by id could not hold it).
    fn from_index(lines: &[&Line], index: usize) -> Drawn {
        lines
            .get(index)
            .and_then(|line| line.id)
            .map_or(Drawn::All, Drawn::From)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Delivery;
    use rusher_chat_api::User;

    fn lines(count: usize) -> Vec<Line> {
        (0..count)
            .map(|i| Line {
                channel: "presence-lobby".into(),
                user: User {
                    id: "u".into(),
                    name: "Ana".into(),
                },
                text: i.to_string(),
                time: 0,
                id: Some(i as i64),
                client_id: ["c", &i.to_string()].concat(),
                delivery: Delivery::Sent,
            })
            .collect()
    }

    fn refs(lines: &[Line]) -> Vec<&Line> {
        lines.iter().collect()
    }

    #[test]
    fn the_newest_are_drawn_at_the_bottom() {
        assert_eq!(Drawn::Newest.first(&refs(&lines(30))), 0);
        assert_eq!(Drawn::Newest.first(&refs(&lines(250))), 150);
    }

    #[test]
    fn leaving_the_bottom_holds_the_lines_drawn_as_new_ones_come() {
        let mut kept = lines(250);
        let held = Drawn::Newest.held(&refs(&kept));
        assert_eq!(held.held(&refs(&kept)), held);
        kept.extend(lines(260).into_iter().skip(250));
        assert_eq!(held.first(&refs(&kept)), 150, "none drawn goes");
        kept.drain(..160);
        assert_eq!(
            held.first(&refs(&kept)),
            0,
            "the held line dropped: from the next"
        );
    }

    #[test]
    fn the_top_draws_a_page_more_then_asks_for_history() {
        let kept = lines(250);
        let kept = refs(&kept);
        let top = Drawn::Newest.held(&kept).at_top(&kept);
        assert!(!top.load_older);
        assert_eq!(top.drawn.first(&kept), 50);
        let top = top.drawn.at_top(&kept);
        assert_eq!((top.drawn.first(&kept), top.load_older), (0, false));
        let top = top.drawn.at_top(&kept);
        assert_eq!(top.drawn, Drawn::All);
        assert!(top.load_older);
        assert_eq!(Drawn::All.at_top(&[]).drawn, Drawn::All);
    }
}
