//! The one keyed list every list of the widget draws through.

use leptos::prelude::*;

/// One row of a [`keyed_rows`] list: its key (the row is drawn again when it changes), and how
/// to draw it when it first shows.
pub(super) struct Row {
    key: String,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

impl Row {
    /// A row keyed by `key`, drawn by `draw` when it first shows.
    pub(super) fn new(key: String, draw: impl FnOnce() -> AnyView + Send + 'static) -> Self {
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
pub(super) fn keyed_rows(rows: Box<dyn Fn() -> Vec<Row> + Send>) -> impl IntoView {
    view! { <For each=move || rows() key=|row: &Row| row.key.clone() children=|row: Row| (row.draw)()/> }
}
