//! `cargo xtask setup`: installs what a command needs, only when it is missing or at the wrong
//! version, from the package registries alone. Each tool belongs to a [`Group`]; each command
//! ([`Purpose`]) names the groups it uses, so `cargo xtask demo` never installs what only the
//! tests use. A first run prints one line per step with what it installs and how long that
//! usually takes on two cores; a run that finds everything prints one line.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::shell::{
    Error, build_npm_dir, cargo_home, child_path, cmd, first_line, npm_dir, root, run_quiet,
    work_dir,
};

const WASM_PACK_VERSION: &str = "0.15.1";
/// npm's binaryen (`crates/xtask/npm/package.json`); Debian's wasm-opt 108 breaks wasm-bindgen
/// 0.2.130's output.
const WASM_OPT_VERSION: &str = "132";
/// sockudo, the third-party Pusher server the interop suite runs against.
const SOCKUDO_VERSION: &str = "5.2.0";
/// Its features: one node on its own (`local`), and nodes clustered over Redis (`redis`).
const SOCKUDO_FEATURES: &str = "local redis";
/// The nightly that builds the client's npm bundle: `core` and `alloc` rebuilt with panics that
/// abort on the spot (`-Cpanic=immediate-abort`), which leaves every panic message, location and
/// their formatting out of the wasm (about 9% of it). Pinned, so that the bundle is reproducible.
pub const BUNDLE_NIGHTLY: &str = "nightly-2026-05-20";
/// The cargo-fuzz that `cargo xtask fuzz` drives libFuzzer with (on [`BUNDLE_NIGHTLY`]).
const CARGO_FUZZ_VERSION: &str = "0.13.1";
/// geckodriver, which drives Firefox for the suites (the npm package downloads a binary from
/// outside the registries; this builds it from crates.io).
const GECKODRIVER_VERSION: &str = "0.37.1";
/// Trunk, which builds the Leptos pages (`index.html` at the top, the example Leptos app) in the
/// suite and serves them to a developer. 0.21: Trunk 0.22 needs a newer Rust than the workspace's.
const TRUNK_VERSION: &str = "0.21.14";
/// Where Debian's WebKitGTK puts its MiniBrowser, the browser WebKitWebDriver starts.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
/// Debian's Firefox ESR.
pub const FIREFOX: &str = "/usr/bin/firefox-esr";

/// What a command needs set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// Every purpose, for `setup` without `--for`.
    const ALL: [Purpose; 7] = [
        Purpose::Demo,
        Purpose::Package,
        Purpose::Size,
        Purpose::Bench,
        Purpose::Test,
        Purpose::Fuzz,
        Purpose::Scale,
    ];

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

    /// The purpose named on the command line (`--for NAME`).
    pub fn from_name(name: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The command's name.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Demo => "demo",
            Purpose::Package => "package",
            Purpose::Size => "size",
            Purpose::Bench => "bench",
            Purpose::Test => "test",
            Purpose::Fuzz => "fuzz",
            Purpose::Scale => "scale",
        }
    }
}

/// A set of tools that is installed together or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// Building the npm packages (and with them the demo): wasm32, the bundle's nightly,
    /// wasm-bindgen, wasm-pack, binaryen and terser.
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

/// `cargo xtask setup [--for COMMAND] [--check]`: installs what COMMAND needs (everything
/// without `--for`); with `--check`, only says what is present and what would be installed, and
/// fails when something is missing.
pub fn run(args: &[String]) -> Result<bool, Error> {
    let mut purposes = Purpose::ALL.to_vec();
    let mut check_only = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check_only = true,
            "--for" => {
                let name = args.next().map(String::as_str).unwrap_or_default();
                let purpose = Purpose::from_name(name).ok_or_else(|| {
                    let names: Vec<&str> = Purpose::ALL.iter().map(|p| p.name()).collect();
                    format!("--for takes one of {}", names.join(", "))
                })?;
                purposes = vec![purpose];
            }
            other => return Err(format!("setup: unknown argument {other}").into()),
        }
    }
    let tools = needed(&purposes)?;
    if check_only {
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
        let tool_started = Instant::now();
        if let (true, Some(now)) = status(tool) {
            // Chromium's package brings ChromeDriver, for one.
            println!(
                "setup [{}/{}]: {}: came with an earlier step",
                step + 1,
                missing.len(),
                describe(tool, &now)
            );
            continue;
        }
        println!(
            "setup [{}/{}]: {} {}: {}…",
            step + 1,
            missing.len(),
            tool.name,
            found
                .as_ref()
                .map_or_else(|| "missing".to_owned(), |v| format!("is {v}")),
            tool.how,
        );
        (tool.install)(tool)?;
        let now = (tool.found)()
            .ok_or_else(|| format!("{} is still missing after installing it", tool.name))?;
        if tool.wanted.as_ref().is_some_and(|w| *w != now) {
            return Err(format!("{} installed, but it reports version {now}", tool.name).into());
        }
        println!(
            "setup [{}/{}]: {} installed in {:.0} s",
            step + 1,
            missing.len(),
            describe(tool, &now),
            tool_started.elapsed().as_secs_f64()
        );
    }
    println!("setup: done in {:.0} s", started.elapsed().as_secs_f64());
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

