//! `cargo xtask package`: the two npm packages, each a crate's module built by cargo and bound by
//! wasm-bindgen (what `wasm-pack build --no-opt` does, without installing wasm-pack: see
//! [`compile`]) with hand-written entries, the JavaScript minified by terser (the type
//! declarations keep the docs), and packed with `npm pack` into `target/package/`:
//!
//! - `rusher-client` in `www/pkg/` (`--target web` at the top, `--target bundler` under
//!   `bundler/`, entries from `www/npm/`), which the client embed example imports;
//! - `rusher-chat` in `www/chat/` (the widget's `mountChat`, entries from `www/npm-chat/`), which
//!   the chat embed example imports.

use std::fs;
use std::path::{Path, PathBuf};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::setup::{self, BUNDLE_NIGHTLY, Purpose};
use crate::shell::{Error, cmd, root, run_quiet, work_dir};
use crate::{dead_classes, glue_strings, wasm_baseline, wasm_names, widget_css};

/// The client package folder, served by rusher-server at `/www/pkg/`.
pub fn package_dir() -> PathBuf {
    root().join("www").join("pkg")
}

/// The chat package folder, served at `/www/chat/`.
pub fn chat_dir() -> PathBuf {
    root().join("www").join("chat")
}

/// Where tarballs go.
fn tarball_dir() -> PathBuf {
    root().join("target").join("package")
}

/// Builds both packages and their tarballs; prints where they are.
pub fn run() -> Result<bool, Error> {
    setup::ensure(Purpose::Package)?;
    for (dir, tarball) in [(package_dir(), build()?), (chat_dir(), build_chat()?)] {
        println!("package: {}  tarball: {}", dir.display(), tarball.display());
    }
    Ok(true)
}

/// Builds `rusher-client`; returns its tarball.
pub fn build() -> Result<PathBuf, Error> {
    let dir = package_dir();
    let bundler = tarball_dir().join("bundler");
    fresh(&dir)?;
    fresh(&bundler)?;
    bind(Module::Client, "web", &dir, "rusher")?;
    let wasm = dir.join("rusher_bg.wasm");
    optimize(&wasm, &[])?;
    wasm_names::shorten(&dir, "rusher")?;
    optimize(&wasm, &[])?;
    glue_strings::decode_short_in_js(&dir.join("rusher.js"))?;
    bind(Module::Client, "bundler", &bundler, "rusher")?;
    optimize(&bundler.join("rusher_bg.wasm"), &[])?;
    glue_strings::decode_short_in_js(&bundler.join("rusher_bg.js"))?;
    let bundler_dest = dir.join("bundler");
    fs::create_dir_all(&bundler_dest)?;
    for file in ["rusher.js", "rusher_bg.js", "rusher_bg.wasm", "rusher.d.ts"] {
        let from = bundler.join(file);
        if from.exists() {
            fs::copy(&from, bundler_dest.join(file))?;
        }
    }
    copy_files(&root().join("www").join("npm"), &dir)?;
    for file in [
        "rusher.js",
        "index.js",
        "init.js",
        "echo.js",
        "pusher.js",
        "bundler.js",
        "bundler/rusher.js",
        "bundler/rusher_bg.js",
    ] {
        minify(&dir.join(file))?;
    }
    write_manifest(&dir, client_manifest())?;
    pack(&dir, "rusher-client-")
}

/// The `rusher-client` package's `package.json`.
fn client_manifest() -> Value {
    json!({
            "name": "rusher-client",
            "description": "A Pusher Channels client for the browser in Rust and WebAssembly, with the API of pusher-js 8.",
            "main": "index.js",
            "module": "index.js",
            "types": "index.d.ts",
            "exports": {
                ".": {"types": "./index.d.ts", "default": "./index.js"},
                "./bundler": {"types": "./bundler.d.ts", "default": "./bundler.js"},
                "./init": {"types": "./init.d.ts", "default": "./init.js"},
                "./echo": {"types": "./echo.d.ts", "default": "./echo.js"},
                "./rusher_bg.wasm": {"types": (["./", WASM_URL_TYPES].concat()), "default": "./rusher_bg.wasm"},
                "./package.json": "./package.json"
            },
            "files": [
                "index.js", "index.d.ts", "init.js", "init.d.ts", "echo.js", "echo.d.ts",
                "pusher.js", "pusher.d.ts",
                "bundler.js", "bundler.d.ts", "rusher.js", "rusher.d.ts", "rusher_bg.wasm",
                "rusher_bg.wasm.d.ts", WASM_URL_TYPES,
                "bundler/", "README.md", "LICENSE"
            ],
            "sideEffects": ["./index.js", "./bundler/rusher.js"],
            "keywords": ["pusher", "websocket", "realtime", "wasm", "laravel-echo"]
    })
}

