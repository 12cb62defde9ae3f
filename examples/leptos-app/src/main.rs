//! A Leptos app on `rusher_client::leptos`: a visitor joins with a name and sees the connection's
//! state, who is on the page (a presence channel's members) and the announcements the server
//! sends (a channel's events), each a signal. Leaving unmounts the live view: its signals are
//! unbound from the client as it goes.
//!
//! It talks to rusher-server's chat backend on its own origin: `GET /chat/config` for the app
//! key, `POST /chat/session` to join (the session cookie then authorizes the presence channel at
//! `/pusher/auth`). Build and serve it with Trunk from the top of the repository, with
//! `rusher-server` running on port 8080 (Trunk.toml proxies those routes and the socket to it):
//!
//! ```text
//! trunk serve examples/leptos-app/index.html
//! ```
//!
//! An announcement reaches every visitor through the REST API, for example with the `pusher`
//! Node SDK: `pusher.trigger("announcements", "announcement", { text: "Hello" })`.

use gloo_net::http::Request;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{ErrorBody, PageConfig, SignIn, routes};
use rusher_client::leptos::{ChannelEvent, connection_state, event_log, members};
use rusher_client::{JsonText, Options, Pusher, Value};

/// The presence channel of the visitors on the page.
const VISITORS: &str = "presence-leptos-app";
/// The channel the server's announcements come on, and their event.
const ANNOUNCEMENTS: &str = "announcements";
const ANNOUNCEMENT: &str = "announcement";
/// How many announcements the page shows: the newest.
const ANNOUNCEMENTS_SHOWN: usize = 20;

fn main() {
    mount_to_body(App);
}

/// The join form until the visitor has joined, then the live view.
#[component]
fn App() -> impl IntoView {
    let client = RwSignal::new_local(None::<Pusher>);
    view! {
        <main>
            <h1>"Live on Rusher"</h1>
            {move || match client.get() {
                Some(pusher) => {
                    view! { <Live pusher=pusher on_leave=move || client.set(None)/> }.into_any()
                }
                None => view! { <JoinForm client=client/> }.into_any(),
            }}
        </main>
    }
}

/// Asks for a name, joins with it, and hands over the connected client.
#[component]
fn JoinForm(client: RwSignal<Option<Pusher>, LocalStorage>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let join = move |event: SubmitEvent| {
        event.prevent_default();
        let chosen = name.get_untracked();
        spawn_local(async move {
            match connect(&chosen).await {
                Ok(pusher) => client.set(Some(pusher)),
                Err(why) => problem.set(Some(why)),
            }
        });
    };
    view! {
        <form on:submit=join>
            <label>
                "Your name " <input
                    required
                    prop:value=name
                    on:input=move |event| name.set(event_target_value(&event))
                />
            </label>
            <button type="submit">"Join"</button>
            <p role="alert">{move || problem.get()}</p>
        </form>
    }
}

/// The connection's state, who is here and the announcements, as signals of the client.
#[component]
fn Live(pusher: Pusher, #[prop(into)] on_leave: Callback<()>) -> impl IntoView {
    let state = connection_state(&pusher);
    // Both names are valid channel names, so subscribing cannot fail.
    let visitors = pusher
        .subscribe(VISITORS)
        .ok()
        .map(|channel| members(&channel));
    let announcements = pusher
        .subscribe(ANNOUNCEMENTS)
        .ok()
        .map(|channel| event_log(&channel, ANNOUNCEMENT, ANNOUNCEMENTS_SHOWN));
    // Leaving disconnects; the signals above are unbound as this view goes.
    let held = StoredValue::new_local(pusher);
    on_cleanup(move || {
        held.try_with_value(Pusher::disconnect);
    });
    let names = move || {
        visitors
            .map(|members| {
                members.with(|members| {
                    members
                        .iter()
                        .map(|(id, info)| display_name(id, info))
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    };
    let said = move || {
        announcements
            .map(|log| log.with(|log| log.iter().map(announcement_text).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    view! {
        <p role="status">"Connection: " {move || state.get().as_str()}</p>
        <h2>"Who's here"</h2>
        <ul aria-label="Who's here">
            {move || names().into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}
        </ul>
        <h2>"Announcements"</h2>
        <ul aria-label="Announcements">
            {move || said().into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}
        </ul>
        <button on:click=move |_| on_leave.run(())>"Leave"</button>
    }
}

/// A member's name, from what the auth endpoint said about them; their id when it said none.
fn display_name(id: &str, info: &JsonText) -> String {
    info.json()
        .get("name")
        .and_then(|name| name.to_string_value())
        .unwrap_or_else(|| id.to_owned())
}

/// An announcement's text (its data's `text`), or its data as JSON when it has none.
fn announcement_text(event: &ChannelEvent) -> String {
    event
        .data
        .get("text")
        .and_then(Value::as_str)
        .map_or_else(|| event.data.to_string(), str::to_owned)
}

/// Joins the chat backend as `name` and connects a client to the realtime server it names
/// (the page's own host and port unless it says otherwise).
async fn connect(name: &str) -> Result<Pusher, String> {
    let failed = |error: gloo_net::Error| error.to_string();
    let config: PageConfig = Request::get(routes::CONFIG)
        .send()
        .await
        .map_err(failed)?
        .json()
        .await
        .map_err(failed)?;
    let joined = Request::post(routes::SESSION)
        .json(&SignIn {
            name: name.to_owned(),
        })
        .map_err(failed)?
        .send()
        .await
        .map_err(failed)?;
    if !joined.ok() {
        let refusal: Result<ErrorBody, _> = joined.json().await;
        return Err(refusal.map_or_else(|e| e.to_string(), |body| body.error));
    }
    let page = web_sys::window()
        .map(|window| window.location())
        .ok_or("no page")?;
    let tls = config
        .force_tls
        .unwrap_or_else(|| page.protocol().is_ok_and(|p| p == "https:"));
    let port = config
        .ws_port
        .or_else(|| page.port().ok().and_then(|p| p.parse().ok()))
        .unwrap_or(if tls { 443 } else { 80 });
    let mut options = Options::new(&config.key);
    options.ws_host = config.ws_host.or_else(|| page.hostname().ok());
    options.force_tls = tls;
    options.ws_port = port;
    options.wss_port = port;
    Ok(Pusher::new(options))
}
