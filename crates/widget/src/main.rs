//! The demo page's entry point, built by Trunk from the workspace's `index.html`.

fn main() {
    leptos::mount::mount_to_body(rusher_widget::FrameInspector);
}
