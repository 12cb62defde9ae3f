//! JSON text to and from the chat contract's types, through the browser's own `JSON.parse` and
//! `JSON.stringify` (with serde-wasm-bindgen between them and the types): the widget carries no
//! JSON parser of its own.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads JSON text into `T`; `None` when it is not JSON, or not a `T`.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// Writes `value` as JSON text (maps as objects, integers as numbers); `None` when it cannot be.
pub fn to_text<T: Serialize>(value: &T) -> Option<String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}
