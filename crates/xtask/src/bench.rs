//! `cargo xtask bench`: Rusher and pusher-js 8 side by side, in one headless Chromium page per
//! part, printed with spreads and as ratios, and written into BENCHMARKS.md (with the machine it
//! ran on and a chart, `docs/benchmarks.svg`):
//!
//! - throughput (tests/bench/events.mjs): how fast each takes events in from a scripted socket,
//!   next to a raw page (one socket, one `JSON.parse` of the frame and one of its data: the
//!   practical limit);
//! - curves (tests/bench/curves.mjs, tests/bench/widget_members.mjs): how that cost grows with
//!   channels subscribed and with a presence channel's members, the memory per channel and per
//!   member, and the widget's who's-online list with 1,000 members;
//! - live (tests/bench/live.mjs, against a rusher-server on loopback that xtask starts and can
//!   restart): latency from a REST trigger to the callback, 10 private channels with a slow auth
//!   endpoint, and recovery after the server restarts or is killed;
//! - the widget (tests/bench/widget.mjs, against a rusher-server with 100 members online): the
//!   main-thread time to render a new message into a full list, and the page's memory after
//!   10,000 more.
//!
//! A benchmark, not a test: it asserts only that every event and subscription arrived.

use std::fmt::Write as _;
use std::process::Command;

use serde_json::Value;

mod curves;
mod live;

use crate::control::Restartable;
use crate::package;
use crate::server::{LocalServer, Service};
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
    // The widget's pages load the chat package (a fresh clone has none built).
    package::build_chat()?;
    let rows: Vec<Row> = run_script("bench/events.mjs")?.iter().map(row).collect();
    let table = table(&rows);
    print!("{table}");
    let mut curves = curves::tables(&run_script("bench/curves.mjs")?);
    curves.push_str(&curves::widget_members_table(&run_widget_members()?));
    print!("{curves}");
    let live = live::tables(&run_live()?);
    print!("{live}");
    let widget = widget_table(&run_widget()?);
    print!("{widget}");
    let path = root().join("BENCHMARKS.md");
    write_table(&path, "throughput", "cargo xtask bench", &table)?;
    write_table(&path, "curves", "cargo xtask bench", &curves)?;
    write_table(&path, "live", "cargo xtask bench", &live)?;
    write_table(&path, "widget", "cargo xtask bench", &widget)?;
    write_table(&path, "machine", "cargo xtask bench", &machine())?;
    std::fs::write(root().join("docs").join("benchmarks.svg"), chart(&rows))?;
    println!("written into BENCHMARKS.md and docs/benchmarks.svg");
    Ok(true)
}

