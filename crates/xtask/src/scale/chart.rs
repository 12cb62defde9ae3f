//! The scale benchmark's chart (`docs/scale.svg`): p99 delivery latency and the servers' busy
//! cores against visitors, one line per set-up. Drawn as plain SVG, as `bench`'s chart is: two
//! small line charts need no plotting crate and its fonts.

use std::fmt::Write as _;

use serde_json::Value;

use super::Run;

/// Each set-up's colour, in the order of the runs.
const COLOURS: [&str; 6] = [
    "#2563eb", "#16a34a", "#9333ea", "#f59e0b", "#dc2626", "#6b7280",
];
const WIDTH: f64 = 760.0;
const PANEL_HEIGHT: f64 = 240.0;
const LEFT: f64 = 60.0;
const PLOT_WIDTH: f64 = 440.0;

/// One panel: the figure to plot, its title, and whether its scale is logarithmic.
struct Panel {
    title: &'static str,
    value: fn(&Value) -> f64,
    log: bool,
}

fn p99(step: &Value) -> f64 {
    step.pointer("/figures/latency_ms_p99")
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

fn cores(step: &Value) -> f64 {
    step.get("processes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("cpu_share").and_then(Value::as_f64))
        .sum()
}

fn visitors(step: &Value) -> f64 {
    step.get("visitors").and_then(Value::as_f64).unwrap_or(1.0)
}

/// The chart.
pub fn chart(runs: &[Run]) -> String {
    let panels = [
        Panel {
            title: "p99 delivery latency, ms (log scale)",
            value: p99,
            log: true,
        },
        Panel {
            title: "CPU cores the servers keep busy",
            value: cores,
            log: false,
        },
    ];
    let height = 30.0 + PANEL_HEIGHT * panels.len() as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"system-ui, sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    let x = VisitorAxis::of(runs);
    for (index, panel) in panels.iter().enumerate() {
        panel.draw(&mut svg, 30.0 + PANEL_HEIGHT * index as f64, runs, &x);
    }
    legend(&mut svg, runs);
    svg.push_str("</svg>\n");
    svg
}

/// Every step of every run.
fn all_steps(runs: &[Run]) -> impl Iterator<Item = &Value> {
    runs.iter().flat_map(|run| run.steps.iter())
}

/// The visitors' axis, shared by the panels: logarithmic, from the fewest to the most.
struct VisitorAxis {
    least: f64,
    most: f64,
}

impl VisitorAxis {
    /// The axis that holds every step of `runs`.
    fn of(runs: &[Run]) -> Self {
        let most = all_steps(runs).map(visitors).fold(100.0, f64::max);
        let least = all_steps(runs).map(visitors).fold(most, f64::min).max(1.0);
        VisitorAxis { least, most }
    }

    /// Where `visitors` goes across.
    fn x(&self, visitors: f64) -> f64 {
        LEFT + PLOT_WIDTH * (visitors / self.least).ln() / (self.most / self.least).ln().max(1e-9)
    }

    /// A label at each step's visitors, and the axis's name, below `bottom`.
    fn labels(&self, svg: &mut String, runs: &[Run], bottom: f64) {
        let steps: std::collections::BTreeSet<u64> =
            all_steps(runs).map(|step| visitors(step) as u64).collect();
        for v in steps {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{v}</text>",
                self.x(v as f64),
                bottom + 14.0
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">visitors (log scale)</text>",
            LEFT + PLOT_WIDTH / 2.0,
            bottom + 30.0
        );
    }
}

impl Panel {
    /// Draws the panel whose title is at `top`: its axes, and a line per run.
    fn draw(&self, svg: &mut String, top: f64, runs: &[Run], x: &VisitorAxis) {
        let bottom = top + PANEL_HEIGHT - 50.0;
        let most = all_steps(runs).map(self.value).fold(1e-3, f64::max);
        let least = if self.log {
            all_steps(runs)
                .map(self.value)
                .filter(|v| *v > 0.0)
                .fold(most, f64::min)
        } else {
            0.0
        };
        let y = |v: f64| {
            let share = if self.log {
                (v.max(least) / least).ln() / (most / least).ln().max(1e-9)
            } else {
                v / most
            };
            bottom - (bottom - top - 10.0) * share
        };
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"{}\" font-size=\"13\" font-weight=\"600\">{}</text>\n\
             <line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#999\"/>\n\
             <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"#999\"/>\n\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n\
             <text x=\"{}\" y=\"{bottom}\" text-anchor=\"end\">{}</text>",
            top - 8.0,
            self.title,
            LEFT + PLOT_WIDTH,
            top + 10.0,
            LEFT - 4.0,
            top + 14.0,
            tick(most),
            LEFT - 4.0,
            tick(least),
        );
        x.labels(svg, runs, bottom);
        for (run, colour) in runs.iter().zip(COLOURS.iter().cycle()) {
            let points: Vec<String> = run
                .steps
                .iter()
                .map(|step| format!("{:.1},{:.1}", x.x(visitors(step)), y((self.value)(step))))
                .collect();
            let _ = writeln!(
                svg,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                points.join(" ")
            );
        }
    }
}

/// Each run's colour and name, right of the panels.
fn legend(svg: &mut String, runs: &[Run]) {
    for (index, (run, colour)) in runs.iter().zip(COLOURS.iter().cycle()).enumerate() {
        let y = 40.0 + 18.0 * index as f64;
        let legend = LEFT + PLOT_WIDTH + 20.0;
        let _ = writeln!(
            svg,
            "<rect x=\"{legend}\" y=\"{}\" width=\"12\" height=\"4\" fill=\"{colour}\"/>\n\
             <text x=\"{}\" y=\"{y}\">{}</text>",
            y - 5.0,
            legend + 16.0,
            run.name
        );
    }
}

/// An axis label: a whole number, or two significant digits below 10.
fn tick(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn draws_a_line_per_set_up_in_each_panel() {
        let step = |visitors: u64, p99: f64| {
            json!({ "visitors": visitors, "figures": { "latency_ms_p99": p99 },
                    "processes": [{ "name": "server", "cpu_share": 0.5 }] })
        };
        let runs = [
            Run {
                name: "one",
                steps: vec![step(100, 10.0), step(1000, 40.0)],
            },
            Run {
                name: "two",
                steps: vec![step(100, 12.0), step(1000, 900.0)],
            },
        ];
        let svg = chart(&runs);
        assert_eq!(svg.matches("<polyline").count(), 4);
        assert!(svg.contains(">one</text>") && svg.contains(">two</text>"));
        assert!(svg.contains(">900</text>"), "the top of the latency scale");
    }
}
