//! App credentials: given by flags or `RUSHER_*` variables, otherwise generated on first run and
//! kept in `credentials.json` in the data dir, so the app key stays the same across restarts.

use std::fs;
use std::io;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use rusher_backend::session::random_hex;

/// The file in the data dir.
const FILE: &str = "credentials.json";

/// An app's id, key, secret and encryption master key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The app id.
    pub app_id: String,
    /// The public key.
    pub key: String,
    /// The secret (server side only).
    pub secret: String,
    /// The master key, base64 of 32 bytes (server side only).
    pub master_key: String,
}

/// Credentials given on the command line or in the environment; each overrides the stored one.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// `--app-id` / `RUSHER_APP_ID`.
    pub app_id: Option<String>,
    /// `--app-key` / `RUSHER_APP_KEY`.
    pub key: Option<String>,
    /// `--app-secret` / `RUSHER_APP_SECRET`.
    pub secret: Option<String>,
    /// `--master-key` / `RUSHER_MASTER_KEY`.
    pub master_key: Option<String>,
}

impl Credentials {
    /// New random credentials.
    pub fn generate() -> Self {
        let mut master = [0u8; 32];
        let _ = getrandom::fill(&mut master);
        let id_digits: String = random_hex(4)
            .chars()
            .map(|c| char::from(b'0' + (c as u8 % 10)))
            .collect();
        Self {
            app_id: id_digits,
            key: random_hex(10),
            secret: random_hex(10),
            master_key: BASE64.encode(master),
        }
    }

    /// The stored credentials of a data dir (created on first use), with `given` on top.
    pub fn load(data_dir: &Path, given: &Given) -> io::Result<Self> {
        fs::create_dir_all(data_dir)?;
        let path = data_dir.join(FILE);
        let stored = match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| io::Error::other(format!("{}: {e}", path.display())))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let fresh = Self::generate();
                let text = serde_json::to_string_pretty(&fresh).map_err(io::Error::other)?;
                write_private(&path, &text)?;
                fresh
            }
            Err(e) => return Err(e),
        };
        let credentials = Self {
            app_id: given.app_id.clone().unwrap_or(stored.app_id),
            key: given.key.clone().unwrap_or(stored.key),
            secret: given.secret.clone().unwrap_or(stored.secret),
            master_key: given.master_key.clone().unwrap_or(stored.master_key),
        };
        credentials.master_key_bytes()?;
        Ok(credentials)
    }

    /// The master key's 32 bytes.
    pub fn master_key_bytes(&self) -> io::Result<[u8; 32]> {
        BASE64
            .decode(&self.master_key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| io::Error::other("the master key must be base64 of 32 bytes"))
    }
}

/// Writes a file only its owner can read (it holds the secret).
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
