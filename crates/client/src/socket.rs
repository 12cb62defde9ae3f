//! One browser WebSocket with its listeners; dropping it removes the listeners and closes the
//! socket, so no closure outlives the connection.

use gloo_events::EventListener;
use rusher_protocol::SocketHandle;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What a socket reports.
pub enum SocketEvent {
    /// A text frame.
    Message(String),
    /// The socket closed (or failed to open) with this code and reason.
    Closed(u16, String),
}

/// An open (or opening) WebSocket and the listeners that feed the driver.
pub struct Socket {
    /// The core's handle for it.
    pub handle: SocketHandle,
    ws: WebSocket,
    _listeners: [EventListener; 2],
}

impl Socket {
    /// Opens a WebSocket to `url`; `on_event` gets its frames and its close. A URL the browser
    /// refuses gives a close with code 1006 right away (through `on_event`), never a panic.
    pub fn open(
        handle: SocketHandle,
        url: &str,
        on_event: impl Fn(SocketHandle, SocketEvent) + Clone + 'static,
    ) -> Result<Self, String> {
        let ws = WebSocket::new(url).map_err(|e| format!("cannot open {url}: {e:?}"))?;
        let on_message = on_event.clone();
        let message = EventListener::new(&ws, "message", move |event| {
            let text = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string());
            // Binary frames are not part of the protocol; they are ignored.
            if let Some(text) = text {
                on_message(handle, SocketEvent::Message(text));
            }
        });
        let close = EventListener::new(&ws, "close", move |event| {
            let (code, reason) = event
                .dyn_ref::<CloseEvent>()
                .map_or((1006, String::new()), |c| (c.code(), c.reason()));
            on_event(handle, SocketEvent::Closed(code, reason));
        });
        Ok(Self {
            handle,
            ws,
            _listeners: [message, close],
        })
    }

    /// Sends a text frame; a socket that is not open yet or already closing drops it (the core
    /// only sends once the handshake arrived, so this happens only around a close).
    pub fn send(&self, text: &str) {
        let _ = self.ws.send_with_str(text);
    }

    /// Closes with a code and reason; the listeners go with `self`.
    pub fn close(self, code: u16, reason: &str) {
        let _ = self.ws.close_with_code_and_reason(code, reason);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Listeners are removed by their own Drop; make sure the socket does not linger.
        if self.ws.ready_state() <= WebSocket::OPEN {
            let _ = self.ws.close();
        }
    }
}
