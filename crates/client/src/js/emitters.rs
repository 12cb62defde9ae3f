//! The objects with pusher-js's `bind` / `unbind` family besides the client and its channels:
//! `pusher.connection`, `pusher.user` and `pusher.user.watchlist`.

use std::rc::Rc;

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use super::convert::to_js;
use super::pusher::Shared;
use super::registry::Scope;

/// Generates pusher-js's `bind`, `unbind`, `bind_global`, `unbind_global` and `unbind_all` for
/// an exported type with a `shared` field and a `scope()`.
macro_rules! emitter_methods {
    ($ty:ident, $js:literal) => {
        #[wasm_bindgen(js_class = $js)]
        impl $ty {
            /// Calls `callback(data, metadata)` for each `event` (with `this` set to `context`).
            pub fn bind(&self, event: String, callback: Function, context: Option<Object>) {
                self.shared
                    .registry
                    .bind(self.scope(), Some(event), callback, context);
            }

            /// Removes callbacks bound with `bind`: those matching `event`, `callback` and
            /// `context` where given, or all of them.
            pub fn unbind(
                &self,
                event: Option<String>,
                callback: Option<Function>,
                context: Option<Object>,
            ) {
                self.shared.registry.unbind(
                    &self.scope(),
                    event.as_deref(),
                    callback.as_ref(),
                    context.as_ref(),
                );
            }

            /// Calls `callback(event, data)` for every event.
            pub fn bind_global(&self, callback: Function) {
                self.shared
                    .registry
                    .bind(self.scope(), None, callback, None);
            }

            /// Removes a callback bound with `bind_global`, or all of them.
            pub fn unbind_global(&self, callback: Option<Function>) {
                self.shared
                    .registry
                    .unbind_global(&self.scope(), callback.as_ref());
            }

            /// Removes every callback.
            pub fn unbind_all(&self) {
                self.shared.registry.unbind_all(&self.scope());
            }
        }
    };
}

pub(crate) use emitter_methods;

/// `pusher.connection`: the state, the socket id, and connection events (`state_change`,
/// `connected`, `disconnected`, `connecting_in`, `error`, `message`…).
#[wasm_bindgen(js_name = Connection)]
pub struct JsConnection {
    pub(crate) shared: Rc<Shared>,
}

impl JsConnection {
    fn scope(&self) -> Scope {
        Scope::Connection
    }
}

#[wasm_bindgen(js_class = Connection)]
impl JsConnection {
    /// `initialized`, `connecting`, `connected`, `unavailable`, `failed` or `disconnected`.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.shared.pusher.state().as_str().to_owned()
    }

    /// The socket id while connected.
    #[wasm_bindgen(getter)]
    pub fn socket_id(&self) -> Option<String> {
        self.shared.pusher.socket_id()
    }
}

emitter_methods!(JsConnection, "Connection");

/// `pusher.user`: server-to-user events once signed in (`pusher.signin()`).
#[wasm_bindgen(js_name = User)]
pub struct JsUser {
    pub(crate) shared: Rc<Shared>,
}

impl JsUser {
    fn scope(&self) -> Scope {
        Scope::User
    }
}

#[wasm_bindgen(js_class = User)]
impl JsUser {
    /// The signed-in user's data (`{id, ...}`), or `null` before sign-in.
    #[wasm_bindgen(getter)]
    pub fn user_data(&self) -> JsValue {
        self.shared
            .user_data
            .borrow()
            .as_ref()
            .map_or(JsValue::NULL, to_js)
    }

    /// Online and offline events about the users on the signed-in user's watchlist.
    #[wasm_bindgen(getter)]
    pub fn watchlist(&self) -> JsWatchlist {
        JsWatchlist {
            shared: Rc::clone(&self.shared),
        }
    }

    /// Signs the user in (the same as `pusher.signin()`).
    pub fn signin(&self) {
        self.shared.pusher.signin();
    }
}

emitter_methods!(JsUser, "User");

/// `pusher.user.watchlist`: `online` and `offline` events, each `{name, user_ids}`.
#[wasm_bindgen(js_name = Watchlist)]
pub struct JsWatchlist {
    pub(crate) shared: Rc<Shared>,
}

impl JsWatchlist {
    fn scope(&self) -> Scope {
        Scope::Watchlist
    }
}

emitter_methods!(JsWatchlist, "Watchlist");
