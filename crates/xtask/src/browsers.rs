//! The browser engines the browser suites drive (tests/browser/engines.mjs), and the scenario ×
//! engine matrix in docs/browsers.md, written from the suites' output by the run that ran them in
//! every engine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::server::Service;
use crate::setup::{self, chromium_binary};
use crate::shell::{Error, cmd, first_line, root, work_dir, write_section};
use crate::test::test_line;

/// A browser engine.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Chromium, through playwright-core.
    Chromium,
    /// Firefox ESR, through geckodriver.
    Firefox,
    /// WebKitGTK's MiniBrowser, through WebKitWebDriver.
    WebKit,
}

impl Engine {
    /// Every engine, in the matrix's order.
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The name `RUSHER_ENGINE` takes.
    fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    /// The engine and its version as installed here (the browser's own, or its Debian package's).
    fn described(self) -> String {
        let version = match self {
            Engine::Chromium => chromium_binary()
                .and_then(|binary| first_line(&binary.to_string_lossy(), &["--version"])),
            Engine::Firefox => first_line(setup::FIREFOX, &["--version"]),
            Engine::WebKit => setup::debian_version("webkit2gtk-driver")
                .map(|version| ["WebKitGTK ", &version, " (MiniBrowser)"].concat()),
        };
        version.unwrap_or_else(|| self.name().to_owned())
    }

    /// Points wasm-bindgen-test-runner at the engine's WebDriver server and browser: the
    /// capabilities go in a `webdriver-ENGINE.json` it reads (the runner adds `--headless` for
    /// Chrome and `-headless` for Firefox). WebKit goes through the runner's Safari path, whose
    /// `--port` WebKitWebDriver takes as safaridriver does; with no capabilities it starts the
    /// MiniBrowser it was built with, on the display of an [`XDisplay`].
    pub fn configure_test_runner(self, command: &mut Command) -> Result<(), Error> {
        let capabilities = match self {
            Engine::Chromium => serde_json::json!({
                "goog:chromeOptions": {
                    "binary": chromium_binary().ok_or("Chromium is not installed")?,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-quic"
                    ]
                }
            }),
            Engine::Firefox => serde_json::json!({
                "moz:firefoxOptions": {
                    "binary": setup::FIREFOX,
                    // Off the (closed) network, as tests/browser/engines.mjs starts it.
                    "prefs": {
                        "app.update.disabledForTesting": true,
                        "network.captive-portal-service.enabled": false,
                        "network.connectivity-service.enabled": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "toolkit.telemetry.reportingpolicy.firstRun": false,
                        "browser.safebrowsing.update.enabled": false
                    }
                }
            }),
            Engine::WebKit => serde_json::json!({}),
        };
        fs::create_dir_all(work_dir())?;
        let path = work_dir().join(["webdriver-", self.name(), ".json"].concat());
        fs::write(&path, serde_json::to_string_pretty(&capabilities)?)?;
        command.env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &path);
        match self {
            Engine::Chromium => command.env("CHROMEDRIVER", "chromedriver"),
            Engine::Firefox => command.env("GECKODRIVER", setup::geckodriver_binary()),
            Engine::WebKit => command.env("SAFARIDRIVER", "WebKitWebDriver"),
        };
        Ok(())
    }

    /// Names the engine for a suite, with where its browser and driver are.
    pub fn configure(self, command: &mut Command) {
        command
            .env("RUSHER_ENGINE", self.name())
            .env("CHROMIUM", chromium_binary().unwrap_or_default())
            .env("FIREFOX", setup::FIREFOX)
            .env("GECKODRIVER", setup::geckodriver_binary())
            .env("MINIBROWSER", setup::MINIBROWSER);
    }
}

/// One suite's run in one engine: the scenario group it belongs to and what it printed.
pub struct EngineRun {
    /// The scenarios (one suite file), e.g. "JS API".
    pub group: &'static str,
    /// The engine it ran in.
    pub engine: Engine,
    /// Its output, with a `test NAME ... RESULT` line per scenario.
    pub output: String,
}

const START: &str = "<!-- matrix: written by `cargo xtask test` -->";
const END: &str = "<!-- end of matrix -->";

