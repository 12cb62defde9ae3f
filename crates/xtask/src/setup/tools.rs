//! The tools setup knows: each one's group, wanted version, how to read the version installed,
//! and how to install it.

use super::*;

/// npm's binaryen (`crates/xtask/npm/package.json`); Debian's wasm-opt 108 breaks wasm-bindgen
/// 0.2.130's output.
pub(super) const WASM_OPT_VERSION: &str = "132";

/// sockudo, the third-party Pusher server the interop suite runs against.
pub(super) const SOCKUDO_VERSION: &str = "5.2.0";

/// Its features: one node on its own (`local`), and nodes clustered over Redis (`redis`).
pub(super) const SOCKUDO_FEATURES: &str = "local redis";

/// The nightly that builds the client's npm bundle: `core` and `alloc` rebuilt with panics that
/// abort on the spot (`-Cpanic=immediate-abort`), which leaves every panic message, location and
/// their formatting out of the wasm (about 9% of it). Pinned, so that the bundle is reproducible.
pub const BUNDLE_NIGHTLY: &str = "nightly-2026-05-20";

/// The cargo-fuzz that `cargo xtask fuzz` drives libFuzzer with (on [`BUNDLE_NIGHTLY`]).
pub(super) const CARGO_FUZZ_VERSION: &str = "0.13.1";

/// geckodriver, which drives Firefox for the suites (the npm package downloads a binary from
/// outside the registries; this builds it from crates.io).
pub(super) const GECKODRIVER_VERSION: &str = "0.37.1";

/// Trunk, which builds the Leptos pages (`index.html` at the top, the example Leptos app) in the
/// suite and serves them to a developer. 0.21: Trunk 0.22 needs a newer Rust than the workspace's.
pub(super) const TRUNK_VERSION: &str = "0.21.14";

pub(super) const BUILD_PACKAGES: &str = "npm build tools";

pub(super) const SOKETI: &str = "soketi";

pub(super) const TEST_PACKAGES: &str = "npm test packages";

/// The setup line of the build tools and frameworks the app suite builds with.
pub(super) const APP_PACKAGES: &str = "npm app packages";

/// Every tool a command may need, in install order. Over 60 lines: a data table, one entry per
/// tool.
pub(super) fn tools() -> Result<Vec<Tool>, Error> {
    Ok(vec![
        Tool {
            // The suites' wasm tests and Trunk's builds; the packages build on the nightly.
            name: "rust target",
            groups: &[Group::Browser, Group::Trunk],
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
            // No --locked: the CLI's lock file names a webpki-roots the registry lacks. Without
            // its default TLS (rustls): its test runner only talks to WebDriver on loopback.
            install: |tool| {
                let version = format!("={}", tool.wanted.as_deref().unwrap_or_default());
                quiet(
                    tool,
                    cmd("cargo").args([
                        "install",
                        "wasm-bindgen-cli",
                        "--version",
                        &version,
                        "--no-default-features",
                    ]),
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
