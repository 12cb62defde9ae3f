//! `cargo xtask size`: the client bundle (wasm + JS glue + entry) raw, gzip and brotli, next to
//! pusher-js 8's `pusher.min.js` and `pusher-with-encryption.min.js` from npm, with ratios; and
//! the chat widget's embed (`rusher-chat`): its launcher (entry + styles), what every page view
//! loads, and the widget (wasm + glue), what opening the chat loads.
//! Compression is Node's zlib (gzip level 9, brotli quality 11), measured in the same run.
//! `cargo xtask size --budget` (a suite of `cargo xtask test`) measures the packages built by the
//! suite before it and fails when one is over its budget ([`CLIENT_BUNDLE_BUDGET`],
//! [`LAUNCHER_BUDGET`], [`WIDGET_BUNDLE_BUDGET`]) or a module needs a WebAssembly feature beyond
//! the baseline ([`wasm_baseline`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::package::{self, chat_dir, package_dir};
use crate::setup::{self, Purpose};
use crate::shell::{Error, cmd, npm_dir, root, write_table};
use crate::{wasm_baseline, wasm_breakdown};

/// The most the client bundle may weigh, gzip -9 bytes: a budget under the issue's 50,000 B,
/// lowered whenever a change makes the bundle smaller (set at 50,000 B over a 49,547 B bundle;
/// lowered to 48,500 B when short import and export names brought it to 48,151 B). Raised once,
/// by 300 B, for speed: the JSON scanner's word-at-a-time string loops (+206 B) take 1 KB events
/// 24% faster, short strings decoded in JavaScript (`glue_strings`, +61 B) 100 B events 15%
/// faster, and base64 decoded through a table (+48 B) encrypted events a fifth faster; 48,743 B
/// with all three. Raised again, by 900 B, for speed: a string `data` passed on as its literal
/// and taken by JavaScript from the frame's own string (`frame_text`, `Payload`; +904 B) takes
/// 100 B events about 25% faster and 1 KB events about 12%; 49,680 B with it. Raised to the
/// ceiling, 50,000 B, for correctness in WebKit and in Node: the default entry loads the module
/// without a top-level `await` (WebKit ran only one of several importers of a module that awaited
/// at its top level), so a `Pusher` made before the module is loaded keeps what it is asked until
/// then, and options are read as pusher-js reads them (strings of digits, falsy defaults);
/// +302 B, 49,991 B with it. Lowered to 49,000 B when plain loops and slices replaced iterator
/// adapters that each became a large inlined state machine, and the two auth requests shared
/// one callback type (-1,336 B), while the page's life came in (back/forward cache, waking;
/// +222 B): 48,843 B. Then pusher-js's `Pusher.logToConsole` and `Pusher.log`, and auth
/// headers and params from providers that answer with a promise (+247 B), and wasm-opt once more
/// after the renaming (-106 B): 48,984 B. Raised to the ceiling, 50,000 B, for speed on every
/// kind of processor (issue 31: 1 KB events at 0.86x and presence at 0.54-0.83x of pusher-js on
/// an Intel Xeon): frames read by the browser's `JSON.parse`, an event's data left in
/// JavaScript (`json_frame`, `kept_frames`, `Payload::Kept`; the frame's text offer and the
/// literal's copy gone), member events kept by a copy of the members in `pusher.js`, and the
/// clock read from `Date.now()`: 1 KB events 1.5x as fast, 100 B events 1.2x, member events
/// 1.25x; 49,944 B.
pub const CLIENT_BUNDLE_BUDGET: u64 = 50_000;

/// The most the embed's launcher may weigh, gzip -9 bytes: what every page view loads before a
/// visitor opens the chat (the issue's target: under 15 KB).
pub const LAUNCHER_BUDGET: u64 = 15_000;