const BUILD_PACKAGES: &str = "npm build tools";
const SOKETI: &str = "soketi";
const TEST_PACKAGES: &str = "npm test packages";
/// The setup line of the build tools and frameworks the app suite builds with.
const APP_PACKAGES: &str = "npm app packages";

fn tools() -> Result<Vec<Tool>, Error> {
    Ok(vec![
        Tool {
            name: "rust target",
            groups: &[Group::Build],
            wanted: None,
            found: || {
                let out = cmd("rustup")
                    .args(["target", "list", "--installed"])
                    .output()
                    .ok()?;
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .any(|l| l.trim() == "wasm32-unknown-unknown")
                    .then(|| "wasm32-unknown-unknown".to_owned())
            },
            how: "rustup target add wasm32-unknown-unknown (about 10 s)",
            install: |tool| {
                quiet(
                    tool,
                    cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
                )
            },
        },
        Tool {
            name: "rust for the npm bundle",
            groups: &[Group::Build, Group::Fuzz],
            wanted: Some(BUNDLE_NIGHTLY.to_owned()),
            found: || {
                let out = cmd("rustup")
                    .args([
                        "component",
                        "list",
                        "--installed",
                        "--toolchain",
                        BUNDLE_NIGHTLY,
                    ])
                    .output()
                    .ok()?;
                let installed = String::from_utf8_lossy(&out.stdout);
                let has = |component: &str| installed.lines().any(|l| l.starts_with(component));
                (has("rust-src") && has("rust-std-wasm32-unknown-unknown"))
                    .then(|| BUNDLE_NIGHTLY.to_owned())
            },
            how: "rustup toolchain install with rust-src and wasm32 (about 15 s)",
            install: |tool| {
                quiet(
                    tool,
                    cmd("rustup").args([
                        "toolchain",
                        "install",
                        BUNDLE_NIGHTLY,
                        "--profile",
                        "minimal",
                        "--component",
                        "rust-src",
                        "--target",
                        "wasm32-unknown-unknown",
                    ]),
                )
            },
        },
        Tool {
            name: "wasm-bindgen",
            groups: &[Group::Build],
            wanted: Some(locked_version("wasm-bindgen")?),
            found: || version_word(&first_line("wasm-bindgen", &["--version"])?, 1),
            how: "cargo install wasm-bindgen-cli, compiled from crates.io (about 1.5 min)",
            // No --locked: the CLI's lock file names a webpki-roots the registry lacks.
            install: |tool| {
                let version = format!("={}", tool.wanted.as_deref().unwrap_or_default());
                quiet(
                    tool,
                    cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]),
                )
            },
        },
        Tool {
            name: "wasm-pack",
            groups: &[Group::Build],
            wanted: Some(WASM_PACK_VERSION.to_owned()),
            found: || version_word(&first_line("wasm-pack", &["--version"])?, 1),
            how: "cargo install wasm-pack, compiled from crates.io (about 1.5 min)",
            install: |tool| {
                let version = format!("={WASM_PACK_VERSION}");
                quiet(
                    tool,
                    cmd("cargo").args(["install", "wasm-pack", "--version", &version, "--locked"]),
                )
            },
        },
        Tool {
            name: BUILD_PACKAGES,
            groups: &[Group::Build],
            wanted: Some(lock_stamp(&build_npm_dir())?),
            found: || installed_stamp(&build_npm_dir()),
            how: "npm ci in crates/xtask/npm: binaryen's wasm-opt and terser (about 5 s)",
            install: |tool| npm_ci(tool, &build_npm_dir()),
        },
        Tool {
            name: "wasm-opt (npm binaryen)",
            groups: &[Group::Build],
            wanted: Some(WASM_OPT_VERSION.to_owned()),
            // "wasm-opt version 132 (version_132)"
            found: || version_word(&first_line("wasm-opt", &["--version"])?, 2),
            how: "comes with the npm build tools",
            install: |_| {
                Err(
                    "wasm-opt comes from the npm package binaryen in crates/xtask/npm; \
                     `npm ci` there did not provide it"
                        .into(),
                )
            },
        },
        Tool {
            name: "chromium",
            groups: &[Group::Browser],
            wanted: None,
            found: || {
                let binary = chromium_binary()?;
                version_word(&first_line(&binary.to_string_lossy(), &["--version"])?, 1)
            },
            how: "apt-get install chromium chromium-driver (about 30 s)",
            install: |tool| apt_install(tool, &["chromium", "chromium-driver"]),
        },
        Tool {
            name: "chromedriver",
            groups: &[Group::Browser],
            wanted: None,
            found: || version_word(&first_line("chromedriver", &["--version"])?, 1),
            how: "apt-get install chromium chromium-driver (about 30 s)",
            install: |tool| apt_install(tool, &["chromium", "chromium-driver"]),
        },
        Tool {
            name: "firefox-esr",
            groups: &[Group::Engines],
            wanted: None,
            // "Mozilla Firefox 153.8.0esr"
            found: || version_word(&first_line(FIREFOX, &["--version"])?, 2),
            how: "apt-get install firefox-esr (about 30 s)",
            install: |tool| apt_install(tool, &["firefox-esr"]),
        },
        Tool {
            name: "geckodriver",
            groups: &[Group::Engines],
            wanted: Some(GECKODRIVER_VERSION.to_owned()),
            // "geckodriver 0.37.1"
            found: || {
                version_word(
                    &first_line(&geckodriver_binary().to_string_lossy(), &["--version"])?,
                    1,
                )
            },
            how: "cargo install geckodriver into $CARGO_HOME/rusher-tools, compiled from crates.io (about 2 min)",
            install: |tool| {
                let version = format!("={GECKODRIVER_VERSION}");
                quiet(
                    tool,
                    cmd("cargo")
                        .args(["install", "geckodriver", "--version", &version, "--locked"])
                        .arg("--root")
                        .arg(geckodriver_root()),
                )
            },
        },
        Tool {
            name: "WebKitGTK (MiniBrowser, WebKitWebDriver)",
            groups: &[Group::Engines],
            wanted: None,
            found: || {
                let browser = Path::new(MINIBROWSER).exists();
                browser
                    .then(|| debian_version("webkit2gtk-driver"))
                    .flatten()
            },
            how: "apt-get install webkit2gtk-driver libwebkit2gtk-4.1-0 (about 40 s)",
            install: |tool| apt_install(tool, &["webkit2gtk-driver", "libwebkit2gtk-4.1-0"]),
        },
        Tool {
            name: "Xvfb",
            groups: &[Group::Engines],
            wanted: None,
            found: || debian_version("xvfb"),
            how: "apt-get install xvfb (about 10 s)",
            install: |tool| apt_install(tool, &["xvfb"]),
        },
        Tool {
            // Hides a WebKitGTK window on the Xvfb display (unmaps it) for the hidden-tab suite:
            // WebKit then hides the page and throttles its timers, as behind a visitor's other
            // windows.
            name: "xdotool",
            groups: &[Group::Engines],
            wanted: None,
            found: || debian_version("xdotool"),
            how: "apt-get install xdotool (about 5 s)",
            install: |tool| apt_install(tool, &["xdotool"]),
        },
        Tool {
            name: TEST_PACKAGES,
            groups: &[Group::TestPackages],
            wanted: Some(lock_stamp(&npm_dir())?),
            found: || installed_stamp(&npm_dir()),
            how: "npm ci in tests: pusher-js, laravel-echo, pusher, playwright-core, selenium-webdriver, axe-core (about 5 s)",
            install: |tool| npm_ci(tool, &npm_dir()),
        },
        Tool {
            name: APP_PACKAGES,
            groups: &[Group::TestPackages],
            wanted: Some(lock_stamp(&apps_dir())?),
            found: || installed_stamp(&apps_dir()),
            how: "npm ci in tests/apps: Vite, webpack, esbuild, TypeScript, React with its types, @laravel/echo-react, Vue with its Vite plugin, @laravel/echo-vue, publint, @arethetypeswrong (about 20 s)",
            install: |tool| npm_ci(tool, &apps_dir()),
        },
        Tool {
            name: "protoc with the well-known types (to build sockudo)",
            groups: &[Group::Interop],
            wanted: None,
            found: protoc_with_well_known_types,
            how: "apt-get install protobuf-compiler libprotobuf-dev (about 20 s)",
            install: |tool| apt_install(tool, &["protobuf-compiler", "libprotobuf-dev"]),
        },
        Tool {
            name: "sockudo",
            groups: &[Group::Interop],
            wanted: Some(SOCKUDO_VERSION.to_owned()),
            found: || installed_sockudo(&sockudo_binary()),
            how: "cargo install sockudo (debug build, local and Redis adapters) into $CARGO_HOME/rusher-tools (about 3 min)",
            // Debug build: it compiles in half the time, and tests need no speed from it.
            install: |tool| install_sockudo(tool, Profile::Debug),
        },
        Tool {
            name: "sockudo, release build",
            groups: &[Group::Scale],
            wanted: Some(SOCKUDO_VERSION.to_owned()),
            found: || installed_sockudo(&sockudo_release_binary()),
            how: "cargo install sockudo (release build, local and Redis adapters) into $CARGO_HOME/rusher-tools (about 15 min)",
            install: |tool| install_sockudo(tool, Profile::Release),
        },
        Tool {
            name: SOKETI,
            groups: &[Group::Interop],
            wanted: Some(lock_stamp(&soketi_dir())?),
            found: || installed_stamp(&soketi_dir()),
            how: "npm ci in tests/soketi: @soketi/soketi 1.6.1 with uWebSockets.js from npm (about 15 s)",
            install: |tool| npm_ci(tool, &soketi_dir()),
        },
        Tool {
            name: "postgresql",
            groups: &[Group::Databases],
            wanted: None,
            // "initdb (PostgreSQL) 15.18"
            found: || {
                version_word(
                    &first_line(&postgres_bin("initdb")?.to_string_lossy(), &["--version"])?,
                    2,
                )
            },
            how: "apt-get install postgresql (about 20 s)",
            install: |tool| apt_install(tool, &["postgresql"]),
        },
        Tool {
            name: "redis-server",
            groups: &[Group::Databases],
            wanted: None,
            // "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=..."
            found: || {
                let line = first_line("redis-server", &["--version"])?;
                version_word(&line, 2)?
                    .strip_prefix("v=")
                    .map(str::to_owned)
            },
            how: "apt-get install redis-server (about 10 s)",
            install: |tool| apt_install(tool, &["redis-server"]),
        },
        Tool {
            name: "trunk",
            groups: &[Group::Trunk],
            wanted: Some(TRUNK_VERSION.to_owned()),
            // "trunk 0.21.14"
            found: || {
                version_word(
                    &first_line(&trunk_binary().to_string_lossy(), &["--version"])?,
                    1,
                )
            },
            how: "cargo install trunk into $CARGO_HOME/rusher-tools, compiled from crates.io without its update check (about 6 min)",
            // Without link-time optimization and in parallel units: Trunk's own release profile
            // (fat LTO, one unit) would take twice as long to build, for a tool that only runs
            // builds.
            install: |tool| {
                let version = format!("={TRUNK_VERSION}");
                quiet(
                    tool,
                    cmd("cargo")
                        .args(["install", "trunk", "--version", &version, "--locked"])
                        .args(["--no-default-features", "--features", "rustls"])
                        .env("CARGO_PROFILE_RELEASE_LTO", "off")
                        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
                        .arg("--root")
                        .arg(trunk_root()),
                )
            },
        },
        Tool {
            name: "c++ compiler",
            groups: &[Group::Fuzz],
            wanted: None,
            // "c++ (Debian 12.2.0-14) 12.2.0"
            found: || first_line("c++", &["--version"]).map(|line| line.replace("c++ ", "")),
            how: "apt-get install g++ (about 30 s)",
            install: |tool| apt_install(tool, &["g++"]),
        },
        Tool {
            name: "cargo-fuzz",
            groups: &[Group::Fuzz],
            wanted: Some(CARGO_FUZZ_VERSION.to_owned()),
            // "cargo-fuzz 0.13.1"
            found: || version_word(&first_line("cargo", &["fuzz", "--version"])?, 1),
            how: "cargo install cargo-fuzz, compiled from crates.io (about 1.5 min)",
            install: |tool| {
                let version = format!("={CARGO_FUZZ_VERSION}");
                quiet(
                    tool,
                    cmd("cargo").args(["install", "cargo-fuzz", "--version", &version, "--locked"]),
                )
            },
        },
    ])
}

