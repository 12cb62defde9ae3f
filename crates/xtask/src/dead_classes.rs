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
//!
//! Code that only those methods ran can stay behind: the futures they hand to JavaScript as
//! promises are boxed closures, whose vtables sit in the data and whose functions sit in the
//! table that JavaScript calls closures through, which binaryen keeps whole. So every function
//! whose name names a dead class (`<IntoUnderlyingSink>::write::{closure#0}`, and the generic
//! code made for such a type) gets a body that traps ([`stub_code_of`]), and the optimization
//! after removes what only they used: 3.5 KB of the widget's gzip wasm, none of which can run.

use std::collections::BTreeSet;
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
    let mut live_glue = glue.clone();
    for class in &dead {
        live_glue = without_class(&live_glue, class.name)?;
    }
    let exports = exports_only_of(&dead, &live_glue);
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
    stub_code_of(&wasm, &dead)?;
    let mut types = fs::read_to_string(&types_path)?;
    for class in &dead {
        types = without_block(&types, &["export class ", class.name, " {"].concat())?;
    }
    fs::write(&glue_path, live_glue)?;
    fs::write(&types_path, types)?;
    Ok(())
}

/// Gives every function of `wasm` whose name names a dead class's type a body that traps. Names
/// are as wasm-bindgen demangles them (`<wasm_streams[…]::…::IntoUnderlyingSink>::write`). A
/// function that live code calls stays whole, whatever its name: the compiler may have merged
/// one body for two functions and kept the dead one's name.
fn stub_code_of(wasm: &Path, dead: &[Class]) -> Result<(), Error> {
    let mut module = walrus::Module::from_file(wasm).map_err(|e| Error::from(e.to_string()))?;
    let types: Vec<&str> = dead.iter().map(|class| class.name).collect();
    if stub_functions_of(&mut module, &types) == 0 {
        return Err(Error::from(
            "no function names a dead class: the module has no names, or they are spelled anew",
        ));
    }
    module
        .emit_wasm_file(wasm)
        .map_err(|e| Error::from(e.to_string()))
}

/// [`stub_code_of`] on a module read: the functions whose names name one of `types`, but those
/// a function outside them calls, get a body that traps. How many did.
fn stub_functions_of(module: &mut walrus::Module, types: &[&str]) -> usize {
    let mut stubs: BTreeSet<walrus::FunctionId> = module
        .funcs
        .iter_local()
        .filter(|(id, _)| {
            module
                .funcs
                .get(*id)
                .name
                .as_deref()
                .is_some_and(|name| types.iter().any(|type_name| names_type(name, type_name)))
        })
        .map(|(id, _)| id)
        .collect();
    let calls: Vec<(walrus::FunctionId, Callees)> = module
        .funcs
        .iter_local()
        .map(|(id, function)| {
            let mut callees = Callees::default();
            walrus::ir::dfs_in_order(&mut callees, function, function.entry_block());
            (id, callees)
        })
        .collect();
    loop {
        let live: Vec<walrus::FunctionId> = calls
            .iter()
            .filter(|(caller, _)| !stubs.contains(caller))
            .flat_map(|(_, callees)| callees.0.iter().copied())
            .filter(|callee| stubs.contains(callee))
            .collect();
        if live.is_empty() {
            break;
        }
        for id in live {
            stubs.remove(&id);
        }
    }
    for id in &stubs {
        if let walrus::FunctionKind::Local(local) = &mut module.funcs.get_mut(*id).kind {
            let body = local.block_mut(local.entry_block());
            body.instrs.clear();
            body.instrs.push((
                walrus::ir::Instr::Unreachable(walrus::ir::Unreachable {}),
                walrus::InstrLocId::default(),
            ));
        }
    }
    stubs.len()
}

/// The functions a function calls directly.
#[derive(Default)]
struct Callees(Vec<walrus::FunctionId>);

impl<'instr> walrus::ir::Visitor<'instr> for Callees {
    fn visit_call(&mut self, call: &walrus::ir::Call) {
        self.0.push(call.func);
    }

    fn visit_return_call(&mut self, call: &walrus::ir::ReturnCall) {
        self.0.push(call.func);
    }
}

