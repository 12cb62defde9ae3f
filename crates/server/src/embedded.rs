//! The chat backend inside this server (the default the demo and the tests run on): it signs
//! with this server's app and publishes through the hub, in process.

use std::sync::Arc;

use rusher_backend::Store;
use rusher_backend::publisher::{CountFuture, MembersFuture, PublishFuture};
use rusher_backend::{
    AppCredentials, AuthFaults, Backend, BackendState, Publication, Publisher, RateLimits,
};

use crate::state::AppState;

/// Publishes straight into the hub: nothing to fail but the hub itself.
#[derive(Debug, Clone)]
pub struct InProcessPublisher {
    state: AppState,
}

impl Publisher for InProcessPublisher {
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a> {
        self.state.hub().publish(
            publication.channels,
            publication.event,
            publication.data,
            publication.socket_id,
        );
        Box::pin(std::future::ready(Ok(())))
    }

    fn count<'a>(&'a self, channel: &'a str) -> CountFuture<'a> {
        let info = self.state.hub().channel_info(channel);
        let count = info.user_count.unwrap_or(info.subscription_count);
        Box::pin(std::future::ready(Ok(count as u64)))
    }

    fn members<'a>(&'a self, channel: &'a str) -> MembersFuture<'a> {
        let ids = self.state.hub().presence_users(channel);
        Box::pin(std::future::ready(Ok(Arc::new(ids))))
    }
}

/// A backend for this server's app on `store`, publishing in process, open to pages from
/// `allowed_origins` (CORS); its auth fault switch is enabled when the server's are.
pub fn backend(state: &AppState, store: Store, allowed_origins: Vec<String>) -> BackendState {
    let app = state.hub().app().clone();
    Arc::new(Backend {
        app: AppCredentials {
            app_id: app.id,
            key: app.key,
            secret: app.secret,
            master_key: app.master_key,
        },
        store,
        publisher: Arc::new(InProcessPublisher {
            state: state.clone(),
        }),
        member_limit: Some(app.member_limit),
        twin_counts: None,
        websocket: None,
        allowed_origins,
        faults: AuthFaults::new(state.faults.enabled),
        limits: RateLimits::default(),
    })
}
