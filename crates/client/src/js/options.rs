//! pusher-js's options object, read into [`Options`] with serde-wasm-bindgen. A wrong type is an
//! error naming the option; options Rusher does not use are accepted, with one console warning.

use std::collections::BTreeMap;
use std::time::Duration;

use js_sys::{Function, Object};
use serde::de::DeserializeOwned;
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
        let text = |key: &str| field::<String>(&object, &format!("{section}.{key}"), key);
        // Checked here for their types; read again at each request, where they may have changed.
        for key in ["headers", "params"] {
            field::<BTreeMap<String, String>>(&object, &format!("{section}.{key}"), key)?;
        }
        Ok(Self {
            endpoint: text("endpoint")?,
            transport: text("transport")?,
        })
    }
}

/// Reads `object[key]` into `T` with serde-wasm-bindgen: `None` when missing, an error naming
/// `name` when it has the wrong type.
fn field<T: DeserializeOwned>(
    object: &JsValue,
    name: &str,
    key: &str,
) -> Result<Option<T>, String> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value)
        .map(Some)
        .map_err(|e| format!("option `{name}`: {e}"))
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
        .map_err(|e| format!("option `channelAuthorization`: {e}"))?;
    let user_raw = RawAuth::read(options, "userAuthentication")?;
    let user_source = get(options, "userAuthentication");
    result.user_authentication = user_authenticator(&user_raw, &user_source)
        .map_err(|e| format!("option `userAuthentication`: {e}"))?;
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
                unused.push(format!("{section}.{key}"));
            }
        }
    }
    if !unused.is_empty() {
        let message = format!(
            "Rusher: ignoring options it does not use: {}",
            unused.join(", ")
        );
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
        .map_err(|_| format!("`{key}` must be a function"))
}
