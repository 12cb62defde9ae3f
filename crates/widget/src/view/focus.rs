//! Moving the focus between the launcher and the panel's fields, as a dialog does.

use wasm_bindgen::JsCast;

/// The launcher, which takes the focus back when the panel closes from inside (once the panel is
/// gone: on a phone the launcher hides behind it).
pub(super) const LAUNCHER: &str = "button.launcher";
/// The panel's first field (the name, or the message), which takes the focus when the launcher
/// opens the panel (the package's launcher, which opens it the first time, has the same).
pub(crate) const PANEL_FIELD: &str = ".panel input, .panel textarea";
/// The message field, which takes the focus from the join form once the visitor has joined.
pub(super) const MESSAGE_FIELD: &str = ".composer textarea";

/// How long (in 50 ms steps) the focus waits for the panel's first field: the join form shows
/// only once the session check has answered, which a first open can come before.
pub(super) const FOCUS_WAIT_STEPS: u32 = 40;
/// How long (in 50 ms steps: 15 s) the focus waits for the message field after Join: the
/// backend's answer on a slow network. A join that fails shows no message field, and the focus
/// stays in the form.
pub(super) const JOIN_FOCUS_WAIT_STEPS: u32 = 300;

/// Moves the focus, as a dialog does, to the widget's element that `selector` finds from the
/// element `event` is on: once it is there (the panel a signal just opened or closed is drawn
/// after the handler), looking every 50 ms, `steps` times at most.
pub(super) fn focus_in_widget(event: &web_sys::Event, selector: &'static str, steps: u32) {
    let widget = event
        .current_target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest(".rusher-chat").ok().flatten());
    let Some(widget) = widget else { return };
    let focus = move || match widget.query_selector(selector) {
        Ok(Some(element)) => element
            .dyn_into::<web_sys::HtmlElement>()
            .is_ok_and(|element| element.focus().is_ok()),
        _ => false,
    };
    leptos::task::spawn_local(async move {
        for _ in 0..steps {
            gloo_timers::future::TimeoutFuture::new(50).await;
            if focus() {
                return;
            }
        }
    });
}
