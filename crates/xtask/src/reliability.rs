//! `cargo xtask reliability [--fuzz-seconds N] [--soak-minutes N]`: regenerates every table of
//! RELIABILITY.md in one run. It fuzzes each target for N seconds (75) and soaks for N minutes
//! (10), each writing its own table (0 skips one, leaving its table as it is), then runs the suites that hold the fault and security
//! scenarios and writes their tables: each scenario names its tests, and each cell shows the
//! result of that test in this run. A scenario naming a test that no suite ran is an error, so
//! the tables cannot drift from the tests. `cargo xtask test` runs the same tests (and a short
//! soak, and the fuzz corpus as tests); only the long fuzzing and soak are left to this command.

use crate::shell::{Error, root, write_table};
use crate::{fuzz, soak, test};

/// A cell of a scenario table: a test (a unique part of its name, as the suites print it), or
/// a note where a layer has no test of its own.
enum Cell {
    Test(&'static str),
    Tests(&'static [&'static str]),
    Note(&'static str),
}

use Cell::{Note, Test, Tests};

/// One fault, and its tests per layer: client (Rust API), client (JS API), widget.
struct Fault {
    what: &'static str,
    tried: &'static str,
    layers: [Cell; 3],
}

/// One attack, and the tests that try it.
struct Attack {
    what: &'static str,
    tried: &'static str,
    tests: Cell,
}

/// The suites that hold the scenarios' tests, in the order `cargo xtask test` runs them.
const SUITES: [&str; 5] = [
    "native tests",
    "client in headless Chromium",
    "npm packages",
    "JS API: Echo, pusher-js, package",
    "chat widget in Chromium",
];

const FAULTS: &[Fault] = &[
    Fault {
        what: "server restarted (close 4200) and killed (no close frame)",
        tried: "once each; the widget: down 2.5 s with a message sent meanwhile",
        layers: [
            Test("reconnects_and_resubscribes_after_the_server_restarts_and_after_it_is_killed"),
            Test("after the server restarts, and after it is killed"),
            Test("the server restarts mid-chat"),
        ],
    },
    Fault {
        what: "20 outages in a row (a crash loop)",
        tried: "20 × down 300 ms, 0.8–1.3 s apart; two visitors in a presence room",
        layers: [
            Test("faults_twenty_outages_in_a_row"),
            Test("faults: 20 outages in a row"),
            Test("20 outages in a row (a crash loop): both back Online"),
        ],
    },
    Fault {
        what: "each close-code range",
        tried: "4009, 4100, 4200, 4301 (and 1001 in Rust and the widget)",
        layers: [
            Test("faults_each_close_code_range"),
            Test("faults: each close-code range"),
            Test("close codes: 4100, 4200, 4301 and 1001"),
        ],
    },
    Fault {
        what: "half-open link (pings unanswered)",
        tried: "activity timeout 1 s, pong timeout 1 s",
        layers: [
            Test("faults_a_half_open_link"),
            Test("faults: a half-open link"),
            Note(
                "the widget runs the client with its default timeouts (120 s + 30 s): covered by the client's tests",
            ),
        ],
    },
    Fault {
        what: "auth endpoint answering 403 or 500",
        tried: "each status once; then a healthy subscription",
        layers: [
            Test("faults_an_auth_endpoint_refusing_or_failing"),
            Test("faults: the auth endpoint answering 403 or 500"),
            Test("the auth endpoint failing (500, 403"),
        ],
    },
    Fault {
        what: "auth answer unreadable or wrongly signed",
        tried: "a body that is not JSON; a signature made with another secret",
        layers: [
            Test("faults_an_auth_answer_with_a_wrong_signature_or_garbage"),
            Test("customHandler: channels and sign-in authorized by the page"),
            Test("the auth endpoint failing (500, 403"),
        ],
    },
    Fault {
        what: "auth endpoint slow, or never answering",
        tried: "held 2 s; held past the subscription timeout (2 s in Rust, the default 30 s in JS)",
        layers: [
            Test("faults_an_auth_endpoint_that_never_answers"),
            Test("faults: an auth endpoint that never answers"),
            Test("a message sent before the invitee's subscription is confirmed"),
        ],
    },
    Fault {
        what: "malformed, oversized and deeply nested frames; hostile events",
        tried: "not JSON, cut short, an array, 1.1 MB, 5,000 levels deep; the widget: 6 hostile message events",
        layers: [
            Test("faults_malformed_oversized_and_deep_frames"),
            Test("faults: malformed and oversized frames"),
            Test("hostile events on the room"),
        ],
    },
    Fault {
        what: "a flood of events",
        tried: "20,000 frames as fast as the socket takes them (figure below)",
        layers: [
            Note("the same driver as the JS API"),
            Test("faults: a flood of 20,000 events"),
            Note("the soak: 25 messages a second for 10 minutes, on 4 pages"),
        ],
    },
    Fault {
        what: "tampered encrypted payload",
        tried: "one byte of the ciphertext flipped, then a good event",
        layers: [
            Test("faults_a_tampered_encrypted_event"),
            Test("faults: a tampered encrypted event"),
            Note("the widget uses no encrypted channel"),
        ],
    },
    Fault {
        what: "rotated master key",
        tried: "the backend's key changed while subscribed; then an event sealed with a key nobody hands out",
        layers: [
            Test("faults_a_rotated_master_key"),
            Test("a rotated master key is fetched again"),
            Note("the widget uses no encrypted channel"),
        ],
    },
    Fault {
        what: "the browser going offline and online",
        tried: "once; the widget: messages written offline, across a reload",
        layers: [
            Test("offline_stops_the_connection_and_online_brings_it_back"),
            Test("faults: the browser going offline and online"),
            Test("messages written offline wait in the outbox"),
        ],
    },
    Fault {
        what: "a tab hidden (frozen) and shown again",
        tried: "main thread paused 10 s while events arrive; paused while the server drops the socket and the room changes",
        layers: [
            Note("wasm-bindgen-test cannot pause its own page: the JS API drives the same client"),
            Test("faults: a tab frozen in the background"),
            Tests(&[
                "a tab frozen in the background, its socket dropped meanwhile",
                "a hidden tab gets the unread count",
            ]),
        ],
    },
    Fault {
        what: "a presence list of 20,000 members (cap 10,000)",
        tried: "once, from a hostile server",
        layers: [
            Test("faults_a_huge_member_list_is_capped_and_said"),
            Test("faults: a hostile server listing 20,000 members"),
            Note("the widget lists what the client keeps"),
        ],
    },
];

const ATTACKS: &[Attack] = &[
    Attack {
        what: "the app secret or the master key in a built browser artifact",
        tried: "every built file searched, and every answer the pages got",
        tests: Test("the app secret and the master key reach no browser"),
    },
    Attack {
        what: "the chat and auth endpoints without a session",
        tried: "every endpoint",
        tests: Test("without_a_session_nothing_is_answered_but_the_config"),
    },
    Attack {
        what: "another origin acting with the visitor's cookie (CSRF)",
        tried: "a cross-site form and fetch; an origin the backend does not allow",
        tests: Tests(&[
            "a_page_on_a_foreign_origin_cannot_act_with_the_visitors_cookie",
            "a backend on another origin",
        ]),
    },
    Attack {
        what: "a room the user may not join; a forged or replayed socket id",
        tried: "another pair's private room; malformed socket ids; a signature made for another socket or with another secret",
        tests: Tests(&[
            "rooms_the_user_may_not_join_and_forged_socket_ids_are_refused",
            "private_channels_check_the_signature_and_keep_the_connection",
        ]),
    },
    Attack {
        what: "bodies over their limits",
        tried: "each endpoint, just over its limit",
        tests: Test("bodies_over_the_limit_are_refused_before_they_are_read"),
    },
    Attack {
        what: "floods of sign-ins, messages and invitations",
        tried: "over the limit per session and per address: 429 with Retry-After; the widget waits and sends",
        tests: Tests(&[
            "floods_get_429_with_retry_after_per_session_and_per_address",
            "a rate-limited one (429) goes out by itself",
        ]),
    },
    Attack {
        what: "static files outside their folders",
        tried: "traversal, encoded traversal, symlinks out (files and a folder's index.html)",
        tests: Test("the_file_routes_serve_nothing_outside_their_folder"),
    },
    Attack {
        what: "script in text (XSS)",
        tried: "names, messages, history, typing, invitations, room tabs, notifications, page title",
        tests: Tests(&[
            "payloads through names, messages, history",
            "the embed example in www/ connects and shows an event as text",
        ]),
    },
    Attack {
        what: "a page with a strict Content-Security-Policy",
        tried: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; no inline styles",
        tests: Test("strict Content-Security-Policy"),
    },
    Attack {
        what: "a hostile server: huge member lists, huge or deep frames, floods",
        tried: "see the faults above: 20,000 members, 1.1 MB and 5,000-level frames, 20,000 events",
        tests: Tests(&[
            "faults_a_huge_member_list_is_capped_and_said",
            "faults_malformed_oversized_and_deep_frames",
            "faults: a flood of 20,000 events",
        ]),
    },
];

/// `cargo xtask reliability`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Seconds each fuzz target runs (0: no fuzzing).
    #[arg(long, default_value_t = 75)]
    fuzz_seconds: u64,
    /// Minutes the soak runs (0: no soak).
    #[arg(long, default_value_t = 10)]
    soak_minutes: u64,
}

