//! `cargo xtask package`: the npm package `rusher-client`, built by wasm-pack (`--target web` at
//! the top, `--target bundler` under `bundler/`) with the hand-written entries from `www/npm/`,
//! into `www/pkg/` (where the embed example imports it), with the JavaScript minified by terser
//! (the type declarations keep the docs), then packed with `npm pack`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::setup;
use crate::shell::{Error, cmd, root, run_quiet};

/// The package folder, also served by rusher-server at `/www/pkg/`.
pub fn package_dir() -> PathBuf {
    root().join("www").join("pkg")
}

/// Builds the package and its tarball; prints where they are.
pub fn run() -> Result<bool, Error> {
    setup::ensure_all()?;
    let tarball = build()?;
    println!("package: {}", package_dir().display());
    println!("tarball: {}", tarball.display());
    Ok(true)
}

/// Builds the package folder and the tarball; returns the tarball's path.
pub fn build() -> Result<PathBuf, Error> {
    let dir = package_dir();
    let bundler = root().join("target").join("package").join("bundler");
    for old in [&dir, &bundler] {
        if old.exists() {
            fs::remove_dir_all(old)?;
        }
    }
    wasm_pack("web", &dir)?;
    wasm_pack("bundler", &bundler)?;
    let bundler_dest = dir.join("bundler");
    fs::create_dir_all(&bundler_dest)?;
    for file in ["rusher.js", "rusher_bg.js", "rusher_bg.wasm", "rusher.d.ts"] {
        let from = bundler.join(file);
        if from.exists() {
            fs::copy(&from, bundler_dest.join(file))?;
        }
    }
    let npm = root().join("www").join("npm");
    for entry in fs::read_dir(&npm)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, dir.join(name))?;
        }
    }
    for file in [
        "rusher.js",
        "index.js",
        "chainable.js",
        "bundler.js",
        "bundler/rusher.js",
        "bundler/rusher_bg.js",
    ] {
        minify(&dir.join(file))?;
    }
    write_manifest(&dir)?;
    pack(&dir)
}

/// `wasm-pack build` of the client with its JavaScript API, using the tools on PATH.
fn wasm_pack(target: &str, out: &Path) -> Result<(), Error> {
    run_quiet(
        cmd("wasm-pack")
            .args([
                "build",
                "crates/client",
                "--release",
                "--mode",
                "no-install",
            ])
            .args(["--target", target, "--weak-refs", "--out-name", "rusher"])
            .arg("--out-dir")
            .arg(out)
            .args(["--", "--features", "js"]),
        &format!("wasm-pack --target {target}"),
    )
}

/// Minifies an ES module in place with terser (from the npm packages setup installs).
fn minify(file: &Path) -> Result<(), Error> {
    run_quiet(
        cmd("terser")
            .arg(file)
            .args(["--module", "--compress", "--mangle", "--comments", "false"])
            .arg("--output")
            .arg(file),
        "terser",
    )
}

/// Completes wasm-pack's package.json: the entries, their types, and the files to ship.
fn write_manifest(dir: &Path) -> Result<(), Error> {
    let path = dir.join("package.json");
    let mut manifest: Value = serde_json::from_str(&fs::read_to_string(&path)?)?;
    let fields = json!({
        "name": "rusher-client",
        "description": "A Pusher Channels client for the browser in Rust and WebAssembly, with the API of pusher-js 8.",
        "type": "module",
        "main": "index.js",
        "module": "index.js",
        "types": "index.d.ts",
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./bundler": {"types": "./bundler.d.ts", "default": "./bundler.js"},
            "./init": {"types": "./rusher.d.ts", "default": "./rusher.js"},
            "./rusher_bg.wasm": "./rusher_bg.wasm"
        },
        "files": [
            "index.js", "index.d.ts", "bundler.js", "bundler.d.ts", "chainable.js",
            "rusher.js", "rusher.d.ts", "rusher_bg.wasm", "rusher_bg.wasm.d.ts",
            "bundler/", "README.md"
        ],
        "sideEffects": ["./index.js", "./bundler.js", "./bundler/rusher.js", "./chainable.js"],
        "keywords": ["pusher", "websocket", "realtime", "wasm", "laravel-echo"]
    });
    if let (Some(manifest), Some(fields)) = (manifest.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            manifest.insert(key.clone(), value.clone());
        }
    }
    fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")?;
    Ok(())
}

/// `npm pack` into `target/package/`; returns the tarball.
fn pack(dir: &Path) -> Result<PathBuf, Error> {
    let dest = root().join("target").join("package");
    for entry in fs::read_dir(&dest)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "tgz") {
            fs::remove_file(path)?;
        }
    }
    run_quiet(
        cmd("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&dest)
            .current_dir(dir),
        "npm pack",
    )?;
    fs::read_dir(&dest)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .ok_or_else(|| "npm pack made no tarball".into())
}
