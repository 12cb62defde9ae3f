//! pusher-js's options object, read into [`Options`] with a typed reader per option. A wrong type
//! is an error naming the option and what it must be; options Rusher does not use are accepted,
//! with one console warning.
//!
//! (serde-wasm-bindgen would do the same job but costs 34 KB of wasm, 15 KB gzipped: its error
//! messages pull in float formatting. That is half of the bundle's size budget.)

use std::time::Duration;

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::auth::{channel_authorizer, user_authenticator};
use super::convert::get;
use crate::Options;

/// The options Rusher reads; every other key is warned about and ignored.
const USED: [&str; 13] = [
    "cluster",
    "wsHost",
    "wsPort",
    "wssPort",
    "forceTLS",
    "activityTimeout",
    "pongTimeout",
    "unavailableTimeout",
    "authEndpoint",
    "auth",
    "channelAuthorization",
    "userAuthentication",
    "batchAuth",
];

/// The keys of an auth options object Rusher reads.
const AUTH_USED: [&str; 6] = [
    "endpoint",
    "transport",
    "headers",
    "params",
    "headersProvider",
    "paramsProvider",
];

/// `channelAuthorization`, `userAuthentication` or the older `auth`: the data part (the
/// functions are read by [`auth`](super::auth)).
#[derive(Default)]
pub struct RawAuth {
    /// The endpoint URL.
    pub endpoint: Option<String>,
    /// `ajax` (the only one a browser client needs).
    pub transport: Option<String>,
}

impl RawAuth {
    /// Reads `options[section]`, naming `section.key` in any error.
    fn read(options: &JsValue, section: &str) -> Result<Self, String> {
        let object = get(options, section);
        let name = |key: &str| [section, ".", key].concat();
        let text = |key: &str| field::<String>(&object, &name(key), key);
        // Checked here for their types; read again at each request, where they may have changed.
        for key in ["headers", "params"] {
            field::<StringMap>(&object, &name(key), key)?;
        }
        Ok(Self {
            endpoint: text("endpoint")?,
            transport: text("transport")?,
        })
    }
}

/// A type an option can be read as.
trait FromJs: Sized {
    /// What the error message says the option must be.
    const EXPECTED: &'static str;

    /// The value, if it has the right type.
    fn from_js(value: &JsValue) -> Option<Self>;
}