/// Builds `rusher-chat` (the embeddable widget); returns its tarball.
pub fn build_chat() -> Result<PathBuf, Error> {
    let dir = chat_dir();
    fresh(&dir)?;
    bind(Module::Widget, "web", &dir, "rusher-chat-wasm")?;
    let wasm = dir.join("rusher-chat-wasm_bg.wasm");
    // First: the dead classes' code is found by the names the linker gave it.
    dead_classes::remove(&dir, "rusher-chat-wasm")?;
    optimize(&wasm, &[])?;
    wasm_names::shorten(&dir, "rusher-chat-wasm")?;
    optimize(&wasm, &[])?;
    glue_strings::decode_short_in_js(&dir.join("rusher-chat-wasm.js"))?;
    copy_files(&root().join("www").join("npm-chat"), &dir)?;
    write_style_module(&dir)?;
    for file in [
        "rusher-chat-wasm.js",
        "rusher-chat.js",
        "rusher-chat-style.js",
    ] {
        minify(&dir.join(file))?;
    }
    write_manifest(
        &dir,
        json!({
            "name": "rusher-chat",
            "description": "The Rusher chat widget for any page: mountChat({ ... }) adds a chat launcher at once and loads the chat, with a who's-online list, when a visitor opens it.",
            "main": "rusher-chat.js",
            "module": "rusher-chat.js",
            "types": "rusher-chat.d.ts",
            "exports": {
                ".": {"types": "./rusher-chat.d.ts", "default": "./rusher-chat.js"},
                "./rusher-chat-wasm_bg.wasm": {"types": (["./", WASM_URL_TYPES].concat()), "default": "./rusher-chat-wasm_bg.wasm"},
                "./package.json": "./package.json"
            },
            "files": [
                "rusher-chat.js", "rusher-chat.d.ts", "rusher-chat-style.js",
                "rusher-chat-wasm.js", "rusher-chat-wasm.d.ts", "rusher-chat-wasm_bg.wasm",
                WASM_URL_TYPES, "README.md", "LICENSE"
            ],
            "sideEffects": ["./rusher-chat.js"],
            "keywords": ["chat", "widget", "pusher", "presence", "wasm", "leptos"]
        }),
    )?;
    pack(&dir, "rusher-chat-")
}

/// The widget's module optimized as the package's is (`-Oz`, without the dead classes of
/// [`dead_classes`]), with its function names kept: what [`crate::wasm_breakdown`] reads. Built
/// in `target/xtask/widget-names/`.
pub fn build_widget_with_names() -> Result<PathBuf, Error> {
    let dir = work_dir().join("widget-names");
    fresh(&dir)?;
    bind(Module::Widget, "web", &dir, "widget")?;
    dead_classes::remove(&dir, "widget")?;
    let named = dir.join("widget-named.wasm");
    fs::copy(dir.join("widget_bg.wasm"), &named)?;
    optimize(&named, &["--strip-dwarf", "-g"])?;
    Ok(named)
}

/// How the packages' modules are optimized. `--low-memory-unused`: Rust's wasm32 layout puts the
/// stack first, growing down from 1 MiB, so the low 1 KiB is only reached by a stack overflow; it
/// lets wasm-opt fold constant offsets (-1.3%). `--strip-producers`: the toolchain's names and
/// versions are no use to a browser.
const WASM_OPT_FLAGS: [&str; 4] = [
    "-Oz",
    "--converge",
    "--low-memory-unused",
    "--strip-producers",
];

