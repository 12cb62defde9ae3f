//! `cargo xtask setup`: installs whatever the build and the browser tests need, only when it is
//! missing or at the wrong version, from the package registries alone (TOOLCHAIN.md).

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::shell::{Error, cmd, first_line, npm_dir, root, run_visible};

/// trunk 0.22 needs a newer rustc than the toolchain here.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_PACK_VERSION: &str = "0.15.1";
/// npm's binaryen (`tests/package.json`); Debian's wasm-opt 108 breaks wasm-bindgen 0.2.130 output.
const WASM_OPT_VERSION: &str = "132";
/// sockudo, the third-party Pusher server the interop suite runs against (TOOLCHAIN.md).
const SOCKUDO_VERSION: &str = "5.2.0";
/// The nightly that builds the client's npm bundle: `core` and `alloc` rebuilt with panics that
/// abort on the spot (`-Cpanic=immediate-abort`), which leaves every panic message, location and
/// their formatting out of the wasm (about 9% of it). Pinned, so that the bundle is reproducible.
pub const BUNDLE_NIGHTLY: &str = "nightly-2026-05-20";

/// One tool: how to read its version, what version is wanted, how to install it.
struct Tool {
    name: &'static str,
    /// The version wanted; `None` accepts any.
    wanted: Option<String>,
    /// The installed version, if any.
    found: fn() -> Option<String>,
    install: fn(&Tool) -> Result<(), Error>,
}

/// Runs setup; prints one line when everything is present, else one line per tool.
pub fn run() -> Result<bool, Error> {
    ensure_all().map(|()| true)
}

