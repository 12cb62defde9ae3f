//! Short names for what the web builds (the client's and the widget's) import and export.
//! wasm-bindgen names each import after its function plus a hash (`__wbg_onLine_dd5c8bed61f6ee77`)
//! and each closure shim after its types; the names are written twice, in the wasm and in the glue
//! that instantiates it, and hashes do not compress: about 2 KB of the client's gzip bundle.
//! binaryen's `--minify-imports-and-exports-and-modules` renames them in the wasm (every import
//! module becomes `a`) and prints the map, and the glue is rewritten by it: import keys by name
//! (each is unique) and exports where the glue reads them (`wasm.NAME`). The target features
//! section, which binaryen reads to know the module's features, is stripped in the same run.
//!
//! Only `--target web` builds: the client's bundler build imports the exports of an ES module,
//! `./rusher_bg.js`, which a bundler resolves by name.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::shell::{Error, cmd};

/// The module binaryen gives every import.
const MINIFIED_MODULE: &str = "\"a\"";

/// Renames `{name}_bg.wasm`'s imports and exports in `dir`, and `{name}.js` (the glue, before it
/// is minified) to match.
pub fn shorten(dir: &Path, name: &str) -> Result<(), Error> {
    let wasm = dir.join([name, "_bg.wasm"].concat());
    let glue = dir.join([name, ".js"].concat());
    let output = cmd("wasm-opt")
        .arg(&wasm)
        .args([
            "--minify-imports-and-exports-and-modules",
            "--strip-target-features",
            "-o",
        ])
        .arg(&wasm)
        .output()?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err("wasm-opt could not minify the imports and exports".into());
    }
    let map: Value = serde_json::from_slice(&output.stdout)?;
    // The module wasm-bindgen's web glue provides its imports under.
    let module = ["\"./", name, "_bg.js\""].concat();
    let text = rename(&fs::read_to_string(&glue)?, &module, &map)?;
    fs::write(&glue, text)?;
    Ok(())
}

/// The glue with the map's names: `["module", "old", "new"]` imports and `["old", "new"]` exports.
fn rename(glue: &str, module: &str, map: &Value) -> Result<String, Error> {
    let list = |key: &str| {
        map.get(key)
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| Error::from(["wasm-opt printed no ", key, " map"].concat()))
    };
    let pair = |entry: &Value, old: usize, new: usize| {
        let name = |i: usize| entry.get(i).and_then(Value::as_str).map(str::to_owned);
        name(old)
            .zip(name(new))
            .ok_or_else(|| Error::from("wasm-opt printed a map entry that is not names"))
    };
    if !glue.contains(module) {
        return Err(["the glue has no ", module, " imports to rename"]
            .concat()
            .into());
    }
    let mut text = glue.replace(module, MINIFIED_MODULE);
    for entry in list("imports")? {
        let (old, new) = pair(&entry, 1, 2)?;
        let key = [old.as_str(), ":"].concat();
        if !text.contains(&key) {
            return Err(["the glue does not provide the import ", &old]
                .concat()
                .into());
        }
        text = text.replace(&key, &[new.as_str(), ":"].concat());
    }
    for entry in list("exports")? {
        let (old, new) = pair(&entry, 0, 1)?;
        text = replace_property(&text, &["wasm.", &old].concat(), &["wasm.", &new].concat());
    }
    Ok(text)
}

/// Replaces `old` where the name ends there (not where it is the start of a longer name).
fn replace_property(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let (before, found) = rest.split_at(at);
        let after = &found[old.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        out.push_str(before);
        out.push_str(if whole { new } else { old });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_imports_by_key_and_exports_where_the_glue_reads_them() {
        let glue = "const import0 = { __wbg_now_4571: function() {}, };\n\
            return { \"./rusher_bg.js\": import0 };\n\
            wasm.core_new(1); wasm.core_new_other(); wasm.memory.buffer;";
        let map = serde_json::json!({
            "imports": [["./rusher_bg.js", "__wbg_now_4571", "a"]],
            "exports": [["core_new", "b"], ["memory", "c"]],
        });
        let text = rename(glue, "\"./rusher_bg.js\"", &map).expect("renamed");
        assert_eq!(
            text,
            "const import0 = { a: function() {}, };\n\
            return { \"a\": import0 };\n\
            wasm.b(1); wasm.core_new_other(); wasm.c.buffer;"
        );
    }

    #[test]
    fn refuses_a_map_naming_an_import_the_glue_lacks() {
        let map = serde_json::json!({
            "imports": [["./rusher_bg.js", "__wbg_gone_1", "a"]],
            "exports": [],
        });
        let glue = "return { \"./rusher_bg.js\": {} };";
        assert!(rename(glue, "\"./rusher_bg.js\"", &map).is_err());
    }
}
