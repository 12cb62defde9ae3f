//! What servers (and tests) need to sign and verify (feature `server`): channel and user auth
//! signatures, shared-secret derivation and REST request signing, all HMAC-SHA256 with the app
//! secret, verified in constant time.

use crate::prelude::*;
use alloc::format;
use alloc::string::ToString;
use hmac::{Hmac, Mac};
use md5::{Digest as _, Md5};
use sha2::Sha256;
use thiserror::Error;

use crate::auth::ChannelAuth;
use crate::channels::{Access, ChannelKind};
use crate::crypto::{KEY_LEN, SharedSecret};

type HmacSha256 = Hmac<Sha256>;

/// How far a REST request's `auth_timestamp` may be from the server's clock.
pub const MAX_TIMESTAMP_SKEW_SECS: u64 = 600;

/// Hex HMAC-SHA256 of `message` with `secret`.
pub fn hmac_hex(secret: &str, message: &str) -> String {
    hex(&mac(secret, message).finalize().into_bytes())
}

/// The string a channel signature covers: `socket_id:channel[:channel_data]`.
pub fn channel_string_to_sign(
    socket_id: &str,
    channel: &str,
    channel_data: Option<&str>,
) -> String {
    match channel_data {
        Some(data) => format!("{socket_id}:{channel}:{data}"),
        None => format!("{socket_id}:{channel}"),
    }
}

/// The string a user sign-in signature covers: `socket_id::user::user_data`.
pub fn user_string_to_sign(socket_id: &str, user_data: &str) -> String {
    format!("{socket_id}::user::{user_data}")
}

/// The `auth` value for a channel: `KEY:SIGNATURE`.
pub fn channel_auth(
    key: &str,
    secret: &str,
    socket_id: &str,
    channel: &str,
    channel_data: Option<&str>,
) -> String {
    let signed = channel_string_to_sign(socket_id, channel, channel_data);
    format!("{key}:{}", hmac_hex(secret, &signed))
}

/// The `auth` value for a user sign-in: `KEY:SIGNATURE`.
pub fn user_auth(key: &str, secret: &str, socket_id: &str, user_data: &str) -> String {
    format!(
        "{key}:{}",
        hmac_hex(secret, &user_string_to_sign(socket_id, user_data))
    )
}

/// Checks a channel `auth` value, comparing the signature in constant time.
pub fn verify_channel_auth(
    key: &str,
    secret: &str,
    auth: &str,
    socket_id: &str,
    channel: &str,
    channel_data: Option<&str>,
) -> bool {
    verify_auth(
        key,
        secret,
        auth,
        &channel_string_to_sign(socket_id, channel, channel_data),
    )
}

/// Checks a user sign-in `auth` value, comparing the signature in constant time.
pub fn verify_user_auth(
    key: &str,
    secret: &str,
    auth: &str,
    socket_id: &str,
    user_data: &str,
) -> bool {
    verify_auth(
        key,
        secret,
        auth,
        &user_string_to_sign(socket_id, user_data),
    )
}

/// An encrypted channel's key: SHA-256 of the channel name followed by the 32-byte master key.
pub fn shared_secret(master_key: &[u8; KEY_LEN], channel: &str) -> SharedSecret {
    let mut hasher = Sha256::new();
    sha2::Digest::update(&mut hasher, channel.as_bytes());
    sha2::Digest::update(&mut hasher, master_key);
    SharedSecret::from_bytes(hasher.finalize().into())
}

/// What an auth endpoint answers for `channel`: the signature (over `channel_data` on a presence
/// channel) and, on an encrypted channel, its shared secret.
pub fn channel_auth_answer(
    app: (&str, &str, &[u8; KEY_LEN]),
    socket_id: &str,
    channel: &str,
    channel_data: Option<String>,
) -> ChannelAuth {
    let (key, secret, master_key) = app;
    ChannelAuth {
        auth: channel_auth(key, secret, socket_id, channel, channel_data.as_deref()),
        channel_data,
        shared_secret: (ChannelKind::of(channel).access == Access::Encrypted)
            .then(|| shared_secret(master_key, channel).to_base64()),
    }
}

/// Hex MD5 of a REST request body.
pub fn body_md5(body: &[u8]) -> String {
    hex(&Md5::digest(body))
}

