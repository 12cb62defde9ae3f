//! The browser engines the browser suites drive (tests/browser/engines.mjs), and the scenario ×
//! engine matrix in docs/browsers.md, written from the suites' output by the run that ran them in
//! every engine.

use std::fs;
use std::process::Command;

use crate::setup::{self, chromium_binary};
use crate::shell::{Error, first_line, root};
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

/// Writes the matrix into docs/browsers.md when every group in `runs` ran in every engine (a run
/// of chosen suites leaves it as it is).
pub fn write_matrix(runs: &[EngineRun]) -> Result<(), Error> {
    let mut groups: Vec<&str> = Vec::new();
    for run in runs {
        if !groups.contains(&run.group) {
            groups.push(run.group);
        }
    }
    let complete = groups.iter().all(|group| {
        Engine::ALL.iter().all(|engine| {
            runs.iter()
                .any(|r| r.group == *group && r.engine == *engine)
        })
    });
    if groups.is_empty() || !complete {
        return Ok(());
    }
    let mut table = vec![
        START.to_owned(),
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
        table.push(["| ", group, " | Chromium | Firefox | WebKit |"].concat());
        table.push("|---|---|---|---|".to_owned());
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
            });
            table.push(
                [
                    "| ",
                    &name.replace('|', "\\|"),
                    " | ",
                    &cells.join(" | "),
                    " |",
                ]
                .concat(),
            );
        }
        table.push(String::new());
    }
    if !reasons.is_empty() {
        table.push("Scenarios run in some engines only, and why:".to_owned());
        table.push(String::new());
        table.extend(reasons);
        table.push(String::new());
    }
    table.push(END.to_owned());
    let path = root().join("docs").join("browsers.md");
    let text = fs::read_to_string(&path)?;
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        return Err(format!("{} has no matrix markers", path.display()).into());
    };
    let updated = [&text[..start], &table.join("\n"), &text[end + END.len()..]].concat();
    fs::write(&path, updated)?;
    Ok(())
}
