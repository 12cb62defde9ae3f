//! The WebAssembly features the shipped modules may use, and the browsers that follows from:
//! `cargo xtask size --budget` validates each module with binaryen's validator against
//! [`BASELINE`] alone, so a toolchain update that starts emitting a newer feature fails the
//! suite instead of silently dropping browsers (README, "Browsers").

use std::path::Path;

use crate::shell::{Error, cmd};

/// The WebAssembly features the modules may use (binaryen's names), with the first versions of
/// Chrome, Firefox and Safari that have each. Rust's `wasm32-unknown-unknown` emits all five by
/// default; the latest of them, reference types, sets the floor: Chrome and Edge 96, Firefox 79,
/// Safari 15 (iOS 15).
pub const BASELINE: [(&str, &str); 5] = [
    ("bulk-memory", "Chrome 75, Firefox 79, Safari 15"),
    ("sign-ext", "Chrome 74, Firefox 62, Safari 14.1"),
    (
        "nontrapping-float-to-int",
        "Chrome 75, Firefox 64, Safari 15",
    ),
    ("reference-types", "Chrome 96, Firefox 79, Safari 15"),
    ("multivalue", "Chrome 85, Firefox 78, Safari 13.1"),
];

/// wasm-opt's flags for the [`BASELINE`] features and no others.
pub fn feature_flags() -> Vec<String> {
    let mut flags = vec!["--mvp-features".to_owned()];
    for (feature, _) in BASELINE {
        flags.push(["--enable-", feature].concat());
    }
    flags
}

/// Validates `module` with only the [`BASELINE`] features enabled; prints the verdict.
pub fn check(module: &Path) -> Result<bool, Error> {
    let mut validate = cmd("wasm-opt");
    validate.arg(module).args(feature_flags());
    let output = validate.args(["-o", "/dev/null"]).output()?;
    let name = module.file_name().unwrap_or_default().to_string_lossy();
    let within = output.status.success();
    if within {
        println!("{name}: valid with the baseline WebAssembly features alone");
    } else {
        let errors = String::from_utf8_lossy(&output.stderr);
        let first = errors.lines().next().unwrap_or("wasm-opt failed");
        println!("{name}: needs a feature beyond the baseline: {first}");
    }
    Ok(within)
}
