//! The visitor and the connection: the session check and the join form, connecting the Rusher
//! client once signed in (with the auth endpoints and where the sockets are), signing in again
//! after a failed sign-in, the connection as the status line shows it, and leaving.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rusher_chat_api::{User, check_name, routes};
use rusher_client::leptos::on_event;
use rusher_client::{ChannelAuthorizer, Endpoint, Options, Pusher, State, UserAuthenticator};

use super::{AUTH_RETRY_MS, Chat, Retry};
use crate::config::ChatConfig;
use crate::model::Status;
use crate::outbox::{self, Queued};

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
}

impl Session {
    /// Nobody yet; connecting.
    pub(super) fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
            join_error: RwSignal::new(None),
            status: RwSignal::new(Status::Connecting),
        }
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
}

impl Chat {
    /// Checks for a session (or the configured user) and connects when there is one.
    pub fn start(self) {
        // The client's events are routed under the widget's owner, and unbound with it.
        self.services.update_value(|s| s.owner = Owner::current());
        let known = self.services.with_value(|s| s.config.user.clone());
        if let Some(user) = known {
            self.session.ready.set(true);
            self.joined(user);
            return;
        }
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            if let Ok(Some(user)) = backend.whoami().await {
                self.joined(user);
            }
            self.session.ready.set(true);
        });
    }

    /// Signs in with a display name.
    pub fn join(self, name: String) {
        let join_error = self.session.join_error;
        let Ok(name) = check_name(&name).map(str::to_owned) else {
            join_error.set(Some(self.strings.invalid_name.to_owned()));
            return;
        };
        join_error.set(None);
        let backend = self.services.with_value(|s| s.backend.clone());
        spawn_local(async move {
            match backend.join(&name).await {
                Ok(user) => self.joined(user),
                Err(e) => join_error.set(Some(e.message)),
            }
        });
    }

    /// Connects as `user` and subscribes to the room (its recent history loads once the
    /// subscription is confirmed); messages this tab still had waiting go out.
    fn joined(self, user: User) {
        let waiting: Vec<Queued> = outbox::load()
            .into_iter()
            .filter(|q| q.user.id == user.id)
            .collect();
        self.messages
            .lines
            .update(|lines| lines.extend(waiting.iter().map(Queued::line)));
        self.services.update_value(|s| s.outbox = waiting);
        self.session.me.set(Some(user));
        // Whoever joined is online: until the server lists the room, the count is them, never
        // "0".
        self.presence.online.set(1);
        let (mut config, backend) = self
            .services
            .with_value(|s| (s.config.clone(), s.backend.clone()));
        spawn_local(async move {
            // Best effort when the host gave the key: another backend may have no /chat/config.
            let server = backend.config().await.ok();
            let limit = server.as_ref().and_then(|c| c.member_limit);
            self.services.update_value(|s| s.member_limit = limit);
            // The page's options first, then where the backend says the sockets are.
            if let Some(server) = &server
                && config.ws_host.is_none()
                && server.ws_host.is_some()
            {
                config.ws_host.clone_from(&server.ws_host);
                config.ws_port = config.ws_port.or(server.ws_port);
                config.force_tls = config.force_tls.or(server.force_tls);
            }
            let Some(key) = config.key.clone().or(server.map(|c| c.key)) else {
                self.session.status.set(Status::Offline);
                return;
            };
            self.connect(&config, &key);
            // Read once now too, so that a visitor whose socket cannot connect still sees the
            // room; the read on the confirmed subscription fills what came in between.
            self.load_history(&config.channel(), None).await;
            self.flush();
            self.count_missed(config.channel()).await;
        });
    }

    fn connect(self, config: &ChatConfig, key: &str) {
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
        let authorization = self
            .services
            .with_value(|s| s.backend.authorization())
            .into_iter()
            .collect::<Vec<_>>();
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
            // The session token, for a backend on another site.
            endpoint.headers.clone_from(&authorization);
            endpoint
        };
        options.channel_authorization =
            ChannelAuthorizer::Endpoint(endpoint(&config.auth_endpoint, routes::CHANNEL_AUTH));
        options.user_authentication =
            UserAuthenticator::Endpoint(endpoint(&config.user_auth_endpoint, routes::USER_AUTH));
        let pusher = Pusher::new(options);
        let route = || on_event(&pusher, move |event| self.on_event(event));
        match self.services.with_value(|s| s.owner.clone()) {
            Some(owner) => owner.with(route),
            None => route(),
        }
        let channel = pusher.subscribe(&config.channel()).ok();
        pusher.signin();
        self.services.update_value(|s| {
            s.pusher = Some(pusher);
            s.channels.extend(channel);
        });
    }

    /// The sign-in (for invitations and their answers) failed: it is tried again in
    /// [`AUTH_RETRY_MS`]; a new connection signs in anew anyway.
    pub(super) fn signin_refused(self) {
        self.retry_later(Retry::Signin, AUTH_RETRY_MS, move || {
            let pusher = self.services.try_with_value(|s| s.pusher.clone()).flatten();
            if let Some(pusher) = pusher {
                pusher.signin();
            }
        });
    }

    /// Whether the client is connected now.
    pub(super) fn connected(self) -> bool {
        self.services
            .try_with_value(|s| s.pusher.as_ref().map(Pusher::state))
            .flatten()
            == Some(State::Connected)
    }

    /// Writes what was read and disconnects the client (the widget is being removed).
    pub fn stop(self) {
        self.write_read_live();
        let pusher = self
            .services
            .try_update_value(|s| {
                s.channels.clear();
                s.pusher.take()
            })
            .flatten();
        // Outside the stored value: disconnecting reports a state change to the widget.
        if let Some(pusher) = pusher {
            pusher.disconnect();
        }
    }
}
