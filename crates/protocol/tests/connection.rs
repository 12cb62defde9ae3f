//! Connection states, close codes, backoff and timers, with injected time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// On wasm32, `#[test]` is wasm-bindgen-test's: the same tests run in headless Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use std::time::Duration;

use common::{Harness, config, established, events, frames, opens};
use rusher_protocol::{Error, Event, Output, State};

const SEC: Duration = Duration::from_secs(1);

fn states(events: &[Event]) -> Vec<(State, State)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::StateChange { previous, current } => Some((*previous, *current)),
            _ => None,
        })
        .collect()
}

fn connecting_in(events: &[Event]) -> Vec<Duration> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ConnectingIn(delay) => Some(*delay),
            _ => None,
        })
        .collect()
}

/// The socket was closed and another opened at once, with no backoff.
fn replaced_at_once(out: &[Output]) {
    assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
    assert_eq!(connecting_in(&events(out)), vec![Duration::ZERO]);
    assert_eq!(opens(out).len(), 1);
}

#[test]
fn connect_opens_the_protocol_7_url_and_handshake_connects() {
    let mut h = Harness::new();
    assert_eq!(h.conn.state(), State::Initialized);
    h.conn.connect(h.now);
    let out = h.drain();
    assert_eq!(
        opens(&out),
        vec![format!(
            "ws://127.0.0.1:6001/app/278d425bdf160c739803?protocol=7&client=rusher&version={}",
            env!("CARGO_PKG_VERSION")
        )]
    );
    assert_eq!(
        states(&events(&out)),
        vec![(State::Initialized, State::Connecting)]
    );
    h.establish("123.456");
    let out = h.drain();
    assert_eq!(
        states(&events(&out)),
        vec![(State::Connecting, State::Connected)]
    );
    assert_eq!(h.conn.state(), State::Connected);
    assert_eq!(h.conn.socket_id(), Some("123.456"));
}

