//! JavaScript callbacks, bound by event name or globally on one emitter (pusher-js's
//! `Dispatcher`): the client, its connection, a channel, the user, the watchlist.

use std::cell::RefCell;

use js_sys::{Function, Object};
use wasm_bindgen::JsValue;

/// Which emitter a callback is bound on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `pusher.bind` / `pusher.bind_global`: every non-internal event.
    Global,
    /// `pusher.connection.bind`: state changes and errors.
    Connection,
    /// `channel.bind`: one channel's events.
    Channel(String),
    /// `pusher.user.bind`: server-to-user events.
    User,
    /// `pusher.user.watchlist.bind`: `online` and `offline`.
    Watchlist,
}

/// One bound callback; `event` is `None` for a global one (called with `(event, data)`).
struct Binding {
    scope: Scope,
    event: Option<String>,
    callback: Function,
    context: JsValue,
}

/// Every callback the application bound.
#[derive(Default)]
pub struct Registry {
    bindings: RefCell<Vec<Binding>>,
}

impl Registry {
    /// Binds `callback` to `event` (or to every event when `event` is `None`).
    pub fn bind(
        &self,
        scope: Scope,
        event: Option<String>,
        callback: Function,
        context: Option<Object>,
    ) {
        self.bindings.borrow_mut().push(Binding {
            scope,
            event,
            callback,
            context: context.map_or(JsValue::UNDEFINED, JsValue::from),
        });
    }

    /// Removes named callbacks of `scope` that match every filter given (pusher-js's `unbind`).
    pub fn unbind(
        &self,
        scope: &Scope,
        event: Option<&str>,
        callback: Option<&Function>,
        context: Option<&Object>,
    ) {
        self.bindings.borrow_mut().retain(|b| {
            let matches = b.scope == *scope
                && b.event.is_some()
                && event.is_none_or(|e| b.event.as_deref() == Some(e))
                && callback.is_none_or(|c| b.callback == *c)
                && context.is_none_or(|c| b.context == **c);
            !matches
        });
    }

    /// Removes global callbacks of `scope`: `callback`, or all of them.
    pub fn unbind_global(&self, scope: &Scope, callback: Option<&Function>) {
        self.bindings.borrow_mut().retain(|b| {
            let matches =
                b.scope == *scope && b.event.is_none() && callback.is_none_or(|c| b.callback == *c);
            !matches
        });
    }

    /// Removes every callback of `scope`.
    pub fn unbind_all(&self, scope: &Scope) {
        self.bindings.borrow_mut().retain(|b| b.scope != *scope);
    }

    /// Whether any callback would hear `event` on `scope`.
    pub fn wants(&self, scope: &Scope, event: &str) -> bool {
        self.bindings
            .borrow()
            .iter()
            .any(|b| b.scope == *scope && b.event.as_deref().is_none_or(|e| e == event))
    }

    /// Calls the global callbacks of `scope` with `(event, data)`, then those bound to `event` with
    /// `(data, metadata)`. Callbacks may bind and unbind while this runs; one that throws is
    /// reported on the console and the others still run.
    pub fn emit(&self, scope: &Scope, event: &str, data: &JsValue, metadata: Option<&JsValue>) {
        let matching: Vec<(bool, Function, JsValue)> = self
            .bindings
            .borrow()
            .iter()
            .filter(|b| b.scope == *scope && b.event.as_deref().is_none_or(|e| e == event))
            .map(|b| (b.event.is_none(), b.callback.clone(), b.context.clone()))
            .collect();
        let name = JsValue::from_str(event);
        let globals = matching.iter().filter(|(global, ..)| *global);
        let named = matching.iter().filter(|(global, ..)| !*global);
        for (_, callback, _) in globals {
            report(callback.call2(&JsValue::UNDEFINED, &name, data));
        }
        for (_, callback, context) in named {
            report(match metadata {
                Some(metadata) => callback.call2(context, data, metadata),
                None => callback.call1(context, data),
            });
        }
    }
}

/// Logs a callback's exception; it must not stop the other callbacks or the client.
fn report(result: Result<JsValue, JsValue>) {
    if let Err(error) = result {
        web_sys::console::error_2(&JsValue::from_str("Rusher: a callback threw"), &error);
    }
}
