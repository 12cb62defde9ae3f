//! Servers started for test suites, each on a free loopback port and stopped when dropped: how one
//! is launched, waited for, restarted and stopped, and what it tells a suite. What each is lives
//! in a module of its own: [`rusher`] (rusher-server), [`sockudo`], [`soketi`], and [`stores`]
//! (Redis and a throwaway PostgreSQL cluster).

mod rusher;
mod sockudo;
mod soketi;
mod stores;

use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::setup::postgres_bin;
use crate::shell::{Error, cmd, root, run_visible, work_dir};

/// The credentials suites use (test-only values): the same app as sockudo's and soketi's configs,
/// so that a chat backend in `--upstream` mode can sign for sockudo with them.
pub const APP_ID: &str = "app-id";
pub const KEY: &str = "app-key";
pub const SECRET: &str = "app-secret";
/// 32 bytes of 0x07, as in docs/protocol.md's examples.
const MASTER_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// The most members of a presence channel on the servers suites and benchmarks start, unless a
/// suite needs a room it can fill: 100, as on Pusher and by default on rusher-server and soketi.
pub const MEMBER_LIMIT: usize = 100;

/// Which build of rusher-server a server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// The debug build, built before it starts (the suites').
    Debug,
    /// The `scale` profile's build (optimized for speed), which the scale benchmark builds.
    Scale,
}

impl Build {
    /// The binary, built first when it is the debug build.
    fn binary(self) -> Result<std::path::PathBuf, Error> {
        match self {
            Build::Debug => {
                run_visible(cmd("cargo").args(["build", "--quiet", "--package", "rusher-server"]))?;
                Ok(root().join("target").join("debug").join("rusher-server"))
            }
            Build::Scale => Ok(root().join("target").join("scale").join("rusher-server")),
        }
    }
}

/// A running server; killed on drop.
pub struct LocalServer {
    child: Child,
    port: u16,
    kind: Kind,
    /// A free port the suite may serve pages on, which the server allows as an origin.
    page_port: Option<u16>,
    /// How it was started, to start it again after stopping it.
    launch: Launch,
}

/// How a server is started: the program, its arguments, its folder, the variables set (or
/// removed) for it, its log's name and the path that answers 200 once it is up.
struct Launch {
    program: OsString,
    args: Vec<OsString>,
    dir: Option<std::path::PathBuf>,
    env: Vec<(OsString, Option<OsString>)>,
    log: String,
    up_path: String,
}

/// How a server is stopped before it is started again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// SIGTERM, as a deploy would: the server closes its sockets (with 4200) and exits.
    Graceful,
    /// SIGKILL, as a crash would: connections end without a close frame.
    Kill,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rusher,
    Sockudo,
    Soketi,
    Postgres,
    Redis,
}

impl LocalServer {
    /// Spawns a server with its output in `logs/{log}.log` and waits until `up_path` answers 200
    /// (PostgreSQL: until `pg_isready` says so).
    fn launch(
        mut command: Command,
        log: &str,
        port: u16,
        kind: Kind,
        up_path: &str,
    ) -> Result<Self, Error> {
        let launch = Launch {
            program: command.get_program().to_owned(),
            args: command.get_args().map(ToOwned::to_owned).collect(),
            dir: command.get_current_dir().map(Path::to_path_buf),
            env: command
                .get_envs()
                .map(|(name, value)| (name.to_owned(), value.map(ToOwned::to_owned)))
                .collect(),
            log: log.to_owned(),
            up_path: up_path.to_owned(),
        };
        let log = fs::File::create(work_dir().join("logs").join(format!("{log}.log")))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let server = Self {
            child,
            port,
            kind,
            page_port: None,
            launch,
        };
        server.wait_until_up(up_path)?;
        Ok(server)
    }

