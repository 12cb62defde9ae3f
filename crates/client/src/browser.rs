//! The browser APIs the client calls, bound directly with wasm-bindgen: the WebSocket, timers,
//! the clock, `fetch`, and the page's events (network, visibility, focus, the back/forward cache). Global functions work in windows and workers
//! alike. (Not through web-sys and js-sys: merely depending on js-sys puts the shims of its
//! closure-taking declarations, 43 of them, 3 KB, into the wasm.)

use alloc::string::String;

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

    /// `Date.now()`: the wall clock, in milliseconds since 1970.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn date_now() -> f64;

    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;

    /// A browser WebSocket.
    #[derive(Clone)]
    pub type WebSocket;

    /// `new WebSocket(url)`; throws on a URL the browser refuses.
    #[wasm_bindgen(constructor, catch)]
    pub fn new(url: &str) -> Result<WebSocket, JsValue>;

    /// `socket.onmessage = handler` (`undefined` removes it).
    #[wasm_bindgen(method, setter)]
    pub fn set_onmessage(this: &WebSocket, handler: Option<&JsValue>);

    /// `socket.onclose = handler` (`undefined` removes it).
    #[wasm_bindgen(method, setter)]
    pub fn set_onclose(this: &WebSocket, handler: Option<&JsValue>);

    /// `socket.send(text)`; throws while the socket is still connecting.
    #[wasm_bindgen(method, catch)]
    pub fn send(this: &WebSocket, text: &str) -> Result<(), JsValue>;

    /// `socket.close(code, reason)`; both may be left out.
    #[wasm_bindgen(method, catch)]
    pub fn close(this: &WebSocket, code: Option<u16>, reason: Option<&str>) -> Result<(), JsValue>;

    /// `socket.readyState`: 0 connecting, 1 open, 2 closing, 3 closed.
    #[wasm_bindgen(method, getter, js_name = readyState)]
    pub fn ready_state(this: &WebSocket) -> u16;

    /// Any DOM event the client listens to, with the fields it reads.
    pub type Event;

    /// `event.type`.
    #[wasm_bindgen(method, getter, js_name = type)]
    pub fn kind(this: &Event) -> String;

    /// A `PageTransitionEvent`'s `persisted`: the page goes into, or comes from, the
    /// back/forward cache.
    #[wasm_bindgen(method, getter)]
    pub fn persisted(this: &Event) -> bool;

    /// The event's target.
    #[wasm_bindgen(method, getter)]
    pub fn target(this: &Event) -> Document;

    /// The document, as far as the client reads it.
    pub type Document;

    /// `document.hidden`.
    #[wasm_bindgen(method, getter)]
    pub fn hidden(this: &Document) -> bool;

    /// A `MessageEvent`'s `data`.
    #[wasm_bindgen(method, getter)]
    pub fn data(this: &Event) -> JsValue;

    /// A `CloseEvent`'s `code`.
    #[wasm_bindgen(method, getter)]
    pub fn code(this: &Event) -> u16;

    /// A `CloseEvent`'s `reason`.
    #[wasm_bindgen(method, getter)]
    pub fn reason(this: &Event) -> String;

    /// A promise, as far as the client uses one.
    pub type Thenable;

    /// `promise.then(callback, callback)`: one callback for either outcome, so that it is
    /// called (and released) exactly once.
    #[wasm_bindgen(method, js_name = then)]
    pub fn settled(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);

    /// The `init` object of `fetch`.
    #[wasm_bindgen(js_name = Object)]
    pub type RequestInit;

    /// An empty object.
    #[wasm_bindgen(constructor, js_class = Object)]
    pub fn new() -> RequestInit;

    /// `init.method`.
    #[wasm_bindgen(method, setter)]
    pub fn set_method(this: &RequestInit, method: &str);

    /// `init.body`.
    #[wasm_bindgen(method, setter)]
    pub fn set_body(this: &RequestInit, body: &str);

    /// `init.credentials`.
    #[wasm_bindgen(method, setter)]
    pub fn set_credentials(this: &RequestInit, credentials: &str);

    /// `init.headers`.
    #[wasm_bindgen(method, setter)]
    pub fn set_headers(this: &RequestInit, headers: &Headers);

    /// Request headers.
    pub type Headers;

    /// `new Headers()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Headers;

    /// `headers.append(name, value)`; throws on a name or value the browser refuses.
    #[wasm_bindgen(method, catch)]
    pub fn append(this: &Headers, name: &str, value: &str) -> Result<(), JsValue>;

    /// The global `fetch(url, init)`.
    pub fn fetch(url: &str, init: &RequestInit) -> Thenable;

    /// A `fetch` response.
    pub type Response;

    /// `response.status`.
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Response) -> u16;

    /// `response.text()`.
    #[wasm_bindgen(method)]
    pub fn text(this: &Response) -> Thenable;
}

/// `WebSocket.OPEN`.
pub const OPEN: u16 = 1;

/// Whether the browser says it is online (`navigator.onLine`).
pub fn on_line() -> bool {
    NAVIGATOR.with(Navigator::on_line)
}