/// The most the widget itself may weigh (wasm + glue, what opening the chat loads), gzip -9
/// bytes: a budget, lowered whenever a change makes it smaller (217,356 B for the whole embed
/// when it was set; lowered when the widget dropped serde_json for the browser's JSON, at
/// 202,358 B, and when its lists shared one keyed list, at 196,783 B; the aim is under
/// 120,000 B, below the embeds of Crisp, about 130 KB, and Chatwoot, about 170 KB). Raised once,
/// by 2,500 B, for the message log's window (`log_window`, +2.7 KB): 1,930 DOM nodes instead of
/// 11,830 with a room's 1,000 messages kept, and a new message drawn in 2.4 ms instead of 3.5
/// (median, `cargo xtask bench`); 199,931 B with it. Raised again, by 500 B, for a fix: a
/// private room whose history was all loaded asked the backend again at every visit to the top
/// (each room now knows when its oldest message is here); 200,020 B with it. Lowered when the
/// classes no JavaScript can hold left the build ([`crate::dead_classes`]), at 198,223 B.
/// Raised by 400 B for the client's `Payload` (an event's string data passed on undecoded, which
/// the widget decodes where the core did before): 198,872 B with it. Lowered with the client's
/// smaller core and driver (plain loops for iterator adapters), page's life included:
/// 198,185 B. Lowered when the package build ran wasm-opt once more after removing the dead
/// classes and renaming the imports and exports (-595 B), with the client's auth awaiting
/// promised headers (+85 B), Escape closing the panel and the launcher's name holding its
/// counts (+80 B): 197,755 B. Lowered when serde-wasm-bindgen's errors stopped pulling in
/// Rust's float formatting (vendor/serde-wasm-bindgen: -6,264 B), with the client's events
/// routed through `rusher_client::leptos::on_event` under the widget's owner (+691 B) and the
/// focus moved into the panel and back by the handlers that open and close it (+552 B; as an
/// effect it had cost 900 B): 192,699 B. Lowered when serde-wasm-bindgen stopped caching names
/// in a HashMap of its own (-1,147 B), with the phone's panel following the visual viewport
/// (`viewport`, +578 B) and the focus moved to the message field after Join (+115 B):
/// 192,245 B. Lowered when the backend's request errors stopped going through gloo-net's
/// `Display`, which brought serde_json's error messages (-615 B), with a new last line of the
/// log clearing the place held at its top (+59 B): 191,689 B. Raised by 2,050 B for the
/// who's-online list checked against the server's on a cluster (`chat/member_check.rs`: a
/// restarted sockudo node's visitors missed members, and the other node's kept a dead node's
/// members for good), about 3.3 KB, less the backend's answers read by one function for every
/// type (-1,339 B): 193,701 B. What would pay it back: server_fn's `browser` feature, which
/// Leptos's `csr` turns on, links wasm-streams' exported classes, whose code stays reachable
/// through their vtables after their exports are removed (about 5 KB of code). Lowered with the
/// core's frames read by one function whatever way they come (`Connection::read_frame`) and a
/// string data's literal no longer carrying its place in the frame: 193,558 B. Lowered again
/// with the embed's `on()` events matched as an enum (`embed_events.rs`): 193,446 B. Lowered with
/// encrypted channels left out of the widget's client (the core's `encrypted` feature), net of
/// the full lobby read on its twin on sockudo and counted by the backend there: 190,266 B; the
/// same source built again later measured 190,587 B (builds of one source were seen to differ
/// by some 300 B), and the log's scroll type and the compiler's list of `on()` events added
/// 190 B: 190,762 B, with room for that difference. Stop 44: the stores came to own their state
/// (+4.1 KB), paid back by the embed's `on()` events through one effect type (-0.6 KB) and the
/// dead stream classes' code stubbed out (`dead_classes.rs`, -3.5 KB): 190,494 B; a room's lines
/// read through the messages store: 190,579 B; its state read without a panic once removed:
/// 190,640 B.
pub const WIDGET_BUNDLE_BUDGET: u64 = 190_800;

/// Prints `raw gzip brotli` for each file given, one JSON array per line.
const MEASURE: &str = r#"
const fs = require('fs'); const zlib = require('zlib');
for (const file of process.argv.slice(1)) {
  const bytes = fs.readFileSync(file);
  const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(JSON.stringify([bytes.length, gzip, brotli]));
}
"#;

/// Raw, gzip and brotli bytes.
#[derive(Clone, Copy, Default)]
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Builds the package (with `--budget`, only when it is not built yet) and prints the table; with
/// `--budget`, fails when the bundle is over budget or a module is beyond the WebAssembly
/// baseline.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    if settings.breakdown {
        return breakdown();
    }
    setup::ensure(Purpose::Size)?;
    let (pkg, chat) = (package_dir(), chat_dir());
    if !settings.budget || !pkg.join("rusher_bg.wasm").is_file() {
        package::build()?;
    }
    if !settings.budget || !chat.join("rusher-chat-wasm_bg.wasm").is_file() {
        package::build_chat()?;
    }
    let measured = Measured::read(&pkg, &chat)?;
    measured.print();
    if !settings.budget {
        return Ok(true);
    }
    let within = measured.within_budgets();
    let client_baseline = wasm_baseline::check(&pkg.join("rusher_bg.wasm"))?;
    let widget_baseline = wasm_baseline::check(&chat.join("rusher-chat-wasm_bg.wasm"))?;
    Ok(within && client_baseline && widget_baseline)
}

