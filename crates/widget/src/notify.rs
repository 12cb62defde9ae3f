//! Desktop notifications (the Notification API), opt-in: permission is asked only after the reader
//! clicks, and a notification shows only while the tab is hidden.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Whether the browser has notifications at all.
pub fn supported() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w, &JsValue::from_str("Notification")).unwrap_or(false)
    })
}

/// Asks for permission (call it from a click); whether it is granted.
pub async fn ask() -> bool {
    if !supported() {
        return false;
    }
    if Notification::permission() == NotificationPermission::Granted {
        return true;
    }
    let Ok(promise) = Notification::request_permission() else {
        return false;
    };
    matches!(JsFuture::from(promise).await, Ok(answer) if answer.as_string().as_deref() == Some("granted"))
}

/// Whether the page is hidden (another tab, minimized).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Shows a notification with a title and text, one per room at a time (`tag`).
pub fn show(title: &str, body: &str, tag: &str) {
    if !supported() || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    let _ = Notification::new_with_options(title, &options);
}
