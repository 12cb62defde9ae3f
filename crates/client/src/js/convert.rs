//! Values between Rust and JavaScript. Event data crosses as JSON text parsed by the engine's
//! own `JSON.parse`: one call for a whole object instead of one per field and key.

use rusher_protocol::json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// A JSON value as a plain JavaScript value.
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::String(s) => JsValue::from_str(s),
        Value::Number(_) | Value::Array(_) | Value::Object(_) => {
            js_sys::JSON::parse(&value.to_json()).unwrap_or(JsValue::NULL)
        }
    }
}

/// A JavaScript value as JSON (`undefined` becomes `null`); `None` for what JSON cannot hold,
/// such as a cyclic object.
pub fn from_js(value: &JsValue) -> Option<Value> {
    if value.is_undefined() {
        return Some(Value::Null);
    }
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    Value::parse(&text).ok()
}

/// A readable description of a thrown JavaScript value.
pub fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error
        .as_string()
        .or_else(|| from_js(error).map(|v| v.to_json()))
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Reads `object[key]`; `undefined` when it is missing or `object` is not an object.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
