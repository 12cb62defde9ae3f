//! pusher-js's `Pusher` class: `new Pusher(key, options)`, channels, connection, user.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use rusher_protocol::json::Value;
use wasm_bindgen::prelude::*;

use super::channel::JsChannel;
use super::dispatch::dispatch;
use super::emitters::{JsConnection, JsUser, emitter_methods};
use super::options;
use super::registry::{Registry, Scope};
use crate::Pusher;

/// What every JavaScript object of one client shares.
pub struct Shared {
    /// The Rust client.
    pub pusher: Pusher,
    /// The JavaScript callbacks.
    pub registry: Registry,
    /// The `Channel` objects by name (`pusher.channels.channels`).
    pub channels: Object,
    /// The signed-in user's data.
    pub user_data: RefCell<Option<Value>>,
}

/// A connection to a Pusher-protocol server, like pusher-js's `Pusher`.
#[wasm_bindgen(js_name = Pusher)]
pub struct JsPusher {
    shared: Rc<Shared>,
    key: String,
    connection: JsValue,
    user: JsValue,
    channels: Object,
}

impl JsPusher {
    fn scope(&self) -> Scope {
        Scope::Global
    }
}

#[wasm_bindgen(js_class = Pusher)]
impl JsPusher {
    /// Creates the client and connects. Throws when an option has the wrong type, naming it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: &str,
        #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<Object>,
    ) -> Result<JsPusher, JsError> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        let options = options::read(key, &options).map_err(|e| JsError::new(&e))?;
        let shared = Rc::new(Shared {
            pusher: Pusher::new(options),
            registry: Registry::default(),
            channels: Object::new(),
            user_data: RefCell::new(None),
        });
        let weak = Rc::downgrade(&shared);
        shared.pusher.bind_global(move |event| {
            if let Some(shared) = weak.upgrade() {
                dispatch(&shared, event);
            }
        });
        let channels = Object::new();
        drop(Reflect::set(
            &channels,
            &"channels".into(),
            &shared.channels,
        ));
        Ok(JsPusher {
            key: key.to_owned(),
            connection: JsConnection {
                shared: Rc::clone(&shared),
            }
            .into(),
            user: JsUser {
                shared: Rc::clone(&shared),
            }
            .into(),
            channels,
            shared,
        })
    }

    /// The app key.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        self.key.clone()
    }

    /// The connection: `state`, `socket_id`, and its events.
    #[wasm_bindgen(getter, unchecked_return_type = "Connection")]
    pub fn connection(&self) -> JsValue {
        self.connection.clone()
    }

    /// The signed-in user and its watchlist.
    #[wasm_bindgen(getter, unchecked_return_type = "User")]
    pub fn user(&self) -> JsValue {
        self.user.clone()
    }

    /// `{channels: {name: Channel}}`, as Laravel Echo reads it.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ channels: Record<string, Channel> }"
    )]
    pub fn channels(&self) -> Object {
        self.channels.clone()
    }

    /// Subscribes to a channel, or returns the channel already subscribed. Throws on an invalid
    /// name.
    #[wasm_bindgen(unchecked_return_type = "Channel")]
    pub fn subscribe(&self, name: &str) -> Result<JsValue, JsError> {
        self.shared
            .pusher
            .subscribe(name)
            .map_err(|e| JsError::new(&e.to_string()))?;
        let existing = self.channel(name);
        if !existing.is_undefined() {
            return Ok(existing);
        }
        let channel = JsValue::from(JsChannel {
            shared: Rc::clone(&self.shared),
            name: name.to_owned(),
        });
        drop(Reflect::set(&self.shared.channels, &name.into(), &channel));
        Ok(channel)
    }

    /// Unsubscribes from a channel and forgets its callbacks.
    pub fn unsubscribe(&self, name: &str) {
        self.shared.pusher.unsubscribe(name);
        drop(Reflect::delete_property(
            &self.shared.channels,
            &name.into(),
        ));
        self.shared
            .registry
            .unbind_all(&Scope::Channel(name.to_owned()));
    }

    /// A subscribed channel, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Channel | undefined")]
    pub fn channel(&self, name: &str) -> JsValue {
        Reflect::get(&self.shared.channels, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// Every subscribed channel.
    #[wasm_bindgen(js_name = allChannels, unchecked_return_type = "Channel[]")]
    pub fn all_channels(&self) -> Array {
        Object::values(&self.shared.channels)
    }

    /// Connects (again, after `disconnect()`).
    pub fn connect(&self) {
        self.shared.pusher.connect();
    }

    /// Disconnects and stops reconnecting; channels stay for the next `connect()`.
    pub fn disconnect(&self) {
        self.shared.pusher.disconnect();
    }

    /// Signs the user in through `userAuthentication`, and again after every reconnect.
    pub fn signin(&self) {
        self.shared.pusher.signin();
    }
}

emitter_methods!(JsPusher, "Pusher");
