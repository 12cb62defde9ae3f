//! Chat users: the backend assigns the id; the visitor chooses the display name.

use serde::{Deserialize, Serialize};

use crate::Refusal;

/// The longest display name, in characters: long enough for a full name, short enough for a
/// member list line.
pub const MAX_NAME_CHARS: usize = 32;

/// A chat user, as the backend assigns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct User {
    /// The id the backend assigned (letters and digits: see [`is_user_id`](crate::is_user_id)).
    pub id: String,
    /// The display name.
    pub name: String,
}

/// The body of `POST /chat/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// The display name to chat under.
    pub name: String,
}

/// The answer of `POST /chat/session`: the user and, for a page on another origin the backend
/// allows, the session's token. The backend sets the token as an HttpOnly cookie too; a page on
/// another site (whose requests browsers send without that cookie) keeps the token and sends it
/// as `Authorization: Bearer TOKEN`. Same-origin pages get the cookie alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Who signed in.
    #[serde(flatten)]
    pub user: User,
    /// The session token, for an allowed page on another origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Checks a display name: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters.
/// Returns the trimmed name.
pub fn check_name(name: &str) -> Result<&str, Refusal> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Refusal::BadName);
    }
    if name.chars().any(char::is_control) {
        return Err(Refusal::BadName);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Ada "), Ok("Ada"));
        assert_eq!(check_name(" "), Err(Refusal::BadName));
        assert_eq!(check_name(&"x".repeat(32)).map(str::len), Ok(32));
        assert_eq!(check_name(&"é".repeat(33)), Err(Refusal::BadName));
        assert_eq!(check_name("a\u{7}b"), Err(Refusal::BadName));
    }
}
