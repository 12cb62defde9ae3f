//! The README's example of driving the core ("Using the protocol core"), compiled with the
//! workspace's examples; a test in xtask (`readme_examples`) checks that the README shows exactly
//! the lines between the markers.
#![allow(
    unused_variables,
    unused_mut,
    unreachable_code,
    clippy::diverging_sub_expression
)]

#[rustfmt::skip]
fn drive(seed: u64, now_ms: u64) -> Result<(), rusher_protocol::Error> {
// README example: start
use rusher_protocol::{Config, Connection, Event, Instant, Output};

let mut conn = Connection::new(Config::for_host("app-key", "127.0.0.1", 6001, 6002, false), seed);
conn.subscribe("presence-room", Instant::from_millis(now_ms))?;
conn.connect(Instant::from_millis(now_ms));
loop {
    while let Some(output) = conn.poll_output() {
        match output {
            Output::Open { handle, url } => { /* open a WebSocket */ }
            Output::Send(frame) => { /* send the text frame */ }
            Output::Close { handle, code, reason } => { /* close it */ }
            Output::Authorize(request) => {
                // POST request.form_body(&params) to the auth endpoint, then:
                // conn.handle_channel_auth(request.id, request.parse_response(status, &body), now)
            }
            Output::AuthorizeUser(request) => { /* same, for user sign-in */ }
            Output::Event(Event::Message { channel, event, data, user_id }) => { /* your callback */ }
            Output::Event(other) => { /* state changes, members, errors, ... */ }
        }
    }
    // Feed what happened: conn.handle_message(handle, &text, now), conn.handle_close(...),
    // and conn.handle_timeout(now) when conn.poll_timeout() is reached.
}
// README example: end
}

fn main() {
    // Compiled, not run: the loop waits for a server.
    let _ = drive;
}
