//! Leptos components for Rusher. The chat widget lands here; today it holds the frame inspector
//! that the demo page shows: paste a Pusher frame and see how `rusher-protocol`, compiled to
//! WebAssembly, reads it.

use leptos::prelude::*;
use rusher_protocol::wire::ServerMessage;

/// The frame the inspector starts with (PROTOCOL.md's presence `subscription_succeeded`).
const EXAMPLE_FRAME: &str = r#"{"event":"pusher_internal:subscription_succeeded","channel":"presence-foobar","data":"{\"presence\":{\"ids\":[\"10\",\"11\"],\"hash\":{\"10\":{\"name\":\"Mr. Channels\"},\"11\":null},\"count\":2}}"}"#;

/// A text area for a server frame and, below it, the typed message or the error it gives.
#[component]
pub fn FrameInspector() -> impl IntoView {
    let (frame, set_frame) = signal(EXAMPLE_FRAME.to_owned());
    let reading = move || match ServerMessage::parse(&frame.get()) {
        Ok(message) => format!("{message:#?}"),
        Err(error) => format!("Error: {error}"),
    };
    view! {
        <main class="inspector">
            <h1>"Rusher frame inspector"</h1>
            <p>"Paste a frame a Pusher server sends; the protocol core reads it in your browser."</p>
            <label for="frame">"Server frame"</label>
            <textarea
                id="frame"
                rows="6"
                prop:value=frame
                on:input=move |ev| set_frame.set(event_target_value(&ev))
            ></textarea>
            <pre aria-live="polite">{reading}</pre>
        </main>
    }
}
