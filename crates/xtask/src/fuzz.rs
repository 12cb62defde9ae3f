//! `cargo xtask fuzz [--seconds N] [TARGET…]`: runs each of rusher-fuzz's targets under libFuzzer
//! (cargo-fuzz, on the pinned nightly) for N seconds (60 by default), growing its corpus in
//! `crates/fuzz/corpus/TARGET/` and then minimizing it. A crash is copied into
//! `crates/fuzz/regressions/TARGET/`, which `cargo xtask test` replays from then on. Prints each
//! target's executions, rate and peak memory, and writes the table into RELIABILITY.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use crate::setup::{self, BUNDLE_NIGHTLY, Purpose};
use crate::shell::{Error, cmd, root, work_dir, write_table};

/// How much memory a target may use before libFuzzer calls it a leak of sorts and stops.
const RSS_LIMIT_MB: &str = "2048";
/// How long one input may run before libFuzzer calls it a hang.
const INPUT_TIMEOUT_SECS: &str = "10";

/// What one target's run gave.
struct Outcome {
    target: String,
    executions: u64,
    per_second: u64,
    peak_rss_mb: u64,
    corpus: usize,
    crashes: Vec<PathBuf>,
}

fn fuzz_dir() -> PathBuf {
    root().join("crates").join("fuzz")
}

/// The targets: the binaries in `libfuzzer/fuzz_targets/`.
fn targets() -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = fs::read_dir(fuzz_dir().join("libfuzzer").join("fuzz_targets"))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// `cargo +NIGHTLY fuzz SUBCOMMAND` for this project.
fn cargo_fuzz(subcommand: &str, target: &str) -> std::process::Command {
    let mut command = cmd("cargo");
    command
        .arg(format!("+{BUNDLE_NIGHTLY}"))
        .args(["fuzz", subcommand, "--fuzz-dir"])
        .arg(fuzz_dir().join("libfuzzer"))
        .arg("--target-dir")
        .arg(root().join("target").join("fuzz"))
        .arg(target)
        .arg(fuzz_dir().join("corpus").join(target));
    command
}

/// The number after `name:` in libFuzzer's final stats.
fn stat(log: &str, name: &str) -> u64 {
    log.lines()
        .filter_map(|line| line.strip_prefix(name))
        .filter_map(|rest| rest.trim_start_matches(':').trim().parse().ok())
        .next_back()
        .unwrap_or(0)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default()
}

/// Runs one target for `seconds`; copies what it finds into the regressions.
fn run_target(target: &str, seconds: u64) -> Result<Outcome, Error> {
    let artifacts = fuzz_dir().join("libfuzzer").join("artifacts").join(target);
    let _ = fs::remove_dir_all(&artifacts);
    fs::create_dir_all(fuzz_dir().join("corpus").join(target))?;
    let log_path = work_dir().join("logs").join(format!("fuzz-{target}.log"));
    fs::create_dir_all(work_dir().join("logs"))?;
    let log_file = fs::File::create(&log_path)?;
    let status = cargo_fuzz("run", target)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECS}"))
        .arg("-print_final_stats=1")
        .stdout(Stdio::from(log_file.try_clone()?))
        .stderr(Stdio::from(log_file))
        .status()?;
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    let mut crashes = Vec::new();
    if !status.success() {
        let regressions = fuzz_dir().join("regressions").join(target);
        fs::create_dir_all(&regressions)?;
        for found in files(&artifacts) {
            if let Some(name) = found.file_name() {
                let kept = regressions.join(name);
                fs::copy(&found, &kept)?;
                crashes.push(kept);
            }
        }
        if crashes.is_empty() {
            return Err(format!("fuzzing {target} failed; see {}", log_path.display()).into());
        }
    }
    // Keep the smallest corpus that covers as much.
    let minimized = cargo_fuzz("cmin", target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if !minimized.success() {
        println!("fuzz: {target}: the corpus could not be minimized (kept as it is)");
    }
    Ok(Outcome {
        target: target.to_owned(),
        executions: stat(&log, "stat::number_of_executed_units"),
        per_second: stat(&log, "stat::average_exec_per_sec"),
        peak_rss_mb: stat(&log, "stat::peak_rss_mb"),
        corpus: files(&fuzz_dir().join("corpus").join(target)).len(),
        crashes,
    })
}

/// The table of outcomes, in Markdown.
fn table(outcomes: &[Outcome], seconds: u64) -> String {
    let mut text = String::from(
        "| target | seconds | executions | per second | peak memory | corpus inputs | result |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    for o in outcomes {
        let result = if o.crashes.is_empty() {
            "no crash".to_owned()
        } else {
            format!("**{} crash(es)**, kept in regressions/", o.crashes.len())
        };
        text.push_str(&format!(
            "| {} | {seconds} | {} | {} | {} MB | {} | {result} |\n",
            o.target, o.executions, o.per_second, o.peak_rss_mb, o.corpus
        ));
    }
    let total: u64 = outcomes.iter().map(|o| o.executions).sum();
    text.push_str(&format!("| **all** | | **{total}** | | | | |\n"));
    text
}

/// How long each target runs, unless given.
const SECONDS: u64 = 60;

/// `cargo xtask fuzz`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Seconds each target runs.
    #[arg(long, default_value_t = SECONDS)]
    seconds: u64,
    /// The targets (all when none is named).
    #[arg(value_name = "TARGET")]
    targets: Vec<String>,
}

impl Settings {
    /// Every target, `seconds` each.
    pub fn all_for(seconds: u64) -> Self {
        Self {
            seconds,
            targets: Vec::new(),
        }
    }
}

/// `cargo xtask fuzz [--seconds N] [TARGET…]`.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    let (seconds, chosen) = (settings.seconds, settings.targets.clone());
    setup::ensure(Purpose::Fuzz)?;
    let all = targets()?;
    if let Some(unknown) = chosen.iter().find(|name| !all.contains(name)) {
        return Err(format!(
            "no fuzz target {unknown}; the targets are {}",
            all.join(", ")
        )
        .into());
    }
    let targets = if chosen.is_empty() { all } else { chosen };
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for target in &targets {
        println!("fuzz: {target} for {seconds} s…");
        let outcome = run_target(target, seconds)?;
        println!(
            "fuzz: {target}: {} executions ({}/s), peak {} MB, {} corpus inputs{}",
            outcome.executions,
            outcome.per_second,
            outcome.peak_rss_mb,
            outcome.corpus,
            if outcome.crashes.is_empty() {
                String::new()
            } else {
                format!(", CRASHED: kept {:?}", outcome.crashes)
            }
        );
        outcomes.push(outcome);
    }
    let table = table(&outcomes, seconds);
    println!("{table}");
    if targets.len() > 1 {
        write_table(
            &root().join("RELIABILITY.md"),
            "fuzz",
            "cargo xtask fuzz",
            &table,
        )?;
        println!("(written into RELIABILITY.md)");
    }
    println!("fuzz: done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(outcomes.iter().all(|o| o.crashes.is_empty()))
}