    /// Stops the server and starts it again on the same port (its output appended to its log);
    /// returns once it answers again.
    pub fn restart(&mut self, stop: Stop) -> Result<(), Error> {
        if stop == Stop::Graceful {
            signal(&self.child, Signal::TERM);
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let launch = &self.launch;
        let log = fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(work_dir().join("logs").join(format!("{}.log", launch.log)))?;
        // Started again with the variables it was given, PATH and HOME, and nothing else.
        let mut command = Command::new(&launch.program);
        command.args(&launch.args).env_clear();
        for name in ["PATH", "HOME"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        if let Some(dir) = &launch.dir {
            command.current_dir(dir);
        }
        for (name, value) in &launch.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        self.child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.wait_until_up(&self.launch.up_path)
    }

    /// Waits (up to 20 s) until `GET path` answers 200, or PostgreSQL accepts connections.
    fn wait_until_up(&self, path: &str) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let pg_isready = postgres_bin("pg_isready");
        let port = self.port.to_string();
        loop {
            let up = match (self.kind, &pg_isready) {
                (Kind::Postgres, Some(pg_isready)) => Command::new(pg_isready)
                    .args(["-q", "-h", "127.0.0.1", "-p", &port])
                    .status()
                    .is_ok_and(|status| status.success()),
                (Kind::Redis, _) => redis_pong(self.port),
                _ => http_status(self.port, path).is_some_and(|status| status == 200),
            };
            if up {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(
                    format!("the server on port {} did not answer {path}", self.port).into(),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How it was started: `{"command": [program, args…], "env": {name: value}}` (the variables
    /// set for it).
    pub fn launched(&self) -> serde_json::Value {
        let text = |part: &OsString| part.to_string_lossy().into_owned();
        serde_json::json!({
            "command": std::iter::once(&self.launch.program)
                .chain(&self.launch.args)
                .map(text)
                .collect::<Vec<_>>(),
            "env": self
                .launch
                .env
                .iter()
                .filter_map(|(name, value)| Some((text(name), text(value.as_ref()?).into())))
                .collect::<serde_json::Map<_, _>>(),
        })
    }
}

/// What a suite runs against: it tells the suite's command where it is.
pub trait Service {
    /// Passes the service's addresses (and credentials) to a command, in its environment.
    fn configure(&self, command: &mut Command);
}

/// A started service, boxed for a suite.
pub fn boxed<S: Service + 'static>(started: Result<S, Error>) -> Result<Box<dyn Service>, Error> {
    started.map(|service| Box::new(service) as Box<dyn Service>)
}

impl Service for LocalServer {
    /// `RUSHER_*`, `SOCKUDO_*` or `RUSHER_TEST_DATABASE_URL` variables.
    fn configure(&self, command: &mut Command) {
        if let Some(page_port) = self.page_port {
            // wasm-bindgen-test-runner serves its test page there.
            command.env("RUSHER_PAGE_PORT", page_port.to_string()).env(
                "WASM_BINDGEN_TEST_ADDRESS",
                format!("127.0.0.1:{page_port}"),
            );
        }
        match self.kind {
            Kind::Rusher => command
                .env("RUSHER_SERVER_PID", self.child.id().to_string())
                .env("RUSHER_HOST", "127.0.0.1")
                .env("RUSHER_PORT", self.port.to_string())
                .env("RUSHER_APP_ID", APP_ID)
                .env("RUSHER_APP_KEY", KEY)
                .env("RUSHER_APP_SECRET", SECRET)
                .env("RUSHER_MASTER_KEY", MASTER_KEY),
            Kind::Sockudo => command
                .env("SOCKUDO_HOST", "127.0.0.1")
                .env("SOCKUDO_PORT", self.port.to_string()),
            Kind::Postgres => command.env("RUSHER_TEST_DATABASE_URL", self.postgres_url()),
            // Reached through the topologies that start them, which say where they are.
            Kind::Soketi | Kind::Redis => command,
        };
    }
}

/// Sends `signal` to a child; one that is gone already needs none.
fn signal(child: &Child, signal: Signal) {
    let _ = kill_process(Pid::from_child(child), signal);
}

/// A loopback port nothing listens on now.
fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Whether Redis on loopback answers `PING`. By hand: one command in Redis's protocol, where a
/// client crate would be the largest dependency xtask has.
fn redis_pong(port: u16) -> bool {
    let pong = || -> Option<bool> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        stream.write_all(b"PING\r\n").ok()?;
        let mut answer = [0u8; 5];
        stream.read_exact(&mut answer).ok()?;
        Some(&answer == b"+PONG")
    };
    pong().unwrap_or(false)
}

/// The status of a GET on loopback, if the server answers at all within 2 s.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build();
    let answer = ureq::Agent::new_with_config(config)
        .get(format!("http://127.0.0.1:{port}{path}"))
        .call()
        .ok()?;
    Some(answer.status().as_u16())
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if self.kind == Kind::Postgres {
            // A fast shutdown: the postmaster stops its backends and removes its files.
            signal(&self.child, Signal::INT);
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