/// A PostgreSQL server program (`initdb`, `postgres`, `pg_isready`) of the newest version
/// installed, where Debian puts them.
pub fn postgres_bin(name: &str) -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path().join("bin").join(name)))
        .filter(|path| path.is_file())
        .collect();
    versions.sort_by_key(|path| {
        path.ancestors()
            .nth(2)
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
    });
    versions.pop()
}

/// Runs an installer with its output in `target/xtask/logs/setup-NAME.log`, shown on failure.
fn quiet(tool: &Tool, command: &mut std::process::Command) -> Result<(), Error> {
    let log = work_dir()
        .join("logs")
        .join(format!("setup-{}.log", tool.name.replace(' ', "-")));
    run_quiet(command, tool.name, Some(&log))
}

/// The version of a package in Cargo.lock.
fn locked_version(package: &str) -> Result<String, Error> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"")
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock").into())
}

/// The `n`th whitespace-separated word of a `--version` line.
fn version_word(line: &str, n: usize) -> Option<String> {
    line.split_whitespace().nth(n).map(str::to_owned)
}

/// protoc's version, when it can also compile a file that imports a well-known type, as
/// sockudo's build does (Debian ships those `.proto` files in `libprotobuf-dev`, apart from
/// `protoc`).
fn protoc_with_well_known_types() -> Option<String> {
    let version = version_word(&first_line("protoc", &["--version"])?, 1)?;
    let dir = work_dir().join("protoc-check");
    fs::create_dir_all(&dir).ok()?;
    fs::write(
        dir.join("check.proto"),
        "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\n\
         message Check { google.protobuf.Timestamp at = 1; }\n",
    )
    .ok()?;
    let compiled = cmd("protoc")
        .args([
            "--proto_path=.",
            "--descriptor_set_out=check.pb",
            "check.proto",
        ])
        .current_dir(&dir)
        .output()
        .ok()?
        .status
        .success();
    compiled.then_some(version)
}