/// Optimizes a module in place with [`WASM_OPT_FLAGS`] and `more`. A module that xtask changes ([`dead_classes`], [`wasm_names`]) is optimized before and
/// again after: the code only the removed exports kept goes, and what the renaming left is
/// folded (once, after the changes only, was 19 B larger for the client and 36 B for the widget,
/// gzip). Only the baseline features are enabled (the renaming strips the feature section).
fn optimize(wasm: &Path, more: &[&str]) -> Result<(), Error> {
    run_quiet(
        cmd("wasm-opt")
            .arg(wasm)
            .args(wasm_baseline::feature_flags())
            .args(WASM_OPT_FLAGS)
            .args(more)
            .arg("-o")
            .arg(wasm),
        "wasm-opt",
        None,
    )
}

/// Writes `rusher-chat-style.js`: the widget's stylesheet (`crates/widget/src/style.css`, made
/// smaller as the widget's build script makes the one it embeds) as the
/// default export the launcher adopts in the shadow root it makes, which the widget then renders
/// into.
fn write_style_module(dir: &Path) -> Result<(), Error> {
    let css = fs::read_to_string(root().join("crates/widget/src/style.css"))?;
    let css = widget_css::minify(&css);
    let module = ["export default ", &serde_json::to_string(&css)?, ";\n"].concat();
    fs::write(dir.join("rusher-chat-style.js"), module)?;
    Ok(())
}

/// Removes a folder left by an earlier build.
fn fresh(dir: &Path) -> Result<(), Error> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    Ok(())
}

/// Copies every file of `from` into `to`.
fn copy_files(from: &Path, to: &Path) -> Result<(), Error> {
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

/// A crate that an npm package carries as its WebAssembly module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Module {
    /// `rusher-client` with its `bundle` feature: no std, the pusher-js API.
    Client,
    /// `rusher-widget` with its `embed` feature: `mountChat`.
    Widget,
}

impl Module {
    /// The crate's package name.
    fn krate(self) -> &'static str {
        match self {
            Module::Client => "rusher-client",
            Module::Widget => "rusher-widget",
        }
    }

    /// The features it is built with, after `--no-default-features` for the client.
    fn features(self) -> &'static [&'static str] {
        match self {
            Module::Client => &["--no-default-features", "--features", "bundle"],
            Module::Widget => &["--features", "embed"],
        }
    }

    /// What of the standard library the nightly rebuilds for it: the client has no std.
    fn build_std(self) -> &'static str {
        match self {
            Module::Client => "core,alloc",
            Module::Widget => "std,panic_abort",
        }
    }

    /// Its target folder: one of its own, as its standard library is rebuilt.
    fn target_dir(self) -> PathBuf {
        root().join("target").join(match self {
            Module::Client => "bundle",
            Module::Widget => "widget-bundle",
        })
    }

    /// The module cargo writes.
    fn wasm(self) -> PathBuf {
        self.target_dir()
            .join("wasm32-unknown-unknown")
            .join("release")
            .join([&self.krate().replace('-', "_"), ".wasm"].concat())
    }
}

