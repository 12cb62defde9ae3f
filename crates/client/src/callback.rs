//! JavaScript functions made from Rust closures, all of one type, `Closure<dyn Fn(JsValue,
//! JsValue)>`, built from a boxed trait object: wasm-bindgen emits shims per closure type it is
//! given, so every callback of the client goes through here and shares one set. Each takes two
//! arguments; where JavaScript passes one (event listeners, promises), the second is `undefined`. `Fn`, not `FnMut`, so that
//! a callback may be called again while it runs (a socket answering inside `send` calls its
//! `onmessage` from within `onmessage`); wasm-bindgen refuses to re-enter an `FnMut`.

use alloc::boxed::Box;
use core::cell::Cell;

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

/// A JavaScript function that calls `f`; it lives as long as the returned value.
pub type Callback = Closure<dyn Fn(JsValue, JsValue)>;

/// A [`Callback`] calling `f` each time.
pub fn callback(f: impl Fn(JsValue, JsValue) + 'static) -> Callback {
    Closure::wrap(Box::new(f) as Box<dyn Fn(JsValue, JsValue)>)
}

/// A JavaScript function that calls `f` the first time it is called and does nothing after.
/// JavaScript owns it: it is freed once JavaScript lets go of it (the package is built with
/// weak references).
pub fn once(f: impl FnOnce(JsValue, JsValue) + 'static) -> JsValue {
    once_boxed(Box::new(f))
}

/// [`once`] for a boxed function, so that its code exists once rather than per caller.
fn once_boxed(f: Box<dyn FnOnce(JsValue, JsValue)>) -> JsValue {
    let f = Cell::new(Some(f));
    callback(move |first, second| {
        if let Some(f) = f.take() {
            f(first, second);
        }
    })
    .into_js_value()
}
