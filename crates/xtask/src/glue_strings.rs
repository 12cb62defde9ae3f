//! Short strings out of wasm decoded in JavaScript. wasm-bindgen's glue turns every string the
//! wasm hands to JavaScript into one with `TextDecoder.decode`, whose fixed cost per call is most
//! of the time for a short one. The client hands over a channel and an event name with every
//! event, so its glue (and the widget's) decodes short ASCII strings with a loop instead: 100 B
//! events about 15% faster in `cargo xtask bench`. The glue is wasm-bindgen 0.2.130's (pinned in
//! Cargo.toml); a glue without the expected function fails the build rather than being left
//! slow.

use std::fs;
use std::path::Path;

use crate::shell::Error;

/// `getStringFromWasm0` as wasm-bindgen writes it.
const DECODE: &str = "function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}";

/// The same, with strings shorter than 32 bytes of ASCII read byte by byte (longer ones, and any
/// byte above 127, go to `TextDecoder` as before).
const DECODE_SHORT_IN_JS: &str = "function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    if (len < 32) {
        const bytes = getUint8ArrayMemory0();
        let text = \"\";
        for (let i = ptr; i < ptr + len; i++) {
            if (bytes[i] > 127) return decodeText(bytes.subarray(ptr, ptr + len));
            text += String.fromCharCode(bytes[i]);
        }
        return text;
    }
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}";

/// Rewrites the glue at `path` (before it is minified).
pub fn decode_short_in_js(path: &Path) -> Result<(), Error> {
    let glue = fs::read_to_string(path)?;
    let patched = patch(&glue)
        .ok_or_else(|| format!("{}: no getStringFromWasm0 to rewrite", path.display()))?;
    fs::write(path, patched)?;
    Ok(())
}

/// The glue with its decoding rewritten, or `None` when it has not the expected one.
fn patch(glue: &str) -> Option<String> {
    glue.contains(DECODE)
        .then(|| glue.replacen(DECODE, DECODE_SHORT_IN_JS, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_the_decoding_function_once_and_refuses_another_glue() {
        let glue = ["let a = 1;\n", DECODE, "\nlet b = 2;"].concat();
        let patched = patch(&glue).expect("patched");
        assert_eq!(
            patched,
            ["let a = 1;\n", DECODE_SHORT_IN_JS, "\nlet b = 2;"].concat()
        );
        assert_eq!(patch("function getStringFromWasm0(p, l) {}"), None);
    }
}
