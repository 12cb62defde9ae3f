//! The client in headless Chromium against a real server, which `cargo xtask test` starts and
//! names at compile time: rusher-server (`RUSHER_HOST`, `RUSHER_PORT`, `RUSHER_APP_KEY`,
//! `RUSHER_APP_SECRET`), or a Pusher-compatible server nobody here wrote (`RUSHER_SERVER_NAME`,
//! with its sockets and REST API at `RUSHER_SOCKETS_HOST` and `RUSHER_SOCKETS_PORT`). Auth is
//! authorized by the chat backend (`rusher-server`, or `rusher-server --upstream` beside the
//! other server), signed in with a session token. Where another server departs from the
//! protocol, the test checks that the client still behaves sensibly (docs/interop.md lists the
//! departures); rusher-server is held to the protocol.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use rusher_client::Value;
use rusher_client::{
    AuthError, ChannelAuthorizer, Endpoint, Event, Options, Pusher, State, UserAuthenticator,
};
use rusher_protocol::sign;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// `serde_json::json!`, as the core's [`Value`].
macro_rules! json {
    ($($value:tt)+) => {
        Value::from(serde_json::json!($($value)+))
    };
}

fn setting(value: Option<&'static str>, name: &str) -> &'static str {
    value.unwrap_or_else(|| {
        panic!("{name} was not set when the tests were built (run `cargo xtask test`)")
    })
}

fn key() -> &'static str {
    setting(option_env!("RUSHER_APP_KEY"), "RUSHER_APP_KEY")
}

fn secret() -> &'static str {
    setting(option_env!("RUSHER_APP_SECRET"), "RUSHER_APP_SECRET")
}

/// Whether the server under test is rusher-server (held to the protocol in every detail).
fn ours() -> bool {
    option_env!("RUSHER_SERVER_NAME").is_none_or(|name| name == "rusher-server")
}

/// Prints a departure of the server under test from the protocol, for `cargo xtask interop`
/// (which runs this suite with `--nocapture`).
fn departure(what: &str) {
    let server = option_env!("RUSHER_SERVER_NAME").unwrap_or("rusher-server");
    wasm_bindgen_test::console_log!("departure: {server}: {what}");
}

/// The host and port of the server with the sockets and the REST API.
fn sockets() -> (&'static str, u16) {
    let host = option_env!("RUSHER_SOCKETS_HOST")
        .unwrap_or_else(|| setting(option_env!("RUSHER_HOST"), "RUSHER_HOST"));
    let port = option_env!("RUSHER_SOCKETS_PORT")
        .unwrap_or_else(|| setting(option_env!("RUSHER_PORT"), "RUSHER_PORT"));
    (host, port.parse().unwrap())
}

/// The chat backend (rusher-server itself, or `rusher-server --upstream` beside another
/// server), whose auth endpoints sign for these tests; it allows this page's origin.
fn backend_url(path: &str) -> String {
    format!(
        "http://{}:{}{path}",
        setting(option_env!("RUSHER_HOST"), "RUSHER_HOST"),
        setting(option_env!("RUSHER_PORT"), "RUSHER_PORT")
    )
}

/// Signs in to the chat backend as `name` and returns the options of a client that connects to
/// the server under test and is authorized by the backend (with the session token, as a page on
/// another site would be), and the user id the backend assigned.
async fn signed_in(name: &str) -> (Options, String) {
    let answer = gloo_net::http::Request::post(&backend_url("/chat/session"))
        .header("Content-Type", "application/json")
        .body(json!({ "name": name }).to_string())
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "sign-in at the backend");
    let session = Value::parse(&answer.text().await.unwrap()).unwrap();
    let id = session
        .get("id")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let token = session.get("token").and_then(Value::as_str).unwrap();
    let endpoint = |path: &str| {
        let mut endpoint = Endpoint::new(&backend_url(path));
        endpoint.headers = vec![("Authorization".to_owned(), ["Bearer ", token].concat())];
        endpoint
    };
    let mut options = Options::new(key());
    let (host, port) = sockets();
    options.ws_host = Some(host.to_owned());
    options.ws_port = port;
    options.force_tls = false;
    options.channel_authorization = ChannelAuthorizer::Endpoint(endpoint("/pusher/auth"));
    options.user_authentication = UserAuthenticator::Endpoint(endpoint("/pusher/user-auth"));
    (options, id)
}

/// [`signed_in`]'s options alone.
async fn options(name: &str) -> Options {
    signed_in(name).await.0
}

/// Waits up to 5 s for `condition`.
async fn until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..250 {
        if condition() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits for a `Decryption` error among the recorded `events`.
async fn until_a_decryption_error(events: &RefCell<Vec<Event>>) {
    until("a decryption error", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Error(rusher_client::Error::Decryption { .. })))
    })
    .await;
}

