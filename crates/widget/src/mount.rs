//! Mounting the widget into a page: an open Shadow DOM root under a host element at the end of
//! `<body>`, so the page's CSS neither reaches in nor out. The styles ship inside.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::chat::Chat;
use crate::config::ChatConfig;
use crate::view::ChatRoot;

/// The widget's styles (`style.css`, made smaller by the build script), placed in its shadow
/// root.
pub const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));

/// A mounted widget: open, close, and remove it.
pub struct Mounted {
    chat: Chat,
    host: web_sys::Element,
    unmount: Option<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>,
}

impl Mounted {
    /// The widget's state.
    pub fn chat(&self) -> Chat {
        self.chat
    }

    /// The host element (`<div id="rusher-chat">`).
    pub fn host(&self) -> &web_sys::Element {
        &self.host
    }

    /// Removes the widget and disconnects.
    pub fn destroy(&mut self) {
        self.chat.stop();
        drop(self.unmount.take());
        self.host.remove();
    }
}

/// Gives the shadow root the widget's styles as a constructed stylesheet, which a page with a
/// strict Content-Security-Policy (no `'unsafe-inline'` styles) allows; as a `<style>` element
/// in a browser without constructed stylesheets.
fn add_styles(document: &web_sys::Document, shadow: &web_sys::ShadowRoot) -> Result<(), JsValue> {
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        sheet.replace_sync(STYLE)?;
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        return Ok(());
    }
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE));
    shadow.append_child(&style)?;
    Ok(())
}

/// Mounts the widget at the end of `<body>`.
pub fn mount(config: ChatConfig) -> Result<Mounted, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let host = document.create_element("div")?;
    host.set_id("rusher-chat");
    body.append_child(&host)?;
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    add_styles(&document, &shadow)?;
    mount_in(config, &shadow)
}

/// Mounts the widget in a shadow root that has [`STYLE`] already (the embed's launcher made it
/// and shows its button there until the widget takes over).
pub fn mount_in(config: ChatConfig, shadow: &web_sys::ShadowRoot) -> Result<Mounted, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let root: HtmlElement = document.create_element("div")?.unchecked_into();
    shadow.append_child(&root)?;
    let theme = config.theme;
    let chat = Chat::new(config);
    let unmount = leptos::mount::mount_to(root, move || {
        view! { <ChatRoot chat=chat theme=theme/> }.into_any()
    });
    Ok(Mounted {
        chat,
        host: shadow.host(),
        unmount: Some(unmount),
    })
}
