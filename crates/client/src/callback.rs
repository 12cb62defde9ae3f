//! JavaScript functions made from Rust closures, all of one type, `Closure<dyn FnMut(JsValue)>`,
//! built from a boxed trait object: wasm-bindgen emits shims per closure type it is given, so
//! every callback of the client goes through here and shares one set.

use alloc::boxed::Box;

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

/// A JavaScript function that calls `f`; it lives as long as the returned value.
pub type Callback = Closure<dyn FnMut(JsValue)>;

/// A [`Callback`] calling `f` each time.
pub fn callback(f: impl FnMut(JsValue) + 'static) -> Callback {
    Closure::wrap(Box::new(f) as Box<dyn FnMut(JsValue)>)
}

/// A JavaScript function that calls `f` the first time it is called and does nothing after.
/// JavaScript owns it: it is freed once JavaScript lets go of it (the package is built with
/// weak references).
pub fn once(f: impl FnOnce(JsValue) + 'static) -> JsValue {
    once_boxed(Box::new(f))
}

/// [`once`] for a boxed function, so that its code exists once rather than per caller.
fn once_boxed(f: Box<dyn FnOnce(JsValue)>) -> JsValue {
    let mut f = Some(f);
    callback(move |value| {
        if let Some(f) = f.take() {
            f(value);
        }
    })
    .into_js_value()
}
