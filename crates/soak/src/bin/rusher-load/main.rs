//! `rusher-load`: how a chat's server side holds up as visitors grow. Native visitors (the
//! protocol core over real WebSockets, as in the soak) come in steps (100 to 5,000 by default),
//! each step held for a while with messages in small rooms and a lobby and visitors coming and
//! going ([`plan`]); for every step it reports visitors held, sign-ins, messages stored and
//! delivered a second, delivery latency from send to each receiver, the servers' memory per
//! visitor and CPU per 1,000 deliveries, its own CPU, and errors (refused, timed out, lost).
//!
//! ```text
//! rusher-load --chat http://127.0.0.1:PORT[,…] --sockets 127.0.0.1:PORT[,…] --key KEY
//!             [--steps 100,250,500,1000,2500,5000] [--hold 30] [--pid NAME=PID]...
//! rusher-load --rest http://127.0.0.1:PORT --app-id ID --secret SECRET --sockets … --key …
//! ```
//!
//! `--chat` goes through the chat backend (sign-ins, auth, messages stored); `--rest` publishes
//! with the app's REST trigger and signs channel auth itself: the raw fan-out of a Pusher
//! server. With several `--sockets` (a cluster's nodes), visitor N connects to node N mod their
//! number, and talks to the backend at the same place in `--chat`'s list. `--pid NAME=PID` (repeatable; several pids may share a name, their figures add up)
//! names the processes to measure (each with its children). It prints `load-step {JSON}` for
//! each step and `load-run {JSON}` at the end, and exits non-zero when any step before the last
//! lost or doubled a message; with `--check`, when any step lost, doubled, refused, timed out or
//! dropped anything, or did not hold all its visitors (`cargo xtask test`'s short load).

mod context;
mod ledger;
mod live;
mod plan;
mod sender;
mod spawner;
mod visitor;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusher_soak::wait_for;

use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinSet;

use context::{Context, Target, Via};
use ledger::{Figures, Micros, micros};
use rusher_soak::process;

/// Time after a step is reached before it is measured (the last joins settle).
const SETTLE: Duration = Duration::from_secs(3);
/// Time for the last messages to arrive after the senders stop.
const DRAIN: Duration = Duration::from_secs(8);
/// How long a request to the server may take before it counts as timed out.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A step past the knee ends the ramp: its median delivery takes longer than this…
const KNEE_LATENCY_MS: f64 = 5_000.0;
/// …or fewer than this share of its visitors could be held (with `--check`, any step that holds
/// fewer than [`CHECK_HELD`] fails).
const KNEE_HELD: f64 = 0.9;
/// The share of a step's visitors `--check` wants held (the table's knee criterion too).
const CHECK_HELD: f64 = 0.99;
/// Files the generator keeps for itself beside one socket per visitor (its HTTP connections to
/// the backend, its own files).
const SPARE_FILES: usize = 1_000;

/// The command line.
struct Args {
    target: Target,
    key: String,
    sockets: Vec<(String, u16)>,
    steps: Vec<usize>,
    hold: Duration,
    pids: Vec<(String, u32)>,
    /// Every step must be clean (`--check`).
    check: bool,
}

/// `rusher-load`'s flags.
#[derive(clap::Parser)]
#[command(name = "rusher-load")]
struct Cli {
    /// A chat load: the chat backends' base URLs, comma-separated (visitors are spread over
    /// them).
    #[arg(long, value_delimiter = ',', conflicts_with = "rest")]
    chat: Vec<String>,
    /// A raw fan-out load: the realtime server's REST base URL (with --app-id and --secret).
    #[arg(long, requires_all = ["app_id", "secret"])]
    rest: Option<String>,
    /// The app's id, for --rest.
    #[arg(long)]
    app_id: Option<String>,
    /// The app's secret, for --rest.
    #[arg(long)]
    secret: Option<String>,
    /// The app's key.
    #[arg(long)]
    key: String,
    /// Where the sockets are, HOST:PORT, comma-separated (one per node).
    #[arg(long, value_delimiter = ',', value_parser = node, required = true)]
    sockets: Vec<(String, u16)>,
    /// The steps of visitors, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "100,250,500,1000,2500,5000"
    )]
    steps: Vec<usize>,
    /// Seconds each step is held and measured.
    #[arg(long, default_value_t = 30)]
    hold: u64,
    /// A process to measure, NAME=PID (repeated for each).
    #[arg(long = "pid", value_parser = named_pid)]
    pids: Vec<(String, u32)>,
    /// Every step must be clean: nothing lost, doubled, refused or dropped.
    #[arg(long)]
    check: bool,
}

/// A node's `HOST:PORT`.
fn node(text: &str) -> Result<(String, u16), String> {
    let (host, port) = text.rsplit_once(':').ok_or("--sockets is HOST:PORT")?;
    let port = port.parse().map_err(|_| "--sockets: a bad port")?;
    Ok((host.to_owned(), port))
}

