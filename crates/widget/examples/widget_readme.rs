//! The README's example of the chat widget in a Leptos app ("The chat widget"), compiled with the
//! workspace's examples; a test in xtask (`readme_examples`) checks that the README shows exactly
//! the lines between the markers.
use leptos::prelude::*;

#[rustfmt::skip]
#[component]
fn Page() -> impl IntoView {
// README example: start
use rusher_widget::{ChatConfig, ChatWidget};

view! { <ChatWidget config=ChatConfig::default()/> }   // or rusher_widget::mount(config) on any page
// README example: end
}

fn main() {
    // Compiled, not run: it needs a browser.
    let _ = Page;
}
