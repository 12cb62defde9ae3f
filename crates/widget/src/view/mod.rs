//! The widget's views, one component to a file: the launcher, the panel with its status line,
//! the join form, the message log, the who's-online list and the compose box. Text is always
//! rendered as text; only http(s) links become links.

mod composer;
mod focus;
mod invitations;
mod join_form;
mod launcher;
mod message_log;
mod message_row;
mod online_list;
mod panel;
mod panel_header;
mod root;
mod rows;
mod tabs;
mod typing;

// What the launcher's test holds the package's launcher to.
#[cfg(test)]
pub(crate) use focus::PANEL_FIELD;
#[cfg(test)]
pub(crate) use launcher::LAUNCHER_ICON;
pub use root::{ChatRoot, ChatWidget};
