//! `cargo xtask bench --scale [--steps 100,500,…] [--hold SECONDS] [--only WORD]`: how the
//! server side holds up as visitors grow. `rusher-load` (crates/soak) drives each set-up in
//! steps, on loopback, with every server in a build optimized for speed:
//!
//! 1. one `rusher-server` (the embedded default, SQLite);
//! 2. the chat backend in `--upstream` mode on one sockudo node;
//! 3. two sockudo nodes over Redis with two backend replicas on PostgreSQL (docs/deploy.md);
//! 4. the raw fan-out (REST trigger, no backend) of rusher-server, sockudo and soketi.
//!
//! It prints each step and writes the table into BENCHMARKS.md and a chart into
//! `docs/scale.svg`. `cargo xtask test` runs a short load of its own (`--check`: 200 visitors on
//! the suites' debug rusher-server for 30 s, where nothing may be lost, doubled, refused or
//! dropped).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::server::{self, Build, LocalServer, MEMBER_LIMIT};
use crate::setup::{self, Purpose};
use crate::shell::{Error, cmd, root, run_visible, write_table};
use crate::topology::{Cluster, Upstream};

mod chart;
mod table;

/// The steps of visitors, from a few to as many as the machine's limits allow: 19,000 is the most
/// one process holds under an open-files limit of 20,000 (`rusher-load` leaves out the steps its
/// own limit cannot hold), and one-process servers hold every visitor's socket too.
const STEPS: &str = "100,500,1000,2500,5000,10000,15000,19000";
/// Seconds each step is held and measured.
const HOLD_SECONDS: u64 = 30;
/// Visitors in `cargo xtask test`'s short load: a small site's busy hour, enough for rooms of two
/// and of ten, the lobby's overflow past its 100 members, and visitors coming and going.
const CHECK_VISITORS: u32 = 200;
/// How long it is held.
const CHECK_SECONDS: u32 = 30;

/// One set-up's figures: its name and each step's `load-step` JSON.
pub struct Run {
    /// What ran, as the table names it.
    pub name: &'static str,
    /// The steps, in order.
    pub steps: Vec<Value>,
}

/// `cargo xtask bench --scale`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// With --scale: the steps of visitors, comma-separated.
    #[arg(long, default_value = STEPS)]
    steps: String,
    /// With --scale: seconds each step is held and measured.
    #[arg(long, default_value_t = HOLD_SECONDS)]
    hold: u64,
    /// With --scale: only the set-ups whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// With --scale: the test suite's short load, where nothing may be lost (writes nothing).
    #[arg(long)]
    check: bool,
}

/// Builds the servers and the generator for speed (the `scale` profile).
fn build() -> Result<(), Error> {
    run_visible(cmd("cargo").args([
        "build",
        "--quiet",
        "--profile",
        "scale",
        "--package",
        "rusher-server",
        "--package",
        "rusher-soak",
    ]))
}

/// The suite's short load: [`CHECK_VISITORS`] visitors for [`CHECK_SECONDS`] on a debug
/// rusher-server; whether every figure was clean.
fn check() -> Result<bool, Error> {
    run_visible(cmd("cargo").args(["build", "--quiet", "--package", "rusher-soak"]))?;
    let server = LocalServer::start("load")?;
    let (port, pid) = (server.port(), server.pid());
    let target = chat(&[port], &[port], vec![("server", pid)]);
    let status = Command::new(root().join("target").join("debug").join("rusher-load"))
        .args(&target.args)
        .args(["--key", server::KEY, "--check"])
        .args(["--steps", &CHECK_VISITORS.to_string()])
        .args(["--hold", &CHECK_SECONDS.to_string()])
        .args(["--pid", &format!("server={pid}")])
        .status()?;
    Ok(status.success())
}