/// A measured process's `NAME=PID`.
fn named_pid(text: &str) -> Result<(String, u32), String> {
    let (name, pid) = text.split_once('=').ok_or("--pid is NAME=PID")?;
    let pid = pid.parse().map_err(|_| "--pid: a bad pid")?;
    Ok((name.to_owned(), pid))
}

fn args() -> Result<Args, String> {
    let cli = <Cli as clap::Parser>::parse();
    let base = |url: &str| url.trim_end_matches('/').to_owned();
    let target = match (cli.rest, cli.app_id, cli.secret) {
        (Some(rest), Some(app_id), Some(secret)) => Target::Raw {
            rest_base: base(&rest),
            app_id,
            secret,
        },
        _ if !cli.chat.is_empty() => Target::Chat {
            bases: cli.chat.iter().map(|url| base(url)).collect(),
        },
        _ => return Err("give --chat URL, or --rest URL with --app-id and --secret".into()),
    };
    Ok(Args {
        target,
        key: cli.key,
        sockets: cli.sockets,
        steps: cli.steps,
        hold: Duration::from_secs(cli.hold),
        pids: cli.pids,
        check: cli.check,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    match load().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rusher-load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The measured processes' memory (KiB) and CPU time (ms), each with the processes below it,
/// summed by name; and the generator's own CPU time.
#[derive(Debug, Clone, Default)]
struct Sample {
    by_name: Vec<(String, u64, u64)>,
    own_cpu_ms: u64,
}

fn sample(pids: &[(String, u32)]) -> Sample {
    let mut by_name: Vec<(String, u64, u64)> = Vec::new();
    for (name, pid) in pids {
        let tree = process::tree(*pid);
        let rss = tree.iter().filter_map(|p| process::rss_kib(*p)).sum();
        let cpu = tree.iter().filter_map(|p| process::cpu_ms(*p)).sum();
        match by_name.iter_mut().find(|(n, ..)| n == name) {
            Some((_, r, c)) => {
                *r += rss;
                *c += cpu;
            }
            None => by_name.push((name.clone(), rss, cpu)),
        }
    }
    Sample {
        by_name,
        own_cpu_ms: process::cpu_ms(std::process::id()).unwrap_or(0),
    }
}

/// One step as measured while it ran; its figures are read from the ledger at the end.
struct Step {
    visitors: usize,
    held: usize,
    reached: bool,
    ramp: (Micros, Micros),
    hold: (Micros, Micros),
    before: Sample,
    after: Sample,
}

/// The run: the steps one after another until the last or the knee, then each step's figures.
/// True when every step below the last was lossless (every step, and error-free, with `--check`).
async fn load() -> Result<bool, String> {
    let mut args = args()?;
    let most = fit_open_files(&mut args.steps);
    let context = Arc::new(Context::new(&args)?);
    let idle = sample(&args.pids);
    let wanted = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop) = watch::channel(false);
    let spawner = tokio::spawn(spawner::run(
        context.clone(),
        wanted.clone(),
        stop.clone(),
        JoinSet::new(),
    ));
    let sender = tokio::spawn(sender::run(context.clone(), stop));
    let mut steps = Vec::new();
    for &visitors in &args.steps {
        wanted.store(visitors, Ordering::SeqCst);
        let (step, past_knee) = run_step(&context, &args, visitors).await;
        steps.push(step);
        if past_knee {
            break;
        }
    }
    tokio::time::sleep(DRAIN).await;
    let _ = stop_tx.send(true);
    let _ = sender.await;
    context.live.send_all_away();
    if let Ok(tasks) = spawner.await {
        all_gone(tasks).await;
    }
    let clean = report(&context, &args, &steps, &idle);
    println!(
        "load-run {}",
        json!({
            "held_back": context.held_back.load(Ordering::Relaxed),
            "steps": steps.len(),
            "most_visitors": most,
        })
    );
    Ok(clean)
}

/// Leaves out the steps this process's open-files limit cannot hold (each visitor holds a
/// socket), saying so; the most visitors it can hold.
fn fit_open_files(steps: &mut Vec<usize>) -> usize {
    let most = process::open_files_limit()
        .and_then(|limit| usize::try_from(limit).ok())
        .map_or(usize::MAX, |limit| limit.saturating_sub(SPARE_FILES));
    if let Some(&over) = steps.iter().find(|&&step| step > most) {
        println!(
            "rusher-load: {over} visitors and more left out: this process may open {} files",
            most + SPARE_FILES
        );
        steps.retain(|&step| step <= most);
    }
    most
}

/// Ramps to `visitors`, lets them settle, and holds them for `--hold`, counting the visitors in
/// the chat each second. The step, and whether it is past the knee (not reached, not held, or
/// delivering too slowly).
async fn run_step(context: &Context, args: &Args, visitors: usize) -> (Step, bool) {
    let ramp_from = context.now();
    let ramp_limit = Duration::from_secs((visitors / plan::RAMP_PER_SECOND) as u64 * 3 + 60);
    let reached = wait_for(|| context.live.len() >= visitors * 99 / 100, ramp_limit).await;
    let ramp = (ramp_from, context.now());
    tokio::time::sleep(SETTLE).await;
    let before = sample(&args.pids);
    let hold_from = context.now();
    // Visitors in the chat, once a second; a departed visitor's place is empty for the moment
    // its replacement takes to sign in and join, so a step holds the median.
    let mut samples = Vec::new();
    let hold_until = tokio::time::Instant::now() + args.hold;
    while tokio::time::Instant::now() < hold_until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        samples.push(context.live.len());
    }
    samples.sort_unstable();
    let held = samples.get(samples.len() / 2).copied().unwrap_or(0);
    let step = Step {
        visitors,
        held,
        reached,
        ramp,
        hold: (hold_from, context.now()),
        before,
        after: sample(&args.pids),
    };
    // The step's delivery so far (the last seconds' messages may still be on their way).
    let early = context
        .ledger
        .figures(step.hold.0, step.hold.1.saturating_sub(micros(DRAIN)));
    println!(
        "rusher-load: {visitors} visitors wanted, {held} held; median delivery {:.1} ms",
        early.latency_ms_median
    );
    let past_knee = !reached
        || (held as f64) < visitors as f64 * KNEE_HELD
        || early.latency_ms_median > KNEE_LATENCY_MS;
    (step, past_knee)
}

/// Waits up to 30 s for every visitor task to end (they were sent away), then stops the rest.
async fn all_gone(mut tasks: JoinSet<()>) {
    let gone = tokio::time::timeout(Duration::from_secs(30), async {
        while tasks.join_next().await.is_some() {}
    });
    if gone.await.is_err() {
        tasks.abort_all();
    }
}

/// Prints `load-step {JSON}` for each step, from the ledger; whether the run was clean.
fn report(context: &Context, args: &Args, steps: &[Step], idle: &Sample) -> bool {
    let mut clean = true;
    for (index, step) in steps.iter().enumerate() {
        let figures = context.ledger.figures(step.hold.0, step.hold.1);
        let ramp_figures = context.ledger.figures(step.ramp.0, step.ramp.1);
        let lossless = figures.lost == 0 && figures.doubled == 0;
        if (index + 1 < steps.len() || args.check) && !lossless {
            clean = false;
        }
        if args.check
            && !(step.reached
                && step.held as f64 >= step.visitors as f64 * CHECK_HELD
                && no_errors(&figures, &ramp_figures))
        {
            clean = false;
        }
        println!(
            "load-step {}",
            step_json(step, idle, &figures, &ramp_figures)
        );
    }
    clean
}

/// Whether nothing was refused, timed out or dropped, in a step's ramp or its hold.
fn no_errors(hold: &Figures, ramp: &Figures) -> bool {
    [hold, ramp]
        .iter()
        .all(|f| f.sign_ins_refused + f.sign_ins_timed_out + f.subscriptions_refused + f.drops == 0)
        && hold.messages_refused + hold.messages_timed_out == 0
}

fn step_json(step: &Step, idle: &Sample, figures: &Figures, ramp: &Figures) -> serde_json::Value {
    let seconds = |(from, to): (Micros, Micros)| (to.saturating_sub(from) as f64 / 1e6).max(1e-3);
    let hold_s = seconds(step.hold);
    let held = step.held.max(1) as f64;
    let processes: Vec<serde_json::Value> = step
        .after
        .by_name
        .iter()
        .map(|(name, rss, cpu)| {
            let find = |sample: &Sample| {
                sample
                    .by_name
                    .iter()
                    .find(|(n, ..)| n == name)
                    .map_or((0, 0), |(_, r, c)| (*r, *c))
            };
            let (idle_rss, _) = find(idle);
            let (_, cpu_before) = find(&step.before);
            let cpu_ms = cpu.saturating_sub(cpu_before) as f64;
            json!({
                "name": name,
                "rss_kib": rss,
                "kib_per_visitor": rss.saturating_sub(idle_rss) as f64 / held,
                "cpu_share": cpu_ms / (hold_s * 1000.0),
                "cpu_ms_per_1000_deliveries": cpu_ms * 1000.0 / figures.deliveries.max(1) as f64,
            })
        })
        .collect();
    let own_cpu = step.after.own_cpu_ms.saturating_sub(step.before.own_cpu_ms) as f64;
    json!({
        "visitors": step.visitors,
        "held": step.held,
        "reached": step.reached,
        "hold_s": hold_s,
        "ramp_s": seconds(step.ramp),
        "sign_ins_per_s": ramp.sign_ins as f64 / seconds(step.ramp),
        "messages_per_s": figures.messages_stored as f64 / hold_s,
        "deliveries_per_s": figures.deliveries as f64 / hold_s,
        "generator_cpu_share": own_cpu / (hold_s * 1000.0),
        "processes": processes,
        "figures": figures,
        "ramp_errors": {
            "sign_ins_refused": ramp.sign_ins_refused,
            "sign_ins_timed_out": ramp.sign_ins_timed_out,
            "subscriptions_refused": ramp.subscriptions_refused,
            "drops": ramp.drops,
        },
    })
}
