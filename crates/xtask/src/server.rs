//! A rusher-server started for a test suite: built, on a free loopback port, with a fresh data
//! dir and known credentials, stopped when dropped.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::shell::{Error, cmd, root, run_visible, work_dir};

/// The credentials suites use (test-only values).
const APP_ID: &str = "rusher-test";
const KEY: &str = "rusher-test-key";
const SECRET: &str = "rusher-test-secret";
/// 32 bytes of 0x07, as in PROTOCOL.md's examples.
const MASTER_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// A running server; killed on drop.
pub struct LocalServer {
    child: Child,
    port: u16,
}

impl LocalServer {
    /// Builds and starts the server with fault injection on; waits until it accepts connections.
    pub fn start(name: &str) -> Result<Self, Error> {
        run_visible(cmd("cargo").args(["build", "--quiet", "--package", "rusher-server"]))?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let data_dir = work_dir().join(format!("{name}-data"));
        let _ = fs::remove_dir_all(&data_dir);
        let log = fs::File::create(work_dir().join("logs").join(format!("{name}-server.log")))?;
        let child = Command::new(root().join("target").join("debug").join("rusher-server"))
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
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("rusher-server did not start listening within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    /// Passes the server's address and credentials to a command as `RUSHER_*` variables.
    pub fn configure(&self, command: &mut Command) {
        command
            .env("RUSHER_HOST", "127.0.0.1")
            .env("RUSHER_PORT", self.port.to_string())
            .env("RUSHER_APP_ID", APP_ID)
            .env("RUSHER_APP_KEY", KEY)
            .env("RUSHER_APP_SECRET", SECRET)
            .env("RUSHER_MASTER_KEY", MASTER_KEY);
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
