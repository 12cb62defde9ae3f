//! [`FrameText`]: the frame the driver is reading, as the browser's string, for a listener to
//! take a string `data` from it (by the place [`StringLiteral`] gives) instead of copying the
//! data out of wasm memory.
//!
//! [`StringLiteral`]: rusher_protocol::json::StringLiteral

use alloc::rc::Rc;
use core::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};

use crate::browser::Text;

/// Shared by the driver, which sets it around each frame it reads, and the JavaScript sink.
#[derive(Clone, Default)]
pub struct FrameText(Rc<RefCell<Reading>>);

/// Whether a frame is being read, and its text when it may be offered.
#[derive(Default)]
enum Reading {
    /// No frame: the events come from something else (a timer, a call, an auth answer).
    #[default]
    Idle,
    /// A frame: its browser string and its length in UTF-8 bytes, while they may be offered.
    Frame(Option<(JsValue, usize)>),
}

impl FrameText {
    /// Runs `read` (which reads the frame `bytes`) with `text`, the browser's string of the same
    /// frame, on offer.
    ///
    /// A socket that answers inside `send` (a test double, a polyfill) can hand over a frame
    /// while another is being read. That one is read at once, and neither frame's text is
    /// offered from then on: events of the outer frame still waiting to be dispatched would
    /// otherwise be read from the inner frame's text.
    pub fn reading<T>(&self, bytes: &str, text: JsValue, read: impl FnOnce() -> T) -> T {
        let nested = matches!(*self.0.borrow(), Reading::Frame(_));
        let offered = (!nested).then_some((text, bytes.len()));
        self.0.replace(Reading::Frame(offered));
        let result = read();
        self.0.replace(if nested {
            Reading::Frame(None)
        } else {
            Reading::Idle
        });
        result
    }

    /// The text of the frame being read, when it is offered and ASCII: a place in bytes is then
    /// the same place in the string's UTF-16 code units. (A frame is ASCII when its lengths in
    /// both agree: any other character takes more UTF-8 bytes than UTF-16 units.) Asked only
    /// for an event with a string data, so other frames cost no check.
    pub fn get(&self) -> Option<JsValue> {
        match &*self.0.borrow() {
            Reading::Frame(Some((text, bytes))) => {
                let units = text.unchecked_ref::<Text>().length();
                (usize::try_from(units).ok() == Some(*bytes)).then(|| text.clone())
            }
            Reading::Frame(None) | Reading::Idle => None,
        }
    }
}