/// The packages' files and pusher-js's, measured.
struct Measured {
    wasm: Sizes,
    glue: Sizes,
    entry: Sizes,
    init: Sizes,
    classes: Sizes,
    plain: Sizes,
    encryption: Sizes,
    chat_wasm: Sizes,
    chat_glue: Sizes,
    chat_entry: Sizes,
    chat_style: Sizes,
}

impl Measured {
    /// Measures the client package in `pkg`, the chat package in `chat`, and pusher-js.
    fn read(pkg: &Path, chat: &Path) -> Result<Self, Error> {
        let ours = [
            "rusher_bg.wasm",
            "rusher.js",
            "index.js",
            "init.js",
            "pusher.js",
        ];
        let pusher_js = npm_dir().join("node_modules/pusher-js/dist/web");
        let mut files: Vec<PathBuf> = ours.iter().map(|f| pkg.join(f)).collect();
        files.push(pusher_js.join("pusher.min.js"));
        files.push(pusher_js.join("pusher-with-encryption.min.js"));
        for file in [
            "rusher-chat-wasm_bg.wasm",
            "rusher-chat-wasm.js",
            "rusher-chat.js",
            "rusher-chat-style.js",
        ] {
            files.push(chat.join(file));
        }
        let mut sizes = measure(&files)?.into_iter();
        let mut next = || sizes.next().ok_or("could not measure every file");
        Ok(Self {
            wasm: next()?,
            glue: next()?,
            entry: next()?,
            init: next()?,
            classes: next()?,
            plain: next()?,
            encryption: next()?,
            chat_wasm: next()?,
            chat_glue: next()?,
            chat_entry: next()?,
            chat_style: next()?,
        })
    }

    /// The client bundle: what a page that imports `rusher-client` loads.
    fn bundle(&self) -> Sizes {
        self.wasm + self.glue + self.entry + self.init + self.classes
    }

    /// The chat launcher: what every page view of a site with the chat loads.
    fn launcher(&self) -> Sizes {
        self.chat_entry + self.chat_style
    }

    /// The chat widget: what opening the chat loads.
    fn widget(&self) -> Sizes {
        self.chat_wasm + self.chat_glue
    }

    /// Prints the table, with the client's ratios to pusher-js.
    fn print(&self) {
        let row = |name: &str, s: Sizes| {
            println!("{name:<40} {:>9} {:>9} {:>9}", s.raw, s.gzip, s.brotli);
        };
        let bundle = self.bundle();
        println!("{:<40} {:>9} {:>9} {:>9}", "bytes", "raw", "gzip", "brotli");
        row("rusher_bg.wasm", self.wasm);
        row("rusher.js (wasm-bindgen glue)", self.glue);
        row("index.js + init.js (entries)", self.entry + self.init);
        row("pusher.js (pusher-js's classes)", self.classes);
        row("Rusher client bundle", bundle);
        row("pusher-js 8 pusher.min.js", self.plain);
        row("pusher-js 8 pusher-with-encryption.min.js", self.encryption);
        let ratio = |a: u64, b: u64| a as f64 / b.max(1) as f64;
        for (name, other) in [
            ("pusher-with-encryption.min.js", self.encryption),
            ("pusher.min.js", self.plain),
        ] {
            println!(
                "Rusher / {name:<30} raw {:.2}x, gzip {:.2}x, brotli {:.2}x",
                ratio(bundle.raw, other.raw),
                ratio(bundle.gzip, other.gzip),
                ratio(bundle.brotli, other.brotli)
            );
        }
        row("rusher-chat.js (the launcher)", self.chat_entry);
        row("rusher-chat-style.js (its styles)", self.chat_style);
        row("Chat launcher (every page view)", self.launcher());
        row("rusher-chat-wasm_bg.wasm", self.chat_wasm);
        row("rusher-chat-wasm.js (wasm-bindgen glue)", self.chat_glue);
        row("Chat widget (loaded on open)", self.widget());
    }

