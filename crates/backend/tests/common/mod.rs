//! A backend on a free port with a recording publisher, and a signed-in visitor.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusher_backend::publisher::PublishFuture;
use rusher_backend::{
    AppCredentials, AuthFaults, Backend, Publication, PublishError, Publisher, Store,
};
use rusher_chat::{Session, User};
use serde_json::json;

/// A publisher that records what it publishes, or fails while `failing` is set.
#[derive(Debug, Default)]
pub struct Recorder {
    pub failing: AtomicBool,
    pub published: Mutex<Vec<(Vec<String>, String, String)>>,
}

impl Publisher for Recorder {
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a> {
        let result = if self.failing.load(Ordering::SeqCst) {
            Err(PublishError::Refused {
                status: 503,
                body: "down for maintenance".into(),
            })
        } else {
            self.published.lock().unwrap().push((
                publication.channels.to_vec(),
                publication.event.to_owned(),
                publication.data.to_owned(),
            ));
            Ok(())
        };
        Box::pin(std::future::ready(result))
    }
}

/// A backend on a free port with the recorder as its publisher, open to pages from
/// `allowed_origins`; returns its address.
pub async fn start(recorder: Arc<Recorder>, allowed_origins: &[&str]) -> SocketAddr {
    let backend = Arc::new(Backend {
        app: AppCredentials {
            app_id: "app-id".into(),
            key: "app-key".into(),
            secret: "app-secret".into(),
            master_key: [7; 32],
        },
        store: Store::in_memory().unwrap(),
        publisher: recorder,
        member_limit: None,
        websocket: None,
        faults: AuthFaults::new(false),
        allowed_origins: allowed_origins.iter().map(|o| (*o).to_owned()).collect(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = rusher_backend::router(backend).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Signs in as `name` with `client`; returns the session (the user and its token).
pub async fn sign_in_with(client: &reqwest::Client, addr: SocketAddr, name: &str) -> Session {
    client
        .post(format!("http://{addr}/chat/session"))
        .json(&json!({ "name": name }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Signs in as `name`; returns a client that keeps the session cookie, and the user.
pub async fn sign_in(addr: SocketAddr, name: &str) -> (reqwest::Client, User) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let session = sign_in_with(&client, addr, name).await;
    (client, session.user)
}
