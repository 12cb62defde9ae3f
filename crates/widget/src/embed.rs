//! The drop-in embed (feature `embed`): the `rusher-chat` package's launcher
//! (`www/npm-chat/rusher-chat.js`) loads this module when the visitor opens the chat, and calls
//! `mountChat(options, shadowRoot)`, which returns a handle with `open()`, `close()`, `toggle()`,
//! `destroy()` and `on("unread" | "online" | "open" | "message", callback)`. The options (the
//! package's `ChatOptions`, in `www/npm-chat/rusher-chat.d.ts`) are read with
//! serde-wasm-bindgen into [`ChatConfig`].

use js_sys::Function;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

use crate::config::ChatConfig;
use crate::embed_events::{EmbedEvent, ON_TAKES};
use crate::model::{Delivery, Line};
use crate::mount::{Mounted, mount_in};

/// Mounts the chat widget in `root`, the shadow root the launcher made and styled, and returns
/// its handle. Throws when an option has the wrong type.
#[wasm_bindgen(js_name = mountChat)]
pub fn mount_chat(
    #[wasm_bindgen(unchecked_param_type = "object | undefined")] options: JsValue,
    root: ShadowRoot,
) -> Result<ChatHandle, JsError> {
    let config: ChatConfig = if options.is_undefined() || options.is_null() {
        ChatConfig::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| {
            // The message alone: the error's Display is JavaScript's `String(error)`, which
            // starts with "Error: ".
            let message =
                String::from(JsValue::from(e).unchecked_into::<js_sys::Error>().message());
            JsError::new(&["mountChat: ", &message].concat())
        })?
    };
    let mounted = mount_in(config, &root).map_err(|e| {
        let why = e
            .as_string()
            .unwrap_or_else(|| "the widget could not be mounted".to_owned());
        JsError::new(&["mountChat: ", &why].concat())
    })?;
    Ok(ChatHandle {
        mounted,
        owner: Owner::new(),
    })
}

/// A mounted chat.
#[wasm_bindgen]
pub struct ChatHandle {
    mounted: Mounted,
    owner: Owner,
}

#[wasm_bindgen]
impl ChatHandle {
    /// Opens the panel.
    pub fn open(&self) {
        self.mounted.chat().set_open(true);
    }

    /// Closes the panel.
    pub fn close(&self) {
        self.mounted.chat().set_open(false);
    }

    /// Opens or closes the panel.
    pub fn toggle(&self) {
        let chat = self.mounted.chat();
        chat.set_open(!chat.notifications.open.get_untracked());
    }

    /// Removes the widget, disconnects and drops every callback.
    pub fn destroy(&mut self) {
        self.owner.cleanup();
        self.mounted.destroy();
    }

    /// Calls `callback` on changes: `unread` (count), `online` (count), `open` (boolean),
    /// `message` (`{id, user: {id, name}, text, time}` for each new message from the room).
    pub fn on(&self, event: &str, callback: Function) -> Result<(), JsError> {
        let Some(change) = EmbedEvent::named(event) else {
            return Err(JsError::new(ON_TAKES));
        };
        let chat = self.mounted.chat();
        let call = move |value: &JsValue| {
            if let Err(error) = callback.call1(&JsValue::UNDEFINED, value) {
                web_sys::console::error_2(&"Rusher chat: a callback threw".into(), &error);
            }
        };
        self.owner.with(|| match change {
            EmbedEvent::Unread => watch(
                Box::new(move || chat.notifications.unread.get().into()),
                Box::new(call),
            ),
            EmbedEvent::Online => watch(
                Box::new(move || JsValue::from_f64(chat.presence.online.get() as f64)),
                Box::new(call),
            ),
            EmbedEvent::Open => watch(
                Box::new(move || chat.notifications.open.get().into()),
                Box::new(call),
            ),
            EmbedEvent::Message => {
                let newest = chat
                    .messages
                    .lines
                    .with_untracked(|lines| lines.iter().filter_map(|l| l.id).max())
                    .unwrap_or(0);
                let seen = StoredValue::new(newest);
                watch(
                    Box::new(move || {
                        chat.messages.lines.track();
                        JsValue::UNDEFINED
                    }),
                    Box::new(move |_| {
                        chat.messages.lines.with_untracked(|lines| {
                            let newer = lines
                                .iter()
                                .filter(|l| l.delivery == Delivery::Sent)
                                .filter(|l| l.id.is_some_and(|id| id > seen.get_value()));
                            for line in newer {
                                let id = line.id.unwrap_or_default();
                                seen.set_value(id);
                                call(&message_object(id, line));
                            }
                        });
                    }),
                );
            }
        });
        Ok(())
    }
}

/// Calls `callback` with what `read` returns each time what it reads changes (not at first).
/// One effect type for every event the handle reports: each of its own costs the module.
fn watch(read: Box<dyn Fn() -> JsValue>, callback: Box<dyn Fn(&JsValue)>) {
    Effect::watch(read, move |value, _, _| callback(value), false);
}

/// A message as `on("message")` reports it: `{id, user: {id, name}, text, time}`.
fn message_object(id: i64, line: &Line) -> JsValue {
    let message = rusher_client::object! {
        "id": id.max(0) as u64,
        "user": rusher_client::object! {"id": &line.user.id, "name": &line.user.name},
        "text": &line.text,
        "time": line.time.max(0) as u64,
    };
    js_sys::JSON::parse(&message.to_json()).unwrap_or(JsValue::NULL)
}
