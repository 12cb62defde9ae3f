//! `cargo xtask demo`: sets up, builds the demo page with Trunk and serves it at
//! http://127.0.0.1:8080.

use crate::setup;
use crate::shell::{Error, cmd, run_visible};

/// The address the demo is served on.
const ADDRESS: &str = "127.0.0.1";
const PORT: &str = "8080";

/// Builds and serves until interrupted.
pub fn run() -> Result<bool, Error> {
    setup::ensure_all()?;
    run_visible(cmd("trunk").args(["build", "--release"]))?;
    println!("demo: serving http://{ADDRESS}:{PORT} (Ctrl-C stops it)");
    run_visible(cmd("trunk").args([
        "serve",
        "--release",
        "--address",
        ADDRESS,
        "--port",
        PORT,
        "--no-autoreload",
    ]))?;
    Ok(true)
}
