//! `cargo xtask demo [--port N]`: installs what the demo needs (and nothing the tests alone
//! need), builds the two npm packages (the chat widget, which the demo page `www/index.html`
//! mounts, and the client, which `/www/embed.html` imports) and serves them with rusher-server at
//! http://127.0.0.1:8080: the page, the Pusher endpoint, auth and the chat backend on one port.

use std::net::TcpListener;
use std::time::Instant;

use crate::package;
use crate::setup::{self, Purpose};
use crate::shell::{Error, cmd, run_quiet, run_visible, work_dir};

/// The port the demo serves on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 8080;

/// Builds and serves until interrupted.
pub fn run(port: u16) -> Result<bool, Error> {
    // Said before anything slow, so that a taken port is not found out after minutes of building.
    if TcpListener::bind(("127.0.0.1", port)).is_err() {
        return Err(format!(
            "port {port} on 127.0.0.1 is taken (another demo, or another server, is running). \
             Stop it, or pick another port: cargo xtask demo --port {}",
            port.saturating_add(1)
        )
        .into());
    }
    setup::ensure(Purpose::Demo)?;
    step(
        "the chat widget's package into www/chat/",
        "about 2 min",
        || package::build_chat().map(drop),
    )?;
    step("the client's package into www/pkg/", "about 30 s", || {
        package::build().map(drop)
    })?;
    step("rusher-server", "about 55 s", || {
        run_quiet(
            cmd("cargo").args(["build", "--package", "rusher-server"]),
            "cargo build --package rusher-server",
            Some(&work_dir().join("logs").join("demo-server-build.log")),
        )
    })?;
    let port = port.to_string();
    run_visible(cmd("cargo").args([
        "run",
        "--quiet",
        "--package",
        "rusher-server",
        "--",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--www",
        "www",
    ]))?;
    Ok(true)
}

/// Runs one build step on one line: what it builds, how long a first build takes on two cores,
/// and how long it took.
fn step(
    what: &str,
    first_time: &str,
    build: impl FnOnce() -> Result<(), Error>,
) -> Result<(), Error> {
    use std::io::Write;
    let started = Instant::now();
    print!("demo: building {what} (first build: {first_time} on 2 cores)… ");
    let _ = std::io::stdout().flush();
    build()?;
    println!("done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
