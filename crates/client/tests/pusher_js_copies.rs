//! What `www/npm/pusher.js` writes again of facts the Rust side has, held together.
//!
//! - pusher-js's option names are written in three places: the package's types
//!   (`www/npm/pusher.d.ts`), the JavaScript that checks and normalizes them (`pusher.js`), and
//!   the wasm side that reads the normalized options (`Core::new` in `src/js/mod.rs`): an option
//!   added to one and not the others fails here.
//! - pusher-js's `pusher:` event names are the core's (`rusher_protocol::pusher_events`): the
//!   sink names events by them, and every one `pusher.js` writes must be one of them.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;

const TYPES: &str = include_str!("../../../www/npm/pusher.d.ts");
const PUSHER_JS: &str = include_str!("../../../www/npm/pusher.js");
const CORE: &str = include_str!("../src/js/mod.rs");
const SINK: &str = include_str!("../src/js/sink.rs");

/// The text of `source` from `start` to the first `end` after it.
fn block<'a>(source: &'a str, start: &str, end: &str) -> &'a str {
    let from = source.find(start).expect(start) + start.len();
    &source[from..from + source[from..].find(end).expect(end)]
}

/// The double-quoted words in `text`.
fn quoted(text: &str) -> BTreeSet<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

/// The names a TypeScript interface or a JavaScript object literal lists before `marker`, one
/// per line, with each name's comment line above it.
fn fields<'a>(text: &'a str, marker: &str) -> Vec<(&'a str, &'a str)> {
    let mut comment = "";
    let mut found = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("/**") || line.starts_with("//") {
            comment = line;
        } else if let Some((name, _)) = line.split_once(marker)
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            found.push((name, comment));
        }
    }
    found
}

#[test]
fn the_types_list_every_option_pusher_js_reads_and_say_which_others_are_ignored() {
    let used = quoted(block(PUSHER_JS, "const USED = [", "];"));
    let options = fields(block(TYPES, "export interface Options {", "\n}"), "?:");
    let typed: BTreeSet<&str> = options.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        used.difference(&typed).count(),
        0,
        "used but not typed: {used:?}"
    );
    for (name, comment) in &options {
        let ignored = comment.starts_with("/** Ignored");
        assert_eq!(ignored, !used.contains(name), "{name}: {comment}");
    }
    let auth_used = quoted(block(PUSHER_JS, "const AUTH_USED = [", "];"));
    let auth_typed: BTreeSet<&str> =
        fields(block(TYPES, "export interface AuthOptions {", "\n}"), "?:")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
    assert_eq!(auth_used, auth_typed);
}

#[test]
fn the_core_reads_exactly_the_options_pusher_js_normalizes() {
    let config = fields(block(PUSHER_JS, "  const config = {", "\n  };"), ":");
    let normalized = fields(block(PUSHER_JS, "const normalized = {", "};"), ":");
    let given: BTreeSet<&str> = config
        .iter()
        .chain(&normalized)
        .map(|(name, _)| *name)
        .collect();
    // Every string literal in `Core::new` is an option's name.
    let new = block(
        CORE,
        "pub fn new(key: &str, options: &str, sink: Sink) -> Core {",
        "\n    }",
    );
    let read = quoted(new);
    assert_eq!(given, read);
}

#[test]
fn the_pusher_event_names_javascript_writes_are_the_cores() {
    let names = rusher_protocol::pusher_events::ALL;
    for source in [PUSHER_JS, TYPES] {
        for quote in ['"', '`', '\''] {
            let opening = format!("{quote}pusher:");
            for (at, _) in source.match_indices(&opening) {
                let literal = &source[at + 1..];
                let name = &literal[..literal.find(quote).expect("a closing quote")];
                assert!(names.contains(&name), "{name} is not in pusher_events");
            }
        }
    }
    assert!(
        !SINK.contains("\"pusher:"),
        "the sink names pusher-js's events by pusher_events' constants"
    );
}
