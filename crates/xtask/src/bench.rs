//! `cargo xtask bench`: how fast Rusher, pusher-js 8 and a raw page (one socket, one `JSON.parse`
//! of the frame and one of its data: the practical limit) take events in, side by side in one
//! headless Chromium page and one run (tests/bench/events.mjs), printed as events per second with
//! their spread over five runs, and as ratios. A benchmark, not a test: it asserts only that every
//! event reached its callback. Writes the table, the machine it ran on and a chart
//! (`docs/benchmarks.svg`) into BENCHMARKS.md.

use std::fmt::Write as _;

use serde_json::Value;

use crate::package;
use crate::setup::{self, Purpose, chromium_binary};
use crate::shell::{Error, cmd, first_line, npm_dir, root, write_table};

/// The clients of each row, in the order of the table's columns and the chart's bars.
const CLIENTS: [(&str, &str, &str); 3] = [
    ("rusher", "Rusher", "#2563eb"),
    ("pusherJs", "pusher-js 8", "#f59e0b"),
    ("raw", "raw page", "#9ca3af"),
];

/// One scenario's figures.
struct Row {
    scenario: String,
    events: f64,
    /// In the order of [`CLIENTS`].
    rates: [Rate; 3],
}

/// Events per second over the runs of one client: the median, and the spread (slowest to
/// fastest run) as a fraction of it.
struct Rate {
    median: f64,
    spread: f64,
}

impl Rate {
    /// From the milliseconds each run took for `events` events.
    fn of(events: f64, millis: &[f64]) -> Rate {
        let mut rates: Vec<f64> = millis.iter().map(|ms| events / ms * 1000.0).collect();
        rates.sort_by(f64::total_cmp);
        let median = rates.get(rates.len() / 2).copied().unwrap_or(f64::NAN);
        let spread = match (rates.first(), rates.last()) {
            (Some(low), Some(high)) => (high - low) / median,
            _ => f64::NAN,
        };
        Rate { median, spread }
    }

    /// `123,456 ±4%`.
    fn show(&self) -> String {
        format!("{:>9.0} ±{:>2.0}%", self.median, self.spread * 100.0)
    }
}

/// Builds the package, runs the scenarios, prints the table and writes BENCHMARKS.md.
pub fn run() -> Result<bool, Error> {
    setup::ensure(Purpose::Bench)?;
    package::build()?;
    let output = cmd("node")
        .arg("bench/events.mjs")
        .current_dir(npm_dir())
        .env("CHROMIUM", chromium_binary().unwrap_or_default())
        .output()?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err("the benchmark page failed".into());
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        rows.push(row(&serde_json::from_str(line)?));
    }
    let table = table(&rows);
    print!("{table}");
    let path = root().join("BENCHMARKS.md");
    write_table(&path, "throughput", "cargo xtask bench", &table)?;
    write_table(&path, "machine", "cargo xtask bench", &machine())?;
    std::fs::write(root().join("docs").join("benchmarks.svg"), chart(&rows))?;
    println!("written into BENCHMARKS.md and docs/benchmarks.svg");
    Ok(true)
}

/// A scenario's line of the page's output: `{scenario, events, rusher, pusherJs, raw}`, each
/// client's milliseconds per run.
fn row(result: &Value) -> Row {
    let events = result.get("events").and_then(Value::as_f64).unwrap_or(0.0);
    let rate = |key: &str| {
        let millis: Vec<f64> = result
            .get(key)
            .and_then(Value::as_array)
            .map(|runs| runs.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        Rate::of(events, &millis)
    };
    Row {
        scenario: result
            .get("scenario")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        events,
        rates: CLIENTS.map(|(key, _, _)| rate(key)),
    }
}

/// The Markdown table: events per second with their spread, and the ratios.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| events into a JS callback | events | Rusher (events/s) | pusher-js 8 | raw page | Rusher / pusher-js | Rusher / raw page |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let [rusher, pusher_js, raw] = &row.rates;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.2}x | {:.2}x |",
            row.scenario,
            row.events,
            rusher.show(),
            pusher_js.show(),
            raw.show(),
            rusher.median / pusher_js.median,
            rusher.median / raw.median,
        );
    }
    out.push_str(
        "\nEach figure is the median of five runs (after a warm-up), ± the spread from the slowest \
         to the fastest run; ratios compare medians of the same run.\n",
    );
    out
}

/// The machine and browser the figures come from.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let chromium = chromium_binary()
        .and_then(|binary| first_line(&binary.to_string_lossy(), &["--version"]))
        .unwrap_or_else(|| "Chromium".to_owned());
    format!("{cpu}, {cores} cores; {chromium}, headless.\n")
}

/// A bar chart: per scenario, each client's events per second against the fastest of the row.
fn chart(rows: &[Row]) -> String {
    const WIDTH: f64 = 720.0;
    const LABEL: f64 = 230.0;
    const BAR: f64 = 16.0;
    let group = BAR * 3.0 + 22.0;
    let height = 40.0 + group * rows.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"600\">Events per second into a JS \
         callback (longer is faster)</text>\n"
    );
    for (i, row) in rows.iter().enumerate() {
        let top = 40.0 + group * i as f64;
        let most = row.rates.iter().map(|r| r.median).fold(1.0, f64::max);
        let _ = writeln!(
            svg,
            "<text x=\"10\" y=\"{}\">{}</text>",
            top + BAR * 1.5 + 4.0,
            row.scenario
        );
        for (j, ((_, name, color), rate)) in CLIENTS.iter().zip(&row.rates).enumerate() {
            let y = top + BAR * j as f64;
            let length = (WIDTH - LABEL - 150.0) * rate.median / most;
            let _ = writeln!(
                svg,
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{length:.1}\" height=\"{}\" fill=\"{color}\"/>\n\
                 <text x=\"{:.1}\" y=\"{}\">{name}: {:.0}</text>",
                BAR - 2.0,
                LABEL + length + 6.0,
                y + BAR - 5.0,
                rate.median,
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}