/// Where a set-up's load goes: rusher-load's arguments for the target, and the processes to
/// measure.
struct Target {
    args: Vec<String>,
    pids: Vec<(&'static str, u32)>,
}

fn loopback(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// Through the chat backends at `backends`, to the sockets at `sockets` (paired in order).
fn chat(backends: &[u16], sockets: &[u16], pids: Vec<(&'static str, u32)>) -> Target {
    let list = |ports: &[u16], scheme: &str| {
        ports
            .iter()
            .map(|port| format!("{scheme}{}", loopback(*port)))
            .collect::<Vec<_>>()
            .join(",")
    };
    Target {
        args: vec![
            "--chat".into(),
            list(backends, "http://"),
            "--sockets".into(),
            list(sockets, ""),
        ],
        pids,
    }
}

/// Straight to the REST API of the server on `port`.
fn raw(port: u16, pid: u32) -> Target {
    Target {
        args: [
            "--rest",
            &format!("http://{}", loopback(port)),
            "--app-id",
            server::APP_ID,
            "--secret",
            server::SECRET,
            "--sockets",
            &loopback(port),
        ]
        .map(str::to_owned)
        .to_vec(),
        pids: vec![("sockets", pid)],
    }
}

/// Runs rusher-load against a target; its steps.
fn load(target: &Target, settings: &Settings) -> Result<Vec<Value>, Error> {
    let binary = root().join("target").join("scale").join("rusher-load");
    let mut command = Command::new(binary);
    command
        .args(&target.args)
        .args(["--key", server::KEY])
        .args(["--steps", &settings.steps])
        .args(["--hold", &settings.hold.to_string()])
        .stdout(Stdio::piped());
    for (name, pid) in &target.pids {
        command.args(["--pid", &format!("{name}={pid}")]);
    }
    let mut child = command.spawn()?;
    let mut steps = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            match line.strip_prefix("load-step ") {
                Some(json) => steps.push(serde_json::from_str(json)?),
                None => println!("{line}"),
            }
        }
    }
    let status = child.wait()?;
    if steps.is_empty() {
        return Err(format!("rusher-load ended ({status}) without a step").into());
    }
    if !status.success() {
        println!("rusher-load: a step before the last lost or doubled messages ({status})");
    }
    Ok(steps)
}

/// Starts a set-up, loads it with the settings and stops it: its steps.
type StartAndLoad = fn(&Settings) -> Result<Vec<Value>, Error>;

/// The set-ups, each started, loaded and stopped in turn.
fn set_ups() -> Vec<(&'static str, StartAndLoad)> {
    vec![
        ("rusher-server (one binary, SQLite)", |settings| {
            let server = LocalServer::start_build(Build::Scale, "scale-rusher", &[])?;
            let (port, pid) = (server.port(), server.pid());
            load(&chat(&[port], &[port], vec![("server", pid)]), settings)
        }),
        ("sockudo + backend (--upstream, SQLite)", |settings| {
            let sockudo = setup::sockudo_release_binary();
            let upstream = Upstream::start_sockudo_on(&sockudo, Build::Scale)?;
            let (backend, backend_pid) = upstream.backend();
            let (sockets, sockets_pid) = upstream.sockets();
            let pids = vec![("sockets", sockets_pid), ("backend", backend_pid)];
            load(&chat(&[backend], &[sockets], pids), settings)
        }),
        (
            "2 sockudo nodes + Redis, 2 backends + PostgreSQL",
            |settings| {
                let sockudo = setup::sockudo_release_binary();
                let cluster = Cluster::start_sockudo_on(&sockudo, Build::Scale, MEMBER_LIMIT)?;
                let [(backend_1, node_1), (backend_2, node_2)] = cluster.pairs();
                let target = chat(&[backend_1, backend_2], &[node_1, node_2], cluster.pids());
                load(&target, settings)
            },
        ),
        ("raw fan-out: rusher-server", |settings| {
            let server = LocalServer::start_build(Build::Scale, "scale-rusher-raw", &[])?;
            load(&raw(server.port(), server.pid()), settings)
        }),
        ("raw fan-out: sockudo", |settings| {
            let server = LocalServer::start_sockudo(&setup::sockudo_release_binary())?;
            load(&raw(server.port(), server.pid()), settings)
        }),
        ("raw fan-out: soketi", |settings| {
            let server = LocalServer::start_soketi()?;
            load(&raw(server.port(), server.pid()), settings)
        }),
    ]
}

/// `cargo xtask bench --scale …`: runs every set-up (or those whose name holds `--only`'s word),
/// prints the table and writes it with its chart.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    if settings.check {
        return check();
    }
    setup::ensure(Purpose::Scale)?;
    build()?;
    let mut runs = Vec::new();
    for (name, start_and_load) in set_ups() {
        if settings
            .only
            .as_ref()
            .is_some_and(|word| !name.contains(word.as_str()))
        {
            continue;
        }
        println!("== {name}");
        runs.push(Run {
            name,
            steps: start_and_load(settings)?,
        });
    }
    let table = table::table(&runs);
    print!("{table}");
    if settings.only.is_none() {
        let path = root().join("BENCHMARKS.md");
        write_table(&path, "scale", "cargo xtask bench --scale", &table)?;
        let svg = chart::chart(&runs);
        std::fs::write(root().join("docs").join("scale.svg"), svg)?;
        println!("written into BENCHMARKS.md and docs/scale.svg");
    }
    Ok(true)
}