/// Writes the matrix of `groups` into docs/browsers.md when every one of them ran in every engine
/// (a run of chosen suites leaves it as it is).
pub fn write_matrix(groups: &[&'static str], runs: &[EngineRun]) -> Result<(), Error> {
    let complete = groups.iter().all(|group| {
        Engine::ALL.iter().all(|engine| {
            runs.iter()
                .any(|r| r.group == *group && r.engine == *engine)
        })
    });
    if groups.is_empty() || !complete {
        return Ok(());
    }
    let mut lines = vec![
        String::new(),
        [
            "Engines: ",
            &Engine::ALL.map(Engine::described).join(", "),
            ".",
        ]
        .concat(),
        String::new(),
    ];
    let mut reasons: Vec<String> = Vec::new();
    for group in groups {
        lines.extend(group_table(group, runs, &mut reasons));
        lines.push(String::new());
    }
    if !reasons.is_empty() {
        lines.push("Scenarios run in some engines only, and why:".to_owned());
        lines.push(String::new());
        lines.extend(reasons);
        lines.push(String::new());
    }
    let content = lines.join("\n") + "\n";
    write_section(
        &root().join("docs").join("browsers.md"),
        START,
        END,
        &content,
    )
}

/// One group's table: a row per scenario, a cell per engine. Adds to `reasons` why a scenario
/// was not run in an engine.
fn group_table(group: &str, runs: &[EngineRun], reasons: &mut Vec<String>) -> Vec<String> {
    let mut table = vec![
        ["| ", group, " | Chromium | Firefox | WebKit |"].concat(),
        "|---|---|---|---|".to_owned(),
    ];
    let outcomes = |engine: Engine| -> Vec<(String, String)> {
        runs.iter()
            .filter(|r| r.group == group && r.engine == engine)
            .flat_map(|r| r.output.lines().filter_map(test_line))
            .map(|(name, result)| (name.to_owned(), result.to_owned()))
            .collect()
    };
    let by_engine = Engine::ALL.map(outcomes);
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in by_engine.iter().flatten() {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    for name in names {
        let cells = by_engine.each_ref().map(|outcomes| {
            let result = outcomes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| r.as_str());
            cell(name, result, reasons)
        });
        let name = name.replace('|', "\\|");
        table.push(["| ", &name, " | ", &cells.join(" | "), " |"].concat());
    }
    table
}

/// A scenario's cell for the result its engine printed (`ok`, `ignored, REASON`, `FAILED`, or
/// none), adding the reason of one not run to `reasons`.
fn cell(name: &str, result: Option<&str>, reasons: &mut Vec<String>) -> String {
    match result {
        Some("ok") => "passed".to_owned(),
        Some(other) if other.starts_with("ignored") => {
            let why = other.split_once(": ").map_or("", |(_, why)| why);
            let reason = ["- ", name, ": ", why].concat();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
            "not run".to_owned()
        }
        Some(_) => "**failed**".to_owned(),
        None => "missing".to_owned(),
    }
}

/// How long Xvfb may take to open its display.
const DISPLAY_TIMEOUT: Duration = Duration::from_secs(10);

/// An Xvfb display for WebKitGTK, which has no headless mode, with the service a suite runs
/// against (if any): both are stopped when it is dropped. It listens on a Unix socket only
/// (`-nolisten tcp`).
pub struct XDisplay {
    xvfb: Child,
    display: String,
    inner: Option<Box<dyn Service>>,
}

impl XDisplay {
    /// Starts Xvfb on the first free display from :90, then waits for its socket.
    pub fn start(inner: Option<Box<dyn Service>>) -> Result<XDisplay, Error> {
        let sockets = Path::new("/tmp/.X11-unix");
        let number = (90..190)
            .find(|n| !sockets.join(format!("X{n}")).exists())
            .ok_or("no free X display from :90 to :189")?;
        let display = format!(":{number}");
        let xvfb = cmd("Xvfb")
            .args([&display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb: {e}"))?;
        let socket: PathBuf = sockets.join(format!("X{number}"));
        let started = Instant::now();
        let mut started_display = XDisplay {
            xvfb,
            display,
            inner,
        };
        while !socket.exists() {
            if started.elapsed() > DISPLAY_TIMEOUT || started_display.xvfb.try_wait()?.is_some() {
                return Err(format!("Xvfb did not open {}", started_display.display).into());
            }
            sleep(Duration::from_millis(50));
        }
        Ok(started_display)
    }
}

impl Service for XDisplay {
    /// `DISPLAY`, and the inner service's variables.
    fn configure(&self, command: &mut Command) {
        command.env("DISPLAY", &self.display);
        if let Some(inner) = &self.inner {
            inner.configure(command);
        }
    }
}

impl Drop for XDisplay {
    fn drop(&mut self) {
        self.inner = None;
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
