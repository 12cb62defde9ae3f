//! `cargo xtask demo`: sets up, builds the demo page with Trunk and serves it with rusher-server at
//! http://127.0.0.1:8080 (the Pusher endpoint, auth, chat backend and page on one port), with the
//! npm packages built into `www/pkg/` and `www/chat/` for the embed examples at `/www/embed.html`
//! and `/www/chat.html`.

use crate::setup;
use crate::shell::{Error, cmd, run_visible};

/// Builds and serves until interrupted.
pub fn run() -> Result<bool, Error> {
    setup::ensure_all()?;
    run_visible(cmd("trunk").args(["build", "--release"]))?;
    crate::package::build()?;
    crate::package::build_chat()?;
    run_visible(cmd("cargo").args([
        "run",
        "--quiet",
        "--package",
        "rusher-server",
        "--",
        "--host",
        "127.0.0.1",
        "--port",
        "8080",
        "--dist",
        "dist",
        "--www",
        "www",
    ]))?;
    Ok(true)
}
