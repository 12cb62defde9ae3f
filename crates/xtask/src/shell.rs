//! Running tools: the workspace root, the PATH children get (npm's binaryen first), and small
//! helpers to run a command quietly or capture its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A boxed error with a readable message.
pub type Error = Box<dyn std::error::Error>;

/// The workspace root (the parent of `crates/xtask`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Where the browser-test npm packages live.
pub fn npm_dir() -> PathBuf {
    root().join("tests")
}

/// Where the npm packages the build uses (binaryen's wasm-opt, terser) live.
pub fn build_npm_dir() -> PathBuf {
    root().join("crates").join("xtask").join("npm")
}

/// Where xtask keeps logs and generated files.
pub fn work_dir() -> PathBuf {
    root().join("target").join("xtask")
}

/// Cargo's home: `$CARGO_HOME`, else `~/.cargo`; `None` when neither variable is set.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

/// The PATH for child processes: the npm build tools' `node_modules/.bin` (binaryen's wasm-opt)
/// first, then the test packages', then cargo's bin directory, then the caller's PATH.
pub fn child_path() -> String {
    let mut parts = vec![
        build_npm_dir().join("node_modules").join(".bin"),
        npm_dir().join("node_modules").join(".bin"),
    ];
    if let Some(home) = cargo_home() {
        parts.push(home.join("bin"));
    }
    let rest = std::env::var_os("PATH").unwrap_or_default();
    parts.extend(std::env::split_paths(&rest));
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A command run from the workspace root with the child PATH.
pub fn cmd(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", child_path());
    command
}

/// The first line a command prints (stdout, else stderr), or `None` when it cannot run or fails.
pub fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = cmd(program).args(args).stdin(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = if output.stdout.is_empty() {
        output.stderr
    } else {
        output.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .find(|line| !line.trim().is_empty())
        .map(|line| line.trim().to_owned())
}

/// Runs a command with its output shown, failing unless it succeeds.
pub fn run_visible(command: &mut Command) -> Result<(), Error> {
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}").into())
    }
}

/// Runs a command with its output captured (and written to `log`, when given); on failure shows
/// the output's end and fails.
pub fn run_quiet(command: &mut Command, what: &str, log: Option<&Path>) -> Result<(), Error> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if let Some(log) = log {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(log, &text)?;
    }
    if output.status.success() {
        return Ok(());
    }
    let lines: Vec<&str> = text.lines().collect();
    for line in lines
        .get(lines.len().saturating_sub(40)..)
        .unwrap_or_default()
    {
        eprintln!("    | {line}");
    }
    Err(format!("{what} failed with {}", output.status).into())
}

/// Replaces the generated table `name` in a Markdown file: what stands between
/// `<!-- NAME table: written by `COMMAND` -->` and `<!-- end of NAME table -->`.
pub fn write_table(path: &Path, name: &str, command: &str, content: &str) -> Result<(), Error> {
    let begin = format!("<!-- {name} table: written by `{command}` -->");
    let end = format!("<!-- end of {name} table -->");
    write_section(path, &begin, &end, content)
}

/// Replaces what a generated document holds between the lines `begin` and `end` with
/// `content` (a README's interop matrix, RELIABILITY.md's tables).
pub fn write_section(path: &Path, begin: &str, end: &str, content: &str) -> Result<(), Error> {
    let text = std::fs::read_to_string(path)?;
    let (Some(start), Some(stop)) = (text.find(begin), text.find(end)) else {
        return Err(format!("{} has no {begin} … {end} section", path.display()).into());
    };
    let updated = [
        text.get(..start + begin.len()).unwrap_or_default(),
        "\n",
        content,
        text.get(stop..).unwrap_or_default(),
    ]
    .concat();
    std::fs::write(path, updated)?;
    Ok(())
}
