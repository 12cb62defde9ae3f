//! `cargo xtask setup`: installs what a command needs, only when it is missing or at the wrong
//! version, from the package registries alone. Each tool belongs to a [`Group`]; each command
//! ([`Purpose`]) names the groups it uses, so `cargo xtask demo` never installs what only the
//! tests use. A first run prints one line per step with what it installs and how long that
//! usually takes on two cores; a run that finds everything prints one line.

mod install;
mod paths;
mod tools;

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;

use crate::shell::{
    Error, build_npm_dir, cargo_home, child_path, cmd, first_line, npm_dir, root, run_quiet,
    work_dir,
};

use install::*;
pub use paths::*;
pub use tools::BUNDLE_NIGHTLY;
use tools::*;

/// What a command needs set up (`setup --for NAME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Purpose {
    /// `cargo xtask demo`: build the npm packages and serve the demo.
    Demo,
    /// `cargo xtask package`: build the npm packages.
    Package,
    /// `cargo xtask size`: the packages and pusher-js to compare with.
    Size,
    /// `cargo xtask bench`: the packages, pusher-js and a browser.
    Bench,
    /// `cargo xtask test`: everything CI checks.
    Test,
    /// `cargo xtask fuzz`: libFuzzer on the protocol core's targets.
    Fuzz,
    /// `cargo xtask bench --scale`: sockudo's release build, soketi, PostgreSQL and Redis.
    Scale,
}

impl Purpose {
    /// The tool groups this purpose uses.
    fn groups(self) -> &'static [Group] {
        match self {
            Purpose::Demo | Purpose::Package => &[Group::Build],
            Purpose::Size => &[Group::Build, Group::TestPackages],
            Purpose::Bench => &[Group::Build, Group::Browser, Group::TestPackages],
            Purpose::Test => &[
                Group::Build,
                Group::Browser,
                Group::Engines,
                Group::TestPackages,
                Group::Interop,
                Group::Databases,
                Group::Trunk,
            ],
            Purpose::Fuzz => &[Group::Fuzz],
            Purpose::Scale => &[Group::Interop, Group::Databases, Group::Scale],
        }
    }
}

/// A set of tools that is installed together or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// Building the npm packages (and with them the demo): the bundle's pinned nightly,
    /// wasm-bindgen, binaryen and terser.
    Build,
    /// Headless Chromium and ChromeDriver.
    Browser,
    /// The other engines the browser suites run in: Firefox ESR with geckodriver, and
    /// WebKitGTK's MiniBrowser with WebKitWebDriver on an Xvfb display.
    Engines,
    /// The npm packages the browser tests and benchmarks load: pusher-js, Laravel Echo, the
    /// pusher server SDK, playwright-core.
    TestPackages,
    /// sockudo and what its build needs.
    Interop,
    /// The database servers the production-topology suites start: PostgreSQL and Redis.
    Databases,
    /// cargo-fuzz, the pinned nightly and a C++ compiler (libFuzzer is C++).
    Fuzz,
    /// Trunk, for the Leptos pages' builds (not for the demo, which needs no Trunk).
    Trunk,
    /// sockudo's release build, a fair peer in the scale benchmark.
    Scale,
}

/// One tool: how to read its version, what version is wanted, how to install it.
struct Tool {
    name: &'static str,
    /// The groups that use it.
    groups: &'static [Group],
    /// The version wanted; `None` accepts any.
    wanted: Option<String>,
    /// The installed version, if any.
    found: fn() -> Option<String>,
    /// What installing it does, and how long that usually takes on two cores.
    how: &'static str,
    install: fn(&Tool) -> Result<(), Error>,
}

/// `cargo xtask setup`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Only what this command needs (everything unless given).
    #[arg(long = "for", value_enum, value_name = "COMMAND")]
    purpose: Option<Purpose>,
    /// Only say what is present and what would be installed; fail when something is missing.
    #[arg(long)]
    check: bool,
}

/// `cargo xtask setup [--for COMMAND] [--check]`: installs what COMMAND needs (everything
/// without `--for`); with `--check`, only says what is present and what would be installed, and
/// fails when something is missing.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    let purposes = settings.purpose.map_or_else(
        || Purpose::value_variants().to_vec(),
        |purpose| vec![purpose],
    );
    let tools = needed(&purposes)?;
    if settings.check {
        return Ok(check(&tools));
    }
    install_missing(&tools).map(|()| true)
}

/// Installs what `purpose` needs and is missing. Called first by every command.
pub fn ensure(purpose: Purpose) -> Result<(), Error> {
    install_missing(&needed(&[purpose])?)
}