    /// Whether each package is within its budget (gzip), saying so for each.
    fn within_budgets(&self) -> bool {
        let check = |name: &str, size: u64, limit: u64| {
            let within = size <= limit;
            let verdict = if within { "within" } else { "OVER" };
            println!("{name} {size} B gzip: {verdict} the budget of {limit} B");
            within
        };
        let client = check("client bundle", self.bundle().gzip, CLIENT_BUNDLE_BUDGET);
        let launcher = check("chat launcher", self.launcher().gzip, LAUNCHER_BUDGET);
        let widget = check("chat widget", self.widget().gzip, WIDGET_BUNDLE_BUDGET);
        client && launcher && widget
    }
}

/// `cargo xtask size`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Fail when a package is over its budget or a module needs a WebAssembly feature beyond the
    /// baseline (the test suite's check: it measures the packages built before it).
    #[arg(long, conflicts_with = "breakdown")]
    budget: bool,
    /// What the widget's code is made of, by crate (written into BENCHMARKS.md).
    #[arg(long)]
    breakdown: bool,
}

/// How many crates the breakdown lists by name; the rest are summed in one row.
const BREAKDOWN_CRATES: usize = 16;

/// How many of the largest functions the breakdown lists.
const BREAKDOWN_FUNCTIONS: usize = 12;

/// `cargo xtask size --breakdown`: what the widget's code is made of, by crate, and its largest
/// functions; printed and written into BENCHMARKS.md.
fn breakdown() -> Result<bool, Error> {
    setup::ensure(Purpose::Size)?;
    let module = std::fs::read(package::build_widget_with_names()?)?;
    let breakdown = wasm_breakdown::read(&module)?;
    let code = breakdown.code();
    let share = |bytes: u64| 100.0 * bytes as f64 / code.max(1) as f64;
    let mut crates: Vec<_> = breakdown.crates.iter().collect();
    crates.sort_by_key(|(_, share)| std::cmp::Reverse(share.bytes));
    let mut table = format!(
        "The widget's wasm: {} KB of code in {} functions, and {} KB of data.\n\n\
         | crate | code (KB) | share | functions |\n|---|---:|---:|---:|\n",
        code / 1000,
        breakdown.largest.len(),
        breakdown.data / 1000
    );
    let (named, rest) = crates.split_at(crates.len().min(BREAKDOWN_CRATES));
    for (name, s) in named {
        let _ = writeln!(
            table,
            "| `{name}` | {:.1} | {:.1}% | {} |",
            s.bytes as f64 / 1000.0,
            share(s.bytes),
            s.functions
        );
    }
    let (bytes, functions) = rest
        .iter()
        .fold((0, 0), |(b, f), (_, s)| (b + s.bytes, f + s.functions));
    let _ = writeln!(
        table,
        "| {} other crates | {:.1} | {:.1}% | {functions} |",
        rest.len(),
        bytes as f64 / 1000.0,
        share(bytes)
    );
    table.push_str("\n| largest functions | code (KB) |\n|---|---:|\n");
    for (bytes, name) in breakdown.largest.iter().take(BREAKDOWN_FUNCTIONS) {
        let short: String = without_hashes(name).chars().take(110).collect();
        let _ = writeln!(
            table,
            "| `{}` | {:.1} |",
            short.replace('|', "\\|"),
            *bytes as f64 / 1000.0
        );
    }
    print!("{table}");
    write_table(
        &root().join("BENCHMARKS.md"),
        "widget code",
        "cargo xtask size --breakdown",
        &table,
    )?;
    println!("written into BENCHMARKS.md");
    Ok(true)
}

/// A demangled name without its crates' hashes (`core[9c69eefa]::ptr` is `core::ptr`), which
/// change from build to build.
fn without_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut at = 0;
    for (_, open, end) in wasm_breakdown::crate_hashes(name) {
        out.push_str(&name[at..open]);
        at = end;
    }
    out.push_str(&name[at..]);
    out
}

/// Measures files with Node's zlib.
fn measure(files: &[PathBuf]) -> Result<Vec<Sizes>, Error> {
    let output = cmd("node").arg("-e").arg(MEASURE).args(files).output()?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let [raw, gzip, brotli]: [u64; 3] = serde_json::from_str(line)?;
            Ok(Sizes { raw, gzip, brotli })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::without_hashes;

    #[test]
    fn names_lose_their_hashes_only() {
        assert_eq!(
            without_hashes("<leptos[ba5568a7c]::For<rusher_widget[320a7eff4]::x>>::a[0]"),
            "<leptos::For<rusher_widget::x>>::a[0]"
        );
    }
}
