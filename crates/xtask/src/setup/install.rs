//! How tools are installed: cargo, apt and npm, quietly, with a stamp of what npm installed.

use super::*;

/// Runs an installer with its output in `target/xtask/logs/setup-NAME.log`, shown on failure.
pub(super) fn quiet(tool: &Tool, command: &mut std::process::Command) -> Result<(), Error> {
    let log = work_dir()
        .join("logs")
        .join(format!("setup-{}.log", tool.name.replace(' ', "-")));
    run_quiet(command, tool.name, Some(&log))
}

/// The version of a package in Cargo.lock.
pub(super) fn locked_version(package: &str) -> Result<String, Error> {
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
pub(super) fn version_word(line: &str, n: usize) -> Option<String> {
    line.split_whitespace().nth(n).map(str::to_owned)
}

/// protoc's version, when it can also compile a file that imports a well-known type, as
/// sockudo's build does (Debian ships those `.proto` files in `libprotobuf-dev`, apart from
/// `protoc`).
pub(super) fn protoc_with_well_known_types() -> Option<String> {
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
pub(super) fn apt_install(tool: &Tool, packages: &[&str]) -> Result<(), Error> {
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
pub(super) fn npm_ci(tool: &Tool, dir: &std::path::Path) -> Result<(), Error> {
    quiet(
        tool,
        cmd("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir),
    )?;
    fs::write(stamp_path(dir), tool.wanted.as_deref().unwrap_or_default())?;
    Ok(())
}

/// Which of sockudo's builds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Profile {
    /// The suites' (compiles in half the time).
    Debug,
    /// The scale benchmark's.
    Release,
}

/// The version of the sockudo at `binary`.
pub(super) fn installed_sockudo(binary: &Path) -> Option<String> {
    let line = first_line(&binary.to_string_lossy(), &["--version"])?;
    version_word(&line, 1)
}

/// `cargo install sockudo` with the suite's features, in the given build.
pub(super) fn install_sockudo(tool: &Tool, profile: Profile) -> Result<(), Error> {
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

pub(super) fn stamp_path(dir: &std::path::Path) -> PathBuf {
    dir.join("node_modules").join(".rusher-lock-stamp")
}

/// A fingerprint of `dir/package-lock.json`: `npm ci` runs again whenever it changes.
pub(super) fn lock_stamp(dir: &std::path::Path) -> Result<String, Error> {
    let lock = fs::read(dir.join("package-lock.json"))?;
    let mut hasher = DefaultHasher::new();
    lock.hash(&mut hasher);
    Ok(format!("{:016x}", hasher.finish()))
}

/// The direct npm dependencies of `dir`, `name@version`, for the setup line.
pub(super) fn npm_packages(dir: &std::path::Path) -> String {
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

pub(super) fn installed_stamp(dir: &std::path::Path) -> Option<String> {
    fs::read_to_string(stamp_path(dir))
        .ok()
        .filter(|_| dir.join("node_modules").join(".package-lock.json").exists())
}
