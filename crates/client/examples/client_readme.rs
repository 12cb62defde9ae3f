//! The README's example of the browser client's Rust API ("Using the browser client from
//! Rust"), compiled with the workspace's examples; a test in xtask (`readme_examples`) checks
//! that the README shows exactly the lines between the markers.
#![allow(unused_variables, unused_mut)]

#[rustfmt::skip]
async fn chat() -> Result<(), rusher_client::Error> {
// README example: start
use rusher_client::{Options, Pusher};

let mut options = Options::new("app-key");
options.ws_host = Some("127.0.0.1".into());
options.ws_port = 8080;
options.force_tls = false;                      // auth defaults to POST /pusher/auth
let pusher = Pusher::new(options);               // connects, like `new Pusher(key, options)`
let room = pusher.subscribe("presence-lobby")?;
room.bind("message", |data, meta| { /* data: rusher_client::Value; meta.user_id on presence */ });
room.trigger("client-typing", rusher_client::object! { "typing": true })?; // a Value or a JsonText
let online = room.members().map_or(0, |m| m.count());

let mut events = room.events();                  // or pusher.events(): async streams
while let Some(event) = events.next().await { /* Event::Message, MemberAdded, ... */ }
let mut states = pusher.states();                // State after each change
// README example: end
Ok(())
}

fn main() {
    // Compiled, not run: it needs a browser.
    let _ = chat;
}