/// Every event a client sees, for assertions.
fn record(pusher: &Pusher) -> Rc<RefCell<Vec<Event>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&seen);
    pusher.bind_global(move |event| sink.borrow_mut().push(event.clone()));
    seen
}

#[wasm_bindgen_test]
async fn connects_and_gets_a_socket_id() {
    let pusher = Pusher::new(options("ana").await);
    until("connected", || pusher.state() == State::Connected).await;
    let id = pusher.socket_id().unwrap();
    let (a, b) = id.split_once('.').unwrap();
    assert!(a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok(), "{id}");
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn subscribes_before_connecting_and_after() {
    let pusher = Pusher::new(options("ana").await);
    let early = pusher.subscribe("browser-early").unwrap();
    until("early subscription", || early.subscribed()).await;
    let late = pusher.subscribe("browser-late").unwrap();
    until("late subscription", || late.subscribed()).await;
    assert_eq!(pusher.all_channels().len(), 2);
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn presence_members_and_client_events_both_ways() {
    let (ana_options, ana_id) = signed_in("ana").await;
    let (bob_options, bob_id) = signed_in("bob").await;
    let ana = Pusher::new(ana_options);
    let bob = Pusher::new(bob_options);
    let at_ana = ana.subscribe("presence-browser").unwrap();
    until("ana subscribed", || at_ana.subscribed()).await;
    let at_bob = bob.subscribe("presence-browser").unwrap();
    until("bob subscribed", || at_bob.subscribed()).await;
    until("ana sees bob", || {
        at_ana.members().is_some_and(|m| m.count() == 2)
    })
    .await;
    let members = at_bob.members().unwrap();
    assert_eq!(members.me().unwrap().id, bob_id);
    assert_eq!(
        members.get(&ana_id).unwrap().info.value(),
        json!({ "name": "ana" })
    );

    type Whispers = Rc<RefCell<Vec<(Value, Option<String>)>>>;
    let received: Whispers = Rc::default();
    let sink = Rc::clone(&received);
    at_ana.bind("client-typing", move |data, meta| {
        sink.borrow_mut().push((data.clone(), meta.user_id.clone()));
    });
    at_bob
        .trigger("client-typing", json!({ "typing": true }))
        .unwrap();
    until("the whisper", || !received.borrow().is_empty()).await;
    // Each carries its sender's user_id; sockudo's carry none (a departure).
    let (data, user_id) = received.borrow()[0].clone();
    assert_eq!(data, json!({ "typing": true }));
    if ours() || user_id.is_some() {
        assert_eq!(user_id.as_deref(), Some(bob_id.as_str()));
    } else {
        departure("client events on presence channels carry no user_id");
    }

    let ana_events = record(&ana);
    bob.disconnect();
    until("bob leaves", || {
        at_ana.members().is_some_and(|m| m.count() == 1)
    })
    .await;
    assert!(ana_events.borrow().iter().any(|e| matches!(
        e,
        Event::MemberRemoved { member, .. } if member.id == bob_id
    )));
    ana.disconnect();
}

#[wasm_bindgen_test]
async fn an_auth_failure_is_a_subscription_error_with_its_status() {
    let mut refusing = options("ana").await;
    // The handler answers later, as one that makes its own request would.
    refusing.channel_authorization = ChannelAuthorizer::Handler(Rc::new(|_, _, done| {
        gloo_timers::callback::Timeout::new(10, move || {
            done(Err(AuthError::new("no entry", Some(403))));
        })
        .forget();
    }));
    let pusher = Pusher::new(refusing);
    let events = record(&pusher);
    pusher.subscribe("private-browser-refused").unwrap();
    until("the subscription error", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::SubscriptionError { .. }))
    })
    .await;
    let status = events.borrow().iter().find_map(|e| match e {
        Event::SubscriptionError { error, .. } => error.status,
        _ => None,
    });
    assert_eq!(status, Some(403));
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn disconnect_releases_the_socket_listeners() {
    let pusher = Pusher::new(options("ana").await);
    until("connected", || pusher.state() == State::Connected).await;
    let connected = pusher.live_listeners();
    pusher.disconnect();
    assert_eq!(pusher.state(), State::Disconnected);
    assert_eq!(
        pusher.live_listeners(),
        connected - 2,
        "the socket's message and close listeners are gone; only the page's remain"
    );
    pusher.connect();
    until("connected again", || pusher.state() == State::Connected).await;
    assert_eq!(pusher.live_listeners(), connected);
    pusher.disconnect();
}

fn server_url(path: &str) -> String {
    let (host, port) = sockets();
    format!("http://{host}:{port}{path}")
}

