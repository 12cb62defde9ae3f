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

use clap::{Parser, Subcommand};

/// `cargo xtask <command>`: the project's automation.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands (the module doc above says more of each).
#[derive(Subcommand)]
enum Command {
    /// Installs what is missing (idempotent, versions checked).
    Setup(setup::Settings),
    /// Everything CI checks, ending with one line `N passed, N failed`.
    Test {
        /// Only the suites whose name contains this.
        word: Option<String>,
    },
    /// Sets up, builds and serves the demo chat.
    Demo {
        /// The port it serves on.
        #[arg(long, default_value_t = demo::DEFAULT_PORT)]
        port: u16,
    },
    /// Builds the npm packages.
    Package,
    /// The packages' sizes next to pusher-js's.
    Size(size::Settings),
    /// Rusher next to pusher-js 8 in Chromium; with --scale, the server side from a hundred
    /// visitors to thousands.
    Bench {
        /// The server side's benchmark.
        #[arg(long)]
        scale: bool,
        #[command(flatten)]
        settings: scale::Settings,
    },
    /// The interop suites on every server, as a matrix.
    Interop,
    /// libFuzzer on the protocol core's targets.
    Fuzz(fuzz::Settings),
    /// Native visitors and browser pages in one room while the server flaps.
    Soak(soak::Settings),
    /// Fuzz, soak, and the fault and security scenarios' tests.
    Reliability(reliability::Settings),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Setup(settings) => setup::run(&settings),
        Command::Test { word } => test::run(word.as_deref()),
        Command::Demo { port } => demo::run(port),
        Command::Package => package::run(),
        Command::Size(settings) => size::run(&settings),
        Command::Bench {
            scale: true,
            settings,
        } => scale::run(&settings),
        Command::Bench { scale: false, .. } => bench::run(),
        Command::Interop => interop::run(),
        Command::Fuzz(settings) => fuzz::run(&settings),
        Command::Soak(settings) => soak::run(&settings),
        Command::Reliability(settings) => reliability::run(&settings),
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
