//! `cargo xtask soak [--minutes N] [--visitors N]`: rusher-soak against a fresh rusher-server:
//! N visitors (50) in one presence room for N minutes (10), the server's WebSocket side down for
//! 2 s every 30 s. Prints what was lost, doubled and recovered and the server's memory, and
//! writes the figures into RELIABILITY.md. `cargo xtask test` runs a short one as a suite.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::server::{LocalServer, Service};
use crate::shell::{Error, cmd, root, run_visible, write_section};

const BEGIN: &str = "<!-- soak table: written by `cargo xtask soak` -->";
const END: &str = "<!-- end of soak table -->";
const HEADER: &str = "| visitors | duration | outages | messages stored | deliveries expected | lost | doubled | read back from the history | member lists complete | slowest recovery | server memory |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n";

/// The soak driver, built.
pub fn driver() -> Result<Command, Error> {
    run_visible(cmd("cargo").args(["build", "--quiet", "--package", "rusher-soak"]))?;
    Ok(Command::new(
        root().join("target").join("debug").join("rusher-soak"),
    ))
}

/// `cargo xtask soak [--minutes N] [--visitors N]`.
pub fn run(args: &[String]) -> Result<bool, Error> {
    let mut minutes: u64 = 10;
    let mut visitors: u64 = 50;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or(format!("{flag} takes a number"))?;
        match flag.as_str() {
            "--minutes" => minutes = value,
            "--visitors" => visitors = value,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let mut command = driver()?;
    let server = LocalServer::start("soak")?;
    command
        .args(["--seconds", &(minutes * 60).to_string()])
        .args(["--visitors", &visitors.to_string()])
        .args(["--flap-every", "30", "--down-ms", "2000"])
        .stdout(Stdio::piped());
    server.configure(&mut command);
    let mut child = command.spawn()?;
    let mut row = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("soak-row ") {
                row = Some(rest.to_owned());
            }
        }
    }
    let passed = child.wait()?.success();
    drop(server);
    let Some(row) = row else {
        return Err("rusher-soak ended without its figures".into());
    };
    write_section(
        &root().join("RELIABILITY.md"),
        BEGIN,
        END,
        &[HEADER, &row, "\n"].concat(),
    )?;
    println!("(written into RELIABILITY.md)");
    Ok(passed)
}