/// A cross-origin "simple" POST: the browser sends it without a preflight, the server acts on it
/// and answers, and only then does the promise settle. The answer itself is hidden from this
/// origin (the fetch may even report a failure), and these tests do not need it.
async fn simple_post(url: &str, body: &str) {
    let request = gloo_net::http::Request::post(url)
        .mode(web_sys::RequestMode::NoCors)
        .header("Content-Type", "text/plain")
        .body(body.to_owned())
        .unwrap();
    let _ = request.send().await;
}

/// Triggers an event through the signed REST API.
async fn trigger(channel: &str, event: &str, data: &str) {
    let app_id = setting(option_env!("RUSHER_APP_ID"), "RUSHER_APP_ID");
    let path = format!("/apps/{app_id}/events");
    let body = json!({ "name": event, "channel": channel, "data": data }).to_string();
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let query = sign::sign_rest_request(
        key(),
        secret(),
        &sign::RestRequest {
            method: "POST",
            path: &path,
            params: &[],
            body: Some(body.as_bytes()),
        },
        now,
    );
    let query: String = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let url = server_url(&format!("{path}?{query}"));
    if option_env!("RUSHER_SERVER_NAME") == Some("sockudo") {
        // sockudo reads only JSON bodies (as Pusher's API asks), and allows any origin, so a
        // JSON POST passes its preflight. rusher-server and soketi also take the text/plain body
        // of a simple POST, which needs no preflight (soketi's fails).
        let request = gloo_net::http::Request::post(&url)
            .header("Content-Type", "application/json")
            .body(body)
            .unwrap();
        request.send().await.unwrap();
    } else {
        simple_post(&url, &body).await;
    }
}

