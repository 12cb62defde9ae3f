//! Frames from a server: any text parses or is refused without a panic; an event's data passed
//! on undecoded decodes as the core decodes it; and a frame that parses as a server message is
//! written to text that parses again, to a message that writes and reads back unchanged from
//! then on.
//!
//! One cycle may change an event's `data`, as in pusher-js: a string whose content is JSON
//! reads as that JSON (`"data":"\"42\""` is the string `"42"`; written, it is `"data":"42"`,
//! the number 42), since the protocol's encoding of `data` cannot tell the two apart.

use rusher_protocol::json::Payload;
use rusher_protocol::wire::{Frame, ServerMessage};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = Frame::parse(text) {
        // The data an event passes on undecoded decodes to what the core decodes, a literal
        // stands in the frame, and only a frame without `data` has none.
        let payload = frame.payload();
        assert_eq!(payload.decode(), frame.decoded_data(), "{text:?}");
        assert_eq!(
            matches!(payload, Payload::Absent),
            !frame.has_data(),
            "{text:?}"
        );
        if let Payload::Literal(literal) = &payload {
            assert!(text.contains(literal.as_str()), "{text:?}");
        }
    }
    if let Ok(message) = ServerMessage::parse(text) {
        let once = read_back(text, &message);
        assert_eq!(read_back(text, &once), once, "{text:?} does not settle");
    }
}

/// The message `message` writes, read back.
fn read_back(text: &str, message: &ServerMessage) -> ServerMessage {
    let written = message.to_json();
    match ServerMessage::parse(&written) {
        Ok(again) => again,
        Err(e) => panic!("{text:?} wrote {written:?}, which does not read back: {e:?}"),
    }
}
