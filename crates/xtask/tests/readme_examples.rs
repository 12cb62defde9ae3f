//! The README's Rust examples are compiled: each ```rust block of README.md is, line for line,
//! the part between the markers of one of the workspace's `examples/*_readme.rs`, which
//! `cargo test` and clippy build (natively, and the client's for wasm32 too).

use std::fs;
use std::path::PathBuf;

/// The examples the README's blocks come from.
const EXAMPLES: [&str; 4] = [
    "crates/protocol/examples/protocol_readme.rs",
    "crates/client/examples/client_readme.rs",
    "crates/client/examples/leptos_readme.rs",
    "crates/widget/examples/widget_readme.rs",
];

/// The markers around an example's part the README shows.
const START: &str = "// README example: start\n";
const END: &str = "// README example: end\n";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of each ```rust block of `markdown`.
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        match (&mut block, line) {
            (None, "```rust") => block = Some(String::new()),
            (Some(_), "```") => blocks.extend(block.take()),
            (Some(text), line) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// The part of an example between [`START`] and [`END`].
fn marked(example: &str) -> String {
    let start = example.find(START).expect("the start marker") + START.len();
    let end = example.find(END).expect("the end marker");
    example[start..end].to_owned()
}

#[test]
fn the_readme_shows_the_compiled_examples() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let blocks = rust_blocks(&readme);
    let examples: Vec<String> = EXAMPLES
        .iter()
        .map(|path| marked(&fs::read_to_string(root().join(path)).expect(path)))
        .collect();
    assert_eq!(
        blocks.len(),
        examples.len(),
        "one ```rust block per example"
    );
    for (block, example) in blocks.iter().zip(&examples) {
        assert_eq!(
            block, example,
            "a README block differs from its compiled example"
        );
    }
}
