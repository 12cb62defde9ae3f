//! `cargo xtask <command>`: the project's automation.
//!
//! - `setup [--for COMMAND] [--check]`: installs what is missing (idempotent, versions checked),
//!   for every command or only for one.
//! - `test`: everything CI checks, ending with one line `N passed, N failed`; `test WORD` runs
//!   only the suites whose name contains WORD (for working on one part).
//! - `demo [--port N]`: sets up, builds and serves the demo at http://127.0.0.1:8080.
//! - `package`: builds the npm package `rusher-client` and its tarball.
//! - `size [--budget | --breakdown]`: the client bundle's raw, gzip and brotli sizes next to
//!   pusher-js's, and the chat embed's (its launcher, and the widget it loads); with `--budget`,
//!   fails when one is over its budget or a module needs a WebAssembly feature beyond the
//!   baseline; with `--breakdown`, what the widget's code is made of,
//!   by crate (written into BENCHMARKS.md).
//! - `bench`: Rusher next to pusher-js 8 in Chromium: event throughput (and a raw page's),
//!   latency, private channels with a slow auth endpoint, recovery after a restart, and the
//!   widget's render time and memory; written into BENCHMARKS.md with a chart. `bench --scale`:
//!   the server side from a hundred visitors to thousands (rusher-server, sockudo with the
//!   backend, a sockudo cluster, and the raw fan-out of rusher-server, sockudo and soketi).
//! - `interop`: the interop suites on every server, as a matrix (also written into README.md).
//! - `fuzz [--seconds N] [TARGET…]`: libFuzzer on the protocol core's targets (figures written
//!   into RELIABILITY.md); crashes become regression inputs that `test` replays.
//! - `soak [--minutes N] [--visitors N] [--pages N] [--check]`: native visitors and browser pages
//!   in one room while the server flaps; what was lost or doubled, the server's memory and the
//!   pages' memory, listeners and timers (written into RELIABILITY.md unless `--check`).
//! - `reliability [--fuzz-seconds N] [--soak-minutes N]`: fuzz, soak, and the fault and security
//!   scenarios' tests, every table of RELIABILITY.md written from this run.

mod bench;
mod browsers;
mod control;
mod dead_classes;
mod demo;
mod fuzz;
mod glue_strings;
mod interop;
mod package;
mod reliability;
mod scale;
mod server;
mod setup;
mod shell;
mod size;
mod soak;
mod test;
mod topology;
mod wasm_baseline;
mod wasm_breakdown;
mod wasm_names;
/// The widget's stylesheet minifier, shared with its build script.
#[path = "../../widget/build/css.rs"]
mod widget_css;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(args.get(1..).unwrap_or_default()),
        Some("test") => test::run(args.get(1).map(String::as_str)),
        Some("demo") => demo::run(args.get(1..).unwrap_or_default()),
        Some("package") => package::run(),
        Some("size") => size::run(args.get(1..).unwrap_or_default()),
        Some("bench") if args.get(1).is_some_and(|a| a == "--scale") => {
            scale::run(args.get(2..).unwrap_or_default())
        }
        Some("bench") => bench::run(),
        Some("interop") => interop::run(),
        Some("fuzz") => fuzz::run(args.get(1..).unwrap_or_default()),
        Some("soak") => soak::run(args.get(1..).unwrap_or_default()),
        Some("reliability") => reliability::run(args.get(1..).unwrap_or_default()),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup [--for COMMAND] [--check] | test [WORD] | demo [--port N] | package | size [--budget | --breakdown] | bench [--scale [--steps N,N…] [--hold S] [--only WORD]] | interop | fuzz [--seconds N] [TARGET…] | soak [--minutes N] [--visitors N] [--pages N] [--check] | reliability [--fuzz-seconds N] [--soak-minutes N]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}
