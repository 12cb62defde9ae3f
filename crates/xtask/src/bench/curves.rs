//! How each client's cost grows with the work (tests/bench/curves.mjs): events into a callback
//! with more channels subscribed, the memory per channel, and presence channels of 100 to
//! 10,000 members (handling their `subscription_succeeded`, members leaving and coming, and the
//! memory per member), Rusher next to pusher-js 8 as ratios of the same run; and the widget's
//! who's-online list with 1,000 members (tests/bench/widget_members.mjs).

use std::fmt::Write as _;

use serde_json::Value;

use super::items;

/// The median of a list of figures.
fn median(line: &Value, client: &str, key: &str) -> f64 {
    let mut values = line
        .get(client)
        .map(|figures| items(figures, key, Value::as_f64))
        .unwrap_or_default();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn figure(line: &Value, client: &str, key: &str) -> f64 {
    line.get(client)
        .and_then(|figures| figures.get(key))
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

/// `312 B`, `4.1 KB`.
fn show_bytes(bytes: f64) -> String {
    if bytes.abs() >= 1000.0 {
        format!("{:.1} KB", bytes / 1000.0)
    } else {
        format!("{bytes:.0} B")
    }
}

/// The channels table and the presence table, from the page's lines.
pub fn tables(lines: &[Value]) -> String {
    let of = |bench: &'static str| {
        lines
            .iter()
            .filter(move |line| line.get("bench").and_then(Value::as_str) == Some(bench))
    };
    let mut out = String::from(
        "| channels subscribed | Rusher (events/s) | pusher-js 8 | Rusher / pusher-js | memory per channel: Rusher | pusher-js |\n\
         |---:|---:|---:|---:|---:|---:|\n",
    );
    for line in of("channels") {
        // A figure missing from the page's line shows as NaN, not as a rate.
        let events = line
            .get("events")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN);
        let rate = |client| events / median(line, client, "ms") * 1000.0;
        let (rusher, pusher_js) = (rate("rusher"), rate("pusherJs"));
        let _ = writeln!(
            out,
            "| {} | {rusher:.0} | {pusher_js:.0} | {:.2}x | {} | {} |",
            line.get("size").and_then(Value::as_u64).unwrap_or(0),
            rusher / pusher_js,
            show_bytes(figure(line, "rusher", "bytesPer")),
            show_bytes(figure(line, "pusherJs", "bytesPer")),
        );
    }
    out.push_str(
        "\n| presence members | subscription_succeeded: Rusher | pusher-js 8 | Rusher's speed / pusher-js's | a member leaving or coming: Rusher | pusher-js 8 | Rusher's speed / pusher-js's | memory per member: Rusher | pusher-js 8 |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for line in of("presence") {
        let subscribe = |client| median(line, client, "subscribeMs");
        let member = |client| median(line, client, "memberEventUs");
        let _ = writeln!(
            out,
            "| {} | {:.2} ms | {:.2} ms | {:.2}x | {:.2} µs | {:.2} µs | {:.2}x | {} | {} |",
            line.get("size").and_then(Value::as_u64).unwrap_or(0),
            subscribe("rusher"),
            subscribe("pusherJs"),
            subscribe("pusherJs") / subscribe("rusher"),
            member("rusher"),
            member("pusherJs"),
            member("pusherJs") / member("rusher"),
            show_bytes(figure(line, "rusher", "bytesPer")),
            show_bytes(figure(line, "pusherJs", "bytesPer")),
        );
    }
    out.push_str(
        "\nEach time is the median of five runs (after a warm-up). Memory per channel and per member is the JavaScript heap and WebAssembly memory after a forced garbage collection, before and after subscribing, divided by the channels or the members, in a page opened for that figure alone. WebAssembly memory grows in 64 KiB pages and never shrinks, so Rusher's figure counts whole pages: for one channel it is mostly one page (or none), and for a presence channel it holds the most the subscription needed at once, not only what it keeps.\n",
    );
    out
}

/// The widget's who's-online list with 1,000 members, from its line.
pub fn widget_members_table(lines: &[Value]) -> String {
    let Some(line) = lines
        .iter()
        .find(|line| line.get("bench").and_then(Value::as_str) == Some("widget members"))
    else {
        return String::new();
    };
    let number = |key: &str| line.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let mut changes = items(line, "changeTimes", Value::as_f64);
    changes.sort_by(f64::total_cmp);
    let at = |share: f64| {
        let last = changes.len().saturating_sub(1);
        changes
            .get(((last as f64) * share).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    format!(
        "\n| the widget's who's-online list | members | list drawn after subscription_succeeded | rows | DOM nodes in the page | a member coming or leaving, drawn: median / slowest of {} |\n\
         |---|---:|---:|---:|---:|---:|\n\
         | Rusher's chat widget | {:.0} | {:.0} ms | {:.0} | {:.0} | {:.1} / {:.1} ms |\n",
        changes.len(),
        number("members"),
        number("listMs"),
        number("rows"),
        number("nodes"),
        at(0.5),
        at(1.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rates_times_and_memory_come_out_as_ratios_of_the_same_run() {
        let lines = [
            json!({ "bench": "channels", "size": 10, "events": 1000,
                    "rusher": { "ms": [5.0, 4.0, 6.0], "bytesPer": 120.0 },
                    "pusherJs": { "ms": [10.0, 10.0, 10.0], "bytesPer": 2500.0 } }),
            json!({ "bench": "presence", "size": 100,
                    "rusher": { "subscribeMs": [1.0], "memberEventUs": [2.0], "bytesPer": 655.36 },
                    "pusherJs": { "subscribeMs": [3.0], "memberEventUs": [1.0], "bytesPer": 300.0 } }),
        ];
        let tables = tables(&lines);
        assert!(
            tables.contains("| 10 | 200000 | 100000 | 2.00x | 120 B | 2.5 KB |"),
            "{tables}"
        );
        assert!(
            tables.contains(
                "| 100 | 1.00 ms | 3.00 ms | 3.00x | 2.00 µs | 1.00 µs | 0.50x | 655 B | 300 B |"
            ),
            "{tables}"
        );
    }

    #[test]
    fn the_widget_list_row_has_the_median_and_slowest_change() {
        let line = json!({ "bench": "widget members", "members": 1000, "listMs": 180.4,
                           "rows": 1000, "nodes": 5200, "changeTimes": [3.0, 1.0, 2.0] });
        let table = widget_members_table(&[line]);
        assert!(
            table.contains("| Rusher's chat widget | 1000 | 180 ms | 1000 | 5200 | 2.0 / 3.0 ms |"),
            "{table}"
        );
    }
}