#[test]
fn tls_and_cluster_urls() {
    let c = rusher_protocol::Config::for_cluster("key", "eu");
    assert_eq!(
        c.url(true),
        format!(
            "wss://ws-eu.pusher.com:443/app/key?protocol=7&client=rusher&version={}",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert!(c.url(false).starts_with("ws://ws-eu.pusher.com:80/"));
}

#[test]
fn connect_twice_opens_one_socket() {
    let mut h = Harness::new();
    h.conn.connect(h.now);
    h.conn.connect(h.now);
    assert_eq!(opens(&h.drain()).len(), 1);
}

#[test]
fn server_ping_is_answered_with_pong() {
    let mut h = Harness::connected();
    h.drain();
    h.receive(r#"{"event":"pusher:ping","data":{}}"#);
    assert_eq!(h.sent(), vec![r#"{"event":"pusher:pong","data":{}}"#]);
}

#[test]
fn invalid_handshakes_are_refused_and_retried() {
    for bad in [
        established("abc", 120),
        established("123.", 120),
        established("1.2", 0),
        r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\"}"}"#.to_owned(),
    ] {
        let mut h = Harness::new();
        h.conn.connect(h.now);
        h.drain();
        h.receive(&bad);
        let out = h.drain();
        let evs = events(&out);
        assert!(
            evs.iter()
                .any(|e| matches!(e, Event::Error(Error::InvalidHandshake(_)))),
            "{bad}: {evs:?}"
        );
        assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
        assert_eq!(connecting_in(&evs).len(), 1, "{bad}");
        assert_ne!(h.conn.state(), State::Connected);
        assert_eq!(h.conn.socket_id(), None);
    }
}

#[test]
fn normal_and_abnormal_closes_reconnect_with_backoff() {
    for code in [1000, 1001, 1002, 1003, 1004, 1005, 1006, 3000, 4400] {
        let mut h = Harness::connected();
        h.drain();
        h.close(code);
        let out = h.drain();
        let delays = connecting_in(&events(&out));
        assert_eq!(delays.len(), 1, "code {code}");
        assert!(delays[0] <= SEC, "code {code}: {delays:?}");
        assert_eq!(h.conn.state(), State::Connecting, "code {code}");
        let out = h.advance(delays[0] + Duration::from_millis(1));
        assert_eq!(opens(&out).len(), 1, "code {code} reopens");
    }
}

#[test]
fn close_4000_switches_to_tls_at_once() {
    let mut h = Harness::connected();
    h.drain();
    h.close(4000);
    let out = h.drain();
    assert_eq!(connecting_in(&events(&out)), vec![Duration::ZERO]);
    let urls = opens(&out);
    assert_eq!(urls.len(), 1);
    assert!(urls[0].starts_with("wss://127.0.0.1:6002/app/"), "{urls:?}");
}

#[test]
fn closes_4001_to_4099_never_retry() {
    for code in [4001, 4003, 4004, 4005, 4006, 4007, 4008, 4009, 4099] {
        let mut h = Harness::connected();
        h.drain();
        h.close(code);
        let out = h.drain();
        let evs = events(&out);
        assert!(
            evs.contains(&Event::Error(Error::Closed {
                code,
                reason: "test".into()
            })),
            "{code}: {evs:?}"
        );
        assert_eq!(h.conn.state(), State::Disconnected);
        assert!(connecting_in(&evs).is_empty());
        assert_eq!(h.conn.poll_timeout(), None);
        assert!(opens(&h.advance(Duration::from_secs(3600))).is_empty());
        // The user may still try again.
        h.conn.connect(h.now);
        assert_eq!(opens(&h.drain()).len(), 1);
    }
}

#[test]
fn closes_4100_to_4199_wait_at_least_a_second() {
    for code in [4100, 4150, 4199] {
        let mut h = Harness::connected();
        h.drain();
        h.close(code);
        let out = h.drain();
        let delays = connecting_in(&events(&out));
        assert!(delays[0] >= SEC, "{code}: {delays:?}");
        assert!(opens(&out).is_empty());
        assert!(opens(&h.advance(delays[0] - Duration::from_millis(1))).is_empty());
        assert_eq!(opens(&h.advance(Duration::from_millis(1))).len(), 1);
    }
}

#[test]
fn closes_4200_to_4299_reconnect_at_once() {
    for code in [4200, 4201, 4202, 4299] {
        let mut h = Harness::connected();
        h.drain();
        h.close(code);
        let out = h.drain();
        assert_eq!(connecting_in(&events(&out)), vec![Duration::ZERO]);
        assert_eq!(opens(&out).len(), 1, "{code}");
    }
}

#[test]
fn after_a_4200_close_failed_attempts_stay_within_the_restart_ceiling_for_the_window() {
    let mut h = Harness::connected();
    h.drain();
    h.close(4200);
    h.drain();
    // The server is down: each attempt fails. Within the window no delay exceeds one second,
    // and the delays are spread (jitter), not all at the ceiling.
    let started = h.now;
    let mut delays = Vec::new();
    while h.now.saturating_duration_since(started) < Duration::from_secs(19) {
        h.close(1006);
        let delay = connecting_in(&events(&h.drain()))[0];
        delays.push(delay);
        h.advance(delay + Duration::from_millis(1));
    }
    assert!(delays.len() > 20, "{delays:?}");
    assert!(delays.iter().all(|d| *d <= SEC), "{delays:?}");
    assert!(delays.iter().any(|d| *d < SEC / 2), "{delays:?}");
    // Past the window, the delays grow as after any failure.
    h.advance(Duration::from_secs(2));
    let mut later = Vec::new();
    for _ in 0..5 {
        h.close(1006);
        let delay = connecting_in(&events(&h.drain()))[0];
        later.push(delay);
        h.advance(delay + Duration::from_millis(1));
    }
    assert!(later.iter().any(|d| *d > SEC), "{later:?}");
}

#[test]
fn a_handshake_ends_the_restart_window() {
    let mut h = Harness::connected();
    h.drain();
    h.close(4200);
    h.drain();
    let fail = |h: &mut Harness| {
        h.close(1006);
        let delay = connecting_in(&events(&h.drain()))[0];
        h.advance(delay + Duration::from_millis(1));
        delay
    };
    for _ in 0..3 {
        fail(&mut h);
    }
    // Connected again, well within the 20 s window, and lost at once: the delays grow past the
    // restart ceiling as after any failure.
    h.establish("1.1");
    let delays: Vec<Duration> = (0..6).map(|_| fail(&mut h)).collect();
    assert!(delays.iter().any(|d| *d > SEC), "{delays:?}");
}

#[test]
fn closes_4300_to_4399_report_and_back_off() {
    let mut h = Harness::connected();
    h.drain();
    h.close(4301);
    let evs = events(&h.drain());
    assert!(evs.contains(&Event::Error(Error::Closed {
        code: 4301,
        reason: "test".into()
    })));
    assert_eq!(connecting_in(&evs).len(), 1);
    assert_eq!(h.conn.state(), State::Connecting);
}

#[test]
fn failed_attempts_grow_the_delay_and_a_handshake_resets_it() {
    let mut h = Harness::new();
    h.conn.connect(h.now);
    h.drain();
    let mut last = Duration::ZERO;
    for _ in 0..6 {
        h.close(1006);
        let delays = connecting_in(&events(&h.drain()));
        last = delays[0];
        h.advance(last + Duration::from_millis(1));
    }
    assert!(last <= Duration::from_secs(30));
    // A handshake: the next failure starts from the first step again.
    h.establish("1.1");
    h.close(1006);
    let delays = connecting_in(&events(&h.drain()));
    assert!(delays[0] <= Duration::from_millis(250), "{delays:?}");
}

#[test]
fn fifty_quick_drops_in_a_row_each_retry_within_the_first_step() {
    let mut h = Harness::connected();
    h.drain();
    for drop in 0..50 {
        h.advance(Duration::from_millis(1500));
        h.close(1006);
        let delays = connecting_in(&events(&h.drain()));
        assert_eq!(delays.len(), 1, "drop {drop}");
        assert!(
            delays[0] <= Duration::from_millis(250),
            "drop {drop}: {delays:?}"
        );
        let out = h.advance(delays[0]);
        assert_eq!(opens(&out).len(), 1, "drop {drop} reopens");
        h.establish(&format!("{drop}.1"));
    }
    assert!(h.log.iter().all(|o| !matches!(
        o,
        Output::Event(Event::StateChange {
            current: State::Disconnected | State::Failed,
            ..
        })
    )));
}

#[test]
fn waking_checks_a_connected_link_with_a_short_pong_timeout() {
    let mut h = Harness::connected();
    h.drain();
    h.advance(Duration::from_secs(60));
    h.conn.wake(h.now);
    let out = h.drain();
    assert_eq!(frames(&out), vec![r#"{"event":"pusher:ping","data":{}}"#]);
    // Woken again before the answer: still one ping, the same deadline.
    h.conn.wake(h.now);
    assert!(frames(&h.drain()).is_empty());
    let out = h.advance(Duration::from_secs(4));
    assert!(out.iter().all(|o| !matches!(o, Output::Close { .. })));
    replaced_at_once(&h.advance(SEC));
}

#[test]
fn a_link_that_answers_the_wake_up_ping_is_kept() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.wake(h.now);
    h.drain();
    h.advance(SEC);
    h.receive(r#"{"event":"pusher:pong"}"#);
    let out = h.advance(Duration::from_secs(60));
    assert!(out.iter().all(|o| !matches!(o, Output::Close { .. })));
    assert_eq!(h.conn.state(), State::Connected);
}

#[test]
fn waking_shortens_a_pending_pong_timeout_without_a_second_ping() {
    let mut h = Harness::connected();
    h.drain();
    let out = h.advance(Duration::from_secs(120));
    assert_eq!(frames(&out).len(), 1, "the activity ping");
    h.conn.wake(h.now);
    assert!(frames(&h.drain()).is_empty());
    let out = h.advance(Duration::from_secs(5));
    assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
}

#[test]
fn waking_retries_at_once_instead_of_sleeping_out_the_backoff() {
    let mut h = Harness::new();
    h.conn.connect(h.now);
    h.drain();
    // Grow the delay: failed connects only.
    for _ in 0..8 {
        h.close(1006);
        let delays = connecting_in(&events(&h.drain()));
        h.advance(delays[0]);
    }
    h.close(1006);
    h.drain();
    h.conn.wake(h.now);
    let out = h.drain();
    assert_eq!(connecting_in(&events(&out)), vec![Duration::ZERO]);
    assert_eq!(opens(&out).len(), 1);
    // A socket already connecting is left to its handshake timer.
    h.conn.wake(h.now);
    assert!(h.drain().is_empty());
}

#[test]
fn waking_does_nothing_offline_or_disconnected() {
    let mut h = Harness::connected();
    h.conn.set_online(false, h.now);
    h.drain();
    h.conn.wake(h.now);
    assert!(h.drain().is_empty());
    h.conn.set_online(true, h.now);
    h.drain();
    h.establish("2.2");
    h.conn.disconnect();
    h.drain();
    h.conn.wake(h.now);
    assert!(h.drain().is_empty());
}

#[test]
fn ping_after_activity_timeout_and_reconnect_without_pong() {
    let mut h = Harness::connected();
    h.drain();
    let out = h.advance(Duration::from_secs(119));
    assert!(frames(&out).is_empty());
    let out = h.advance(SEC);
    assert_eq!(frames(&out), vec![r#"{"event":"pusher:ping","data":{}}"#]);
    let out = h.advance(Duration::from_secs(29));
    assert!(out.iter().all(|o| !matches!(o, Output::Close { .. })));
    replaced_at_once(&h.advance(SEC));
}

#[test]
fn pong_keeps_the_connection() {
    let mut h = Harness::connected();
    h.advance(Duration::from_secs(120));
    h.receive(r#"{"event":"pusher:pong"}"#);
    let out = h.advance(Duration::from_secs(60));
    assert!(out.iter().all(|o| !matches!(o, Output::Close { .. })));
    assert_eq!(h.conn.state(), State::Connected);
}

#[test]
fn the_lower_activity_timeout_wins() {
    let mut h = Harness::new();
    h.conn.connect(h.now);
    h.drain();
    h.receive(&established("1.1", 20));
    h.drain();
    assert_eq!(
        frames(&h.advance(Duration::from_secs(20))),
        vec![r#"{"event":"pusher:ping","data":{}}"#]
    );

    let mut cfg = config();
    cfg.activity_timeout = Duration::from_secs(60);
    let mut h = Harness::with_config(cfg);
    h.connect();
    h.drain();
    assert!(frames(&h.advance(Duration::from_secs(59))).is_empty());
    assert_eq!(frames(&h.advance(SEC)).len(), 1);
}

#[test]
fn any_frame_counts_as_activity() {
    let mut h = Harness::connected();
    h.advance(Duration::from_secs(100));
    h.receive(r#"{"event":"news","channel":"c","data":"{}"}"#);
    assert!(frames(&h.advance(Duration::from_secs(119))).is_empty());
    assert_eq!(frames(&h.advance(SEC)).len(), 1);
}

#[test]
fn unavailable_after_the_unavailable_timeout_while_still_retrying() {
    let mut h = Harness::new();
    h.conn.connect(h.now);
    h.drain();
    let out = h.advance(Duration::from_secs(10));
    assert_eq!(
        states(&events(&out)),
        vec![(State::Connecting, State::Unavailable)]
    );
    // The silent socket is given up after the handshake timeout and another is opened.
    let out = h.advance(Duration::from_secs(21));
    assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
    assert_eq!(opens(&out).len(), 1);
    assert_eq!(h.conn.state(), State::Unavailable);
    h.establish("2.2");
    assert_eq!(h.conn.state(), State::Connected);
}

#[test]
fn offline_stops_attempts_until_online() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.set_online(false, h.now);
    let out = h.drain();
    assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
    assert_eq!(h.conn.state(), State::Unavailable);
    assert_eq!(h.conn.poll_timeout(), None);
    assert!(opens(&h.advance(Duration::from_secs(600))).is_empty());
    h.conn.set_online(true, h.now);
    let out = h.drain();
    assert_eq!(connecting_in(&events(&out)), vec![Duration::ZERO]);
    assert_eq!(opens(&out).len(), 1);
    h.establish("3.3");
    assert_eq!(h.conn.state(), State::Connected);
}

#[test]
fn connect_while_offline_waits_for_online() {
    let mut h = Harness::new();
    h.conn.set_online(false, h.now);
    h.conn.connect(h.now);
    let out = h.drain();
    assert!(opens(&out).is_empty());
    assert_eq!(h.conn.state(), State::Unavailable);
    h.conn.set_online(true, h.now);
    assert_eq!(opens(&h.drain()).len(), 1);
}

#[test]
fn disconnect_closes_and_stays_down_until_connect() {
    let mut h = Harness::connected();
    h.drain();
    h.conn.disconnect();
    let out = h.drain();
    assert!(matches!(
        out.first(),
        Some(Output::Close { code: 1000, .. })
    ));
    assert_eq!(h.conn.state(), State::Disconnected);
    assert_eq!(h.conn.socket_id(), None);
    assert_eq!(h.conn.poll_timeout(), None);
    assert!(opens(&h.advance(Duration::from_secs(600))).is_empty());
    h.conn.connect(h.now);
    assert_eq!(opens(&h.drain()).len(), 1);
}

#[test]
fn inputs_from_an_old_socket_are_ignored() {
    let mut h = Harness::connected();
    let old = h.socket.unwrap();
    h.close(1006);
    h.advance(Duration::from_secs(2));
    assert_ne!(h.socket, Some(old));
    h.conn.handle_message(old, &established("9.9", 120), h.now);
    h.conn.handle_close(old, 4001, "old", h.now);
    assert_eq!(h.conn.socket_id(), None);
    assert_ne!(h.conn.state(), State::Disconnected);
}

#[test]
fn malformed_frames_report_an_error_and_keep_the_connection() {
    let mut h = Harness::connected();
    h.subscribe_confirmed("news", "{}");
    h.drain();
    for bad in [
        "{",
        "[1]",
        r#"{"event":null}"#,
        r#"{"event":"pusher_internal:member_added"}"#,
    ] {
        h.receive(bad);
        let evs = events(&h.drain());
        assert!(
            matches!(evs.as_slice(), [Event::Error(Error::MalformedFrame(_))]),
            "{bad}: {evs:?}"
        );
    }
    assert_eq!(h.conn.state(), State::Connected);
    assert!(h.conn.channel("news").unwrap().subscribed);
}

#[test]
fn pusher_error_frames_become_error_events() {
    let mut h = Harness::connected();
    h.drain();
    h.receive(r#"{"event":"pusher:error","data":{"message":"Over quota","code":4004}}"#);
    assert_eq!(
        h.events(),
        vec![Event::Error(Error::Server {
            code: Some(4004),
            message: "Over quota".into()
        })]
    );
    assert_eq!(h.conn.state(), State::Connected);
}

#[test]
fn no_transport_means_failed() {
    let mut h = Harness::new();
    h.conn.handle_transport_unsupported();
    assert_eq!(h.conn.state(), State::Failed);
    h.conn.connect(h.now);
    assert!(opens(&h.drain()).is_empty());
}

#[test]
fn channel_messages_before_the_handshake_are_refused() {
    let mut h = Harness::new();
    h.conn.subscribe("news", h.now).unwrap();
    h.conn.connect(h.now);
    h.drain();
    h.receive(r#"{"event":"pusher_internal:subscription_succeeded","channel":"news","data":"{}"}"#);
    let evs = h.events();
    assert!(
        matches!(evs.as_slice(), [Event::Error(Error::MalformedFrame(_))]),
        "{evs:?}"
    );
    assert!(!h.conn.channel("news").unwrap().subscribed);
    assert_eq!(h.conn.state(), State::Connecting);
}
