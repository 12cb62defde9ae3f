//! The widget's own page (feature `page`): `index.html` at the top of the repository, which
//! `trunk serve` builds and reloads while the widget is worked on. The module mounts the widget
//! as it starts, with the default options: the chat backend on the page's own origin, where
//! Trunk's proxy (Trunk.toml) forwards the backend's routes and the socket to rusher-server.

use wasm_bindgen::prelude::*;

use crate::{ChatConfig, mount};

/// Mounts the widget at the end of `<body>` for the page's life.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    // Kept mounted until the page goes: dropping the handle would unmount it.
    std::mem::forget(mount(ChatConfig::default())?);
    Ok(())
}
