//! `cargo xtask soak [--minutes N | --seconds N] [--visitors N] [--pages N] [--flap-every S]
//! [--down-ms MS] [--check]`: rusher-soak's native visitors (50) and browser pages with the chat
//! widget (4, `tests/browser/soak_pages.mjs`) in one presence room of a fresh rusher-server for
//! N minutes (10), the server's WebSocket side down for 2 s every 30 s. Prints what was lost,
//! doubled and recovered, the server's memory and each page's memory, listeners and timers, and
//! writes the figures into RELIABILITY.md (not with `--check`, which `cargo xtask test` runs with
//! a short soak).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

use crate::package;
use crate::server::{LocalServer, Service};
use crate::setup::{self, Purpose, chromium_binary};
use crate::shell::{Error, cmd, npm_dir, root, run_visible, write_table};

const HEADER: &str = "| visitors | duration | outages | messages stored | deliveries expected | lost | doubled | read back from the history | member lists complete | slowest recovery | server memory |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
const PAGES_HEADER: &str = "\n| browser page | messages shown | JS heap | WebAssembly memory | live functions | DOM nodes | event listeners | pending timers | message list at the end |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n";

/// Native visitors, unless given.
const VISITORS: u64 = 50;
/// Browser pages, unless given.
const PAGES: u64 = 4;
/// Seconds between outages, unless given.
const FLAP_EVERY: u64 = 30;
/// Milliseconds each outage lasts, unless given.
const DOWN_MS: u64 = 2000;
/// Seconds it runs, unless given.
const SECONDS: u64 = 600;

/// The soak's settings: `cargo xtask soak`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// How long it runs, in minutes.
    #[arg(long, conflicts_with = "seconds")]
    minutes: Option<u64>,
    /// How long it runs, in seconds (10 minutes unless given).
    #[arg(long)]
    seconds: Option<u64>,
    /// Native visitors.
    #[arg(long, default_value_t = VISITORS)]
    visitors: u64,
    /// Browser pages with the chat widget.
    #[arg(long, default_value_t = PAGES)]
    pages: u64,
    /// Seconds between the server's outages.
    #[arg(long, default_value_t = FLAP_EVERY)]
    flap_every: u64,
    /// How long each outage lasts, in milliseconds.
    #[arg(long, default_value_t = DOWN_MS)]
    down_ms: u64,
    /// A short soak that writes nothing (the test suite's).
    #[arg(long)]
    check: bool,
}

impl Settings {
    /// The default soak, for `minutes`.
    pub fn for_minutes(minutes: u64) -> Self {
        Self {
            minutes: Some(minutes),
            seconds: None,
            visitors: VISITORS,
            pages: PAGES,
            flap_every: FLAP_EVERY,
            down_ms: DOWN_MS,
            check: false,
        }
    }

    /// How long it runs, in seconds.
    fn duration_seconds(&self) -> u64 {
        self.seconds
            .or(self.minutes.map(|minutes| minutes * 60))
            .unwrap_or(SECONDS)
    }
}

/// The soak driver, built.
pub fn driver() -> Result<Command, Error> {
    run_visible(cmd("cargo").args(["build", "--quiet", "--package", "rusher-soak"]))?;
    Ok(Command::new(
        root().join("target").join("debug").join("rusher-soak"),
    ))
}

/// Echoes the driver's output; its figures' table row (the `soak-row` line), if it printed one.
fn figures_row(out: ChildStdout) -> Result<Option<String>, Error> {
    let mut row = None;
    for line in BufReader::new(out).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("soak-row ") {
            row = Some(rest.to_owned());
        }
    }
    Ok(row)
}

