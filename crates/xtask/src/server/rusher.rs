//! rusher-server as the suites start it: built, with a fresh data folder, this suite's app and
//! fault injection; alone (the embedded default) or as a chat backend (`--upstream`).

use std::fs;
use std::process::Command;

use super::{APP_ID, Build, KEY, Kind, LocalServer, MASTER_KEY, SECRET, free_port};
use crate::shell::{Error, root, work_dir};

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
}
