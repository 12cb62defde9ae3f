//! A frame read by the browser's `JSON.parse`. pusher-js reads every frame so, and the engine
//! does it faster than a copy of the frame into wasm memory and a second reading there: the core
//! then gets only the frame's names ([`Envelope`]), and an event's data stays in JavaScript
//! unless the core reads it (its own events, encrypted channels).

use alloc::string::String;

use rusher_protocol::wire::{Envelope, KeptData, MAX_FRAME_BYTES};
use wasm_bindgen::prelude::*;

use crate::kept_frames::KeptFrames;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse(text)`; throws on text that is not JSON.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// A JavaScript string.
    type Text;

    /// Its length in UTF-16 code units.
    #[wasm_bindgen(method, getter)]
    fn length(this: &Text) -> u32;

    /// The UTF-16 code unit at `index` (`NaN`, read as 0, past the end).
    #[wasm_bindgen(method, js_name = charCodeAt)]
    fn char_code_at(this: &Text, index: u32) -> u32;

    /// An object `JSON.parse` made of a frame.
    type Parsed;

    /// Its `event`.
    #[wasm_bindgen(method, getter)]
    fn event(this: &Parsed) -> JsValue;

    /// Its `channel`.
    #[wasm_bindgen(method, getter)]
    fn channel(this: &Parsed) -> JsValue;

    /// Its `user_id`.
    #[wasm_bindgen(method, getter)]
    fn user_id(this: &Parsed) -> JsValue;

    /// Its `data`.
    #[wasm_bindgen(method, getter)]
    fn data(this: &Parsed) -> JsValue;
}

/// The longest frame read here, in UTF-16 code units: one whose UTF-8 is surely within the core's
/// [`MAX_FRAME_BYTES`] (a unit takes at most three bytes). A longer one is read as text, where the
/// core measures it.
const MAX_FRAME_UNITS: u32 = (MAX_FRAME_BYTES / 3) as u32;

/// A frame as `JSON.parse` read it, when it is one the core takes as an [`Envelope`].
pub struct JsonFrame {
    /// The object `JSON.parse` made.
    object: JsValue,
    event: String,
    channel: Option<String>,
    user_id: Option<String>,
    data: Option<JsValue>,
}

impl JsonFrame {
    /// Reads `text` (a browser string): `None` unless it is JSON of an object whose `event` is a
    /// string, whose `channel` and `user_id` are strings or nothing, and whose `data` is a
    /// string or absent. The core reads any other frame as text, and says what is wrong with it.
    ///
    /// The protocol's own events (`pusher:…`, `pusher_internal:…`, found where servers write
    /// them, first) go as text too: the core reads them whole, and a reading here first would
    /// be work thrown away. Which way a frame goes changes nothing but the time it takes, with
    /// two exceptions in an event's string data, which the core decodes on the way as text: a
    /// lone surrogate (`\ud800`), which a Rust string cannot hold, becomes U+FFFD, and JSON
    /// nested deeper than the core reads (`json::MAX_DEPTH`) stays a string. Only frames over
    /// [`MAX_FRAME_UNITS`] and events named like the protocol's (`pusher_…`) meet them.
    pub fn read(text: &JsValue) -> Option<JsonFrame> {
        let string = text.unchecked_ref::<Text>();
        if names_protocol_event(string) || string.length() > MAX_FRAME_UNITS {
            return None;
        }
        // Not `null`, whose fields cannot be read (any other value's read as nothing).
        let object = parse(text).ok().filter(|object| !object.is_null())?;
        let parsed = object.unchecked_ref::<Parsed>();
        let optional = |value: JsValue| match value.as_string() {
            Some(text) => Some(Some(text)),
            None => (value.is_undefined() || value.is_null()).then_some(None),
        };
        let data = parsed.data();
        let data = match (data.is_undefined(), data.is_string()) {
            (true, _) => None,
            (false, true) => Some(data),
            (false, false) => return None,
        };
        Some(JsonFrame {
            event: parsed.event().as_string()?,
            channel: optional(parsed.channel())?,
            user_id: optional(parsed.user_id())?,
            data,
            object,
        })
    }

    /// Runs `read` with the frame as the core takes it, the frame kept in `kept` meanwhile.
    pub fn read_kept<T>(self, kept: &KeptFrames, read: impl FnOnce(Envelope<'_>) -> T) -> T {
        let JsonFrame {
            object,
            event,
            channel,
            user_id,
            data,
        } = self;
        let text = || {
            data.as_ref()
                .and_then(JsValue::as_string)
                .unwrap_or_default()
        };
        kept.reading(object, |id| {
            read(Envelope {
                event,
                channel,
                user_id,
                data: data.as_ref().map(|_| KeptData { id, text: &text }),
            })
        })
    }
}

/// Whether `text` may start as servers write a frame of the protocol's own events,
/// `{"event":"pusher:` or `{"event":"pusher_internal:`, read at two places: the `p`, and the
/// character after `pusher`.
fn names_protocol_event(text: &Text) -> bool {
    let at = |index| char::from_u32(text.char_code_at(index));
    at(10) == Some('p') && matches!(at(16), Some(':' | '_'))
}