/// Installs what is missing. Called first by `test` and `demo`.
pub fn ensure_all() -> Result<(), Error> {
    let started = Instant::now();
    let tools = tools()?;
    let mut lines = Vec::new();
    let mut installed_any = false;
    for tool in &tools {
        let found = (tool.found)();
        let ok = match (&found, &tool.wanted) {
            (Some(version), Some(wanted)) => version == wanted,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if ok {
            let line = describe(tool, found.as_deref().unwrap_or_default());
            if installed_any {
                println!("setup: {line}: found");
            }
            lines.push(line);
            continue;
        }
        if !installed_any {
            for line in &lines {
                println!("setup: {line}: found");
            }
        }
        installed_any = true;
        let tool_started = Instant::now();
        println!(
            "setup: {}: {}, installing…",
            tool.name,
            found.map_or_else(|| "missing".to_owned(), |v| format!("found {v}")),
        );
        (tool.install)(tool)?;
        let now = (tool.found)()
            .ok_or_else(|| format!("{} is still missing after installing it", tool.name))?;
        if tool.wanted.as_ref().is_some_and(|w| *w != now) {
            return Err(format!("{} installed, but it reports version {now}", tool.name).into());
        }
        let line = describe(tool, &now);
        println!(
            "setup: {line}: installed in {:.0} s",
            tool_started.elapsed().as_secs_f64()
        );
        lines.push(line);
    }
    if installed_any {
        println!("setup: done in {:.0} s", started.elapsed().as_secs_f64());
    } else {
        println!(
            "setup: everything present ({:.1} s): {}",
            started.elapsed().as_secs_f64(),
            lines.join(", ")
        );
    }
    Ok(())
}

/// `name version` for a setup line; npm packages are named with their versions.
fn describe(tool: &Tool, version: &str) -> String {
    if tool.name == "npm packages" {
        format!("npm packages ({})", npm_packages())
    } else {
        format!("{} {version}", tool.name)
    }
}

fn tools() -> Result<Vec<Tool>, Error> {
    Ok(vec![
        Tool {
            name: "rust target",
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
            install: |_| {
                run_visible(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
            },
        },
        Tool {
            name: "rust for the npm bundle",
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
            install: |_| {
                run_visible(cmd("rustup").args([
                    "toolchain",
                    "install",
                    BUNDLE_NIGHTLY,
                    "--profile",
                    "minimal",
                    "--component",
                    "rust-src",
                    "--target",
                    "wasm32-unknown-unknown",
                ]))
            },
        },
        Tool {
            name: "wasm-bindgen",
            wanted: Some(locked_version("wasm-bindgen")?),
            found: || version_word(&first_line("wasm-bindgen", &["--version"])?, 1),
            // No --locked: the CLI's lock file names a webpki-roots the registry lacks.
            install: |tool| {
                let version = format!("={}", tool.wanted.as_deref().unwrap_or_default());
                run_visible(cmd("cargo").args([
                    "install",
                    "wasm-bindgen-cli",
                    "--version",
                    &version,
                ]))
            },
        },
        Tool {
            name: "trunk",
            wanted: Some(TRUNK_VERSION.to_owned()),
            found: || version_word(&first_line("trunk", &["--version"])?, 1),
            install: |_| cargo_install_locked("trunk", TRUNK_VERSION),
        },
        Tool {
            name: "wasm-pack",
            wanted: Some(WASM_PACK_VERSION.to_owned()),
            found: || version_word(&first_line("wasm-pack", &["--version"])?, 1),
            install: |_| cargo_install_locked("wasm-pack", WASM_PACK_VERSION),
        },
        Tool {
            name: "chromium",
            wanted: None,
            found: || {
                let binary = chromium_binary()?;
                version_word(&first_line(&binary.to_string_lossy(), &["--version"])?, 1)
            },
            install: |_| {
                apt_install(
                    &["chromium", "chromium-driver"],
                    "Chromium and ChromeDriver",
                )
            },
        },
        Tool {
            name: "chromedriver",
            wanted: None,
            found: || version_word(&first_line("chromedriver", &["--version"])?, 1),
            install: |_| {
                apt_install(
                    &["chromium", "chromium-driver"],
                    "Chromium and ChromeDriver",
                )
            },
        },
        Tool {
            name: "protoc (to build sockudo)",
            wanted: None,
            // "libprotoc 3.21.12"
            found: || version_word(&first_line("protoc", &["--version"])?, 1),
            install: |_| apt_install(&["protobuf-compiler"], "protoc (protobuf-compiler)"),
        },
        Tool {
            name: "sockudo",
            wanted: Some(SOCKUDO_VERSION.to_owned()),
            found: || {
                let line = first_line(&sockudo_binary().to_string_lossy(), &["--version"])?;
                version_word(&line, 1)
            },
            // Debug build: it compiles in half the time, and tests need no speed from it.
            install: |_| {
                let version = format!("={SOCKUDO_VERSION}");
                run_visible(
                    cmd("cargo")
                        .args(["install", "sockudo", "--version", &version, "--locked"])
                        .args(["--no-default-features", "--features", "local", "--debug"])
                        .arg("--root")
                        .arg(sockudo_root()),
                )
            },
        },
        Tool {
            name: "npm packages",
            wanted: Some(lock_stamp()?),
            found: installed_stamp,
            install: |tool| {
                run_visible(
                    cmd("npm")
                        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                        .current_dir(npm_dir()),
                )?;
                fs::write(stamp_path(), tool.wanted.as_deref().unwrap_or_default())?;
                Ok(())
            },
        },
        Tool {
            name: "wasm-opt (npm binaryen)",
            wanted: Some(WASM_OPT_VERSION.to_owned()),
            // "wasm-opt version 132 (version_132)"
            found: || version_word(&first_line("wasm-opt", &["--version"])?, 2),
            install: |_| {
                Err(
                    "wasm-opt comes from the npm package binaryen in tests/package.json; \
                     `npm ci` in tests/ did not provide it"
                        .into(),
                )
            },
        },
    ])
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

fn cargo_install_locked(krate: &str, version: &str) -> Result<(), Error> {
    let version = format!("={version}");
    run_visible(cmd("cargo").args(["install", krate, "--version", &version, "--locked"]))
}

/// Installs Debian packages when running as root with apt; otherwise says what to install.
fn apt_install(packages: &[&str], what: &str) -> Result<(), Error> {
    let root_user = first_line("id", &["-u"]).as_deref() == Some("0");
    if !root_user || first_line("apt-get", &["--version"]).is_none() {
        return Err(format!(
            "please install {what} (Debian/Ubuntu: `sudo apt-get install {}`; macOS: Homebrew)",
            packages.join(" ")
        )
        .into());
    }
    run_visible(cmd("apt-get").args(["update", "-qq"]))?;
    run_visible(
        cmd("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Where sockudo is installed: under `target/`, so `cargo clean` removes it too.
fn sockudo_root() -> PathBuf {
    root().join("target").join("tools").join("sockudo")
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

fn stamp_path() -> PathBuf {
    npm_dir().join("node_modules").join(".rusher-lock-stamp")
}

/// A fingerprint of `tests/package-lock.json`: `npm ci` runs again whenever it changes.
fn lock_stamp() -> Result<String, Error> {
    let lock = fs::read(npm_dir().join("package-lock.json"))?;
    let mut hasher = DefaultHasher::new();
    lock.hash(&mut hasher);
    Ok(format!("{:016x}", hasher.finish()))
}

/// The direct npm dependencies, `name@version`, for the setup line.
fn npm_packages() -> String {
    let manifest = fs::read_to_string(npm_dir().join("package.json")).unwrap_or_default();
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

fn installed_stamp() -> Option<String> {
    fs::read_to_string(stamp_path())
        .ok()
        .filter(|_| Path::new(&npm_dir().join("node_modules").join(".package-lock.json")).exists())
}