/// The string a REST signature covers: `METHOD\nPATH\nQUERY`, where QUERY is every parameter but
/// `auth_signature`, keys lowercased, sorted by key, joined `k=v&k=v` without URL-encoding.
pub fn rest_string_to_sign(method: &str, path: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, &str)> = params
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("auth_signature"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}\n{path}\n{}",
        method.to_ascii_uppercase(),
        query.join("&")
    )
}

/// A REST request as it is signed and checked: what the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct RestRequest<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The path, such as `/apps/3/events`.
    pub path: &'a str,
    /// The query parameters (when verifying, with the `auth_*` ones as received).
    pub params: &'a [(String, String)],
    /// The body of a POST (its MD5 is signed), `None` for a GET.
    pub body: Option<&'a [u8]>,
}

/// The query parameters of a signed REST request: `params` plus `auth_key`, `auth_timestamp`,
/// `auth_version`, `body_md5` (when there is a body) and `auth_signature`.
pub fn sign_rest_request(
    key: &str,
    secret: &str,
    request: &RestRequest<'_>,
    timestamp: u64,
) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = request.params.to_vec();
    all.push(("auth_key".to_owned(), key.to_owned()));
    all.push(("auth_timestamp".to_owned(), timestamp.to_string()));
    all.push(("auth_version".to_owned(), "1.0".to_owned()));
    if let Some(body) = request.body {
        all.push(("body_md5".to_owned(), body_md5(body)));
    }
    let signature = hmac_hex(
        secret,
        &rest_string_to_sign(request.method, request.path, &all),
    );
    all.push(("auth_signature".to_owned(), signature));
    all
}

/// Why a REST request was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RestAuthError {
    /// A required `auth_*` parameter is missing.
    #[error("missing parameter {0}")]
    Missing(&'static str),
    /// `auth_key` is not this app's key.
    #[error("unknown auth_key")]
    UnknownKey,
    /// `auth_version` is not 1.0.
    #[error("unsupported auth_version")]
    Version,
    /// `auth_timestamp` is not a number or more than 600 s away from now.
    #[error("auth_timestamp is more than 600 seconds from the server's time")]
    StaleTimestamp,
    /// `body_md5` does not match the body.
    #[error("body_md5 does not match the body")]
    BodyMd5,
    /// The signature is wrong.
    #[error("invalid signature")]
    Signature,
}

/// Verifies a signed REST request (`params` as received, with `auth_signature`), against the
/// server's time `now_secs`. The signature is compared in constant time.
pub fn verify_rest_request(
    key: &str,
    secret: &str,
    request: &RestRequest<'_>,
    now_secs: u64,
) -> Result<(), RestAuthError> {
    let get = |name: &'static str| {
        request
            .params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or(RestAuthError::Missing(name))
    };
    if get("auth_key")? != key {
        return Err(RestAuthError::UnknownKey);
    }
    if get("auth_version")? != "1.0" {
        return Err(RestAuthError::Version);
    }
    let timestamp: u64 = get("auth_timestamp")?
        .parse()
        .map_err(|_| RestAuthError::StaleTimestamp)?;
    if timestamp.abs_diff(now_secs) > MAX_TIMESTAMP_SKEW_SECS {
        return Err(RestAuthError::StaleTimestamp);
    }
    if let Some(body) = request.body.filter(|b| !b.is_empty())
        && get("body_md5")? != body_md5(body)
    {
        return Err(RestAuthError::BodyMd5);
    }
    let signature = unhex(get("auth_signature")?).ok_or(RestAuthError::Signature)?;
    mac(
        secret,
        &rest_string_to_sign(request.method, request.path, request.params),
    )
    .verify_slice(&signature)
    .map_err(|_| RestAuthError::Signature)
}

fn verify_auth(key: &str, secret: &str, auth: &str, signed: &str) -> bool {
    let Some((auth_key, signature)) = auth.split_once(':') else {
        return false;
    };
    let Some(signature) = unhex(signature) else {
        return false;
    };
    auth_key == key && mac(secret, signed).verify_slice(&signature).is_ok()
}

fn mac(secret: &str, message: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message.as_bytes());
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}
