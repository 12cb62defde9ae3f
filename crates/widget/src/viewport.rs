//! The visual viewport (the part of the page the screen shows: less than the window while a
//! phone's on-screen keyboard is up) as the custom properties `--vv-top` and `--vv-height` on the
//! widget's root, from which the panel on a phone takes its place, so that the composer stays
//! above the keyboard (style.css).

use gloo_events::EventListener;
use leptos::html::Div;
use leptos::prelude::*;

/// Follows the window's visual viewport into `root`'s style at each of its changes, for as long as
/// the current owner lives. Until the first change the visual viewport is the window, which the
/// stylesheet's fallbacks give.
pub fn follow(root: NodeRef<Div>) {
    let Some(viewport) = web_sys::window().and_then(|w| w.visual_viewport()) else {
        return;
    };
    for name in ["resize", "scroll"] {
        let viewport = viewport.clone();
        let listener = EventListener::new(&viewport.clone(), name, move |_| {
            let Some(root) = root.get_untracked() else {
                return;
            };
            let style = web_sys::HtmlElement::style(&root);
            // Whole pixels: the panel needs no finer place, and a float's text would cost bytes.
            for (property, value) in [
                ("--vv-top", viewport.offset_top()),
                ("--vv-height", viewport.height()),
            ] {
                let _ = style.set_property(
                    property,
                    &[(value as i32).to_string().as_str(), "px"].concat(),
                );
            }
        });
        // Kept by the owner, and dropped (unlistened) with it.
        StoredValue::new_local(listener);
    }
}
