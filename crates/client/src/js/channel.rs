//! pusher-js's `Channel` and a presence channel's `Members`, as views on the Rust client's state.

use std::rc::Rc;

use js_sys::{Array, Function, Object};
use rusher_protocol::object;
use rusher_protocol::{Access, ChannelKind, Member, Members};
use wasm_bindgen::prelude::*;

use super::convert::{from_js, to_js};
use super::emitters::emitter_methods;
use super::pusher::Shared;
use super::registry::Scope;

/// A channel: its state, its events, and client events (`trigger`).
#[wasm_bindgen(js_name = Channel)]
pub struct JsChannel {
    pub(crate) shared: Rc<Shared>,
    pub(crate) name: String,
}

impl JsChannel {
    fn scope(&self) -> Scope {
        Scope::Channel(self.name.clone())
    }

    fn status(&self) -> Option<rusher_protocol::ChannelStatus> {
        self.shared.pusher.channel(&self.name)?.status()
    }
}

#[wasm_bindgen(js_class = Channel)]
impl JsChannel {
    /// The channel's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Whether the server confirmed the subscription.
    #[wasm_bindgen(getter)]
    pub fn subscribed(&self) -> bool {
        self.status().is_some_and(|s| s.subscribed)
    }

    /// Whether the subscription is waiting for auth or for the server.
    #[wasm_bindgen(getter, js_name = subscriptionPending)]
    pub fn subscription_pending(&self) -> bool {
        self.status().is_some_and(|s| s.pending)
    }

    /// The number of connections subscribed, once the server has said.
    #[wasm_bindgen(getter, js_name = subscriptionCount)]
    pub fn subscription_count(&self) -> Option<f64> {
        // Counts are far below 2^53, where f64 stops being exact.
        self.status()?.subscription_count.map(|c| c as f64)
    }

    /// A presence channel's members; `undefined` on other channels.
    #[wasm_bindgen(getter)]
    pub fn members(&self) -> Option<JsMembers> {
        is_presence(&self.name).then(|| JsMembers {
            shared: Rc::clone(&self.shared),
            channel: self.name.clone(),
        })
    }

    /// Sends a client event (`client-…`) to the channel's other subscribers. `true` when sent
    /// or queued until the channel is subscribed; `false`, with a console warning, when refused.
    pub fn trigger(&self, event: &str, data: JsValue) -> bool {
        let result = match (self.shared.pusher.channel(&self.name), from_js(&data)) {
            (Some(channel), Some(data)) => channel.trigger(event, data).map_err(|e| e.to_string()),
            (None, _) => Err(["not subscribed to ", &self.name].concat()),
            (_, None) => Err("the data cannot be sent as JSON".to_owned()),
        };
        if let Err(why) = &result {
            let message = ["Rusher: client event ", event, " not sent: ", why].concat();
            web_sys::console::warn_1(&JsValue::from_str(&message));
        }
        result.is_ok()
    }
}

emitter_methods!(JsChannel, "Channel");

/// A presence channel's members, read live: `members` (id → info), `count`, `me`, `myID`,
/// `get(id)`, `each(callback)`.
#[wasm_bindgen(js_name = Members)]
pub struct JsMembers {
    pub(crate) shared: Rc<Shared>,
    pub(crate) channel: String,
}

impl JsMembers {
    fn read(&self) -> Option<Members> {
        self.shared.pusher.channel(&self.channel)?.members()
    }
}

#[wasm_bindgen(js_class = Members)]
impl JsMembers {
    /// Every member's info by user id.
    #[wasm_bindgen(getter)]
    pub fn members(&self) -> Object {
        let object = Object::new();
        for (id, info) in self.read().iter().flat_map(Members::iter) {
            drop(js_sys::Reflect::set(
                &object,
                &JsValue::from_str(id),
                &to_js(info),
            ));
        }
        object
    }

    /// How many members there are.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> u32 {
        self.read()
            .map_or(0, |m| u32::try_from(m.count()).unwrap_or(u32::MAX))
    }

    /// This connection's member `{id, info}`, or `null`.
    #[wasm_bindgen(getter)]
    pub fn me(&self) -> JsValue {
        self.read()
            .and_then(|m| m.me())
            .map_or(JsValue::NULL, |m| member(&m))
    }

    /// This connection's user id, or `null`.
    #[wasm_bindgen(getter, js_name = myID)]
    pub fn my_id(&self) -> Option<String> {
        self.read().and_then(|m| m.me()).map(|m| m.id)
    }

    /// The member `{id, info}` with this user id, or `null`.
    pub fn get(&self, id: &str) -> JsValue {
        self.read()
            .and_then(|m| m.get(id))
            .map_or(JsValue::NULL, |m| member(&m))
    }

    /// Calls `callback(member)` for each member.
    pub fn each(&self, callback: &Function) {
        let all: Array = self
            .read()
            .iter()
            .flat_map(Members::iter)
            .map(|(id, info)| to_js(&object! {"id": id, "info": info.clone()}))
            .collect();
        for member in all {
            if let Err(error) = callback.call1(&JsValue::UNDEFINED, &member) {
                web_sys::console::error_2(&JsValue::from_str("Rusher: a callback threw"), &error);
            }
        }
    }
}

/// A member as pusher-js gives it: `{id, info}`.
pub fn member(member: &Member) -> JsValue {
    to_js(&object! {"id": &member.id, "info": member.info.clone()})
}

/// Whether a channel is a presence channel (with members).
pub fn is_presence(channel: &str) -> bool {
    ChannelKind::of(channel).access == Access::Presence
}
