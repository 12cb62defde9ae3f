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
//! `--also-present N` counts N more members in the room (the browser pages that
//! `cargo xtask soak` adds) when member lists are checked.
//!
//! It ends with `soak-result {JSON}` and `soak-row | … |` (the figures as a row of
//! RELIABILITY.md's table); it exits non-zero when anything was lost, doubled, or left out of a
//! member list, or a recovery took longer than 30 s.

mod visitor;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use rusher_soak::wait_for;

use tokio::sync::watch;

use visitor::{Report, Shared};

/// How long the visitors have, after the last message is stored, for it to reach them.
const SETTLE: Duration = Duration::from_secs(8);
/// How long a recovery may take before the run calls it failed.
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

/// The command line.
struct Args {
    url: String,
    key: String,
    visitors: usize,
    seconds: u64,
    flap_every: u64,
    down_ms: u64,
    send_every_ms: u64,
    server_pid: Option<u32>,
    /// The room (a presence channel); `presence-soak-PID` by default.
    room: Option<String>,
    /// Members the room has besides the visitors (the browser pages of `cargo xtask soak`).
    also_present: usize,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        key: String::new(),
        visitors: 50,
        seconds: 600,
        flap_every: 30,
        down_ms: 2000,
        send_every_ms: 2000,
        server_pid: None,
        room: None,
        also_present: 0,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given.next().ok_or(format!("{flag} takes a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_owned(),
            "--key" => args.key = value.clone(),
            "--visitors" => args.visitors = usize::try_from(number()?).unwrap_or(50),
            "--seconds" => args.seconds = number()?,
            "--flap-every" => args.flap_every = number()?.max(1),
            "--down-ms" => args.down_ms = number()?,
            "--send-every-ms" => args.send_every_ms = number()?.max(100),
            "--server-pid" => args.server_pid = u32::try_from(number()?).ok(),
            "--room" => args.room = Some(value.clone()),
            "--also-present" => args.also_present = usize::try_from(number()?).unwrap_or(0),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    // Else from the variables `cargo xtask` sets for a suite's server.
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if args.url.is_empty()
        && let (Some(host), Some(port)) = (var("RUSHER_HOST"), var("RUSHER_PORT"))
    {
        args.url = format!("http://{host}:{port}");
    }
    if args.key.is_empty() {
        args.key = var("RUSHER_APP_KEY").unwrap_or_default();
    }
    if args.server_pid.is_none() {
        args.server_pid = var("RUSHER_SERVER_PID").and_then(|pid| pid.parse().ok());
    }
    if args.url.is_empty() || args.key.is_empty() {
        return Err(
            "--url and --key are required (or RUSHER_HOST, RUSHER_PORT, RUSHER_APP_KEY)".into(),
        );
    }
    Ok(args)
}

/// The server's resident memory in KiB, from `/proc`.
fn rss_kib(pid: Option<u32>) -> Option<u64> {
    rusher_soak::process::rss_kib(pid?)
}

fn ms_since(start: std::time::Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[tokio::main]
async fn main() -> ExitCode {
    match soak().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rusher-soak: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn soak() -> Result<bool, String> {
    let args = args()?;
    let address = args.url.trim_start_matches("http://");
    let (ws_host, ws_port) = address
        .rsplit_once(':')
        .and_then(|(host, port)| Some((host.to_owned(), port.parse().ok()?)))
        .ok_or("--url must be http://HOST:PORT")?;
    let shared = Arc::new(Shared {
        base: args.url.clone(),
        ws_host,
        ws_port,
        key: args.key.clone(),
        room: args
            .room
            .clone()
            .unwrap_or_else(|| format!("presence-soak-{}", std::process::id())),
        send_every: Duration::from_millis(args.send_every_ms),
        start: std::time::Instant::now(),
        stored: std::sync::Mutex::new(Vec::new()),
        stop_sending: AtomicBool::new(false),
    });
    let (done_tx, done) = watch::channel(false);
    let mut confirmed = Vec::new();
    let mut visitors = Vec::new();
    for index in 0..args.visitors {
        let confirmed_at = Arc::new(AtomicU64::new(0));
        confirmed.push(confirmed_at.clone());
        visitors.push(tokio::spawn(visitor::run(
            shared.clone(),
            index,
            confirmed_at,
            done.clone(),
        )));
    }
    let all_confirmed_after =
        |since: u64| confirmed.iter().all(|c| c.load(Ordering::SeqCst) > since);
    let joined = wait_for(|| all_confirmed_after(0), RECOVERY_LIMIT).await;
    let rss_start = rss_kib(args.server_pid);
    println!(
        "soak: {} visitors joined {} in {} ms; server memory {} KiB",
        args.visitors,
        shared.room,
        ms_since(shared.start),
        rss_start.unwrap_or(0)
    );
    let http = reqwest::Client::new();
    let mut flaps = 0u64;
    let mut recoveries = Vec::new();
    let mut rss_samples = Vec::new();
    let end = shared.start + Duration::from_secs(args.seconds);
    while std::time::Instant::now() + Duration::from_secs(args.flap_every) <= end {
        tokio::time::sleep(Duration::from_secs(args.flap_every)).await;
        let flapped_at = ms_since(shared.start);
        let flap = http
            .post(format!(
                "{}/_faults/restart-websocket?down_ms={}",
                args.url, args.down_ms
            ))
            .send()
            .await
            .map_err(|e| format!("the flap switch: {e} (is the server running with --faults?)"))?;
        if !flap.status().is_success() {
            return Err(format!("the flap switch answered {}", flap.status()));
        }
        flaps += 1;
        let back_at = flapped_at + args.down_ms;
        let recovered = wait_for(|| all_confirmed_after(back_at), RECOVERY_LIMIT).await;
        let slowest = confirmed
            .iter()
            .map(|c| c.load(Ordering::SeqCst).saturating_sub(back_at))
            .max()
            .unwrap_or(0);
        recoveries.push(if recovered { slowest } else { u64::MAX });
        rss_samples.push(rss_kib(args.server_pid).unwrap_or(0));
        println!(
            "soak: flap {flaps}: every visitor subscribed again {} ms after the server was back; server memory {} KiB",
            slowest,
            rss_samples.last().copied().unwrap_or(0)
        );
    }
    let remaining = end.saturating_duration_since(std::time::Instant::now());
    tokio::time::sleep(remaining).await;
    shared.stop_sending.store(true, Ordering::SeqCst);
    // The senders finish their last message; then live delivery gets time to settle.
    tokio::time::sleep(shared.send_every + SETTLE).await;
    let _ = done_tx.send(true);
    let mut reports: Vec<Report> = Vec::new();
    for visitor in visitors {
        reports.push(visitor.await.map_err(|e| e.to_string())??);
    }
    let stored = shared
        .stored
        .lock()
        .map(|ids| ids.clone())
        .unwrap_or_default();
    let lost: usize = reports
        .iter()
        .map(|r| stored.iter().filter(|id| !r.seen.contains(id)).count())
        .sum();
    let duplicates: usize = reports.iter().map(|r| r.live_duplicates).sum();
    let recovered: usize = reports.iter().map(|r| r.recovered).sum();
    let short_lists = reports
        .iter()
        .filter(|r| r.members != args.visitors + args.also_present)
        .count();
    let rss_end = rss_kib(args.server_pid);
    let worst_recovery = recoveries.iter().max().copied().unwrap_or(0);
    let result = serde_json::json!({
        "visitors": args.visitors,
        "seconds": args.seconds,
        "flaps": flaps,
        "down_ms": args.down_ms,
        "messages_stored": stored.len(),
        "deliveries_expected": stored.len() * args.visitors,
        "lost": lost,
        "duplicates": duplicates,
        "recovered_from_history": recovered,
        "member_lists_short": short_lists,
        "messages_sent": reports.iter().map(|r| r.sent).sum::<u64>(),
        "subscriptions_confirmed": reports.iter().map(|r| r.subscriptions).sum::<u64>(),
        "worst_recovery_ms": worst_recovery,
        "recoveries_ms": recoveries,
        "server_rss_kib_start": rss_start,
        "server_rss_kib_end": rss_end,
        "server_rss_kib_after_flaps": rss_samples,
    });
    let passed = joined
        && lost == 0
        && duplicates == 0
        && short_lists == 0
        && worst_recovery != u64::MAX
        && !stored.is_empty();
    println!(
        "soak: {} messages stored, {} deliveries expected: {lost} lost, {duplicates} doubled, {recovered} read back from the history after an outage; {short_lists} member lists short; server memory {} -> {} KiB",
        stored.len(),
        stored.len() * args.visitors,
        rss_start.unwrap_or(0),
        rss_end.unwrap_or(0)
    );
    println!("soak-result {result}");
    let memory = |kib: Option<u64>| {
        kib.map_or_else(
            || "?".to_owned(),
            |k| format!("{:.1} MB", k as f64 / 1024.0),
        )
    };
    println!(
        "soak-row | {} | {} s | {flaps} × {:.1} s down | {} | {} | {lost} | {duplicates} | {recovered} | {}/{} | {} ms | {} → {} |",
        args.visitors,
        args.seconds,
        args.down_ms as f64 / 1000.0,
        stored.len(),
        stored.len() * args.visitors,
        args.visitors - short_lists,
        args.visitors,
        worst_recovery,
        memory(rss_start),
        memory(rss_end),
    );
    Ok(passed)
}
