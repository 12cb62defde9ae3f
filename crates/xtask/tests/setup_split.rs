//! The setup split: `cargo xtask demo` installs only what the demo uses. With the test-only tools
//! absent from PATH (ChromeDriver, protoc), the demo's setup does not look for them, while the
//! test suite's setup sees that they are missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Tools the demo's setup runs (or that run them), linked from wherever this machine has them.
const DEMO_TOOLS: [&str; 5] = ["cargo", "rustup", "node", "npm", "wasm-bindgen"];
/// Tools only the test suite uses that are found on PATH.
const TEST_ONLY_ON_PATH: [&str; 2] = ["chromedriver", "protoc"];

/// A folder holding links to the demo's tools only, to serve as the whole PATH.
fn demo_only_path(dir: &Path) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for tool in DEMO_TOOLS {
        if let Some(found) = std::env::split_paths(&path)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
        {
            std::os::unix::fs::symlink(found, dir.join(tool)).unwrap();
        }
    }
    dir.to_owned()
}

/// Runs `cargo xtask setup ARGS --check` with only the demo's tools on PATH and no CARGO_HOME
/// bin folder to fall back on.
fn setup_check(path: &Path, purpose: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["setup", "--for", purpose, "--check"])
        .env("PATH", path)
        .env("CARGO_HOME", path.join("no-cargo-home"))
        .env(
            "RUSTUP_HOME",
            std::env::var_os("RUSTUP_HOME").unwrap_or_else(|| {
                Path::new(&std::env::var_os("HOME").unwrap_or_default())
                    .join(".rustup")
                    .into_os_string()
            }),
        )
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn demo_setup_leaves_test_only_tools_alone() {
    let dir = tempfile_dir("demo-only-path");
    let path = demo_only_path(&dir);
    for tool in TEST_ONLY_ON_PATH {
        assert!(
            !path.join(tool).exists(),
            "{tool} must be absent for this test"
        );
    }

    let demo = setup_check(&path, "demo");
    assert!(
        demo.contains("setup: wasm-bindgen"),
        "the demo checks its own tools:\n{demo}"
    );
    for test_only in [
        "rust target",
        "chromium",
        "chromedriver",
        "protoc",
        "sockudo",
        "npm test packages",
    ] {
        assert!(
            !demo.contains(test_only),
            "the demo's setup looked at {test_only}:\n{demo}"
        );
    }

    let test = setup_check(&path, "test");
    assert!(
        test.contains("setup: chromedriver: missing, would install"),
        "the test suite's setup sees ChromeDriver missing:\n{test}"
    );
    assert!(
        test.contains("protoc with the well-known types (to build sockudo): missing"),
        "the test suite's setup sees protoc missing:\n{test}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A fresh folder under the target directory.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
