//! One browser WebSocket with its two handlers; dropping it removes the handlers and closes the
//! socket, so no closure outlives the connection.

use alloc::string::String;

use rusher_protocol::SocketHandle;
use wasm_bindgen::{JsCast, JsValue};

use crate::browser::{self, Event, WebSocket};
use crate::callback::{Callback, callback};

/// What a socket reports.
pub enum SocketEvent {
    /// A text frame: the browser's string of it.
    Message(JsValue),
    /// The socket closed (or failed to open) with this code and reason.
    Closed(u16, String),
}

/// An open (or opening) WebSocket and the handlers that feed the driver.
pub struct Socket {
    /// The core's handle for it.
    pub handle: SocketHandle,
    ws: WebSocket,
    _handlers: [Callback; 2],
}

impl Socket {
    /// Opens a WebSocket to `url`; `on_event` gets its frames and its close. `None` when the
    /// browser refuses the URL outright.
    pub fn open(
        handle: SocketHandle,
        url: &str,
        on_event: impl Fn(SocketHandle, SocketEvent) + Clone + 'static,
    ) -> Option<Self> {
        let ws = WebSocket::new(url).ok()?;
        let on_message = on_event.clone();
        let message = callback(move |event: JsValue, _| {
            // Binary frames are not part of the protocol; they are ignored.
            let data = event.unchecked_ref::<Event>().data();
            if data.is_string() {
                on_message(handle, SocketEvent::Message(data));
            }
        });
        let close = callback(move |event: JsValue, _| {
            let event = event.unchecked_ref::<Event>();
            on_event(handle, SocketEvent::Closed(event.code(), event.reason()));
        });
        ws.set_onmessage(Some(message.as_ref()));
        ws.set_onclose(Some(close.as_ref()));
        Some(Self {
            handle,
            ws,
            _handlers: [message, close],
        })
    }

    /// What sends on this socket, held apart from the socket so that the driver's state is not
    /// borrowed while sending: a socket may answer inside `send` (a test double, a polyfill).
    pub fn sender(&self) -> Sender {
        Sender(self.ws.clone())
    }

    /// Closes with a code and reason; the handlers go with `self`.
    pub fn close(self, code: u16, reason: &str) {
        let _ = self.ws.close(Some(code), Some(reason));
    }
}

/// Sends text frames on one socket: see [`Socket::sender`].
pub struct Sender(WebSocket);

impl Sender {
    /// Sends a text frame; a socket that is not open yet or already closing drops it (the core
    /// only sends once the handshake arrived, so this happens only around a close).
    pub fn send(&self, text: &str) {
        let _ = self.0.send(text);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        if self.ws.ready_state() <= browser::OPEN {
            let _ = self.ws.close(None, None);
        }
    }
}
