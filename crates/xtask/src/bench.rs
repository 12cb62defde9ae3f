//! `cargo xtask bench`: how fast Rusher and pusher-js 8 take events in, side by side in one
//! headless Chromium page and one run (tests/bench/events.mjs), printed with ratios. A benchmark,
//! not a test: it asserts only that every event reached its callback.

use serde_json::Value;

use crate::package;
use crate::setup::{self, Purpose, chromium_binary};
use crate::shell::{Error, cmd, npm_dir};

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
        "{:<32} {:>7} {:>12} {:>12} {:>8}",
        "events/s (median of 5 runs)", "events", "Rusher", "pusher-js", "ratio"
    );
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let result: Value = serde_json::from_str(line)?;
        let number = |key: &str| result.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN);
        let events = number("events");
        let (rusher, pusher_js) = (events / number("rusher"), events / number("pusherJs"));
        println!(
            "{:<32} {:>7} {:>12.0} {:>12.0} {:>7.2}x",
            result
                .get("scenario")
                .and_then(Value::as_str)
                .unwrap_or("?"),
            events,
            rusher * 1000.0,
            pusher_js * 1000.0,
            rusher / pusher_js,
        );
    }
    println!("ratio: Rusher's events/s over pusher-js's (above 1 is faster)");
    Ok(true)
}