/// A scenario's line of the page's output: `{scenario, events, rusher, pusherJs, raw}`, each
/// client's milliseconds per run.
fn row(result: &Value) -> Row {
    let events = result.get("events").and_then(Value::as_f64).unwrap_or(0.0);
    let rate = |key: &str| Rate::of(events, &items(result, key, Value::as_f64));
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

/// The processor and its cores: `AMD EPYC, 2 cores`.
pub fn processor() -> String {
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
    format!("{cpu}, {cores} cores")
}

/// The machine and browser the figures come from.
fn machine() -> String {
    let chromium = chromium_binary()
        .and_then(|binary| first_line(&binary.to_string_lossy(), &["--version"]))
        .unwrap_or_else(|| "Chromium".to_owned());
    format!("{}; {chromium}, headless.\n", processor())
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

/// Milliseconds a figure was taken over: one per event, run or client.
struct Millis(Vec<f64>);

impl Millis {
    /// From a line's `times`.
    fn of(line: &Value) -> Millis {
        let mut times = items(line, "times", Value::as_f64);
        times.sort_by(f64::total_cmp);
        Millis(times)
    }

    /// The value below which `fraction` of them are.
    fn quantile(&self, fraction: f64) -> f64 {
        let last = self.0.len().saturating_sub(1);
        let at = ((last as f64) * fraction).round() as usize;
        self.0.get(at.min(last)).copied().unwrap_or(f64::NAN)
    }

    fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    fn worst(&self) -> f64 {
        self.quantile(1.0)
    }

    /// The most of them within any 100 ms: how much of a herd the reconnects were.
    fn most_within_100_ms(&self) -> usize {
        let times = &self.0;
        (0..times.len())
            .map(|i| {
                times
                    .iter()
                    .skip(i)
                    .take_while(|t| **t - times[i] < 100.0)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// `123 ms (101-140)`: the median and the range.
    fn show(&self) -> String {
        format!(
            "{:.0} ms ({:.0}-{:.0})",
            self.median(),
            self.quantile(0.0),
            self.worst()
        )
    }
}

/// Runs tests/bench/live.mjs against a rusher-server it starts (and the control endpoint that
/// restarts it); its lines, `{bench, client, times}`.
fn run_live() -> Result<Vec<Value>, Error> {
    let server = LocalServer::start("bench").and_then(Restartable::new)?;
    run_page("bench/live.mjs", &server)
}

/// Runs tests/bench/widget.mjs against a rusher-server it starts; its lines.
fn run_widget() -> Result<Vec<Value>, Error> {
    // Room for the 100 members and more (the server's default limit is 100 per channel).
    let server = LocalServer::start_with("bench-widget", &["--member-limit", "200"])?;
    run_page("bench/widget.mjs", &server)
}

/// Runs tests/bench/widget_members.mjs against a rusher-server with room for its 1,000 members.
fn run_widget_members() -> Result<Vec<Value>, Error> {
    let server = LocalServer::start_with("bench-widget-members", &["--member-limit", "1100"])?;
    run_page("bench/widget_members.mjs", &server)
}

/// Runs a benchmark script with `service`'s addresses; the JSON lines it prints.
fn run_page(script: &str, service: &dyn Service) -> Result<Vec<Value>, Error> {
    let mut command = cmd("node");
    service.configure(&mut command);
    lines_of(script, command)
}

/// Runs a benchmark script that needs no server; the JSON lines it prints.
fn run_script(script: &str) -> Result<Vec<Value>, Error> {
    lines_of(script, cmd("node"))
}

/// Runs `script` with `command` (node, with whatever it was given) in Chromium; its JSON lines.
fn lines_of(script: &str, mut command: Command) -> Result<Vec<Value>, Error> {
    command
        .arg(script)
        .current_dir(npm_dir())
        .env("CHROMIUM", chromium_binary().unwrap_or_default());
    let output = command.output()?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err([script, " failed"].concat().into());
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| Ok(serde_json::from_str(line)?))
        .collect()
}

/// The widget's figures as a Markdown table.
fn widget_table(lines: &[Value]) -> String {
    let find = |bench: &str| {
        lines
            .iter()
            .find(|line| line.get("bench").and_then(Value::as_str) == Some(bench))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let render = Millis::of(&find("widget render"));
    let memory = find("widget memory");
    let look = |when: &str, key: &str| {
        memory
            .get(when)
            .and_then(|look| look.get(key))
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let megabytes = |when: &str, key: &str| look(when, key) / 1_048_576.0;
    let kept = memory
        .get("kept")
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN);
    let mut out = format!(
        "| the widget, 100 members online, the list full ({kept} messages kept) | figure |\n|---|---:|\n"
    );
    let _ = writeln!(
        out,
        "| main-thread time to render one new message, median (100 messages) | {:.2} ms |\n\
         | the same, 95th percentile | {:.2} ms |",
        render.median(),
        render.quantile(0.95)
    );
    let _ = writeln!(
        out,
        "| messages drawn before and after 10,000 more (the newest of those kept) | {} → {} |\n\
         | messages drawn after scrolling up through the list | {kept} |\n\
         | JavaScript heap before and after | {:.1} MB → {:.1} MB |\n\
         | WebAssembly memory before and after (it never shrinks) | {:.1} MB → {:.1} MB |\n\
         | DOM nodes before and after | {} → {} |",
        look("before", "lines"),
        look("after", "lines"),
        megabytes("before", "heapBytes"),
        megabytes("after", "heapBytes"),
        megabytes("before", "wasmBytes"),
        megabytes("after", "wasmBytes"),
        look("before", "nodes"),
        look("after", "nodes"),
    );
    out
}

/// The items of a line's array field `key` that `read` accepts.
fn items<T>(line: &Value, key: &str, read: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    line.get(key)
        .and_then(Value::as_array)
        .map(|all| all.iter().filter_map(read).collect())
        .unwrap_or_default()
}