/// `cargo xtask reliability …`: whether everything passed.
pub fn run(settings: &Settings) -> Result<bool, Error> {
    let mut passed = true;
    if settings.fuzz_seconds > 0 {
        passed &= fuzz::run(&fuzz::Settings::all_for(settings.fuzz_seconds))?;
    }
    if settings.soak_minutes > 0 {
        passed &= soak::run(&soak::Settings::for_minutes(settings.soak_minutes))?;
    }
    let (outputs, suites_passed) = test::run_named(&SUITES)?;
    passed &= suites_passed;
    let results: Vec<(String, bool)> = outputs
        .iter()
        .flat_map(|(_, output)| test::results(output))
        .collect();
    let figures: Vec<&str> = outputs
        .iter()
        .flat_map(|(_, output)| output.lines())
        .filter_map(|line| line.trim().strip_prefix("figure: "))
        .collect();
    let faults = faults_table(&results, &figures)?;
    let attacks = attacks_table(&results)?;
    let path = root().join("RELIABILITY.md");
    write_table(&path, "faults", "cargo xtask reliability", &faults)?;
    write_table(&path, "security", "cargo xtask reliability", &attacks)?;
    println!("{faults}\n{attacks}\n(written into RELIABILITY.md)");
    Ok(passed)
}

/// A cell's text: each test's result and the part of its name, or the note.
fn cell(cell: &Cell, results: &[(String, bool)]) -> Result<String, Error> {
    let one = |part: &str| -> Result<String, Error> {
        let found: Vec<&(String, bool)> = results
            .iter()
            .filter(|(name, _)| name.contains(part))
            .collect();
        match found.as_slice() {
            [(_, true)] => Ok(format!("✓ {}", quoted(part))),
            [(_, false)] => Ok(format!("**✗ failed:** {}", quoted(part))),
            [] => Err(format!("RELIABILITY.md names a test no suite ran: {part}").into()),
            _ => Err(format!("RELIABILITY.md names a test ambiguously: {part}").into()),
        }
    };
    match cell {
        Test(part) => one(part),
        Tests(parts) => Ok(parts
            .iter()
            .map(|part| one(part))
            .collect::<Result<Vec<_>, _>>()?
            .join("<br>")),
        Note(note) => Ok(format!("_{note}_")),
    }
}

/// Code spans for test names; escaped for a table cell.
fn quoted(part: &str) -> String {
    format!("`{}`", part.replace('|', "\\|"))
}

fn faults_table(results: &[(String, bool)], figures: &[&str]) -> Result<String, Error> {
    let mut out = String::from(
        "| fault | tried | client, Rust API | client, JS API | widget |\n|---|---|---|---|---|\n",
    );
    for fault in FAULTS {
        let cells = fault
            .layers
            .iter()
            .map(|c| cell(c, results))
            .collect::<Result<Vec<_>, _>>()?;
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            fault.what,
            fault.tried,
            cells.join(" | ")
        ));
    }
    if !figures.is_empty() {
        out.push_str("\nFigures the tests printed in this run:\n");
        for figure in figures {
            out.push_str(&format!("- {figure}\n"));
        }
    }
    Ok(out)
}

fn attacks_table(results: &[(String, bool)]) -> Result<String, Error> {
    let mut out = String::from("| attack | tried | tests and results |\n|---|---|---|\n");
    for attack in ATTACKS {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            attack.what,
            attack.tried,
            cell(&attack.tests, results)?
        ));
    }
    Ok(out)
}
