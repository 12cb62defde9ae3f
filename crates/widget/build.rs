//! Writes the widget's stylesheet (`src/style.css`) into `OUT_DIR` without its comments and
//! needless spaces (`build/css.rs`): what `mount.rs` embeds, the same rules in fewer bytes.

#[path = "build/css.rs"]
mod css;

use std::path::Path;

fn main() -> std::io::Result<()> {
    println!("cargo::rerun-if-changed=src/style.css");
    println!("cargo::rerun-if-changed=build/css.rs");
    let css = std::fs::read_to_string("src/style.css")?;
    let out = std::env::var_os("OUT_DIR").ok_or_else(|| std::io::Error::other("no OUT_DIR"))?;
    std::fs::write(Path::new(&out).join("style.css"), css::minify(&css))
}
