//! Where the installed tools and the browsers are, for setup and for the commands that run them.

use super::*;

/// Where Debian's WebKitGTK puts its MiniBrowser, the browser WebKitWebDriver starts.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// Debian's Firefox ESR.
pub const FIREFOX: &str = "/usr/bin/firefox-esr";

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

/// Where a test tool that `cargo install` compiles goes: outside the checkout, in Cargo's home,
/// one folder per tool and version (`$CARGO_HOME/rusher-tools/trunk-0.21.14/bin/trunk`). A fresh
/// clone finds them there as it finds wasm-bindgen in `$CARGO_HOME/bin` (in `target/`, every clone
/// compiled them again: 15 minutes of a CI run), another version is never taken for them, and
/// none of them lands on the user's PATH.
pub(super) fn tool_root(folder: &str) -> PathBuf {
    cargo_home()
        .unwrap_or_else(|| root().join("target"))
        .join("rusher-tools")
        .join(folder)
}

/// Where sockudo is installed: the folder is named after its version and features, so that a
/// build with other features is not taken for it.
pub(super) fn sockudo_root() -> PathBuf {
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

/// Where sockudo's release build is installed (beside the suites' debug build).
pub(super) fn sockudo_release_root() -> PathBuf {
    let mut root = sockudo_root().into_os_string();
    root.push("-release");
    PathBuf::from(root)
}

/// sockudo's release build.
pub fn sockudo_release_binary() -> PathBuf {
    sockudo_release_root().join("bin").join("sockudo")
}

pub(super) fn geckodriver_root() -> PathBuf {
    tool_root(&["geckodriver-", GECKODRIVER_VERSION].concat())
}

pub(super) fn trunk_root() -> PathBuf {
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

/// The apps the suite builds, with their tools (`tests/apps/package.json`).
pub fn apps_dir() -> PathBuf {
    npm_dir().join("apps")
}

/// Where soketi is installed (`tests/soketi/package.json`).
pub fn soketi_dir() -> PathBuf {
    npm_dir().join("soketi")
}