/// The tools the purposes use, in install order.
fn needed(purposes: &[Purpose]) -> Result<Vec<Tool>, Error> {
    let wanted = |group: &Group| purposes.iter().any(|p| p.groups().contains(group));
    Ok(tools()?
        .into_iter()
        .filter(|t| t.groups.iter().any(wanted))
        .collect())
}

/// Whether the tool is present at the wanted version; the version found, if any.
fn status(tool: &Tool) -> (bool, Option<String>) {
    let found = (tool.found)();
    let ok = match (&found, &tool.wanted) {
        (Some(version), Some(wanted)) => version == wanted,
        (Some(_), None) => true,
        (None, _) => false,
    };
    (ok, found)
}

/// Prints each tool's state; true when nothing is missing.
fn check(tools: &[Tool]) -> bool {
    let mut complete = true;
    for tool in tools {
        match status(tool) {
            (true, found) => println!(
                "setup: {}: found",
                describe(tool, found.as_deref().unwrap_or_default())
            ),
            (false, found) => {
                complete = false;
                println!(
                    "setup: {}: {}, would install: {}",
                    tool.name,
                    found.map_or_else(|| "missing".to_owned(), |v| format!("found {v}")),
                    tool.how
                );
            }
        }
    }
    complete
}

/// Installs every missing tool, one line per step; one line in all when nothing is missing.
fn install_missing(tools: &[Tool]) -> Result<(), Error> {
    let started = Instant::now();
    let missing: Vec<(&Tool, Option<String>)> = tools
        .iter()
        .filter_map(|tool| match status(tool) {
            (true, _) => None,
            (false, found) => Some((tool, found)),
        })
        .collect();
    if missing.is_empty() {
        let lines: Vec<String> = tools
            .iter()
            .map(|t| describe(t, &(t.found)().unwrap_or_default()))
            .collect();
        println!(
            "setup: everything present ({:.1} s): {}",
            started.elapsed().as_secs_f64(),
            lines.join(", ")
        );
        return Ok(());
    }
    println!(
        "setup: {} of {} tools to install; the first run takes a while, later runs find them",
        missing.len(),
        tools.len()
    );
    for (step, (tool, found)) in missing.iter().enumerate() {
        let step = format!("setup [{}/{}]", step + 1, missing.len());
        install_one(tool, found.as_deref(), &step)?;
    }
    println!("setup: done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Installs one missing tool (`found`: the version it had, if any), unless an earlier step
/// brought it, and checks what it reports after; `step` starts each line it prints.
fn install_one(tool: &Tool, found: Option<&str>, step: &str) -> Result<(), Error> {
    let started = Instant::now();
    if let (true, Some(now)) = status(tool) {
        // Chromium's package brings ChromeDriver, for one.
        println!(
            "{step}: {}: came with an earlier step",
            describe(tool, &now)
        );
        return Ok(());
    }
    let had = found.map_or_else(|| "missing".to_owned(), |v| format!("is {v}"));
    println!("{step}: {} {had}: {}…", tool.name, tool.how);
    (tool.install)(tool)?;
    let now = (tool.found)()
        .ok_or_else(|| format!("{} is still missing after installing it", tool.name))?;
    if tool.wanted.as_ref().is_some_and(|w| *w != now) {
        return Err(format!("{} installed, but it reports version {now}", tool.name).into());
    }
    println!(
        "{step}: {} installed in {:.0} s",
        describe(tool, &now),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `name version` for a setup line; npm packages are named with their versions.
fn describe(tool: &Tool, version: &str) -> String {
    match tool.name {
        BUILD_PACKAGES => format!("{BUILD_PACKAGES} ({})", npm_packages(&build_npm_dir())),
        TEST_PACKAGES => format!("{TEST_PACKAGES} ({})", npm_packages(&npm_dir())),
        APP_PACKAGES => format!("{APP_PACKAGES} ({})", npm_packages(&apps_dir())),
        SOKETI => "soketi 1.6.1".to_owned(),
        _ => format!("{} {version}", tool.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trunk takes a tool from PATH only at the version Trunk.toml pins (else it would download
    /// one): the pins must be the versions setup installs.
    #[test]
    fn trunk_toml_pins_the_tools_setup_installs() {
        let config = fs::read_to_string(root().join("Trunk.toml")).unwrap();
        let bindgen = locked_version("wasm-bindgen").unwrap();
        for pin in [
            format!("wasm_bindgen = \"{bindgen}\""),
            format!("wasm_opt = \"version_{WASM_OPT_VERSION}\""),
        ] {
            assert!(config.contains(&pin), "Trunk.toml has {pin}");
        }
    }
}
