//! [`KeptFrames`]: the frames the driver read as JSON in JavaScript ([`json_frame`]), kept while
//! their events are dispatched, so that the JavaScript sink hands a listener an event's data
//! straight from the frame (`Payload::Kept`) instead of from a copy in wasm memory.
//!
//! [`json_frame`]: crate::json_frame

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasm_bindgen::JsValue;

/// Shared by the driver, which keeps each frame around its reading, and the JavaScript sink.
#[derive(Clone, Default)]
pub struct KeptFrames(Rc<RefCell<Kept>>);

/// The frames being read, by number.
#[derive(Default)]
struct Kept {
    /// The number the next frame gets.
    next: u32,
    /// Frames whose reading has not ended: more than one only when a frame is read while another
    /// one's events are dispatched (a socket that answers inside `send`, such as a test double).
    frames: Vec<(u32, JsValue)>,
    /// How many readings are under way, one inside another.
    depth: u32,
}

impl KeptFrames {
    /// Runs `read` with the number `frame` is kept by. All the frame's events are dispatched
    /// before the driver's input returns, and the outermost reading forgets every frame kept
    /// during it.
    pub fn reading<T>(&self, frame: JsValue, read: impl FnOnce(u32) -> T) -> T {
        let id = {
            let mut kept = self.0.borrow_mut();
            let id = kept.next;
            kept.next = id.wrapping_add(1);
            kept.frames.push((id, frame));
            kept.depth = kept.depth.saturating_add(1);
            id
        };
        let result = read(id);
        let mut kept = self.0.borrow_mut();
        kept.depth = kept.depth.saturating_sub(1);
        if kept.depth == 0 {
            kept.frames.clear();
        }
        result
    }

    /// The frame kept by number `id`, while it is read.
    pub fn get(&self, id: u32) -> Option<JsValue> {
        let kept = self.0.borrow();
        let found = kept.frames.iter().rev().find(|(at, _)| *at == id);
        found.map(|(_, frame)| frame.clone())
    }
}
