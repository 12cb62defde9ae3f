//! What a wasm module's code is made of (read with `wasmparser`): each function's body size from
//! the code section, its name from the `name` section, and the crate the name says it belongs to (the first
//! `crate[hash]` in a demangled Rust name: `<leptos[…]::for_loop::…<rusher_widget[…]::…>>` is
//! Leptos's code instantiated for the widget, and counts for `leptos`). Functions without a
//! crate in their name are wasm-bindgen's shims. A module optimized with its names kept
//! (`wasm-opt -g`) weighs what the shipped one does, less the names.

use std::collections::BTreeMap;

use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

use crate::shell::Error;

/// The code of one crate: bytes of function bodies, and how many functions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// Bytes of function bodies.
    pub bytes: u64,
    /// Functions.
    pub functions: u64,
}

/// A module's code by crate, and its data segments' bytes.
#[derive(Debug, Default)]
pub struct Breakdown {
    /// Code bytes by crate.
    pub crates: BTreeMap<String, Share>,
    /// The largest functions: (bytes, name).
    pub largest: Vec<(u64, String)>,
    /// Bytes in the data section (strings, tables).
    pub data: u64,
}

impl Breakdown {
    /// All code bytes.
    pub fn code(&self) -> u64 {
        self.crates.values().map(|s| s.bytes).sum()
    }
}

/// Whether `text` (between brackets after a name) is a crate's hash: 8 or more hex digits.
pub fn is_crate_hash(text: &str) -> bool {
    text.len() >= 8 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Each `crate[hash]` of a demangled name: where the crate's name starts, where its `[` is, and
/// where the hash's `]` ends.
pub fn crate_hashes(name: &str) -> Vec<(usize, usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = name[from..].find('[').map(|i| from + i) {
        let start = name[..open]
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
            .len();
        match name[open + 1..].find(']') {
            Some(len) if start < open && is_crate_hash(&name[open + 1..open + 1 + len]) => {
                found.push((start, open, open + len + 2));
                from = open + len + 2;
            }
            _ => from = open + 1,
        }
    }
    found
}

/// The crate a function's name says it belongs to: its first.
fn crate_of(name: &str) -> &str {
    crate_hashes(name)
        .first()
        .map_or("(wasm-bindgen shims)", |&(start, open, _)| {
            &name[start..open]
        })
}

/// Reads a module's code by crate.
pub fn read(module: &[u8]) -> Result<Breakdown, Error> {
    let (mut imports, mut bodies, mut names, mut data) = (0, Vec::new(), BTreeMap::new(), 0);
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            // Imported functions come first in the function index space.
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imports += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len() as u64),
            Payload::DataSection(section) => data = section.range().len() as u64,
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(section) = section.as_known() {
                    for subsection in section {
                        if let Name::Function(functions) = subsection? {
                            for naming in functions {
                                let naming = naming?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut breakdown = Breakdown {
        data,
        ..Breakdown::default()
    };
    for (index, bytes) in (imports..).zip(bodies) {
        let name = names.get(&index).map_or("(unnamed)", String::as_str);
        let share = breakdown
            .crates
            .entry(crate_of(name).to_owned())
            .or_default();
        share.bytes += bytes;
        share.functions += 1;
        breakdown.largest.push((bytes, name.to_owned()));
    }
    breakdown.largest.sort_by(|a, b| b.cmp(a));
    Ok(breakdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_belongs_to_its_first_crate() {
        assert_eq!(
            crate_of("<rusher_widget[320a7eff4]::chat::Chat>::joined::{closure#4}"),
            "rusher_widget"
        );
        assert_eq!(
            crate_of("<leptos[ba5568a7c]::for_loop::__component_for<rusher_widget[32]::view>>"),
            "leptos"
        );
        assert_eq!(crate_of("core[9c69eefac]::ptr::drop_in_place::<x>"), "core");
        assert_eq!(
            crate_of("mountChat externref shim multivalue shim"),
            "(wasm-bindgen shims)"
        );
        assert_eq!(crate_of("slice[i] [not a hash]"), "(wasm-bindgen shims)");
    }

    #[test]
    fn reads_code_sizes_and_names() {
        // One function type, one imported function, two bodies (3 and 2 bytes), names for both
        // bodies.
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        let types = b"\x01\x60\x00\x00";
        module.extend([1, types.len() as u8]);
        module.extend(types);
        let import = b"\x01\x01a\x01f\x00\x00";
        module.extend([2, import.len() as u8]);
        module.extend(import);
        let functions = b"\x02\x00\x00";
        module.extend([3, functions.len() as u8]);
        module.extend(functions);
        let code = b"\x02\x03\0\0\x0b\x02\0\x0b";
        module.extend([10, code.len() as u8]);
        module.extend(code);
        let names = b"\x01\x15\x02\x01\x0ba[1f2e3d4c]\x02\x05b[2e]";
        let mut custom = b"\x04name".to_vec();
        custom.extend(names);
        module.extend([0, custom.len() as u8]);
        module.extend(custom);
        let breakdown = read(&module).expect("read");
        assert_eq!(breakdown.code(), 5);
        assert_eq!(
            breakdown.crates.get("a"),
            Some(&Share {
                bytes: 3,
                functions: 1
            })
        );
        assert_eq!(
            breakdown.largest.first(),
            Some(&(3, "a[1f2e3d4c]".to_owned()))
        );
    }
}
