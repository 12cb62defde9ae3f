//! `cargo xtask bench`: how fast Rusher, pusher-js 8 and a raw page (one socket, one `JSON.parse`
//! of the frame and one of its data: the practical limit) take events in, side by side in one
//! headless Chromium page and one run (tests/bench/events.mjs), printed as events per second with
//! their spread over five runs, and as ratios. A benchmark, not a test: it asserts only that every
//! event reached its callback.

use serde_json::Value;

use crate::package;
use crate::setup::{self, Purpose, chromium_binary};
use crate::shell::{Error, cmd, npm_dir};

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

/// Builds the package, runs the scenarios and prints the table.
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
    println!(
        "{:<32} {:>6} {:>15} {:>15} {:>15} {:>10} {:>8}",
        "events/s (median, spread of 5)",
        "events",
        "Rusher",
        "pusher-js",
        "raw page",
        "/pusher-js",
        "/raw"
    );
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let result: Value = serde_json::from_str(line)?;
        let events = result.get("events").and_then(Value::as_f64).unwrap_or(0.0);
        let rate = |key: &str| {
            let millis: Vec<f64> = result
                .get(key)
                .and_then(Value::as_array)
                .map(|runs| runs.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            Rate::of(events, &millis)
        };
        let (rusher, pusher_js, raw) = (rate("rusher"), rate("pusherJs"), rate("raw"));
        println!(
            "{:<32} {:>6} {:>15} {:>15} {:>15} {:>9.2}x {:>7.2}x",
            result
                .get("scenario")
                .and_then(Value::as_str)
                .unwrap_or("?"),
            events,
            rusher.show(),
            pusher_js.show(),
            raw.show(),
            rusher.median / pusher_js.median,
            rusher.median / raw.median,
        );
    }
    println!(
        "ratios: Rusher's median events/s over pusher-js's and over the raw page's (above 1 is faster)"
    );
    Ok(true)
}
