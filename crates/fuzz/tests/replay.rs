//! What `cargo xtask test` runs instead of fuzzing: every target over its saved corpus
//! (`corpus/<target>/`, kept by `cargo xtask fuzz`) and over every crash found so far
//! (`regressions/<target>/`), then over random bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusher_fuzz::TARGETS;

/// The files of `dir`, if it exists.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_saved_input_and_every_crash_found_so_far_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for target in &TARGETS {
        let corpus = files(&root.join("corpus").join(target.name));
        assert!(!corpus.is_empty(), "{}: no saved corpus", target.name);
        let regressions = files(&root.join("regressions").join(target.name));
        for file in corpus.iter().chain(&regressions) {
            let data = fs::read(file).unwrap();
            if catch_unwind(AssertUnwindSafe(|| (target.run)(&data))).is_err() {
                failures.push(file.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "failed on: {failures:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_pass_every_target(target in 0..TARGETS.len(), bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        (TARGETS[target].run)(&bytes);
    }
}
