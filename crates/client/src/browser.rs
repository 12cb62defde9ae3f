//! The few browser globals the driver calls besides the WebSocket: timers and the `online` and
//! `offline` events. Global functions work in windows and workers alike.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `setTimeout(callback, millis)`; returns the timer's id.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, millis: f64) -> f64;

    /// `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: f64);

    /// `addEventListener(name, callback)` on the global object.
    #[wasm_bindgen(js_name = addEventListener)]
    pub fn add_event_listener(name: &str, callback: &JsValue);

    /// `removeEventListener(name, callback)` on the global object.
    #[wasm_bindgen(js_name = removeEventListener)]
    pub fn remove_event_listener(name: &str, callback: &JsValue);

    /// The global `navigator`.
    type Navigator;

    #[wasm_bindgen(thread_local_v2, js_name = navigator)]
    static NAVIGATOR: Navigator;

    /// `navigator.onLine`.
    #[wasm_bindgen(method, getter, js_name = onLine)]
    fn on_line(this: &Navigator) -> bool;

    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;
}

/// Whether the browser says it is online (`navigator.onLine`).
pub fn on_line() -> bool {
    NAVIGATOR.with(Navigator::on_line)
}
