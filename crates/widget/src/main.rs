//! The demo page's entry point, built by Trunk from the workspace's `index.html`: the page is a
//! plain article; the chat widget mounts itself at the bottom right.

fn main() {
    match rusher_widget::mount(rusher_widget::ChatConfig::default()) {
        // The demo keeps the widget for the page's whole life.
        Ok(mounted) => std::mem::forget(mounted),
        Err(error) => web_sys::console::error_2(&"Rusher: the chat did not mount".into(), &error),
    }
}
