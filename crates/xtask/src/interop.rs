//! `cargo xtask interop`: the interop suites on every server (rusher-server, sockudo and soketi
//! alone with the backend in `--upstream` mode, and two-node clusters of each with two backend
//! replicas), printed as a matrix: one row per test (a feature), one column per server, each cell
//! pass, FAIL, the departure from the protocol the test recorded, or – where the suite does not
//! run on that topology. The matrix also replaces the one in README.md.

use std::collections::BTreeMap;

use crate::shell::{Error, root, write_section};
use crate::test;

/// One column: the server, and the suites run on it (each with the name its rows get).
struct Column {
    server: &'static str,
    suites: &'static [(&'static str, &'static str)],
}

const COLUMNS: [Column; 5] = [
    Column {
        server: "rusher-server",
        suites: &[
            ("client", "client in headless Chromium"),
            ("JS API", "JS API: Echo, pusher-js, package"),
        ],
    },
    Column {
        server: "sockudo",
        suites: &[
            ("client", "client on sockudo"),
            ("JS API", "JS API on sockudo + backend"),
        ],
    },
    Column {
        server: "sockudo cluster",
        suites: &[("widget cluster", "chat widget on a sockudo cluster")],
    },
    Column {
        server: "soketi",
        suites: &[
            ("client", "client on soketi"),
            ("JS API", "JS API on soketi + backend"),
        ],
    },
    Column {
        server: "soketi cluster",
        suites: &[("widget cluster", "chat widget on a soketi cluster")],
    },
];

/// Where README.md's matrix starts and ends.
const BEGIN: &str = "<!-- interop matrix: written by `cargo xtask interop` -->";
const END: &str = "<!-- end of interop matrix -->";

/// Runs every column's suites, prints the matrix and writes it into README.md.
pub fn run() -> Result<bool, Error> {
    let names: Vec<&str> = COLUMNS
        .iter()
        .flat_map(|c| c.suites.iter().map(|(_, suite)| *suite))
        .collect();
    let (outputs, mut all_passed) = test::run_named(&names)?;
    let outputs: BTreeMap<&str, String> = outputs.into_iter().collect();
    // (group, test) -> server -> cell
    let mut rows: BTreeMap<(&str, String), BTreeMap<&str, String>> = BTreeMap::new();
    for column in &COLUMNS {
        for (group, suite) in column.suites {
            let output = outputs.get(suite).map(String::as_str).unwrap_or_default();
            for (test, cell) in cells(output) {
                all_passed &= cell != "**FAIL**";
                rows.entry((group, test))
                    .or_default()
                    .insert(column.server, cell);
            }
        }
    }
    let matrix = table(&rows);
    println!("{matrix}");
    write_section(&root().join("README.md"), BEGIN, END, &matrix)?;
    println!("(written into README.md)");
    Ok(all_passed)
}

/// Each test of a suite's output and its cell: pass, **FAIL**, or the departure it recorded.
/// A suite prints `departure: SERVER: WHAT` lines before the test's `test NAME ... ok` line.
fn cells(output: &str) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    let mut departures: Vec<&str> = Vec::new();
    for line in output.lines() {
        if let Some(what) = line.strip_prefix("departure: ") {
            let what = what.split_once(": ").map_or(what, |(_, rest)| rest);
            departures.push(what);
            continue;
        }
        let Some((name, result)) = test::test_line(line) else {
            continue;
        };
        let cell = match result {
            "ok" if departures.is_empty() => "pass".to_owned(),
            "ok" => ["departure: ", &departures.join("; ")].concat(),
            "ignored" => continue,
            _ => "**FAIL**".to_owned(),
        };
        departures.clear();
        cells.push((name.replace('_', " "), cell));
    }
    cells
}

/// The matrix as a Markdown table.
fn table(rows: &BTreeMap<(&str, String), BTreeMap<&str, String>>) -> String {
    let mut out = String::from("| suite | test |");
    for column in &COLUMNS {
        out.push_str(&format!(" {} |", column.server));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(COLUMNS.len()));
    out.push('\n');
    for ((group, test), cells) in rows {
        out.push_str(&format!("| {group} | {} |", test.replace('|', "\\|")));
        for column in &COLUMNS {
            let cell = cells.get(column.server).map_or("–", String::as_str);
            out.push_str(&format!(" {} |", cell.replace('|', "\\|")));
        }
        out.push('\n');
    }
    out
}