/// Installs Debian packages when running as root with apt; otherwise says what to install.
fn apt_install(tool: &Tool, packages: &[&str]) -> Result<(), Error> {
    let root_user = first_line("id", &["-u"]).as_deref() == Some("0");
    if !root_user || first_line("apt-get", &["--version"]).is_none() {
        return Err(format!(
            "please install {} (Debian/Ubuntu: `sudo apt-get install {}`; macOS: Homebrew)",
            tool.name,
            packages.join(" ")
        )
        .into());
    }
    // An install interrupted earlier (a killed run) leaves dpkg half-done, and apt then refuses
    // every install until it is finished; finishing it does nothing when nothing is pending.
    // dpkg runs programs from the sbin folders, which apt-get puts on its PATH itself but a
    // caller's PATH may lack.
    let path = [child_path().as_str(), "/usr/local/sbin:/usr/sbin:/sbin"].join(":");
    quiet(
        tool,
        cmd("dpkg")
            .args(["--configure", "-a"])
            .env("PATH", path)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    quiet(tool, cmd("apt-get").args(["update", "-qq"]))?;
    quiet(
        tool,
        cmd("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// `npm ci` in `dir`, then the stamp that says which lock file it installed.
fn npm_ci(tool: &Tool, dir: &std::path::Path) -> Result<(), Error> {
    quiet(
        tool,
        cmd("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir),
    )?;
    fs::write(stamp_path(dir), tool.wanted.as_deref().unwrap_or_default())?;
    Ok(())
}

/// Where a test tool that `cargo install` compiles goes: outside the checkout, in Cargo's home,
/// one folder per tool and version (`$CARGO_HOME/rusher-tools/trunk-0.21.14/bin/trunk`). A fresh
/// clone finds them there as it finds wasm-pack in `$CARGO_HOME/bin` (in `target/`, every clone
/// compiled them again: 15 minutes of a CI run), another version is never taken for them, and
/// none of them lands on the user's PATH.
fn tool_root(folder: &str) -> PathBuf {
    cargo_home()
        .unwrap_or_else(|| root().join("target"))
        .join("rusher-tools")
        .join(folder)
}

/// Where sockudo is installed: the folder is named after its version and features, so that a
/// build with other features is not taken for it.
fn sockudo_root() -> PathBuf {
    tool_root(
        &[
            "sockudo-",
            SOCKUDO_VERSION,
            "-",
            &SOCKUDO_FEATURES.replace(' ', "-"),
        ]
        .concat(),
    )
}

/// Which of sockudo's builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// The suites' (compiles in half the time).
    Debug,
    /// The scale benchmark's.
    Release,
}

/// The version of the sockudo at `binary`.
fn installed_sockudo(binary: &Path) -> Option<String> {
    let line = first_line(&binary.to_string_lossy(), &["--version"])?;
    version_word(&line, 1)
}

/// `cargo install sockudo` with the suite's features, in the given build.
fn install_sockudo(tool: &Tool, profile: Profile) -> Result<(), Error> {
    let version = format!("={SOCKUDO_VERSION}");
    let mut install = cmd("cargo");
    install
        .args(["install", "sockudo", "--version", &version, "--locked"])
        .args(["--no-default-features", "--features", SOCKUDO_FEATURES]);
    let root = match profile {
        Profile::Debug => {
            install.arg("--debug");
            sockudo_root()
        }
        Profile::Release => sockudo_release_root(),
    };
    quiet(tool, install.arg("--root").arg(root))
}

/// Where sockudo's release build is installed (beside the suites' debug build).
fn sockudo_release_root() -> PathBuf {
    let mut root = sockudo_root().into_os_string();
    root.push("-release");
    PathBuf::from(root)
}

/// sockudo's release build.
pub fn sockudo_release_binary() -> PathBuf {
    sockudo_release_root().join("bin").join("sockudo")
}

fn geckodriver_root() -> PathBuf {
    tool_root(&["geckodriver-", GECKODRIVER_VERSION].concat())
}

fn trunk_root() -> PathBuf {
    tool_root(&["trunk-", TRUNK_VERSION].concat())
}

/// The Trunk binary.
pub fn trunk_binary() -> PathBuf {
    trunk_root().join("bin").join("trunk")
}

/// The geckodriver binary.
pub fn geckodriver_binary() -> PathBuf {
    geckodriver_root().join("bin").join("geckodriver")
}

/// The version of an installed Debian package, if it is installed.
pub fn debian_version(package: &str) -> Option<String> {
    let line = first_line("dpkg-query", &["-W", "-f=${Status} ${Version}", package])?;
    line.strip_prefix("install ok installed ")
        .map(str::to_owned)
}

/// The sockudo binary.
pub fn sockudo_binary() -> PathBuf {
    sockudo_root().join("bin").join("sockudo")
}

/// The Chromium binary: Debian's, one on PATH, or the macOS app.
pub fn chromium_binary() -> Option<PathBuf> {
    let candidates = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join("chromium"))
                .find(|p| p.exists())
        })
}

fn stamp_path(dir: &std::path::Path) -> PathBuf {
    dir.join("node_modules").join(".rusher-lock-stamp")
}

/// A fingerprint of `dir/package-lock.json`: `npm ci` runs again whenever it changes.
fn lock_stamp(dir: &std::path::Path) -> Result<String, Error> {
    let lock = fs::read(dir.join("package-lock.json"))?;
    let mut hasher = DefaultHasher::new();
    lock.hash(&mut hasher);
    Ok(format!("{:016x}", hasher.finish()))
}

/// The apps the suite builds, with their tools (`tests/apps/package.json`).
pub fn apps_dir() -> PathBuf {
    npm_dir().join("apps")
}

/// Where soketi is installed (`tests/soketi/package.json`).
pub fn soketi_dir() -> PathBuf {
    npm_dir().join("soketi")
}

/// The direct npm dependencies of `dir`, `name@version`, for the setup line.
fn npm_packages(dir: &std::path::Path) -> String {
    let manifest = fs::read_to_string(dir.join("package.json")).unwrap_or_default();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap_or_default();
    manifest
        .get("devDependencies")
        .and_then(serde_json::Value::as_object)
        .map(|deps| {
            deps.iter()
                .map(|(name, version)| format!("{name}@{}", version.as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn installed_stamp(dir: &std::path::Path) -> Option<String> {
    fs::read_to_string(stamp_path(dir))
        .ok()
        .filter(|_| dir.join("node_modules").join(".package-lock.json").exists())
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