/// `cargo build` of a package's module, by the pinned nightly with the standard library rebuilt
/// to abort on panic without a message and with its smaller implementations
/// (`optimize_for_size`).
fn compile(module: Module) -> Result<(), Error> {
    let mut command = cmd("cargo");
    command
        .args([
            "build",
            "--lib",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args(["--package", module.krate()])
        .args(module.features())
        .env("RUSTUP_TOOLCHAIN", BUNDLE_NIGHTLY)
        .env("CARGO_UNSTABLE_BUILD_STD", module.build_std())
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
        .env("CARGO_TARGET_DIR", module.target_dir())
        .env(
            "RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none",
        );
    run_quiet(
        &mut command,
        &["cargo build --package ", module.krate()].concat(),
        None,
    )
}

/// The module [`compile`]d, and wasm-bindgen's JavaScript glue and type declarations for it, in
/// `out` as `name.js`, `name_bg.wasm` and their `.d.ts` for a wasm-bindgen `target` (`web`,
/// `bundler`). wasm-opt does not run here ([`optimize`] does, after).
fn bind(module: Module, target: &str, out: &Path, name: &str) -> Result<(), Error> {
    compile(module)?;
    run_quiet(
        cmd("wasm-bindgen")
            .arg(module.wasm())
            .arg("--out-dir")
            .arg(out)
            .args(["--target", target, "--weak-refs", "--out-name", name]),
        &["wasm-bindgen ", module.krate(), " --target ", target].concat(),
        None,
    )
}

/// Minifies an ES module in place with terser (from the npm build tools setup installs).
fn minify(file: &Path) -> Result<(), Error> {
    run_quiet(
        cmd("terser")
            .arg(file)
            .args(["--module", "--compress", "--mangle", "--comments", "false"])
            .arg("--output")
            .arg(file),
        "terser",
        None,
    )
}

/// The types of a package's `.wasm` export, as bundlers' asset loaders give it (esbuild's `file`
/// loader, webpack's `asset/resource`): its URL.
const WASM_URL_TYPES: &str = "wasm-url.d.ts";

/// Writes [`WASM_URL_TYPES`] and the repository's LICENSE into a package folder.
fn write_package_files(dir: &Path) -> Result<(), Error> {
    let types = "// The URL of the package's WebAssembly module, as a bundler's asset loader gives it\n\
                 // (esbuild `--loader:.wasm=file`, webpack `type: \"asset/resource\"`).\n\
                 declare const url: string;\nexport default url;\n";
    fs::write(dir.join(WASM_URL_TYPES), types)?;
    fs::copy(root().join("LICENSE"), dir.join("LICENSE"))?;
    Ok(())
}

/// Writes the package's package.json: `fields`, and what every package says (an ES module
/// package; the workspace's version, license and repository), and adds the files every package
/// has ([`write_package_files`]).
fn write_manifest(dir: &Path, fields: Value) -> Result<(), Error> {
    write_package_files(dir)?;
    let path = dir.join("package.json");
    let mut manifest = json!({
        "type": "module",
        "version": env!("CARGO_PKG_VERSION"),
        "license": env!("CARGO_PKG_LICENSE"),
        "repository": {"type": "git", "url": env!("CARGO_PKG_REPOSITORY")},
    });
    if let (Some(manifest), Some(fields)) = (manifest.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            manifest.insert(key.clone(), value.clone());
        }
    }
    let text = serde_json::to_string_pretty(&InConditionOrder(&manifest))?;
    fs::write(&path, text + "\n")?;
    Ok(())
}

/// Where a key goes among its object's keys: resolvers read an `exports` entry's conditions in
/// order, so `types` comes first and `default` last (serde_json's map sorts keys, which would put
/// `default` before `types`); the rest keep their sorted order.
fn condition_rank(key: &str) -> u8 {
    match key {
        "types" => 0,
        "default" => 2,
        _ => 1,
    }
}

/// A manifest serialized with each object's keys in [`condition_rank`] order.
struct InConditionOrder<'a>(&'a Value);

impl Serialize for InConditionOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by_key(|(key, _)| condition_rank(key));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    out.serialize_entry(key, &InConditionOrder(value))?;
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(InConditionOrder)),
            scalar => scalar.serialize(serializer),
        }
    }
}

/// `npm pack` into `target/package/`, replacing older tarballs named `prefix*`.
fn pack(dir: &Path, prefix: &str) -> Result<PathBuf, Error> {
    let dest = tarball_dir();
    fs::create_dir_all(&dest)?;
    let ours = |path: &Path| {
        path.extension().is_some_and(|e| e == "tgz")
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
    };
    for entry in fs::read_dir(&dest)? {
        let path = entry?.path();
        if ours(&path) {
            fs::remove_file(path)?;
        }
    }
    run_quiet(
        cmd("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&dest)
            .current_dir(dir),
        "npm pack",
        None,
    )?;
    fs::read_dir(&dest)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| ours(p))
        .ok_or_else(|| "npm pack made no tarball".into())
}