/// Whether a demangled function name names the type `type_name` (as a path's last segment, not
/// the start of a longer name).
fn names_type(name: &str, type_name: &str) -> bool {
    name.match_indices(&["::", type_name].concat())
        .any(|(at, found)| {
            name.get(at + found.len()..)
                .and_then(|after| after.chars().next())
                .is_none_or(|next| !(next.is_alphanumeric() || next == '_'))
        })
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

/// The wasm exports the dead classes use (their methods, their `free`, and helpers such as the
/// allocator) that the rest of the glue does not: a helper the live glue still uses stays.
fn exports_only_of(dead: &[Class], live_glue: &str) -> Vec<String> {
    let live: BTreeSet<&str> = wasm_names(live_glue).collect();
    let only_dead: BTreeSet<&str> = dead
        .iter()
        .flat_map(|class| wasm_names(class.text))
        .filter(|name| !live.contains(name))
        .collect();
    only_dead.into_iter().map(str::to_owned).collect()
}

/// The wasm exports a text names (`wasm.NAME`, called or passed).
fn wasm_names(text: &str) -> impl Iterator<Item = &str> {
    text.split("wasm.").skip(1).filter_map(|after| {
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        after.get(..end).filter(|name| !name.is_empty())
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

    /// A function named `name` with no parameters or results that calls `callee`, if any.
    fn function(
        module: &mut walrus::Module,
        name: &str,
        callee: Option<walrus::FunctionId>,
    ) -> walrus::FunctionId {
        let mut builder = walrus::FunctionBuilder::new(&mut module.types, &[], &[]);
        builder.name(name.to_owned());
        if let Some(callee) = callee {
            builder.func_body().call(callee);
        }
        builder.finish(Vec::new(), &mut module.funcs)
    }

    /// Whether a function's body is only a trap.
    fn traps(module: &walrus::Module, id: walrus::FunctionId) -> bool {
        match &module.funcs.get(id).kind {
            walrus::FunctionKind::Local(local) => matches!(
                local.block(local.entry_block()).instrs.as_slice(),
                [(walrus::ir::Instr::Unreachable(_), _)]
            ),
            _ => false,
        }
    }

    #[test]
    fn the_dead_types_functions_trap_but_those_live_code_calls() {
        let mut module = walrus::Module::default();
        let write = function(&mut module, "<streams::Sink>::write", None);
        let poll = function(&mut module, "<streams::Sink>::poll", Some(write));
        // Merged with live code: the name says Sink, but `run` calls it.
        let shared = function(&mut module, "<streams::Sink>::drop", None);
        let run = function(&mut module, "app::run", Some(shared));
        assert_eq!(stub_functions_of(&mut module, &["Sink"]), 2);
        assert!(traps(&module, write) && traps(&module, poll));
        assert!(!traps(&module, shared) && !traps(&module, run));
    }

    #[test]
    fn a_name_names_a_type_as_a_whole_path_segment() {
        let write = "js_sys[37c2]::futures::future_to_promise::<core[9c69]::panic::unwind_safe::\
            AssertUnwindSafe<<wasm_streams[be62]::writable::into_underlying_sink::\
            IntoUnderlyingSink>::write::{closure#0}>>::{closure#0}";
        assert!(names_type(write, "IntoUnderlyingSink"));
        assert!(names_type("<a::Sink>::close", "Sink"));
        assert!(names_type("a::b::Sink", "Sink"));
        assert!(!names_type("<a::SinkLike>::close", "Sink"));
        assert!(!names_type("<a::into_sink::Inner>::close", "Sink"));
    }

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
    label(text) {
        const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
        const ptr = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        wasm.source_label(retptr, this.__wbg_ptr, ptr);
    }
}
if (Symbol.dispose) Source.prototype[Symbol.dispose] = Source.prototype.free;

export class Made {
    constructor() {
        wasm.made_new();
    }
}
function f() { return Handle.__wrap(1); }
function g(text) {
    wasm.__wbindgen_add_to_stack_pointer(-16);
    return passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
}
const SourceFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_source_free(ptr >>> 0, 1));
let b = 2;
";

    #[test]
    fn finds_the_classes_no_javascript_can_hold_and_the_exports_only_they_use() {
        let dead: Vec<Class> = classes(GLUE).filter(|c| is_dead(GLUE, c)).collect();
        let names: Vec<&str> = dead.iter().map(|c| c.name).collect();
        assert_eq!(names, ["Source"]);
        let live_glue = without_class(GLUE, "Source").expect("removed");
        // The stack pointer and the allocator are used by live code too, so they stay.
        assert_eq!(
            exports_only_of(&dead, &live_glue),
            ["__wbg_source_free", "source_label", "source_pull"]
        );
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
