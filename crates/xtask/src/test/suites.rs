//! Every suite `cargo xtask test` runs, in order: what each runs, against which service, in
//! which engine, and whether it runs beside the others or once more after a failure.

use std::fs;
use std::process::Command;

use super::{PACKAGE_SUITE, Suite};
use crate::browsers::{Engine, XDisplay};
use crate::control::Restartable;
use crate::server::{LocalServer, boxed};
use crate::setup::{self, chromium_binary};
use crate::shell::{Error, cargo_home, cmd, npm_dir, work_dir};
use crate::topology::{Cluster, Upstream};

/// The JS API scenarios' group in the engine matrix.
const JS_API: &str = "JS API (tests/browser/js_api.mjs)";

/// The applications built with the packages by Vite, webpack, esbuild and React (tests/apps), and
/// the packages' checks, in the engine matrix.
const APPS: &str = "apps users build (tests/browser/apps.mjs)";

/// The chat widget's scenarios' group in the engine matrix.
const WIDGET: &str = "chat widget (tests/browser/widget.mjs)";

/// The most members of a presence channel on the cluster suites' nodes and replicas: small, so
/// that a test fills the lobby with a few pages (every other test holds two visitors in it).
const CLUSTER_MEMBER_LIMIT: usize = 3;

/// `cargo package` verifies each crate against the packed forms of the others through a local
/// registry, which cargo extracts under `$CARGO_HOME/registry/src/-<hash>/` and never extracts
/// again for the same version: after a change, the widget was verified against the client as
/// first packed, hours before (found when the widget's new import failed there). Nor does it
/// build a registry crate of the same version again: the widget was verified against the
/// contract crate as built an hour before, without its new module. Removing the extractions and
/// the packed crates' build fingerprints makes every run verify what it packed (their
/// dependencies stay built).
fn forget_packed_crates() -> Result<(), Error> {
    let fingerprints = work_dir()
        .join("crates-packaged")
        .join("debug")
        .join(".fingerprint");
    if let Ok(built) = fs::read_dir(&fingerprints) {
        for entry in built.flatten() {
            if entry.file_name().to_string_lossy().starts_with("rusher-") {
                fs::remove_dir_all(entry.path())?;
            }
        }
    }
    let home = cargo_home().ok_or("neither CARGO_HOME nor HOME is set")?;
    let Ok(registries) = fs::read_dir(home.join("registry").join("src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        // Local registries' folders are named `-<hash>`; crates.io's `index.crates.io-<hash>`.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for extracted in fs::read_dir(registry.path())?.flatten() {
            if extracted
                .file_name()
                .to_string_lossy()
                .starts_with("rusher-")
            {
                fs::remove_dir_all(extracted.path())?;
            }
        }
    }
    Ok(())
}

