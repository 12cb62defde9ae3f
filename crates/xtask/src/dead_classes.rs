//! Classes no JavaScript can ever hold, out of the widget's build. wasm-bindgen exports every
//! `#[wasm_bindgen]` struct of every crate linked in, used or not, and the exports keep their
//! code. Leptos always links server_fn's browser client, and with it wasm-streams' three stream
//! classes (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`), which the
//! widget never makes: about 1.3 KB of the widget's gzip wasm, and their classes in the glue.
//!
//! A class whose glue has neither a constructor nor `__wrap` (how the wasm hands an instance to
//! JavaScript) has no instance anywhere, so nothing can call its methods. Its exports go from the
//! wasm (binaryen's `--remove-exports`, then `--remove-unused-module-elements` for the code only
//! they reached), and the class goes from the glue and its type declarations.

use std::fs;
use std::path::Path;

use crate::shell::{Error, cmd, run_quiet};

/// A class of the glue: its name and its text, from `export class` to its closing brace.
struct Class<'a> {
    name: &'a str,
    text: &'a str,
}

/// Takes the dead classes out of `{name}_bg.wasm`, `{name}.js` and `{name}.d.ts` in `dir`
/// (before the glue is renamed and minified).
pub fn remove(dir: &Path, name: &str) -> Result<(), Error> {
    let glue_path = dir.join([name, ".js"].concat());
    let types_path = dir.join([name, ".d.ts"].concat());
    let glue = fs::read_to_string(&glue_path)?;
    let dead: Vec<Class> = classes(&glue)
        .filter(|class| is_dead(&glue, class))
        .collect();
    if dead.is_empty() {
        return Ok(());
    }
    let mut exports = Vec::new();
    for class in &dead {
        exports.extend(wasm_calls(class.text));
        exports.push(["__wbg_", &class.name.to_lowercase(), "_free"].concat());
    }
    exports.sort();
    exports.dedup();
    let wasm = dir.join([name, "_bg.wasm"].concat());
    run_quiet(
        cmd("wasm-opt")
            .arg(&wasm)
            .arg("--remove-exports")
            .arg(["--pass-arg=remove-exports@", &exports.join(",")].concat())
            .arg("--remove-unused-module-elements")
            // Names stay where there are any (the build `cargo xtask size --breakdown` reads).
            .arg("-g")
            .arg("-o")
            .arg(&wasm),
        "wasm-opt --remove-exports",
        None,
    )?;
    let (mut glue_out, mut types) = (glue.clone(), fs::read_to_string(&types_path)?);
    for class in &dead {
        glue_out = without_class(&glue_out, class.name)?;
        types = without_block(&types, &["export class ", class.name, " {"].concat())?;
    }
    fs::write(&glue_path, glue_out)?;
    fs::write(&types_path, types)?;
    Ok(())
}

/// The classes the glue exports.
fn classes(glue: &str) -> impl Iterator<Item = Class<'_>> {
    glue.match_indices("\nexport class ").filter_map(|(at, _)| {
        let rest = glue.get(at + 1..)?;
        let name = rest.strip_prefix("export class ")?.split(' ').next()?;
        let end = rest.find("\n}\n")?;
        Some(Class {
            name,
            text: rest.get(..end + 2)?,
        })
    })
}

/// Whether no JavaScript can get an instance of `class`: no constructor, and the wasm never
/// wraps one.
fn is_dead(glue: &str, class: &Class) -> bool {
    !class.text.contains("\n    constructor(") && !glue.contains(&[class.name, ".__wrap("].concat())
}

/// The wasm exports a text calls (`wasm.NAME(`).
fn wasm_calls(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("wasm.").skip(1).filter_map(|call| {
        let name = call.split('(').next()?;
        let is_name =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        is_name.then(|| name.to_owned())
    })
}

/// The glue without a class: its block, its `Symbol.dispose` line and its finalization registry.
fn without_class(glue: &str, name: &str) -> Result<String, Error> {
    let glue = without_block(glue, &["export class ", name, " {"].concat())?;
    let dispose = [
        "if (Symbol.dispose) ",
        name,
        ".prototype[Symbol.dispose] = ",
        name,
        ".prototype.free;\n",
    ]
    .concat();
    let glue = glue.replacen(&dispose, "", 1);
    let registry = ["const ", name, "Finalization = "].concat();
    let start = glue
        .find(&registry)
        .ok_or_else(|| Error::from(["the glue has no ", &registry].concat()))?;
    let end = glue
        .get(start..)
        .and_then(|rest| rest.find(";\n"))
        .ok_or_else(|| Error::from(["the glue's ", &registry, "does not end"].concat()))?;
    Ok([glue.get(..start), glue.get(start + end + 2..)]
        .into_iter()
        .flatten()
        .collect())
}

/// A text without the block that starts with the line `head` and ends at the next `}` line.
fn without_block(text: &str, head: &str) -> Result<String, Error> {
    let start = text
        .find(&["\n", head, "\n"].concat())
        .map(|at| at + 1)
        .ok_or_else(|| Error::from(["no ", head, " block"].concat()))?;
    let end = text
        .get(start..)
        .and_then(|rest| rest.find("\n}\n"))
        .ok_or_else(|| Error::from(["the ", head, " block does not end"].concat()))?;
    Ok([text.get(..start), text.get(start + end + 3..)]
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "let a = 1;
export class Handle {
    static __wrap(ptr) {
        return wasm.handle_new(ptr);
    }
    close() {
        wasm.handle_close(this.__wbg_ptr);
    }
}
if (Symbol.dispose) Handle.prototype[Symbol.dispose] = Handle.prototype.free;

export class Source {
    free() {
        wasm.__wbg_source_free(ptr, 0);
    }
    pull(controller) {
        const ret = wasm.source_pull(this.__wbg_ptr, controller);
        return ret;
    }
}
if (Symbol.dispose) Source.prototype[Symbol.dispose] = Source.prototype.free;

export class Made {
    constructor() {
        wasm.made_new();
    }
}
function f() { return Handle.__wrap(1); }
const SourceFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_source_free(ptr >>> 0, 1));
let b = 2;
";

    #[test]
    fn finds_the_classes_no_javascript_can_hold_and_what_they_call() {
        let dead: Vec<&str> = classes(GLUE)
            .filter(|c| is_dead(GLUE, c))
            .map(|c| c.name)
            .collect();
        assert_eq!(dead, ["Source"]);
        let source = classes(GLUE).find(|c| c.name == "Source").expect("Source");
        let calls: Vec<String> = wasm_calls(source.text).collect();
        assert_eq!(calls, ["__wbg_source_free", "source_pull"]);
    }

    #[test]
    fn takes_a_class_out_of_the_glue_with_its_registry_and_nothing_else() {
        let glue = without_class(GLUE, "Source").expect("removed");
        assert!(!glue.contains("Source"), "{glue}");
        assert!(glue.contains("export class Handle {") && glue.contains("export class Made {"));
        assert!(glue.starts_with("let a = 1;\n") && glue.ends_with("let b = 2;\n"));
        assert!(
            without_class(&glue, "Source").is_err(),
            "a class that is not there"
        );
    }
}
