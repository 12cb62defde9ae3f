//! `rusher-soak`: many chat visitors in one presence room for a while, each sending a message
//! every few seconds through the chat backend, while the server's WebSocket side goes down and
//! comes back at a fixed interval (its `/_faults/restart-websocket` switch: every socket dropped
//! without a close frame, connections refused for a while). At the end it counts, for every
//! visitor, the stored messages it never got (lost) and those it got twice live (duplicates),
//! checks that every visitor lists every other as a member again, and reports the server's
//! memory over the run. `cargo xtask soak` starts the server and runs it; `cargo xtask test` runs
//! a short one.
//!
//! ```text
//! rusher-soak --url http://127.0.0.1:PORT --key KEY [--visitors 50] [--seconds 600]
//!             [--flap-every 30] [--down-ms 2000] [--send-every-ms 2000] [--server-pid PID]
//!             [--room presence-soak-PID] [--also-present 0]
//! ```
//!
//! (`rusher-soak --help` says what each flag does.)
//!
//! It ends with `soak-result {JSON}` and `soak-row | … |` (the figures as a row of
//! RELIABILITY.md's table); it exits non-zero when anything was lost, doubled, or left out of a
//! member list, or a recovery took longer than 30 s.

mod visitor;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use rusher_soak::wait_for;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use visitor::{Report, Shared};

/// How long the visitors have, after the last message is stored, for it to reach them.
const SETTLE: Duration = Duration::from_secs(8);
/// How long a recovery may take before the run calls it failed.
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

/// The command line. The server's address, key and process come from the variables
/// `cargo xtask` sets for a suite's server when the flags do not give them.
#[derive(Debug, Parser)]
#[command(
    name = "rusher-soak",
    about = "Chat visitors in one room while the server flaps"
)]
struct Args {
    /// The server: http://HOST:PORT (else RUSHER_HOST and RUSHER_PORT).
    #[arg(long)]
    url: Option<String>,
    /// The app key (else RUSHER_APP_KEY); an empty one is refused.
    #[arg(long, env = "RUSHER_APP_KEY", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    key: String,
    /// How many visitors.
    #[arg(long, default_value_t = 50)]
    visitors: usize,
    /// How long the run lasts.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Seconds between two outages of the server's WebSocket side.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    flap_every: u64,
    /// How long each outage lasts, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    down_ms: u64,
    /// How often each visitor sends a message, in milliseconds.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(100..))]
    send_every_ms: u64,
    /// The server's process, whose memory is reported.
    #[arg(long, env = "RUSHER_SERVER_PID")]
    server_pid: Option<u32>,
    /// The room (a presence channel); `presence-soak-PID` by default.
    #[arg(long)]
    room: Option<String>,
    /// Members the room has besides the visitors (the browser pages of `cargo xtask soak`),
    /// counted when member lists are checked.
    #[arg(long, default_value_t = 0)]
    also_present: usize,
}

impl Args {
    /// The server's base URL: `--url`, else from RUSHER_HOST and RUSHER_PORT.
    fn url(&self) -> Result<String, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (&self.url, var("RUSHER_HOST"), var("RUSHER_PORT")) {
            (Some(url), _, _) => Ok(url.trim_end_matches('/').to_owned()),
            (None, Some(host), Some(port)) => Ok(format!("http://{host}:{port}")),
            _ => Err("--url is required (or RUSHER_HOST and RUSHER_PORT)".into()),
        }
    }

    /// What every visitor shares: where the server is, the room, the pace, the stored ids.
    fn shared(&self) -> Result<Shared, String> {
        let url = self.url()?;
        let (ws_host, ws_port) = url
            .trim_start_matches("http://")
            .rsplit_once(':')
            .and_then(|(host, port)| Some((host.to_owned(), port.parse().ok()?)))
            .ok_or("--url must be http://HOST:PORT")?;
        Ok(Shared {
            base: url,
            ws_host,
            ws_port,
            key: self.key.clone(),
            room: self
                .room
                .clone()
                .unwrap_or_else(|| format!("presence-soak-{}", std::process::id())),
            send_every: Duration::from_millis(self.send_every_ms),
            start: Instant::now(),
            stored: std::sync::Mutex::new(Vec::new()),
            stop_sending: AtomicBool::new(false),
        })
    }
}

/// The server's resident memory in KiB, from `/proc`.
fn rss_kib(pid: Option<u32>) -> Option<u64> {
    rusher_soak::process::rss_kib(pid?)
}