impl FromJs for String {
    const EXPECTED: &'static str = "a string";
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJs for bool {
    const EXPECTED: &'static str = "true or false";
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

/// A whole number in `0..=max`.
fn whole(value: &JsValue, max: u32) -> Option<u32> {
    let n = value.as_f64()?;
    // In range and whole, so the cast is exact.
    (n >= 0.0 && n <= f64::from(max) && n.fract() == 0.0).then_some(n as u32)
}

impl FromJs for u16 {
    const EXPECTED: &'static str = "a whole number from 0 to 65535";
    fn from_js(value: &JsValue) -> Option<Self> {
        whole(value, u32::from(u16::MAX)).and_then(|n| u16::try_from(n).ok())
    }
}

impl FromJs for u32 {
    const EXPECTED: &'static str = "a whole number of milliseconds";
    fn from_js(value: &JsValue) -> Option<Self> {
        whole(value, u32::MAX)
    }
}

/// An object whose values are all strings (headers, form fields).
struct StringMap;

impl FromJs for StringMap {
    const EXPECTED: &'static str = "an object of strings";
    fn from_js(value: &JsValue) -> Option<Self> {
        let object = value.dyn_ref::<Object>()?;
        Object::values(object)
            .iter()
            .all(|v| v.is_string())
            .then_some(StringMap)
    }
}

/// Reads `object[key]` as `T`: `None` when missing, an error naming `name` and what it must be
/// when it has the wrong type.
fn field<T: FromJs>(object: &JsValue, name: &str, key: &str) -> Result<Option<T>, String> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match T::from_js(&value) {
        Some(v) => Ok(Some(v)),
        None => {
            let found = value.js_typeof().as_string().unwrap_or_default();
            Err([
                "option `",
                name,
                "` must be ",
                T::EXPECTED,
                ", not ",
                &found,
            ]
            .concat())
        }
    }
}

/// Reads `options` (an object, `undefined` or `null`) for the app `key`.
pub fn read(key: &str, options: &JsValue) -> Result<Options, String> {
    if key.is_empty() {
        return Err("You must pass your app key when you instantiate Pusher.".to_owned());
    }
    let mut result = Options::new(key);
    if options.is_undefined() || options.is_null() {
        return Ok(result);
    }
    if !options.is_object() {
        return Err("options must be an object".to_owned());
    }
    let top = |key: &str| field::<String>(options, key, key);
    let port = |key: &str| field::<u16>(options, key, key);
    let millis = |key: &str| field::<u32>(options, key, key);
    result.cluster = top("cluster")?;
    result.ws_host = top("wsHost")?;
    result.ws_port = port("wsPort")?.unwrap_or(result.ws_port);
    result.wss_port = port("wssPort")?.unwrap_or(result.wss_port);
    // As pusher-js: TLS unless `forceTLS: false`, and always from an https page.
    let force_tls = field::<bool>(options, "forceTLS", "forceTLS")?;
    result.force_tls = force_tls != Some(false) || page_is_https();
    let duration = |ms: Option<u32>, default: Duration| {
        ms.map_or(default, |ms| Duration::from_millis(u64::from(ms)))
    };
    result.activity_timeout = duration(millis("activityTimeout")?, result.activity_timeout);
    result.pong_timeout = duration(millis("pongTimeout")?, result.pong_timeout);
    result.unavailable_timeout =
        duration(millis("unavailableTimeout")?, result.unavailable_timeout);
    result.batch_auth = field::<bool>(options, "batchAuth", "batchAuth")?.unwrap_or(false);

    // `channelAuthorization` wins; otherwise pusher-js's older `authEndpoint` and `auth`.
    let modern = get(options, "channelAuthorization");
    let (channel_raw, channel_source) = if modern.is_object() {
        (RawAuth::read(options, "channelAuthorization")?, modern)
    } else {
        let mut legacy = RawAuth::read(options, "auth")?;
        legacy.endpoint = top("authEndpoint")?;
        (legacy, get(options, "auth"))
    };
    result.channel_authorization = channel_authorizer(&channel_raw, &channel_source)
        .map_err(|e| ["option `channelAuthorization`: ", &e].concat())?;
    let user_raw = RawAuth::read(options, "userAuthentication")?;
    let user_source = get(options, "userAuthentication");
    result.user_authentication = user_authenticator(&user_raw, &user_source)
        .map_err(|e| ["option `userAuthentication`: ", &e].concat())?;
    warn_unused(options);
    Ok(result)
}

/// Whether the page was served over `https:` (where browsers refuse plain `ws:`).
fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// One console warning listing every option Rusher ignores.
fn warn_unused(options: &JsValue) {
    let mut unused: Vec<String> = keys(options)
        .into_iter()
        .filter(|k| !USED.contains(&k.as_str()))
        .collect();
    for section in ["channelAuthorization", "userAuthentication", "auth"] {
        let value = get(options, section);
        for key in keys(&value) {
            let known = AUTH_USED.contains(&key.as_str()) || key == "customHandler";
            if !known {
                unused.push([section, ".", &key].concat());
            }
        }
    }
    if !unused.is_empty() {
        let message = [
            "Rusher: ignoring options it does not use: ",
            &unused.join(", "),
        ]
        .concat();
        web_sys::console::warn_1(&JsValue::from_str(&message));
    }
}

/// An object's own enumerable keys; none for anything else.
fn keys(value: &JsValue) -> Vec<String> {
    value
        .dyn_ref::<Object>()
        .map(|o| {
            Object::keys(o)
                .iter()
                .filter_map(|k| k.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `object[key]` when it is a function; `Ok(None)` when missing; an error naming `key` otherwise.
pub fn function(object: &JsValue, key: &str) -> Result<Option<Function>, String> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| ["`", key, "` must be a function"].concat())
}
