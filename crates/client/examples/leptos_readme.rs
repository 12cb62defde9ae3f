//! The README's example of the client's Leptos signals ("Realtime state as Leptos signals"),
//! compiled with the workspace's examples (feature `leptos`); a test in xtask
//! (`readme_examples`) checks that the README shows exactly the lines between the markers.
#![allow(unused_variables)]

use leptos::prelude::*;
use rusher_client::Pusher;

#[rustfmt::skip]
#[component]
fn Room(pusher: Pusher) -> impl IntoView {
// README example: start
use rusher_client::leptos::{connection_state, event_log, latest_event, members};

let state = connection_state(&pusher);                    // ReadSignal<State>
let room = pusher.subscribe("presence-lobby").ok();
let here = room.as_ref().map(members);                    // ReadSignal<Members>: joins, leaves
let last = room.as_ref().map(|r| latest_event(r, "message")); // the newest, data and sender
let log = room.as_ref().map(|r| event_log(r, "message", 50)); // the newest 50, oldest first
view! {
    <p>{move || state.get().as_str()}</p>
    <p>{move || here.map_or(0, |h| h.with(|m| m.count()))} " online"</p>
}
// README example: end
}

fn main() {
    // Compiled, not run: it needs a browser.
    let _ = Room;
}