/// Asks the suite's control endpoint (`RUSHER_CONTROL_URL`, from `cargo xtask test`) to stop the
/// server, as a deploy (`restart`) or a crash (`kill`) would, and start it again; returns once it
/// is back.
async fn restart_server(how: &str) {
    let base = setting(option_env!("RUSHER_CONTROL_URL"), "RUSHER_CONTROL_URL");
    let answer = gloo_net::http::Request::post(&format!("{base}/{how}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204, "the server did not come back");
}

/// Waits up to `seconds` for `condition` (a reconnect waits out the backoff).
async fn until_within(seconds: u32, what: &str, condition: impl Fn() -> bool) {
    for _ in 0..seconds * 50 {
        if condition() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn reconnects_and_resubscribes_after_the_server_restarts_and_after_it_is_killed() {
    let pusher = Pusher::new(options("ana").await);
    let channel = pusher.subscribe("private-browser-restarts").unwrap();
    let received: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&received);
    channel.bind("after", move |data, _| sink.borrow_mut().push(data.clone()));
    until("subscribed", || channel.subscribed()).await;
    for how in ["restart", "kill"] {
        let before = pusher.socket_id().unwrap();
        restart_server(how).await;
        until_within(20, &format!("a new connection after {how}"), || {
            pusher.socket_id().is_some_and(|id| id != before) && channel.subscribed()
        })
        .await;
        assert_eq!(pusher.state(), State::Connected);
        trigger(
            "private-browser-restarts",
            "after",
            &format!(r#"{{"how":"{how}"}}"#),
        )
        .await;
        until(&format!("an event after {how}"), || {
            received
                .borrow()
                .iter()
                .any(|v| *v == json!({ "how": how }))
        })
        .await;
    }
    pusher.disconnect();
}

/// Needs rusher-server's fault injection: `cargo xtask test` skips it on other servers (the
/// test above stops the whole server instead).
#[wasm_bindgen_test]
async fn reconnects_and_resubscribes_after_the_server_drops_everyone() {
    let pusher = Pusher::new(options("ana").await);
    let channel = pusher.subscribe("private-browser-reconnect").unwrap();
    until("subscribed", || channel.subscribed()).await;
    let first = pusher.socket_id().unwrap();
    simple_post(&server_url("/_faults/drop-all"), "").await;
    until("a new connection", || {
        pusher.socket_id().is_some_and(|id| id != first) && channel.subscribed()
    })
    .await;
    assert_eq!(pusher.state(), State::Connected);
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn an_unknown_app_key_stops_retrying() {
    let mut wrong = options("ana").await;
    wrong.key = "no-such-key".to_owned();
    let pusher = Pusher::new(wrong);
    let events = record(&pusher);
    if !ours() {
        // sockudo drops the connection (1006) instead of closing it with 4001: the client can
        // only retry, with backoff, and never connects.
        TimeoutFuture::new(1500).await;
        let refused = events.borrow().iter().any(|e| {
            matches!(
                e,
                Event::Error(rusher_client::Error::Closed { code: 4001, .. })
            )
        });
        if !refused {
            assert_ne!(pusher.state(), State::Connected);
            departure(
                "an unknown app key drops the connection (1006) instead of closing it with 4001: the client retries with backoff",
            );
            pusher.disconnect();
            return;
        }
    }
    until("refused", || pusher.state() == State::Disconnected).await;
    assert!(events.borrow().iter().any(|e| matches!(
        e,
        Event::Error(rusher_client::Error::Closed { code: 4001, .. })
    )));
    TimeoutFuture::new(1500).await;
    assert_eq!(pusher.state(), State::Disconnected, "no retry after 4001");
    assert!(
        !events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::ConnectingIn(_))),
        "no reconnect was scheduled"
    );
}

/// The server's encryption master key (the backend derives channels' shared secrets from it).
fn master_key() -> [u8; 32] {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(setting(
            option_env!("RUSHER_MASTER_KEY"),
            "RUSHER_MASTER_KEY",
        ))
        .unwrap()
        .try_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn encrypted_events_arrive_decrypted() {
    let master = master_key();
    // The backend answers the channel's shared secret, derived from the master key.
    let pusher = Pusher::new(options("ana").await);
    let channel = pusher.subscribe("private-encrypted-browser").unwrap();
    until("subscribed", || channel.subscribed()).await;
    let received: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&received);
    channel.bind("secret", move |data, _| {
        sink.borrow_mut().push(data.clone())
    });
    let sealed = sign::shared_secret(&master, "private-encrypted-browser")
        .encrypt(&[9; 24], br#"{"message":"hello"}"#)
        .to_string();
    trigger("private-encrypted-browser", "secret", &sealed).await;
    until("the decrypted event", || !received.borrow().is_empty()).await;
    assert_eq!(received.borrow()[0], json!({ "message": "hello" }));
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn offline_stops_the_connection_and_online_brings_it_back() {
    let pusher = Pusher::new(options("ana").await);
    let channel = pusher.subscribe("browser-network").unwrap();
    until("subscribed", || channel.subscribed()).await;
    let window = web_sys::window().unwrap();
    let announce = |name: &str| {
        window
            .dispatch_event(&web_sys::Event::new(name).unwrap())
            .unwrap();
    };
    announce("offline");
    assert_eq!(pusher.state(), State::Unavailable);
    assert_eq!(pusher.socket_id(), None);
    TimeoutFuture::new(1200).await;
    assert_eq!(
        pusher.state(),
        State::Unavailable,
        "no attempts while offline"
    );
    announce("online");
    until("connected again", || {
        pusher.state() == State::Connected && channel.subscribed()
    })
    .await;
    pusher.disconnect();
}

/// The next item of a stream, or a panic after 5 s.
async fn next_within<T: 'static>(stream: &mut rusher_client::EventStream<T>) -> T {
    let timeout = TimeoutFuture::new(5000);
    first_of(stream.next(), timeout)
        .await
        .expect("no item within 5 s")
}

/// Whichever finishes first: the stream's item or the timeout (`None`).
async fn first_of<T>(
    item: impl std::future::Future<Output = Option<T>>,
    timeout: TimeoutFuture,
) -> Option<T> {
    let mut item = std::pin::pin!(item);
    let mut timeout = std::pin::pin!(timeout);
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(value) = item.as_mut().poll(cx) {
            return std::task::Poll::Ready(value);
        }
        timeout.as_mut().poll(cx).map(|()| None)
    })
    .await
}

#[wasm_bindgen_test]
async fn streams_deliver_states_and_channel_events_in_order() {
    let pusher = Pusher::new(options("ana").await);
    let mut states = pusher.states();
    assert_eq!(next_within(&mut states).await, State::Connected);
    let channel = pusher.subscribe("browser-stream").unwrap();
    let mut events = channel.events();
    assert_eq!(
        next_within(&mut events).await,
        Event::SubscriptionSucceeded {
            channel: "browser-stream".into()
        }
    );
    for n in 0..3 {
        trigger("browser-stream", "tick", &n.to_string()).await;
    }
    let mut ticks = Vec::new();
    while ticks.len() < 3 {
        match next_within(&mut events).await {
            Event::Message { event, data, .. } if event == "tick" => ticks.push(data.value()),
            Event::SubscriptionCount { count, .. } => assert_eq!(count, 1),
            other => panic!("expected a tick, got {other:?}"),
        }
    }
    assert_eq!(ticks, [json!(0), json!(1), json!(2)]);
    assert_eq!(events.lagged(), 0);
    pusher.disconnect();
    assert_eq!(next_within(&mut states).await, State::Disconnected);
}

#[wasm_bindgen_test]
async fn cache_channels_miss_then_replay_the_last_event() {
    // A fresh name: the server keeps the last event of a cache channel for 30 minutes.
    let name = format!("cache-browser-{}", (js_sys::Math::random() * 1e9) as u64);
    let first = Pusher::new(options("ana").await);
    let mut events = first.events();
    first.subscribe(&name).unwrap();
    let mut missed = false;
    while !missed {
        missed = next_within(&mut events).await
            == Event::CacheMiss {
                channel: name.clone(),
            };
    }
    trigger(&name, "latest", r#"{"v":2}"#).await;
    let second = Pusher::new(options("bob").await);
    let seen = record(&second);
    second.subscribe(&name).unwrap();
    until("the cached event", || {
        seen.borrow().iter().any(|e| {
            matches!(e, Event::Message { channel: Some(c), event, data, .. }
                if *c == name && event == "latest" && data.value() == json!({"v": 2}))
        })
    })
    .await;
    assert!(
        !seen
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::CacheMiss { .. })),
        "no cache miss once an event was sent"
    );
    first.disconnect();
    second.disconnect();
}

// ----- Faults (rusher-server's fault switches; `cargo xtask test` skips `faults_` elsewhere) ---

/// A POST to one of rusher-server's `/_faults/` switches.
async fn fault(path_and_query: &str, body: &str) {
    simple_post(&server_url(&format!("/_faults/{path_and_query}")), body).await;
}

/// Whether `events` has a `Closed` error with `code`.
fn closed_with(events: &Rc<RefCell<Vec<Event>>>, code: u16) -> bool {
    events.borrow().iter().any(
        |e| matches!(e, Event::Error(rusher_client::Error::Closed { code: c, .. }) if *c == code),
    )
}

#[wasm_bindgen_test]
async fn faults_each_close_code_range_is_handled_as_the_protocol_says() {
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    let channel = pusher.subscribe("private-browser-close-codes").unwrap();
    until("subscribed", || channel.subscribed()).await;
    // 4001-4099: do not reconnect.
    fault("close-all?code=4009", "").await;
    until("refused", || closed_with(&events, 4009)).await;
    until("disconnected", || pusher.state() == State::Disconnected).await;
    TimeoutFuture::new(1200).await;
    assert_eq!(pusher.state(), State::Disconnected, "no retry after 4009");
    pusher.connect();
    until("connected again by hand", || channel.subscribed()).await;
    // 4100-4199: reconnect after a second; 4200-4299: at once; 4300-4399 and 1xxx: with backoff.
    for (code, at_least_ms) in [(4100u16, 900.0), (4200, 0.0), (4301, 0.0), (1001, 0.0)] {
        let before = pusher.socket_id().unwrap();
        let started = js_sys::Date::now();
        fault(&format!("close-all?code={code}"), "").await;
        until_within(10, &format!("back after {code}"), || {
            pusher.socket_id().is_some_and(|id| id != before) && channel.subscribed()
        })
        .await;
        let took = js_sys::Date::now() - started;
        assert!(took >= at_least_ms, "{code}: back after {took} ms");
        assert_eq!(
            closed_with(&events, code),
            code >= 4000,
            "{code}: an error event for 4000-4999 only"
        );
    }
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_twenty_outages_in_a_row_leave_presence_and_subscriptions_right() {
    let ana = Pusher::new(options("ana").await);
    let bob = Pusher::new(options("bob").await);
    let ana_events = record(&ana);
    let at_ana = ana.subscribe("presence-browser-outages").unwrap();
    let at_bob = bob.subscribe("presence-browser-outages").unwrap();
    let both = || {
        [&at_ana, &at_bob]
            .iter()
            .all(|c| c.subscribed() && c.members().is_some_and(|m| m.count() == 2))
    };
    until("both in the room", both).await;
    let before = (ana.socket_id().unwrap(), bob.socket_id().unwrap());
    // A server in a crash loop: down for 300 ms every 1.3 s, twenty times. No connection lives
    // long enough to reset the backoff, so the clients wait longer each time (never giving up).
    for _ in 0..20 {
        fault("restart-websocket?down_ms=300", "").await;
        TimeoutFuture::new(1000).await;
    }
    // Once it stays up, both come back within the backoff's ceiling (30 s), in the room again.
    until_within(45, "both back, each listing the other", || {
        ana.socket_id().is_some_and(|id| id != before.0)
            && bob.socket_id().is_some_and(|id| id != before.1)
            && both()
    })
    .await;
    assert!(
        !ana_events.borrow().iter().any(|e| matches!(
            e,
            Event::StateChange {
                current: State::Disconnected | State::Failed,
                ..
            }
        )),
        "it never gave up"
    );
    assert_eq!(ana.all_channels().len(), 1);
    ana.disconnect();
    bob.disconnect();
}

#[wasm_bindgen_test]
async fn faults_an_auth_endpoint_refusing_or_failing_is_a_subscription_error_and_later_ones_work() {
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    until("connected", || pusher.state() == State::Connected).await;
    let auth_fault = |status: u16| {
        let url = backend_url(&format!("/_faults/auth?status={status}"));
        async move { simple_post(&url, "").await }
    };
    for status in [403u16, 500] {
        auth_fault(status).await;
        let name = format!("private-browser-auth-{status}");
        pusher.subscribe(&name).unwrap();
        until(&format!("the error for {status}"), || {
            events.borrow().iter().any(|e| {
                matches!(e, Event::SubscriptionError { channel, error } if *channel == name && error.status == Some(status))
            })
        })
        .await;
    }
    auth_fault(0).await;
    let healthy = pusher.subscribe("private-browser-auth-healthy").unwrap();
    until("a later subscription", || healthy.subscribed()).await;
    assert_eq!(pusher.state(), State::Connected);
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_an_auth_answer_with_a_wrong_signature_or_garbage_is_an_error_not_a_crash() {
    let mut forging = options("ana").await;
    forging.channel_authorization = ChannelAuthorizer::Handler(Rc::new(|_, channel, done| {
        let answer = if channel.ends_with("forged") {
            // Signed with another secret: the server refuses the subscription.
            Ok(rusher_client::ChannelAuth {
                auth: format!("{}:{}", key(), "0".repeat(64)),
                channel_data: None,
                shared_secret: None,
            })
        } else {
            Err(AuthError::new(
                "the answer cannot be read as JSON",
                Some(200),
            ))
        };
        done(answer);
    }));
    let pusher = Pusher::new(forging);
    let events = record(&pusher);
    pusher.subscribe("private-browser-forged").unwrap();
    pusher.subscribe("private-browser-garbage").unwrap();
    until("both refused", || {
        let errors = events
            .borrow()
            .iter()
            .filter(|e| matches!(e, Event::SubscriptionError { .. }))
            .count();
        errors == 2
    })
    .await;
    assert_eq!(pusher.state(), State::Connected, "the connection lives on");
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_malformed_oversized_and_deep_frames_are_errors_and_the_connection_lives() {
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    let channel = pusher.subscribe("browser-hostile-frames").unwrap();
    let received: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&received);
    channel.bind("after", move |data, _| sink.borrow_mut().push(data.clone()));
    until("subscribed", || channel.subscribed()).await;
    let id = pusher.socket_id().unwrap();
    let deep = format!(
        r#"{{"event":"x","channel":"browser-hostile-frames","data":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let huge = format!(
        r#"{{"event":"x","channel":"browser-hostile-frames","data":"{}"}}"#,
        "a".repeat(1_100_000)
    );
    for frame in [
        "not json",
        "{\"event\":",
        "[1,2,3]",
        deep.as_str(),
        huge.as_str(),
    ] {
        fault(&format!("raw?socket_id={id}"), frame).await;
    }
    until("an error for each", || {
        events
            .borrow()
            .iter()
            .filter(|e| matches!(e, Event::Error(rusher_client::Error::MalformedFrame(_))))
            .count()
            >= 5
    })
    .await;
    assert_eq!(
        pusher.socket_id().as_deref(),
        Some(id.as_str()),
        "the same connection"
    );
    trigger("browser-hostile-frames", "after", r#"{"ok":true}"#).await;
    until("a later event", || !received.borrow().is_empty()).await;
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_a_half_open_link_is_found_within_the_activity_and_pong_timeouts() {
    let mut quick = options("ana").await;
    quick.activity_timeout = std::time::Duration::from_millis(1000);
    quick.pong_timeout = std::time::Duration::from_millis(1000);
    let pusher = Pusher::new(quick);
    let channel = pusher.subscribe("browser-half-open").unwrap();
    until("subscribed", || channel.subscribed()).await;
    let before = pusher.socket_id().unwrap();
    fault("ignore-pings?on=true", "").await;
    let started = js_sys::Date::now();
    until_within(10, "a new connection", || {
        pusher.socket_id().is_some_and(|id| id != before)
    })
    .await;
    let took = js_sys::Date::now() - started;
    fault("ignore-pings?on=false", "").await;
    // Silence for the activity timeout, a ping, no pong for the pong timeout: about 2 s.
    assert!(took < 4000.0, "found after {took} ms");
    until("subscribed again", || channel.subscribed()).await;
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_a_tampered_encrypted_event_is_an_error_and_the_next_one_arrives() {
    let master = master_key();
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    let channel = pusher
        .subscribe("private-encrypted-browser-tampered")
        .unwrap();
    until("subscribed", || channel.subscribed()).await;
    let received: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&received);
    channel.bind("secret", move |data, _| {
        sink.borrow_mut().push(data.clone())
    });
    let key = sign::shared_secret(&master, "private-encrypted-browser-tampered");
    let sealed = key.encrypt(&[3; 24], br#"{"n":1}"#);
    let mut tampered = sealed.clone();
    if let Value::Object(fields) = &mut tampered {
        let ciphertext = fields.get("ciphertext").and_then(Value::as_str).unwrap();
        let flipped = if ciphertext.starts_with('A') {
            "B"
        } else {
            "A"
        };
        let changed = [flipped, &ciphertext[1..]].concat();
        fields.insert("ciphertext".into(), Value::from(changed));
    }
    trigger(
        "private-encrypted-browser-tampered",
        "secret",
        &tampered.to_string(),
    )
    .await;
    until_a_decryption_error(&events).await;
    assert!(
        received.borrow().is_empty(),
        "nothing delivered from the tampered one"
    );
    trigger(
        "private-encrypted-browser-tampered",
        "secret",
        &sealed.to_string(),
    )
    .await;
    until("the next one", || !received.borrow().is_empty()).await;
    assert_eq!(received.borrow()[0], json!({ "n": 1 }));
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_a_rotated_master_key_is_fetched_again_and_the_event_arrives() {
    use base64::Engine;
    let name = "private-encrypted-browser-rotated";
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    let channel = pusher.subscribe(name).unwrap();
    until("subscribed", || channel.subscribed()).await;
    let received: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&received);
    channel.bind("secret", move |data, _| {
        sink.borrow_mut().push(data.clone())
    });
    // The site rotates its master key: the backend hands out secrets from the new one, and
    // events are sealed with it. The client's key no longer opens them; it fetches a fresh one.
    let rotated = [7u8; 32];
    let encode = |key: &[u8; 32]| base64::engine::general_purpose::STANDARD.encode(key);
    simple_post(&backend_url("/_faults/master-key"), &encode(&rotated)).await;
    let sealed = sign::shared_secret(&rotated, name).encrypt(&[5; 24], br#"{"n":2}"#);
    trigger(name, "secret", &sealed.to_string()).await;
    until("the event, opened with the fresh key", || {
        !received.borrow().is_empty()
    })
    .await;
    assert_eq!(received.borrow()[0], json!({ "n": 2 }));
    // One sealed with a key nobody hands out is an error after one more try, not a crash.
    let unknown = sign::shared_secret(&[8u8; 32], name).encrypt(&[6; 24], br#"{"n":3}"#);
    trigger(name, "secret", &unknown.to_string()).await;
    until_a_decryption_error(&events).await;
    simple_post(&backend_url("/_faults/master-key"), &encode(&master_key())).await;
    assert_eq!(received.borrow().len(), 1);
    assert!(channel.subscribed());
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_an_auth_endpoint_that_never_answers_times_out_and_a_later_try_works() {
    let mut patient = options("ana").await;
    patient.subscription_timeout = std::time::Duration::from_secs(2);
    let pusher = Pusher::new(patient);
    let events = record(&pusher);
    until("connected", || pusher.state() == State::Connected).await;
    // The endpoint holds the request for a minute: longer than the test runs.
    simple_post(&backend_url("/_faults/auth?delay_ms=60000"), "").await;
    let name = "private-browser-auth-hung";
    let channel = pusher.subscribe(name).unwrap();
    until("the auth timeout", || {
        events.borrow().iter().any(|e| {
            matches!(e, Event::SubscriptionError { channel, error }
                if channel == name && error.kind == "AuthTimeout")
        })
    })
    .await;
    assert!(!channel.subscribed());
    simple_post(&backend_url("/_faults/auth?delay_ms=0"), "").await;
    // Subscribing again asks again, and the endpoint answers now.
    let channel = pusher.subscribe(name).unwrap();
    until("subscribed on the second try", || channel.subscribed()).await;
    assert_eq!(pusher.state(), State::Connected);
    pusher.disconnect();
}

#[wasm_bindgen_test]
async fn faults_a_huge_member_list_is_capped_and_said() {
    use rusher_protocol::presence::MAX_MEMBERS;
    let pusher = Pusher::new(options("ana").await);
    let events = record(&pusher);
    until("connected", || pusher.state() == State::Connected).await;
    // The auth endpoint takes 2 s, so the channel waits; meanwhile a hostile server confirms it
    // with 20,000 members.
    simple_post(&backend_url("/_faults/auth?delay_ms=2000"), "").await;
    let channel = pusher.subscribe("presence-browser-huge").unwrap();
    let id = pusher.socket_id().unwrap();
    let ids: Vec<String> = (0..20_000).map(|i| format!("\"u{i}\"")).collect();
    let hash: Vec<String> = (0..20_000).map(|i| format!("\"u{i}\":{{}}")).collect();
    let presence = format!(
        r#"{{"presence":{{"ids":[{}],"hash":{{{}}},"count":20000}}}}"#,
        ids.join(","),
        hash.join(",")
    );
    let frame = json!({
        "event": "pusher_internal:subscription_succeeded",
        "channel": "presence-browser-huge",
        "data": presence,
    })
    .to_string();
    fault(&format!("raw?socket_id={id}"), &frame).await;
    until("the cap, said", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Error(rusher_client::Error::TooManyMembers(_))))
    })
    .await;
    assert_eq!(channel.read_members(|m| m.count()), Some(MAX_MEMBERS));
    assert_eq!(pusher.state(), State::Connected);
    simple_post(&backend_url("/_faults/auth?delay_ms=0"), "").await;
    pusher.disconnect();
}

/// `rusher_client::leptos`: signals that follow the client, unbound with their owner.
#[cfg(feature = "leptos")]
mod leptos_signals {
    use super::*;
    use leptos::prelude::*;
    use rusher_client::leptos::{connection_state, event_log, latest_event, members, on_event};

    #[wasm_bindgen_test]
    async fn the_connection_state_follows_the_client() {
        let pusher = Pusher::new(options("ana").await);
        let owner = Owner::new();
        let state = owner.with(|| connection_state(&pusher));
        until("connected", || state.get_untracked() == State::Connected).await;
        pusher.disconnect();
        until("disconnected", || {
            state.get_untracked() == State::Disconnected
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn channel_events_arrive_as_the_latest_and_as_a_log_of_the_newest() {
        let pusher = Pusher::new(options("ana").await);
        let channel = pusher.subscribe("leptos-events").unwrap();
        let owner = Owner::new();
        let (latest, log, all) = owner.with(|| {
            (
                latest_event(&channel, "tick"),
                event_log(&channel, "tick", 2),
                event_log(&channel, "tick", usize::MAX),
            )
        });
        assert_eq!(latest.get_untracked(), None);
        until("subscribed", || channel.subscribed()).await;
        for n in 1..=3 {
            trigger("leptos-events", "tick", &format!("{{\"n\":{n}}}")).await;
            until("the event", || all.with_untracked(|all| all.len() == n)).await;
        }
        trigger("leptos-events", "other", "{}").await;
        let data = |events: &std::collections::VecDeque<rusher_client::leptos::ChannelEvent>| {
            events.iter().map(|e| e.data.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            log.with_untracked(data),
            [json!({ "n": 2 }), json!({ "n": 3 })],
            "the newest two, oldest first"
        );
        assert_eq!(latest.get_untracked().unwrap().data, json!({ "n": 3 }));
        pusher.disconnect();
    }

    #[wasm_bindgen_test]
    async fn presence_members_follow_joins_and_leaves() {
        let (ana_options, ana_id) = signed_in("ana").await;
        let (bob_options, bob_id) = signed_in("bob").await;
        let ana = Pusher::new(ana_options);
        let at_ana = ana.subscribe("presence-leptos").unwrap();
        let owner = Owner::new();
        let here = owner.with(|| members(&at_ana));
        assert_eq!(here.with_untracked(|m| m.count()), 0, "nobody before");
        until("ana listed", || here.with_untracked(|m| m.count()) == 1).await;
        let bob = Pusher::new(bob_options);
        bob.subscribe("presence-leptos").unwrap();
        until("bob joins", || here.with_untracked(|m| m.count()) == 2).await;
        assert!(here.with_untracked(|m| m.get(&bob_id).is_some()));
        assert_eq!(
            here.with_untracked(|m| m.me().map(|me| me.id.clone())),
            Some(ana_id)
        );
        bob.disconnect();
        until("bob leaves", || here.with_untracked(|m| m.count()) == 1).await;
        ana.disconnect();
    }

    #[wasm_bindgen_test]
    async fn a_disposed_owner_leaves_nothing_bound() {
        let pusher = Pusher::new(options("ana").await);
        let channel = pusher.subscribe("leptos-disposed").unwrap();
        let owner = Owner::new();
        let seen = Rc::new(RefCell::new(0));
        let count = Rc::clone(&seen);
        let latest = owner.with(|| {
            on_event(&pusher, move |_| *count.borrow_mut() += 1);
            latest_event(&channel, "tick")
        });
        until("subscribed", || channel.subscribed()).await;
        let before = *seen.borrow();
        assert!(
            before > 0,
            "events reached the callback while its owner lived"
        );
        owner.cleanup();
        drop(owner);
        assert_eq!(
            latest.try_get_untracked(),
            None,
            "the signal went with its owner"
        );
        // Events still come (a state change, then a message on a second binding)…
        let after = record(&pusher);
        trigger("leptos-disposed", "tick", "{}").await;
        until("the event elsewhere", || {
            after
                .borrow()
                .iter()
                .any(|e| matches!(e, Event::Message { .. }))
        })
        .await;
        pusher.disconnect();
        // …but not to the disposed owner's callback.
        assert_eq!(*seen.borrow(), before);
    }
}
