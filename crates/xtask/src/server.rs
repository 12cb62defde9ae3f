//! Servers started for test suites, each on a free loopback port and stopped when dropped:
//! rusher-server (built, fresh data dir, known credentials), sockudo (the Pusher server nobody
//! here wrote, from `cargo xtask setup`) and a throwaway PostgreSQL cluster.

use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup::{self, postgres_bin};
use crate::shell::{Error, cmd, first_line, root, run_quiet, run_visible, work_dir};

/// The credentials suites use (test-only values): the same app as sockudo's config below, so
/// that a chat backend in `--upstream` mode can sign for sockudo with them.
pub const APP_ID: &str = "app-id";
pub const KEY: &str = "app-key";
pub const SECRET: &str = "app-secret";
/// 32 bytes of 0x07, as in docs/protocol.md's examples.
const MASTER_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// The most members of a presence channel on the servers suites and benchmarks start, unless a
/// suite needs a room it can fill: 100, as on Pusher and by default on rusher-server and soketi.
pub const MEMBER_LIMIT: usize = 100;

/// sockudo's app, as its config file below declares it, its presence channels holding
/// `MEMBERS` members (an app's limit left out is no limit in sockudo).
const SOCKUDO_CONFIG: &str = r#"host = "127.0.0.1"
port = PORT
mode = "development"
shutdown_grace_period = 0
activity_timeout = 120
[adapter]
driver = "local"
[cache]
driver = "memory"
[queue]
driver = "memory"
[rate_limiter]
enabled = false
[metrics]
enabled = false
host = "127.0.0.1"
[app_manager]
driver = "memory"
[[app_manager.array.apps]]
id = "app-id"
key = "app-key"
secret = "app-secret"
enabled = true
[app_manager.array.apps.policy.limits]
max_connections = 0
max_client_events_per_second = 0
max_event_payload_in_kb = 10
max_presence_members_per_channel = MEMBERS
[app_manager.array.apps.policy.features]
enable_client_messages = true
enable_user_authentication = true
"#;

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
    /// Builds and starts the server with fault injection on; waits until it accepts connections.
    pub fn start(name: &str) -> Result<Self, Error> {
        Self::start_with(name, &[])
    }

    /// The chat widget suite's server: a small member limit, so that a test can fill a room,
    /// and a chat backend that also allows pages from `http://localhost:PORT` (another site).
    pub fn start_for_widget() -> Result<Self, Error> {
        let flags = [
            "--member-limit",
            "5",
            "--allow-origin",
            "http://localhost:{port}",
        ];
        Self::start_with("widget", &flags)
    }

    /// [`start`](Self::start) with more server flags, in which `{port}` stands for the port it
    /// listens on. Its chat backend allows pages from `http://127.0.0.1:PAGE_PORT`, a free port
    /// the suite may serve pages on (the browser test runner, a test's own pages).
    pub fn start_with(name: &str, flags: &[&str]) -> Result<Self, Error> {
        Self::start_build(Build::Debug, name, flags)
    }

    /// [`start_with`](Self::start_with) on the given build of rusher-server.
    pub fn start_build(build: Build, name: &str, flags: &[&str]) -> Result<Self, Error> {
        let binary = build.binary()?;
        let port = free_port()?;
        let page_port = free_port()?;
        let page_origin = format!("http://127.0.0.1:{page_port}");
        let flags: Vec<String> = flags
            .iter()
            .map(|flag| flag.replace("{port}", &port.to_string()))
            .collect();
        let data_dir = work_dir().join(format!("{name}-data"));
        let _ = fs::remove_dir_all(&data_dir);
        let mut command = Command::new(binary);
        command
            .current_dir(root())
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--faults",
            ])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--app-id", APP_ID, "--app-key", KEY, "--app-secret", SECRET])
            .args(["--master-key", MASTER_KEY])
            .args(["--allow-origin", &page_origin])
            .args(flags);
        let mut server = Self::launch(
            command,
            &format!("{name}-server"),
            port,
            Kind::Rusher,
            "/up",
        )?;
        server.page_port = Some(page_port);
        Ok(server)
    }

    /// Starts sockudo with a minimal config on loopback (its defaults would listen on 0.0.0.0,
    /// rate-limit connects and expose metrics), in a clean environment so no stray variable
    /// applies; waits until its app answers `/up/app-id`.
    pub fn start_sockudo(binary: &Path) -> Result<Self, Error> {
        Self::start_sockudo_node(binary, "sockudo", None, MEMBER_LIMIT)
    }

    /// Starts a sockudo node named `name` whose presence channels hold `member_limit` members;
    /// with `redis_port`, clustered with the other nodes on that Redis (its adapter and cache
    /// there).
    pub fn start_sockudo_node(
        binary: &Path,
        name: &str,
        redis_port: Option<u16>,
        member_limit: usize,
    ) -> Result<Self, Error> {
        let port = free_port()?;
        let mut config = SOCKUDO_CONFIG
            .replace("PORT", &port.to_string())
            .replace("MEMBERS", &member_limit.to_string());
        if let Some(redis_port) = redis_port {
            config = config
                .replace(
                    "[adapter]\ndriver = \"local\"",
                    "[adapter]\ndriver = \"redis\"",
                )
                .replace(
                    "[cache]\ndriver = \"memory\"",
                    "[cache]\ndriver = \"redis\"",
                );
            config.push_str(&format!(
                "[database.redis]\nhost = \"127.0.0.1\"\nport = {redis_port}\n"
            ));
        }
        let config_path = work_dir().join(format!("{name}.toml"));
        fs::write(&config_path, config)?;
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", std::env::var_os("HOME").unwrap_or_default())
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .arg("--config")
            .arg(&config_path);
        Self::launch(command, name, port, Kind::Sockudo, "/up/app-id")
    }

    /// Starts soketi (from `cargo xtask setup`) on loopback with this suite's app; its cluster
    /// discovery, which it always starts, pinned to loopback too. Waits until `/ready` answers.
    pub fn start_soketi() -> Result<Self, Error> {
        Self::start_soketi_node("soketi", None, MEMBER_LIMIT)
    }

    /// Starts a soketi node named `name` whose presence channels hold `member_limit` members;
    /// with `redis_port`, clustered with the other nodes on that Redis (its adapter there).
    pub fn start_soketi_node(
        name: &str,
        redis_port: Option<u16>,
        member_limit: usize,
    ) -> Result<Self, Error> {
        let (port, cluster_port, metrics_port) = (free_port()?, free_port()?, free_port()?);
        let mut config = serde_json::json!({
            "host": "127.0.0.1",
            "port": port,
            "metrics.enabled": false,
            "metrics.host": "127.0.0.1",
            "metrics.port": metrics_port,
            "cluster.hostname": "127.0.0.1",
            "cluster.address": "127.0.0.1",
            "cluster.broadcast": "127.0.0.1",
            "cluster.port": cluster_port,
            "cluster.unicast": format!("127.0.0.1:{cluster_port}"),
            "appManager.array.apps": [{
                "id": APP_ID, "key": KEY, "secret": SECRET, "enabled": true,
                "enableClientMessages": true, "enableUserAuthentication": true,
                "maxClientEventsPerSecond": -1,
                "maxPresenceMembersPerChannel": member_limit,
            }],
        });
        if let (Some(redis_port), Some(fields)) = (redis_port, config.as_object_mut()) {
            fields.insert("adapter.driver".into(), "redis".into());
            fields.insert("database.redis.host".into(), "127.0.0.1".into());
            fields.insert("database.redis.port".into(), redis_port.into());
        }
        let config_path = work_dir().join(format!("{name}.json"));
        fs::write(&config_path, serde_json::to_string_pretty(&config)?)?;
        let mut command = Command::new("node");
        command
            .arg(setup::soketi_dir().join("node_modules/@soketi/soketi/bin/server.js"))
            .arg("start")
            .arg(format!("--config={}", config_path.display()))
            .env_remove("PORT")
            .env_remove("HOST");
        Self::launch(command, name, port, Kind::Soketi, "/ready")
    }

    /// Starts a throwaway Redis on a loopback port, keeping nothing on disk.
    pub fn start_redis() -> Result<Self, Error> {
        let port = free_port()?;
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .current_dir(work_dir());
        Self::launch(command, "redis", port, Kind::Redis, "")
    }

    /// Starts `rusher-server --upstream` (the chat backend alone) for the app on the node at
    /// `node_port`, whose presence channels hold `member_limit` members, on the PostgreSQL at
    /// `database_url` (else SQLite), serving `www/`.
    pub fn start_replica(
        build: Build,
        name: &str,
        node_port: u16,
        database_url: Option<&str>,
        member_limit: usize,
    ) -> Result<Self, Error> {
        let upstream = format!("http://127.0.0.1:{node_port}");
        let member_limit = member_limit.to_string();
        let mut flags = vec!["--upstream", &upstream, "--member-limit", &member_limit];
        if let Some(url) = database_url {
            flags.extend(["--database-url", url]);
        }
        Self::start_build(build, name, &flags)
    }

    /// The URL of the `postgres` database on this PostgreSQL server.
    pub fn postgres_url(&self) -> String {
        format!("postgres://rusher@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts a throwaway PostgreSQL cluster in `target/xtask/postgres` on a loopback port (as the
    /// `postgres` user when running as root: it refuses root), with user `rusher` and trust
    /// authentication; waits until it accepts connections.
    pub fn start_postgres() -> Result<Self, Error> {
        let (Some(initdb), Some(postgres)) = (postgres_bin("initdb"), postgres_bin("postgres"))
        else {
            return Err("PostgreSQL is not installed (cargo xtask setup installs it)".into());
        };
        let port = free_port()?;
        let dir = work_dir().join("postgres");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        let as_root = first_line("id", &["-u"]).as_deref() == Some("0");
        if as_root {
            run_quiet(
                cmd("chown").args(["-R", "postgres"]).arg(&dir),
                "chown postgres",
                None,
            )?;
        }
        let run_as = |program: &std::path::Path| {
            let mut command = if as_root {
                let mut command = Command::new("setpriv");
                command
                    .args([
                        "--reuid=postgres",
                        "--regid=postgres",
                        "--init-groups",
                        "--",
                    ])
                    .arg(program);
                command
            } else {
                Command::new(program)
            };
            command.current_dir(&dir);
            command
        };
        let data = dir.join("data");
        run_quiet(
            run_as(&initdb)
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", "rusher", "--no-sync"]),
            "initdb",
            Some(&work_dir().join("logs").join("postgres-initdb.log")),
        )?;
        let mut command = run_as(&postgres);
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(&dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
        Self::launch(command, "postgres", port, Kind::Postgres, "")
    }

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
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
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

/// A loopback port nothing listens on now.
fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Whether Redis on loopback answers `PING`.
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

/// The status of a plain HTTP/1.1 GET on loopback, if the server answers at all (soketi answers
/// no HTTP/1.0).
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(head.get(9..12)?).ok()?.parse().ok()
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if self.kind == Kind::Postgres {
            // A fast shutdown: the postmaster stops its backends and removes its files.
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
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