/// `cargo xtask soak …`: whether it passed.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    if settings.pages > 0 && !settings.check {
        // The pages need a browser and the built widget (the test suite has both by then).
        setup::ensure(Purpose::Test)?;
        package::build_chat()?;
    }
    let mut command = driver()?;
    let server = LocalServer::start("soak")?;
    let room = format!("presence-soak-{}", std::process::id());
    let mut pages = if settings.pages > 0 {
        Some(Pages::start(&server, &room, settings)?)
    } else {
        None
    };
    command
        .args(["--seconds", &settings.duration_seconds().to_string()])
        .args(["--visitors", &settings.visitors.to_string()])
        .args(["--flap-every", &settings.flap_every.to_string()])
        .args(["--down-ms", &settings.down_ms.to_string()])
        .args(["--room", &room])
        .args(["--also-present", &settings.pages.to_string()])
        .stdout(Stdio::piped());
    server.configure(&mut command);
    let mut child = command.spawn()?;
    let row = child.stdout.take().map(figures_row).transpose()?.flatten();
    let mut passed = child.wait()?.success();
    let page_rows = match pages.as_mut() {
        Some(pages) => {
            let (pages_passed, rows) = pages.finish()?;
            passed &= pages_passed;
            rows
        }
        None => String::new(),
    };
    drop(server);
    let Some(row) = row else {
        return Err("rusher-soak ended without its figures".into());
    };
    if !settings.check {
        let pages_table = if page_rows.is_empty() {
            String::new()
        } else {
            [PAGES_HEADER, &page_rows].concat()
        };
        write_table(
            &root().join("RELIABILITY.md"),
            "soak",
            "cargo xtask soak",
            &[HEADER, &row, "\n", &pages_table].concat(),
        )?;
        println!("(written into RELIABILITY.md)");
    }
    Ok(passed)
}

/// The browser pages of a soak: `tests/browser/soak_pages.mjs`, running.
struct Pages {
    child: Child,
    out: std::io::Lines<BufReader<ChildStdout>>,
}

impl Pages {
    /// Opens the pages in `room` and waits until each has joined.
    fn start(server: &LocalServer, room: &str, settings: &Settings) -> Result<Self, Error> {
        let first_look_ms = (settings.duration_seconds() * 1000 / 3).min(60_000);
        let mut command = cmd("node");
        command
            .arg("browser/soak_pages.mjs")
            .current_dir(npm_dir())
            .env("CHROMIUM", chromium_binary().unwrap_or_default())
            .env("SOAK_ROOM", room)
            .env("SOAK_PAGES", settings.pages.to_string())
            .env("SOAK_FIRST_LOOK_MS", first_look_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        server.configure(&mut command);
        let mut child = command.spawn()?;
        let Some(stdout) = child.stdout.take() else {
            return Err("the soak pages have no output".into());
        };
        let mut out = BufReader::new(stdout).lines();
        loop {
            match out.next().transpose()? {
                Some(line) if line == "pages-ready" => break,
                Some(line) => println!("{line}"),
                None => return Err("the soak pages ended before they joined".into()),
            }
        }
        println!("soak: {} browser pages joined {room}", settings.pages);
        Ok(Self { child, out })
    }

    /// Tells the pages the soak has ended; returns whether they passed and their table rows.
    fn finish(&mut self) -> Result<(bool, String), Error> {
        if let Some(stdin) = self.child.stdin.as_mut() {
            writeln!(stdin, "stop")?;
        }
        let mut result = None;
        for line in self.out.by_ref() {
            let line = line?;
            println!("{line}");
            if let Some(json) = line.strip_prefix("pages-result ") {
                result = serde_json::from_str::<Value>(json).ok();
            }
        }
        let passed = self.child.wait()?.success();
        let Some(result) = result else {
            return Err("the soak pages ended without their figures".into());
        };
        Ok((passed, page_rows(&result)))
    }
}

/// One table row per page: each measure at the first look and at the end.
fn page_rows(result: &Value) -> String {
    let looks = |name: &str| result[name].as_array().cloned().unwrap_or_default();
    let (start, end, lists) = (looks("start"), looks("end"), looks("lists"));
    let mb = |v: &Value| format!("{:.1} MB", v.as_f64().unwrap_or(0.0) / 1_048_576.0);
    let plain = |v: &Value| v.as_u64().unwrap_or(0).to_string();
    let mut rows = String::new();
    for (i, ((start, end), list)) in start.iter().zip(&end).zip(&lists).enumerate() {
        let change = |name: &str, show: &dyn Fn(&Value) -> String| {
            format!("{} → {}", show(&start[name]), show(&end[name]))
        };
        let list = format!(
            "{} newest shown: {} missing, {} doubled, {}",
            plain(&list["shown"]),
            plain(&list["missing"]),
            plain(&list["doubled"]),
            if list["inOrder"].as_bool() == Some(true) {
                "in order"
            } else {
                "OUT OF ORDER"
            }
        );
        rows.push_str(&format!(
            "| {i} | {} | {} | {} | {} | {} | {} | {} | {list} |\n",
            change("lines", &plain),
            change("heapBytes", &mb),
            change("wasmBytes", &mb),
            change("functions", &plain),
            change("nodes", &plain),
            change("listeners", &plain),
            change("timers", &plain),
        ));
    }
    rows
}
