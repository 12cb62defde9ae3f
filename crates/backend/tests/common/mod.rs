//! A backend on a free port with a recording publisher, and a signed-in visitor.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use rusher_backend::publisher::{CountFuture, MembersFuture, PublishFuture};
use rusher_backend::{
    AppCredentials, AuthFaults, Backend, Publication, PublishError, Publisher, RateLimits, Rates,
    Store,
};
use rusher_chat_api::{Session, User};
use serde_json::json;

/// A publisher that records what it publishes, or refuses with the status `failing` holds
/// (0: it publishes); it counts a channel as `counts` says and lists its members as `members`
/// says (refusing when `failing`), 0 and none when they do not say.
#[derive(Debug, Default)]
pub struct Recorder {
    pub failing: AtomicU16,
    pub published: Mutex<Vec<(Vec<String>, String, String)>>,
    pub counts: Mutex<HashMap<String, u64>>,
    pub members: Mutex<HashMap<String, Vec<String>>>,
}

impl Recorder {
    /// The refusal `failing` holds, if any.
    fn refusal(&self) -> Option<PublishError> {
        let status = self.failing.load(Ordering::SeqCst);
        (status != 0).then(|| PublishError::Refused {
            status,
            body: "refused by the test".into(),
        })
    }
}

impl Publisher for Recorder {
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a> {
        let result = if let Some(refusal) = self.refusal() {
            Err(refusal)
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

    fn count<'a>(&'a self, channel: &'a str) -> CountFuture<'a> {
        let result = match self.refusal() {
            Some(refusal) => Err(refusal),
            None => Ok(self
                .counts
                .lock()
                .unwrap()
                .get(channel)
                .copied()
                .unwrap_or(0)),
        };
        Box::pin(std::future::ready(result))
    }

    fn members<'a>(&'a self, channel: &'a str) -> MembersFuture<'a> {
        let result = match self.refusal() {
            Some(refusal) => Err(refusal),
            None => Ok(Arc::new(
                self.members
                    .lock()
                    .unwrap()
                    .get(channel)
                    .cloned()
                    .unwrap_or_default(),
            )),
        };
        Box::pin(std::future::ready(result))
    }
}

/// The engine the tests run on: PostgreSQL when `RUSHER_TEST_DATABASE_URL` names a server
/// (`cargo xtask test` starts one and runs this suite again), else SQLite.
pub fn postgres_url() -> Option<String> {
    std::env::var("RUSHER_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A URL of a new, empty database on the test server (one per test, so tests running at once
/// see only their own rows).
pub async fn new_postgres_database(server_url: &str) -> String {
    let (admin, connection) = tokio_postgres::connect(server_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let name: String = ["rusher_test_".to_owned()]
        .into_iter()
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = server_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// A new, empty store on the engine under test.
pub async fn fresh_store() -> Store {
    match postgres_url() {
        Some(server) => Store::connect(&new_postgres_database(&server).await)
            .await
            .unwrap(),
        None => Store::in_memory().unwrap(),
    }
}

/// A backend on a free port with the recorder as its publisher, open to pages from
/// `allowed_origins`; returns its address.
pub async fn start(recorder: Arc<Recorder>, allowed_origins: &[&str]) -> SocketAddr {
    start_with(recorder, allowed_origins, Rates::default(), None).await
}

/// [`start`] with its own rate limits and presence member limit.
pub async fn start_with(
    recorder: Arc<Recorder>,
    allowed_origins: &[&str],
    rates: Rates,
    member_limit: Option<usize>,
) -> SocketAddr {
    let backend = Arc::new(Backend {
        app: AppCredentials {
            app_id: "app-id".into(),
            key: "app-key".into(),
            secret: "app-secret".into(),
            master_key: [7; 32],
        },
        store: fresh_store().await,
        publisher: recorder,
        member_limit,
        twin_counts: None,
        websocket: None,
        faults: AuthFaults::new(false),
        allowed_origins: allowed_origins.iter().map(|o| (*o).to_owned()).collect(),
        limits: RateLimits::new(rates),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = rusher_backend::router(backend).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Signs in as `name` with `client`, from a page on `origin` when given; returns the session.
pub async fn sign_in_with(
    client: &reqwest::Client,
    addr: SocketAddr,
    name: &str,
    origin: Option<&str>,
) -> Session {
    let mut request = client.post(format!("http://{addr}/chat/session"));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request
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
    let session = sign_in_with(&client, addr, name, None).await;
    (client, session.user)
}

/// Asserts that `GET path?channel=…` answers 401 to a visitor who is not signed in, and a client
/// error to a signed-in one for each of `channels` (rooms that are not theirs, or not rooms).
pub async fn refused_outside_the_room(addr: SocketAddr, path: &str, channels: &[&str]) {
    let stranger = reqwest::Client::new();
    let answer = stranger
        .get(format!("http://{addr}{path}?channel=presence-lobby"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401, "not signed in");
    let (ana, _) = sign_in(addr, "Ana").await;
    for channel in channels {
        let answer = ana
            .get(format!("http://{addr}{path}?channel={channel}"))
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_client_error(),
            "{channel}: {}",
            answer.status()
        );
    }
}
