//! End-to-end encrypted channels: `{nonce, ciphertext}` payloads opened with the channel's shared
//! secret (NaCl `crypto_secretbox`, XSalsa20-Poly1305).

#[cfg(feature = "server")]
use crate::json::Value;
use crate::json::{Json, JsonText};
use crate::prelude::*;
use crate::text::base64_decode;
#[cfg(feature = "server")]
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
#[cfg(feature = "encrypted")]
use crypto_secretbox::aead::{Aead, KeyInit};
#[cfg(feature = "encrypted")]
use crypto_secretbox::{Nonce, XSalsa20Poly1305};

/// Length of a shared secret in bytes.
pub const KEY_LEN: usize = 32;
/// Length of a secretbox nonce in bytes.
pub const NONCE_LEN: usize = 24;

/// A channel's 32-byte key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret([u8; KEY_LEN]);

impl core::fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

/// Why an encrypted payload could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecryptError {
    /// The payload is not `{nonce, ciphertext}` with valid base64 and a 24-byte nonce.
    Format,
    /// The key does not open the box (wrong key or tampered data).
    Key,
}

impl SharedSecret {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// Reads the base64 `shared_secret` of an auth response; `None` unless it is 32 bytes.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = base64_decode(text)?;
        <[u8; KEY_LEN]>::try_from(bytes.as_slice()).ok().map(Self)
    }

    /// The key as base64, for auth responses a server writes.
    #[cfg(feature = "server")]
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// Opens `{"nonce", "ciphertext"}`; the plaintext is parsed as JSON, else kept as a string.
    pub fn decrypt(&self, data: Json<'_>) -> Result<JsonText, DecryptError> {
        let field = |name: &str| {
            data.get(name)
                .and_then(Json::as_str)
                .and_then(|text| base64_decode(&text))
                .ok_or(DecryptError::Format)
        };
        let nonce = <[u8; NONCE_LEN]>::try_from(field("nonce")?.as_slice())
            .map_err(|_| DecryptError::Format)?;
        let ciphertext = field("ciphertext")?;
        let plain = self.open(&nonce, &ciphertext)?;
        let text = String::from_utf8(plain).map_err(|_| DecryptError::Format)?;
        Ok(JsonText::decode(text))
    }

    /// The plaintext of a secretbox, or [`DecryptError::Key`] when this key does not open it.
    #[cfg(feature = "encrypted")]
    fn open(&self, nonce: &[u8; NONCE_LEN], ciphertext: &[u8]) -> Result<Vec<u8>, DecryptError> {
        XSalsa20Poly1305::new(&self.0.into())
            .decrypt(&Nonce::from(*nonce), ciphertext)
            .map_err(|_| DecryptError::Key)
    }

    /// Without the `encrypted` feature no box opens (and no channel gets a key: its
    /// subscription is refused first).
    #[cfg(not(feature = "encrypted"))]
    fn open(&self, _: &[u8; NONCE_LEN], _: &[u8]) -> Result<Vec<u8>, DecryptError> {
        Err(DecryptError::Key)
    }

    /// Seals `plaintext` with the given nonce into `{"nonce", "ciphertext"}`, as a server SDK does
    /// before triggering on an encrypted channel. The nonce must be fresh and random per event.
    #[cfg(feature = "server")]
    pub fn encrypt(&self, nonce: &[u8; NONCE_LEN], plaintext: &[u8]) -> Value {
        let ciphertext = XSalsa20Poly1305::new(&self.0.into())
            .encrypt(&Nonce::from(*nonce), plaintext)
            .unwrap_or_default();
        Value::object([
            ("nonce", Value::from(BASE64.encode(nonce))),
            ("ciphertext", Value::from(BASE64.encode(ciphertext))),
        ])
    }
}