fn ms_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[tokio::main]
async fn main() -> ExitCode {
    match soak(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rusher-soak: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The run: visitors join, the server flaps until the time is up, the visitors report, and the
/// figures are printed. True when nothing was lost, doubled or left out.
async fn soak(args: Args) -> Result<bool, String> {
    let shared = Arc::new(args.shared()?);
    let (done_tx, done) = watch::channel(false);
    let visitors = Visitors::start(&shared, args.visitors, &done);
    let joined = wait_for(|| visitors.all_confirmed_after(0), RECOVERY_LIMIT).await;
    let rss_start = rss_kib(args.server_pid);
    println!(
        "soak: {} visitors joined {} in {} ms; server memory {} KiB",
        args.visitors,
        shared.room,
        ms_since(shared.start),
        rss_start.unwrap_or(0)
    );
    let flaps = flap_until_the_end(&args, &shared, &visitors).await?;
    shared.stop_sending.store(true, Ordering::SeqCst);
    // The senders finish their last message; then live delivery gets time to settle.
    tokio::time::sleep(shared.send_every + SETTLE).await;
    let _ = done_tx.send(true);
    let mut reports: Vec<Report> = Vec::new();
    for visitor in visitors.tasks {
        reports.push(visitor.await.map_err(|e| e.to_string())??);
    }
    let stored = shared
        .stored
        .lock()
        .map(|ids| ids.clone())
        .unwrap_or_default();
    let tally = Tally::of(&reports, &stored, args.visitors + args.also_present);
    let memory = (rss_start, rss_kib(args.server_pid));
    tally.print(&args, &flaps, memory);
    Ok(joined && tally.passed(&flaps))
}

/// The visitors running, and when each last confirmed its subscription (ms since the start).
struct Visitors {
    tasks: Vec<JoinHandle<Result<Report, String>>>,
    confirmed: Vec<Arc<AtomicU64>>,
}

impl Visitors {
    /// Starts `count` visitors; they leave when `done` turns true.
    fn start(shared: &Arc<Shared>, count: usize, done: &watch::Receiver<bool>) -> Self {
        let mut visitors = Visitors {
            tasks: Vec::new(),
            confirmed: Vec::new(),
        };
        for index in 0..count {
            let confirmed_at = Arc::new(AtomicU64::new(0));
            visitors.confirmed.push(confirmed_at.clone());
            let run = visitor::run(shared.clone(), index, confirmed_at, done.clone());
            visitors.tasks.push(tokio::spawn(run));
        }
        visitors
    }

    /// Whether every visitor confirmed its subscription after `since`.
    fn all_confirmed_after(&self, since: u64) -> bool {
        self.confirmed
            .iter()
            .all(|c| c.load(Ordering::SeqCst) > since)
    }

    /// How long after `since` the last visitor confirmed.
    fn slowest_after(&self, since: u64) -> u64 {
        self.confirmed
            .iter()
            .map(|c| c.load(Ordering::SeqCst).saturating_sub(since))
            .max()
            .unwrap_or(0)
    }
}

/// The outages and what each cost.
#[derive(Debug, Default)]
struct Flaps {
    /// How many.
    count: u64,
    /// For each, how long after the server was back every visitor was subscribed again
    /// (`u64::MAX`: not within [`RECOVERY_LIMIT`]).
    recoveries: Vec<u64>,
    /// The server's memory after each.
    rss_kib: Vec<u64>,
}

impl Flaps {
    /// The slowest recovery.
    fn worst(&self) -> u64 {
        self.recoveries.iter().max().copied().unwrap_or(0)
    }
}

/// Takes the server's WebSocket side down every `--flap-every` seconds until the run's time is
/// up, waiting each time for every visitor to be back.
async fn flap_until_the_end(
    args: &Args,
    shared: &Shared,
    visitors: &Visitors,
) -> Result<Flaps, String> {
    let http = reqwest::Client::new();
    let switch = format!(
        "{}/_faults/restart-websocket?down_ms={}",
        shared.base, args.down_ms
    );
    let mut flaps = Flaps::default();
    let end = shared.start + Duration::from_secs(args.seconds);
    let every = Duration::from_secs(args.flap_every);
    while Instant::now() + every <= end {
        tokio::time::sleep(every).await;
        let flapped_at = ms_since(shared.start);
        let flap =
            http.post(&switch).send().await.map_err(|e| {
                format!("the flap switch: {e} (is the server running with --faults?)")
            })?;
        if !flap.status().is_success() {
            return Err(format!("the flap switch answered {}", flap.status()));
        }
        flaps.count += 1;
        let back_at = flapped_at + args.down_ms;
        let recovered = wait_for(|| visitors.all_confirmed_after(back_at), RECOVERY_LIMIT).await;
        let slowest = visitors.slowest_after(back_at);
        flaps
            .recoveries
            .push(if recovered { slowest } else { u64::MAX });
        let rss = rss_kib(args.server_pid).unwrap_or(0);
        flaps.rss_kib.push(rss);
        println!(
            "soak: flap {}: every visitor subscribed again {slowest} ms after the server was back; server memory {rss} KiB",
            flaps.count
        );
    }
    tokio::time::sleep(end.saturating_duration_since(Instant::now())).await;
    Ok(flaps)
}

/// What the visitors' reports add up to.
struct Tally {
    stored: usize,
    /// Stored messages a visitor never got, over all visitors.
    lost: usize,
    /// Messages a visitor got twice live.
    duplicates: usize,
    /// Messages read back from the history after an outage.
    recovered: usize,
    /// Visitors whose member list was not the whole room.
    short_lists: usize,
    sent: u64,
    subscriptions: u64,
}

impl Tally {
    /// Adds up `reports` against the `stored` ids, for a room of `members`.
    fn of(reports: &[Report], stored: &[i64], members: usize) -> Self {
        Tally {
            stored: stored.len(),
            lost: reports
                .iter()
                .map(|r| stored.iter().filter(|id| !r.seen.contains(id)).count())
                .sum(),
            duplicates: reports.iter().map(|r| r.live_duplicates).sum(),
            recovered: reports.iter().map(|r| r.recovered).sum(),
            short_lists: reports.iter().filter(|r| r.members != members).count(),
            sent: reports.iter().map(|r| r.sent).sum(),
            subscriptions: reports.iter().map(|r| r.subscriptions).sum(),
        }
    }

    /// Nothing lost, doubled or left out, every recovery in time, and something stored.
    fn passed(&self, flaps: &Flaps) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.short_lists == 0
            && flaps.worst() != u64::MAX
            && self.stored > 0
    }

    /// Prints the summary, `soak-result {JSON}` and `soak-row | … |`; `memory`: the server's
    /// at the start and at the end, in KiB.
    fn print(&self, args: &Args, flaps: &Flaps, memory: (Option<u64>, Option<u64>)) {
        let (rss_start, rss_end) = memory;
        let expected = self.stored * args.visitors;
        let Tally {
            lost,
            duplicates,
            recovered,
            short_lists,
            ..
        } = self;
        let result = serde_json::json!({
            "visitors": args.visitors,
            "seconds": args.seconds,
            "flaps": flaps.count,
            "down_ms": args.down_ms,
            "messages_stored": self.stored,
            "deliveries_expected": expected,
            "lost": lost,
            "duplicates": duplicates,
            "recovered_from_history": recovered,
            "member_lists_short": short_lists,
            "messages_sent": self.sent,
            "subscriptions_confirmed": self.subscriptions,
            "worst_recovery_ms": flaps.worst(),
            "recoveries_ms": flaps.recoveries,
            "server_rss_kib_start": rss_start,
            "server_rss_kib_end": rss_end,
            "server_rss_kib_after_flaps": flaps.rss_kib,
        });
        println!(
            "soak: {} messages stored, {expected} deliveries expected: {lost} lost, {duplicates} doubled, {recovered} read back from the history after an outage; {short_lists} member lists short; server memory {} -> {} KiB",
            self.stored,
            rss_start.unwrap_or(0),
            rss_end.unwrap_or(0)
        );
        println!("soak-result {result}");
        let mb = |kib: Option<u64>| {
            kib.map_or_else(
                || "?".to_owned(),
                |k| format!("{:.1} MB", k as f64 / 1024.0),
            )
        };
        println!(
            "soak-row | {} | {} s | {} × {:.1} s down | {} | {expected} | {lost} | {duplicates} | {recovered} | {}/{} | {} ms | {} → {} |",
            args.visitors,
            args.seconds,
            flaps.count,
            args.down_ms as f64 / 1000.0,
            self.stored,
            args.visitors - short_lists,
            args.visitors,
            flaps.worst(),
            mb(rss_start),
            mb(rss_end),
        );
    }
}
