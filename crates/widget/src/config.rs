//! What a site owner configures (`mountChat({...})` or [`ChatConfig`] in Rust). Everything is
//! optional: by default the widget talks to the server that served the page.

use serde::Deserialize;

use rusher_chat_api::{DEFAULT_ROOM, User};

/// How messages are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendMode {
    /// `POST /chat/messages`: validated, stored (history) and broadcast by the backend.
    #[default]
    Backend,
    /// Client events on the presence channel: no backend write, no history.
    ClientEvent,
}

/// The color theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system (`prefers-color-scheme`).
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The value of the widget's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The widget's configuration, with pusher-js's names where they overlap.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChatConfig {
    /// The app key; fetched from the backend's `/chat/config` when absent.
    pub key: Option<String>,
    /// The WebSocket host; the page's host when absent.
    pub ws_host: Option<String>,
    /// The WebSocket port; the page's port when absent.
    pub ws_port: Option<u16>,
    /// TLS; as the page when absent (`forceTLS`, as pusher-js spells it).
    #[serde(rename = "forceTLS")]
    pub force_tls: Option<bool>,
    /// The channel auth endpoint (default: the backend's `/pusher/auth`).
    pub auth_endpoint: Option<String>,
    /// The user auth endpoint (default: the backend's `/pusher/user-auth`).
    pub user_auth_endpoint: Option<String>,
    /// The room (default [`DEFAULT_ROOM`], `presence-lobby`).
    pub channel: Option<String>,
    /// The chat backend's base URL (default: the page's origin).
    pub backend: Option<String>,
    /// How messages are sent.
    pub send: SendMode,
    /// The color theme.
    pub theme: Theme,
    /// The language (`en`, `de`); `navigator.language` when absent.
    pub language: Option<String>,
    /// A user the host page already knows: no join form (its auth endpoints must sign them).
    pub user: Option<User>,
    /// Start open (otherwise as the visitor left it).
    pub open: Option<bool>,
}

impl ChatConfig {
    /// The room's channel name.
    pub fn channel(&self) -> String {
        self.channel
            .clone()
            .unwrap_or_else(|| DEFAULT_ROOM.to_owned())
    }

    /// The backend base URL (`""` is the page's origin).
    pub fn backend(&self) -> String {
        self.backend.clone().unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::de::{self, Deserialize, Deserializer, Visitor};

    use super::ChatConfig;

    /// A deserializer that only records the field names a struct asks for.
    struct FieldNames(Vec<&'static str>);

    impl<'de> Deserializer<'de> for &mut FieldNames {
        type Error = de::value::Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = fields.to_vec();
            Err(de::Error::custom("the names are recorded"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    /// The option names a piece of JavaScript or TypeScript lists between `start` and the next
    /// line that closes it, as `name?:` (TypeScript) or `name:` (a JavaScript object).
    fn names_in<'a>(source: &'a str, start: &str, marker: &str) -> Vec<&'a str> {
        let from = source.find(start).unwrap() + start.len();
        let block = &source[from..from + source[from..].find("\n}").unwrap()];
        let mut names: Vec<&str> = block
            .match_indices(marker)
            .map(|(at, _)| {
                let before = &block[..at];
                let from = before
                    .rfind(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(0, |i| i + 1);
                &before[from..]
            })
            .filter(|name| !name.is_empty())
            .collect();
        names.sort_unstable();
        names
    }

    /// The package's `ChatOptions` (www/npm-chat/rusher-chat.d.ts) and the launcher's type table
    /// (rusher-chat.js) name exactly the options `ChatConfig` reads, spelled as it reads them,
    /// and the launcher's own `preload`: an option added to one and not the others fails here.
    #[test]
    fn the_packages_options_are_the_fields_chat_config_reads() {
        let mut names = FieldNames(Vec::new());
        let _ = ChatConfig::deserialize(&mut names);
        let mut config: Vec<&str> = names.0;
        config.push("preload");
        config.sort_unstable();
        let types = include_str!("../../../www/npm-chat/rusher-chat.d.ts");
        let typescript = names_in(types, "export interface ChatOptions {", "?:");
        assert_eq!(typescript, config);
        let launcher = include_str!("../../../www/npm-chat/rusher-chat.js");
        let table = names_in(launcher, "const OPTION_TYPES = {", ": \"");
        assert_eq!(table, config);
    }
}
