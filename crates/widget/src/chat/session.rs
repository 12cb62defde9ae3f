//! The visitor and the connection: the session check and the join form, the client's options
//! (the page's, then where the backend says the sockets are, with the auth endpoints), and the
//! connection as the status line shows it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{PageConfig, User, check_name, routes};
use rusher_client::{ChannelAuthorizer, Endpoint, Options, State, UserAuthenticator};

use super::link::Link;
use crate::config::ChatConfig;
use crate::model::Status;

/// The session store.
#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user; `None` shows the join form.
    pub me: RwSignal<Option<User>>,
    /// Whether the session check is done (before it, neither form nor chat shows).
    pub ready: RwSignal<bool>,
    /// A problem to show in the join form.
    pub join_error: RwSignal<Option<String>>,
    /// The connection as shown.
    pub status: RwSignal<Status>,
    /// The page's options: the user it knows, where the sockets, the auth endpoints and the
    /// backend are.
    config: StoredValue<ChatConfig, LocalStorage>,
}

impl Session {
    /// Nobody yet; connecting.
    pub(super) fn new(config: ChatConfig) -> Self {
        Self {
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
            join_error: RwSignal::new(None),
            status: RwSignal::new(Status::Connecting),
            config: StoredValue::new_local(config),
        }
    }

    /// Checks for a session: the user the page gave, else the backend's; `then` runs with the
    /// user when there is one, and the join form shows when there is none.
    pub(super) fn check(self, link: Link, then: impl FnOnce(User) + 'static) {
        if let Some(user) = self.config.try_with_value(|c| c.user.clone()).flatten() {
            self.ready.set(true);
            then(user);
            return;
        }
        let Some(backend) = link.backend() else {
            return;
        };
        spawn_local(async move {
            if let Ok(Some(user)) = backend.whoami().await {
                then(user);
            }
            self.ready.set(true);
        });
    }

    /// Signs in with a display name (the join form); `then` runs with the user the backend
    /// made, and the form shows why when it refused.
    pub(super) fn join(
        self,
        link: Link,
        name: &str,
        invalid_name: &str,
        then: impl FnOnce(User) + 'static,
    ) {
        let Ok(name) = check_name(name).map(str::to_owned) else {
            self.join_error.set(Some(invalid_name.to_owned()));
            return;
        };
        self.join_error.set(None);
        let Some(backend) = link.backend() else {
            return;
        };
        spawn_local(async move {
            match backend.join(&name).await {
                Ok(user) => then(user),
                Err(e) => self.join_error.set(Some(e.message)),
            }
        });
    }

    /// The client's options: the page's first, then where the backend (its `server` config, when
    /// it answered) says the sockets are; the auth endpoints carry the session token. `None`,
    /// shown as offline, when neither gave an app key.
    pub(super) fn client_options(self, link: Link, server: Option<PageConfig>) -> Option<Options> {
        let mut config = self.config.try_with_value(ChatConfig::clone)?;
        if let Some(server) = &server
            && config.ws_host.is_none()
            && server.ws_host.is_some()
        {
            config.ws_host.clone_from(&server.ws_host);
            config.ws_port = config.ws_port.or(server.ws_port);
            config.force_tls = config.force_tls.or(server.force_tls);
        }
        let Some(key) = config.key.clone().or(server.map(|c| c.key)) else {
            self.status.set(Status::Offline);
            return None;
        };
        let authorization = link.backend()?.authorization().into_iter().collect();
        Some(options(&config, &key, authorization))
    }

    /// The client's state changed: the status line follows. Returns whether the connection came
    /// back after an outage (what was held back may go now).
    pub(super) fn connection(self, state: State) -> bool {
        let before = self.status.get_untracked();
        let browser_online = web_sys::window().is_none_or(|w| w.navigator().on_line());
        let status = match state {
            State::Connected => Status::Online,
            State::Initialized | State::Connecting if before == Status::Connecting => {
                Status::Connecting
            }
            State::Initialized | State::Connecting => Status::Reconnecting,
            State::Unavailable if browser_online => Status::Reconnecting,
            State::Unavailable | State::Failed | State::Disconnected => Status::Offline,
        };
        self.status.set(status);
        status == Status::Online && matches!(before, Status::Reconnecting | Status::Offline)
    }

    /// A room's subscription failed: the status line says Reconnecting… until it is confirmed.
    pub(super) fn room_refused(self) {
        if self.status.get_untracked() == Status::Online {
            self.status.set(Status::Reconnecting);
        }
    }

    /// A room's subscription is confirmed: online again, when the client is connected.
    pub(super) fn room_confirmed(self, connected: bool) {
        if connected && self.status.get_untracked() == Status::Reconnecting {
            self.status.set(Status::Online);
        }
    }
}

/// The client's options for the app `key`: where the sockets are (the page's host, port and
/// scheme unless `config` says), and the auth endpoints (the backend's unless `config` says),
/// which send `authorization` (the session token, for a backend on another site).
fn options(config: &ChatConfig, key: &str, authorization: Vec<(String, String)>) -> Options {
    let location = web_sys::window().map(|w| w.location());
    let page = |read: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|l| read(l).ok())
            .unwrap_or_default()
    };
    let tls = config
        .force_tls
        .unwrap_or_else(|| page(web_sys::Location::protocol) == "https:");
    let port = config
        .ws_port
        .or_else(|| page(web_sys::Location::port).parse().ok())
        .unwrap_or(if tls { 443 } else { 80 });
    let base = config.backend();
    let mut options = Options::new(key);
    options.ws_host = Some(
        config
            .ws_host
            .clone()
            .unwrap_or_else(|| page(web_sys::Location::hostname)),
    );
    options.force_tls = tls;
    options.ws_port = port;
    options.wss_port = port;
    let endpoint = |given: &Option<String>, path: &str| {
        let mut endpoint = Endpoint::new(
            &given
                .clone()
                .unwrap_or_else(|| [base.as_str(), path].concat()),
        );
        endpoint.headers.clone_from(&authorization);
        endpoint
    };
    options.channel_authorization =
        ChannelAuthorizer::Endpoint(endpoint(&config.auth_endpoint, routes::CHANNEL_AUTH));
    options.user_authentication =
        UserAuthenticator::Endpoint(endpoint(&config.user_auth_endpoint, routes::USER_AUTH));
    options
}