/// Every suite, in the order they run. Over 60 lines: a data table, one entry per suite.
pub(super) fn suites() -> Result<Vec<Suite>, Error> {
    let check = |name, command| Suite {
        name,
        command,
        counts_tests: false,
        server: None,
        matrix: None,
        background: false,
        retried: false,
    };
    let tests = |name, command| Suite {
        name,
        command,
        counts_tests: true,
        server: None,
        matrix: None,
        background: false,
        retried: false,
    };
    let in_browser = |name, command| Suite {
        retried: true,
        ..tests(name, command)
    };
    let mut fmt = cmd("cargo");
    fmt.args(["fmt", "--all", "--check", "--", "--color=never"]);
    let mut clippy = cmd("cargo");
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    let mut clippy_wasm = cmd("cargo");
    clippy_wasm.args([
        "clippy",
        "-p",
        "rusher-protocol",
        "-p",
        "rusher-client",
        "--features",
        "rusher-client/js rusher-client/leptos",
        "--all-targets",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]);
    // The npm bundle's build (no std, its own panic handler) has no test targets.
    let mut clippy_bundle = cmd("cargo");
    clippy_bundle.args([
        "clippy",
        "-p",
        "rusher-client",
        "--no-default-features",
        "--features",
        "bundle",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]);
    let mut native = cmd("cargo");
    native.args(["test", "--workspace"]);
    // A wasm-bindgen-test suite in one engine.
    let browser_in = |package: &str, engine: Engine| -> Result<Command, Error> {
        let mut command = cmd("cargo");
        command
            .args(["test", "-p", package, "--target", "wasm32-unknown-unknown"])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            // The runner gives the whole run 20 s by default; the fault tests wait out outages.
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
        if package == "rusher-client" {
            // Its Leptos signals are tested with the rest of it.
            command.args(["--features", "leptos"]);
        }
        engine.configure_test_runner(&mut command)?;
        Ok(command)
    };
    let browser = |package: &str| browser_in(package, Engine::Chromium);
    // The backend's own suite again, on PostgreSQL.
    let mut postgres = cmd("cargo");
    postgres.args(["test", "-p", "rusher-backend"]);
    let mut sockudo = cmd("cargo");
    sockudo.args([
        "test",
        "-p",
        "rusher-server",
        "--test",
        "sockudo",
        "--",
        "--ignored",
    ]);
    // Also builds the demo page's assets: the demo page mounts the rusher-chat package.
    let mut package = cmd("cargo");
    package.args(["xtask", "package"]);
    // On a server nobody here wrote, without the tests that need rusher-server's faults.
    let client_elsewhere = || -> Result<Command, Error> {
        let mut command = browser("rusher-client")?;
        command.args([
            "--",
            "--nocapture",
            "--skip",
            "reconnects_and_resubscribes_after_the_server_drops_everyone",
            "--skip",
            "faults_",
        ]);
        Ok(command)
    };
    // The short soak: what `cargo xtask soak` does for minutes, in 40 s, with two browser pages.
    let mut soak = cmd("cargo");
    soak.args(["xtask", "soak", "--check", "--seconds", "40"])
        .args(["--visitors", "20", "--pages", "2"])
        .args(["--flap-every", "15", "--down-ms", "1500"]);
    // The short load: what `cargo xtask bench --scale` does in steps to thousands, with 200.
    let mut load = cmd("cargo");
    load.args(["xtask", "bench", "--scale", "--check"]);
    let mut budget = cmd("cargo");
    budget.args(["xtask", "size", "--budget"]);
    // A browser suite's script (under tests/) in one engine.
    let node_in = |script: &str, engine: Engine| {
        let mut command = cmd("node");
        command.arg(script).current_dir(npm_dir());
        engine.configure(&mut command);
        command
    };
    let js_api_in = |engine| node_in("browser/js_api.mjs", engine);
    let js_api = || js_api_in(Engine::Chromium);
    let widget_in = |engine| node_in("browser/widget.mjs", engine);
    let apps_in = |engine| {
        let mut command = node_in("browser/apps.mjs", engine);
        // It builds the Leptos pages with Trunk.
        command.env("TRUNK", setup::trunk_binary());
        command
    };
    let cluster = || {
        let mut command = cmd("node");
        command
            .arg("browser/cluster.mjs")
            .current_dir(npm_dir())
            .env("CHROMIUM", chromium_binary().unwrap_or_default());
        command
    };
    let mut package_checks = cmd("node");
    package_checks.arg("apps/check.mjs").current_dir(npm_dir());
    // The library crates as crates.io would take them, each built from its packed form, in a
    // target folder of its own: built in `target/`, their artifacts sat beside the workspace's
    // of the same names, and the next native build found two of its dependencies (wasm-bindgen
    // at the widget's link, leptos in its example).
    forget_packed_crates()?;
    let mut crates = cmd("cargo");
    crates.env("CARGO_TARGET_DIR", work_dir().join("crates-packaged"));
    crates.args([
        "package",
        "--allow-dirty",
        "-p",
        "rusher-protocol",
        "-p",
        "rusher-chat-api",
        "-p",
        "rusher-client",
        "-p",
        "rusher-widget",
    ]);
    let mut interop = cmd("node");
    interop.arg("interop/pusher_js.mjs").current_dir(npm_dir());
    Ok(vec![
        check("cargo fmt --check", fmt),
        check("clippy (native)", clippy),
        check("clippy (wasm32)", clippy_wasm),
        check("clippy (wasm32 npm bundle)", clippy_bundle),
        tests("native tests", native),
        in_browser("protocol in headless Chromium", browser("rusher-protocol")?),
        Suite {
            server: Some(|| boxed(LocalServer::start("client").and_then(Restartable::new))),
            ..in_browser("client in headless Chromium", browser("rusher-client")?)
        },
        Suite {
            server: Some(|| boxed(Upstream::start_sockudo())),
            ..in_browser("client on sockudo", client_elsewhere()?)
        },
        Suite {
            server: Some(|| boxed(Upstream::start_soketi())),
            ..in_browser("client on soketi", client_elsewhere()?)
        },
        // The same wasm-bindgen-test suites in Firefox and WebKit (after Chromium: the build is
        // the same, so these only run).
        in_browser(
            "protocol in Firefox",
            browser_in("rusher-protocol", Engine::Firefox)?,
        ),
        Suite {
            server: Some(|| boxed(XDisplay::start(None))),
            ..in_browser(
                "protocol in WebKit",
                browser_in("rusher-protocol", Engine::WebKit)?,
            )
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("client").and_then(Restartable::new))),
            ..in_browser(
                "client in Firefox",
                browser_in("rusher-client", Engine::Firefox)?,
            )
        },
        Suite {
            server: Some(|| {
                let server = LocalServer::start("client").and_then(Restartable::new)?;
                boxed(XDisplay::start(Some(Box::new(server))))
            }),
            ..in_browser(
                "client in WebKit",
                browser_in("rusher-client", Engine::WebKit)?,
            )
        },
        check(PACKAGE_SUITE, package),
        Suite {
            server: Some(|| boxed(LocalServer::start("hidden-tab"))),
            background: true,
            ..tests(
                "hidden tab, 10 minutes (WebKit)",
                node_in("browser/hidden_tab.mjs", Engine::WebKit),
            )
        },
        check("size budgets (gzip), WebAssembly baseline", budget),
        tests(
            "npm packages checked: publint, attw, tsc, README examples",
            package_checks,
        ),
        check("library crates packaged (cargo package)", crates),
        Suite {
            server: Some(|| boxed(LocalServer::start("js-api").and_then(Restartable::new))),
            matrix: Some((JS_API, Engine::Chromium)),
            ..in_browser("JS API: Echo, pusher-js, package", js_api())
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("js-api").and_then(Restartable::new))),
            matrix: Some((JS_API, Engine::Firefox)),
            ..in_browser("JS API in Firefox", js_api_in(Engine::Firefox))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("js-api").and_then(Restartable::new))),
            matrix: Some((JS_API, Engine::WebKit)),
            ..in_browser("JS API in WebKit", js_api_in(Engine::WebKit))
        },
        Suite {
            server: Some(|| boxed(Upstream::start_sockudo())),
            ..in_browser("JS API on sockudo + backend", js_api())
        },
        Suite {
            server: Some(|| boxed(Upstream::start_soketi())),
            ..in_browser("JS API on soketi + backend", js_api())
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("apps"))),
            matrix: Some((APPS, Engine::Chromium)),
            ..in_browser("apps users build, in Chromium", apps_in(Engine::Chromium))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("apps"))),
            matrix: Some((APPS, Engine::Firefox)),
            ..in_browser("apps users build, in Firefox", apps_in(Engine::Firefox))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("apps"))),
            matrix: Some((APPS, Engine::WebKit)),
            ..in_browser("apps users build, in WebKit", apps_in(Engine::WebKit))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start("interop"))),
            ..tests("pusher-js + pusher SDK interop", interop)
        },
        Suite {
            server: Some(|| boxed(LocalServer::start_postgres())),
            ..tests("backend on PostgreSQL", postgres)
        },
        Suite {
            server: Some(|| boxed(LocalServer::start_sockudo(&setup::sockudo_binary()))),
            ..tests("sockudo: REST, sockets, backend", sockudo)
        },
        Suite {
            server: Some(|| boxed(LocalServer::start_for_widget())),
            matrix: Some((WIDGET, Engine::Chromium)),
            ..in_browser("chat widget in Chromium", widget_in(Engine::Chromium))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start_for_widget())),
            matrix: Some((WIDGET, Engine::Firefox)),
            ..in_browser("chat widget in Firefox", widget_in(Engine::Firefox))
        },
        Suite {
            server: Some(|| boxed(LocalServer::start_for_widget())),
            matrix: Some((WIDGET, Engine::WebKit)),
            ..in_browser("chat widget in WebKit", widget_in(Engine::WebKit))
        },
        Suite {
            server: Some(|| boxed(Cluster::start_sockudo(CLUSTER_MEMBER_LIMIT))),
            ..in_browser("chat widget on a sockudo cluster", cluster())
        },
        Suite {
            server: Some(|| boxed(Cluster::start_soketi(CLUSTER_MEMBER_LIMIT))),
            ..in_browser("chat widget on a soketi cluster", cluster())
        },
        Suite {
            retried: true,
            ..check("soak: 20 visitors, 2 pages, 2 outages", soak)
        },
        check("load: 200 visitors in rooms for 30 s", load),
    ])
}
