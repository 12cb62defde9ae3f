//! # rusher-fuzz
//!
//! The fuzz targets of the protocol core, as plain functions of bytes: each panics when an
//! invariant breaks, and returns otherwise. libFuzzer runs them (`libfuzzer/`, driven by
//! `cargo xtask fuzz --seconds N`, which keeps the corpus in `corpus/<target>/`); `cargo test`
//! replays the saved corpus and every crash found so far (`regressions/<target>/`) through the
//! same functions, and feeds them random bytes, without fuzzing.
//!
//! The core parses and writes JSON, base64, decimals and forms by hand (to keep the browser
//! bundle small), so the targets for those compare it with the crates it stands in for.

pub mod auth_answers;
pub mod codecs;
pub mod connection;
pub mod encrypted;
pub mod frames;
pub mod json;
pub mod server;

/// A fuzz target: its name (the libFuzzer binary and corpus folder) and its function.
pub struct Target {
    /// The name of the binary in `libfuzzer/fuzz_targets/` and of the corpus folder.
    pub name: &'static str,
    /// Runs one input; panics on a broken invariant.
    pub run: fn(&[u8]),
}

/// Every target.
pub const TARGETS: [Target; 7] = [
    Target {
        name: "frames",
        run: frames::run,
    },
    Target {
        name: "json",
        run: json::run,
    },
    Target {
        name: "codecs",
        run: codecs::run,
    },
    Target {
        name: "connection",
        run: connection::run,
    },
    Target {
        name: "encrypted",
        run: encrypted::run,
    },
    Target {
        name: "auth_answers",
        run: auth_answers::run,
    },
    Target {
        name: "server",
        run: server::run,
    },
];
