//! The scale benchmark's table: one row per step of each set-up, and where each set-up's knee
//! is.

use std::fmt::Write as _;

use serde_json::Value;

use super::Run;

/// A step past the knee: its p99 delivery took longer than this…
const KNEE_P99_MS: f64 = 1_000.0;
/// …or it held fewer than this share of its visitors, or it refused, timed out or lost anything.
const KNEE_HELD: f64 = 0.99;

fn number(value: &Value, path: &[&str]) -> f64 {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

/// Each measured process group's figure `key`, by name.
fn per_process(step: &Value, key: &str) -> Vec<(String, f64)> {
    step.get("processes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|process| {
            let name = process.get("name").and_then(Value::as_str).unwrap_or("?");
            (name.to_owned(), number(process, &[key]))
        })
        .collect()
}

/// The sum of a per-process figure, with its parts when there are several.
fn summed(step: &Value, key: &str, digits: usize) -> String {
    let parts = per_process(step, key);
    let total: f64 = parts.iter().map(|(_, v)| v).sum();
    if parts.len() < 2 {
        return format!("{total:.digits$}");
    }
    let detail: Vec<String> = parts
        .iter()
        .map(|(name, v)| format!("{name} {v:.digits$}"))
        .collect();
    format!("{total:.digits$} ({})", detail.join(", "))
}

/// Errors in a step (its ramp and its hold): refused, timed out, lost, doubled, dropped.
fn errors(step: &Value) -> [f64; 5] {
    let f = |key: &str| number(step, &["figures", key]);
    let r = |key: &str| number(step, &["ramp_errors", key]);
    [
        f("sign_ins_refused")
            + f("messages_refused")
            + f("subscriptions_refused")
            + r("sign_ins_refused")
            + r("subscriptions_refused"),
        f("sign_ins_timed_out") + f("messages_timed_out") + r("sign_ins_timed_out"),
        f("lost"),
        f("doubled"),
        f("drops") + r("drops"),
    ]
}

/// Whether a step is past the knee.
pub fn past_knee(step: &Value) -> bool {
    let wanted = number(step, &["visitors"]);
    number(step, &["figures", "latency_ms_p99"]) > KNEE_P99_MS
        || number(step, &["held"]) < wanted * KNEE_HELD
        || errors(step).iter().any(|n| *n > 0.0)
}

/// The Markdown table, the knees, and the processor it ran on.
pub fn table(runs: &[Run]) -> String {
    let mut out = String::from(
        "| set-up | visitors | held | sign-ins/s | messages stored/s | deliveries/s | delivery ms: median / p99 / max | KiB per visitor | CPU ms per 1,000 deliveries | cores busy: servers / generator | refused / timed out / lost / doubled / dropped |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for run in runs {
        for step in &run.steps {
            let cores: f64 = per_process(step, "cpu_share").iter().map(|(_, v)| v).sum();
            let [refused, timed_out, lost, doubled, dropped] = errors(step);
            let _ = writeln!(
                out,
                "| {} | {:.0} | {:.0} | {:.0} | {:.1} | {:.0} | {:.0} / {:.0} / {:.0} | {} | {} | {cores:.2} / {:.2} | {refused:.0} / {timed_out:.0} / {lost:.0} / {doubled:.0} / {dropped:.0} |",
                run.name,
                number(step, &["visitors"]),
                number(step, &["held"]),
                number(step, &["sign_ins_per_s"]),
                number(step, &["messages_per_s"]),
                number(step, &["deliveries_per_s"]),
                number(step, &["figures", "latency_ms_median"]),
                number(step, &["figures", "latency_ms_p99"]),
                number(step, &["figures", "latency_ms_max"]),
                summed(step, "kib_per_visitor", 1),
                if number(step, &["deliveries_per_s"]) > 0.0 {
                    summed(step, "cpu_ms_per_1000_deliveries", 0)
                } else {
                    "–".to_owned()
                },
                number(step, &["generator_cpu_share"]),
            );
        }
    }
    out.push_str("\nWhere each set-up's knee is (the first step whose p99 delivery took over a second, that held fewer than 99% of its visitors, or that refused, timed out or lost anything):\n\n");
    for run in runs {
        let knee = run.steps.iter().position(past_knee);
        let visitors = |at: usize| {
            run.steps
                .get(at)
                .map_or(0.0, |step| number(step, &["visitors"]))
        };
        let line = match knee {
            Some(0) => format!("at or below {:.0} visitors", visitors(0)),
            Some(at) => format!(
                "between {:.0} and {:.0} visitors",
                visitors(at - 1),
                visitors(at)
            ),
            None => format!(
                "not reached: every step up to {:.0} visitors held",
                visitors(run.steps.len().saturating_sub(1))
            ),
        };
        let _ = writeln!(out, "- {}: {line}.", run.name);
    }
    let _ = writeln!(out, "\nMeasured on {}.", crate::bench::processor());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn step(visitors: u64, held: u64, p99: f64, lost: u64) -> Value {
        json!({
            "visitors": visitors, "held": held, "sign_ins_per_s": 200.0,
            "messages_per_s": 10.0, "deliveries_per_s": 100.0, "generator_cpu_share": 0.1,
            "figures": { "latency_ms_median": 5.0, "latency_ms_p99": p99, "latency_ms_max": 30.0, "lost": lost },
            "ramp_errors": {},
            "processes": [
                { "name": "sockets", "kib_per_visitor": 10.0, "cpu_ms_per_1000_deliveries": 20.0, "cpu_share": 0.5 },
                { "name": "backend", "kib_per_visitor": 2.5, "cpu_ms_per_1000_deliveries": 5.0, "cpu_share": 0.25 },
            ],
        })
    }

    #[test]
    fn rows_add_up_the_processes_and_knees_are_found() {
        let runs = [
            Run {
                name: "a",
                steps: vec![step(100, 100, 10.0, 0), step(500, 500, 20.0, 0)],
            },
            Run {
                name: "b",
                steps: vec![step(100, 100, 10.0, 0), step(500, 400, 2_000.0, 3)],
            },
        ];
        let table = table(&runs);
        assert!(
            table.contains("| a | 100 | 100 | 200 | 10.0 | 100 | 5 / 10 / 30 | 12.5 (sockets 10.0, backend 2.5) | 25 (sockets 20, backend 5) | 0.75 / 0.10 | 0 / 0 / 0 / 0 / 0 |"),
            "{table}"
        );
        assert!(table.contains("- a: not reached: every step up to 500 visitors held."));
        assert!(table.contains("- b: between 100 and 500 visitors."));
        assert!(table.contains("/ 3 / 0 / 0 |"), "b's lost messages");
    }
}
