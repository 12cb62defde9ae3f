//! The live benchmark's tables (tests/bench/live.mjs against a rusher-server that restarts):
//! latency from a REST trigger to the callback, private channels subscribed with a slow auth
//! endpoint, and recovery after a restart and a crash, Rusher beside pusher-js.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Millis, items};

/// The live figures as Markdown tables.
pub(super) fn tables(lines: &[Value]) -> String {
    let live = Live(lines);
    [
        live.latency_table(),
        live.private_channels_table(),
        live.recovery_table(),
    ]
    .join("\n")
}

/// The live benchmark's lines, one per benchmark and client.
struct Live<'a>(&'a [Value]);

impl Live<'_> {
    /// The line of `bench` for `client` (`rusher`, `pusherJs`), or null.
    fn line(&self, bench: &str, client: &str) -> Value {
        self.0
            .iter()
            .find(|line| {
                line.get("bench").and_then(Value::as_str) == Some(bench)
                    && line.get("client").and_then(Value::as_str) == Some(client)
            })
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Its times.
    fn figure(&self, bench: &str, client: &str) -> Millis {
        Millis::of(&self.line(bench, client))
    }

    /// What never came back: one count per run that was given up on (`missing`).
    fn missing(&self, bench: &str, client: &str) -> Vec<u64> {
        let given_up = |count: &Value| count.as_u64().filter(|n| *n > 0);
        items(&self.line(bench, client), "missing", given_up)
    }

    /// Latency from a REST trigger to the callback.
    fn latency_table(&self) -> String {
        let mut out = String::from(
            "| latency, REST trigger to callback (200 events, one at a time) | median | p99 |\n|---|---:|---:|\n",
        );
        for (key, name) in [("rusher", "Rusher"), ("pusherJs", "pusher-js 8")] {
            let times = self.figure("latency", key);
            let _ = writeln!(
                out,
                "| {name} | {:.1} ms | {:.1} ms |",
                times.median(),
                times.quantile(0.99)
            );
        }
        out
    }

    /// Ten private channels subscribed, at the start and after a restart.
    fn private_channels_table(&self) -> String {
        let mut out = String::from(
            "| 10 private channels, auth endpoint taking 50 ms | pusher-js 8 | Rusher with `batchAuth` | Rusher / pusher-js |\n|---|---:|---:|---:|\n",
        );
        for (bench, what) in [
            (
                "private channels",
                "from `new Pusher` to all subscribed (5 runs after a warm-up)",
            ),
            (
                "private channels after a restart",
                "after a server restart, to all subscribed again (3 restarts)",
            ),
        ] {
            let (pusher_js, rusher) =
                (self.figure(bench, "pusherJs"), self.figure(bench, "rusher"));
            let ratio = rusher.median() / pusher_js.median();
            let ratio = if ratio.is_finite() {
                format!("{ratio:.2}x")
            } else {
                "-".to_owned()
            };
            let _ = writeln!(
                out,
                "| {what} | {} | {} | {ratio} |",
                self.private_channels_cell(bench, "pusherJs"),
                self.private_channels_cell(bench, "rusher"),
            );
        }
        out
    }

    /// One client's times in the private-channels table, with its auth requests per run and
    /// the runs given up on.
    fn private_channels_cell(&self, bench: &str, client: &str) -> String {
        let (times, lost) = (self.figure(bench, client), self.missing(bench, client));
        let counts = lost
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        // Auth requests per run, where they were counted.
        let requests = items(&self.line(bench, client), "requests", Value::as_u64);
        let asked = match (requests.iter().min(), requests.iter().max()) {
            (Some(1), Some(1)) => ", 1 auth request".to_owned(),
            (Some(low), Some(high)) if low == high => format!(", {low} auth requests"),
            (Some(low), Some(high)) => format!(", {low}-{high} auth requests"),
            _ => String::new(),
        };
        match (times.0.is_empty(), lost.is_empty()) {
            (_, true) => [times.show(), asked].concat(),
            (true, false) => format!("never all back after 30 s (missing {counts} of 10)"),
            (false, false) => format!(
                "{}; {} of the runs never all back after 30 s (missing {counts} of 10)",
                times.show(),
                lost.len()
            ),
        }
    }

    /// Twenty clients recovering from a graceful restart and from a crash.
    fn recovery_table(&self) -> String {
        let mut out = String::from(
            "| recovery of 20 clients each, from the server accepting connections to the channel back | median | worst | most within 100 ms |\n|---|---:|---:|---:|\n",
        );
        for how in ["restart", "kill"] {
            for (key, name) in [("rusher", "Rusher"), ("pusherJs", "pusher-js 8")] {
                let bench = format!("recovery after a {how}");
                let times = self.figure(&bench, key);
                let lost: u64 = self.missing(&bench, key).iter().sum();
                let worst = if lost > 0 {
                    let stuck = items(&self.line(&bench, key), "stuck", |state| {
                        state.as_str().map(str::to_owned)
                    });
                    format!("{lost} of 20 not back after 60 s ({})", stuck.join(", "))
                } else {
                    format!("{:.0} ms", times.worst())
                };
                let kind = if how == "kill" {
                    "crash (SIGKILL)"
                } else {
                    "graceful restart (SIGTERM)"
                };
                let _ = writeln!(
                    out,
                    "| {name}, after a {kind} | {:.0} ms | {worst} | {} of 20 |",
                    times.median(),
                    times.most_within_100_ms()
                );
            }
        }
        out
    }
}
