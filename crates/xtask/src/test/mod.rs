//! `cargo xtask test`: everything CI checks. Each suite prints one line; the last line is exactly
//! `N passed, N failed`. A failing suite, or one that ran no test, fails the run. This module
//! runs suites; [`suites`] is what they are.

mod suites;

use suites::suites;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::browsers::{self, Engine, EngineRun};
use crate::server::Service;
use crate::setup::{self, Purpose};
use crate::shell::{Error, work_dir};

/// The outcome of one suite.
struct Outcome {
    passed: u64,
    failed: u64,
}

/// Starts what a suite runs against.
type StartService = fn() -> Result<Box<dyn Service>, Error>;

/// One suite: a name, the command, and how its output is counted.
struct Suite {
    name: &'static str,
    command: Command,
    /// Count `test result:` lines (test runners) rather than one check (fmt, clippy, builds).
    counts_tests: bool,
    /// Starts the server it runs against, whose address it gets in the environment.
    server: Option<StartService>,
    /// The scenario group and engine, for a browser suite in the engine matrix.
    matrix: Option<(&'static str, Engine)>,
    /// Runs beside the suites after it, its line printed after theirs: for a suite that mostly
    /// waits (a tab hidden for minutes), whose time would otherwise add to the run's.
    background: bool,
    /// Runs once more when it fails ([`BROWSER_RETRY`]).
    retried: bool,
}

/// A suite finished: its outcome, its output, and its place in the engine matrix.
struct Finished {
    outcome: Outcome,
    output: String,
    matrix: Option<(&'static str, Engine)>,
    log_path: PathBuf,
}

/// A suite started: its server, its process, and where its output goes.
struct Running {
    name: &'static str,
    counts_tests: bool,
    matrix: Option<(&'static str, Engine)>,
    server: Option<Box<dyn Service>>,
    /// Waits for the suite's process: how it exited, and when (a background suite's own time,
    /// not the time until the run came back for it).
    exited: std::thread::JoinHandle<std::io::Result<(std::process::ExitStatus, Instant)>>,
    log_path: PathBuf,
    started: Instant,
}

/// Why a suite that drives a browser runs once more when it fails, and counts as the second run
/// counts: browsers fail now and then where the code under test cannot, such as WebKitGTK 2.50's
/// WebAssembly computing a wrong HMAC-SHA-256 for a fixed input in one CI run of the protocol
/// suite (the same module passed 51 runs here, 25 of them under load). A suite that fails twice fails
/// the run; one that passes the second time is named at the end, and its first log is kept.
const BROWSER_RETRY: &str = "a browser suite that fails runs once more";

/// The suite that builds the npm packages into `www/`. The browser suites after it load what it
/// built, so a run of chosen suites builds the packages first when any of them comes after it.
const PACKAGE_SUITE: &str = "npm packages";

/// Runs every suite, or those whose name contains `only` (after the package build when one of
/// them comes after it: else it would test whatever an earlier build left in `www/`).
pub fn run(only: Option<&str>) -> Result<bool, Error> {
    setup::ensure(Purpose::Test)?;
    let started = Instant::now();
    fresh_logs()?;
    let all = suites()?;
    let mut groups: Vec<&'static str> = Vec::new();
    for (group, _) in all.iter().filter_map(|suite| suite.matrix) {
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let mut background = Vec::new();
    let mut finished = Vec::new();
    let mut passed_again = Vec::new();
    for suite in chosen(all, only) {
        if suite.background {
            background.push(start_suite(suite)?);
        } else {
            finished.push(run_retried(suite, &mut passed_again)?);
        }
    }
    for running in background {
        finished.push(finish_suite(running)?);
    }
    let (mut passed, mut failed) = (0, 0);
    let mut engine_runs = Vec::new();
    for Finished {
        outcome,
        output,
        matrix,
        ..
    } in finished
    {
        passed += outcome.passed;
        failed += outcome.failed;
        if let Some((group, engine)) = matrix {
            engine_runs.push(EngineRun {
                group,
                engine,
                output,
            });
        }
    }
    browsers::write_matrix(&groups, &engine_runs)?;
    for suite in &passed_again {
        println!("failed, then passed when run again: {suite}");
    }
    println!("all suites in {:.0} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// Makes the logs folder; removes the first-run logs an earlier run kept (they would read as
/// this run's).
fn fresh_logs() -> Result<(), Error> {
    let logs = work_dir().join("logs");
    fs::create_dir_all(&logs)?;
    for entry in fs::read_dir(&logs)? {
        let path = entry?.path();
        if path.to_string_lossy().ends_with(".first-run.log") {
            fs::remove_file(path)?;
        }
    }
    Ok(())
}

/// The suites whose name contains `only` (all without it), and the package build before them
/// when one of them comes after it.
fn chosen(all: Vec<Suite>, only: Option<&str>) -> Vec<Suite> {
    let wanted = |suite: &Suite| only.is_none_or(|word| suite.name.contains(word));
    let package_at = all.iter().position(|suite| suite.name == PACKAGE_SUITE);
    let tests_packages = package_at.is_some_and(|at| all.iter().skip(at).any(wanted));
    all.into_iter()
        .enumerate()
        .filter_map(|(at, suite)| {
            (wanted(&suite) || tests_packages && Some(at) == package_at).then_some(suite)
        })
        .collect()
}

/// Runs a suite; one that may be retried and failed runs once more ([`BROWSER_RETRY`]), and its
/// second run counts (named in `passed_again` if it passed then).
fn run_retried(suite: Suite, passed_again: &mut Vec<String>) -> Result<Finished, Error> {
    let (name, retried) = (suite.name, suite.retried);
    let first = finish_suite(start_suite(suite)?)?;
    if !(retried && first.outcome.failed > 0) {
        return Ok(first);
    }
    let first_log = first.log_path.with_extension("first-run.log");
    fs::rename(&first.log_path, &first_log)?;
    println!(
        "    ({BROWSER_RETRY}; its first log: {})",
        first_log.display()
    );
    let again = suites()?
        .into_iter()
        .find(|suite| suite.name == name)
        .ok_or_else(|| format!("{name}: not found to run again"))?;
    let second = finish_suite(start_suite(again)?)?;
    if second.outcome.failed == 0 {
        passed_again.push(format!("{name} (first log: {})", first_log.display()));
    }
    Ok(second)
}

/// Runs a suite with its output in a log file; on failure, shows the log's end. Returns its
/// counts and its output.
fn run_suite(suite: Suite) -> Result<(Outcome, String), Error> {
    let finished = finish_suite(start_suite(suite)?)?;
    Ok((finished.outcome, finished.output))
}

/// Starts a suite's server, then its command, its output going to its log.
fn start_suite(mut suite: Suite) -> Result<Running, Error> {
    let started = Instant::now();
    let server = match suite.server {
        Some(start) => {
            let server = start()?;
            server.configure(&mut suite.command);
            Some(server)
        }
        None => None,
    };
    let log_path = work_dir().join("logs").join(format!(
        "{}.log",
        suite.name.replace([' ', '(', ')', '-', ','], "_")
    ));
    let log = fs::File::create(&log_path)?;
    let mut child = suite
        .command
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("{}: cannot start: {e}", suite.name))?;
    Ok(Running {
        name: suite.name,
        counts_tests: suite.counts_tests,
        matrix: suite.matrix,
        server,
        exited: std::thread::spawn(move || Ok((child.wait()?, Instant::now()))),
        log_path,
        started,
    })
}

/// Waits for a suite, stops its server, and prints its line (and its log's tail when it failed).
fn finish_suite(mut running: Running) -> Result<Finished, Error> {
    let (status, ended) = running
        .exited
        .join()
        .map_err(|_| format!("{}: the thread waiting for it panicked", running.name))??;
    drop(running.server.take());
    let text = String::from_utf8_lossy(&fs::read(&running.log_path)?).into_owned();
    let mut outcome = if running.counts_tests {
        count_results(&text)
    } else if status.success() {
        Outcome {
            passed: 1,
            failed: 0,
        }
    } else {
        Outcome {
            passed: 0,
            failed: 1,
        }
    };
    let mut note = String::new();
    if !status.success() && outcome.failed == 0 {
        outcome.failed = 1;
        note = format!(" ({status})");
    }
    if outcome.passed + outcome.failed == 0 {
        outcome.failed = 1;
        note = " (ran no test)".to_owned();
    }
    println!(
        "{:<32} {} passed, {} failed{note} in {:.0} s",
        running.name,
        outcome.passed,
        outcome.failed,
        ended.duration_since(running.started).as_secs_f64()
    );
    if outcome.failed > 0 {
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines.len().saturating_sub(80);
        for line in lines.get(tail..).unwrap_or_default() {
            println!("    | {line}");
        }
        println!("    (whole log: {})", running.log_path.display());
    }
    Ok(Finished {
        outcome,
        output: text,
        matrix: running.matrix,
        log_path: running.log_path,
    })
}

/// Each suite's name and output.
pub type Outputs = Vec<(&'static str, String)>;

/// Runs the suites named `names` (after setup), each one line as in `test`; returns each one's
/// output, and whether every one passed.
pub fn run_named(names: &[&str]) -> Result<(Outputs, bool), Error> {
    setup::ensure(Purpose::Test)?;
    fs::create_dir_all(work_dir().join("logs"))?;
    let mut outputs = Vec::new();
    let mut all_passed = true;
    for suite in suites()? {
        if names.contains(&suite.name) {
            let name = suite.name;
            let (outcome, text) = run_suite(suite)?;
            all_passed &= outcome.failed == 0;
            outputs.push((name, text));
        }
    }
    Ok((outputs, all_passed))
}

/// A `test NAME ... RESULT` line (libtest, wasm-bindgen-test-runner and the browser suites):
/// the name and the result (`ok`, `FAILED`, `ignored`).
pub fn test_line(line: &str) -> Option<(&str, &str)> {
    let (name, result) = line.strip_prefix("test ")?.split_once(" ... ")?;
    Some((name.trim(), result.trim()))
}

/// Every test a suite's output reports, and whether it passed (ignored ones left out).
pub fn results(output: &str) -> Vec<(String, bool)> {
    output
        .lines()
        .filter_map(test_line)
        .filter(|(_, result)| !result.starts_with("ignored"))
        .map(|(name, result)| (name.to_owned(), result == "ok"))
        .collect()
}

/// Sums `test result: ok. N passed; M failed` lines (libtest and wasm-bindgen-test-runner).
fn count_results(text: &str) -> Outcome {
    let mut outcome = Outcome {
        passed: 0,
        failed: 0,
    };
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => outcome.passed += number,
                "failed" => outcome.failed += number,
                _ => {}
            }
        }
    }
    outcome
}
