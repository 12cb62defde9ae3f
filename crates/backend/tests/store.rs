//! The storage engines, through the same tests: SQLite always, PostgreSQL too when
//! `RUSHER_TEST_DATABASE_URL` names a server. Migrations, sessions, idempotent messages with
//! their published flag, history paging, and two stores on one database (a restart, or two
//! replicas) seeing each other's rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{new_postgres_database, postgres_url};
use rusher_backend::Store;
use rusher_backend::store::MessageToStore;
use rusher_chat_api::{HistoryQuery, User};

/// Two stores on one new database (opened one after the other, as a restart or a second
/// replica would), and the engine's name for messages.
async fn two_stores() -> (Store, Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    match postgres_url() {
        Some(server) => {
            let url = new_postgres_database(&server).await;
            let first = Store::connect(&url).await.unwrap();
            let second = Store::connect(&url).await.unwrap();
            (first, second, dir)
        }
        None => {
            let path = dir.path().join("chat.sqlite3");
            let first = Store::open(&path).unwrap();
            let second = Store::open(&path).unwrap();
            (first, second, dir)
        }
    }
}

fn user(id: &str, name: &str) -> User {
    User {
        id: id.into(),
        name: name.into(),
    }
}

#[tokio::test]
async fn migrations_run_once_and_the_schema_is_current() {
    let (first, second, _dir) = two_stores().await;
    assert_eq!(first.schema_version().await.unwrap(), 2);
    assert_eq!(second.schema_version().await.unwrap(), 2);
}

#[tokio::test]
async fn sessions_are_shared_and_end() {
    let (first, second, _dir) = two_stores().await;
    let ana = user("a1", "Ana");
    first.create_session("token-a", &ana, 1).await.unwrap();
    assert_eq!(second.session_user("token-a").await.unwrap(), Some(ana));
    assert_eq!(second.session_user("other").await.unwrap(), None);
    second.delete_session("token-a").await.unwrap();
    assert_eq!(first.session_user("token-a").await.unwrap(), None);
}

#[tokio::test]
async fn a_client_id_stores_one_message_across_stores_and_remembers_publishing() {
    let (first, second, _dir) = two_stores().await;
    let ana = user("a1", "Ana");
    let (message, published) = first
        .add_message(MessageToStore {
            channel: "presence-lobby",
            user: &ana,
            text: "hello",
            client_id: "c1",
            time: 10,
        })
        .await
        .unwrap();
    assert!(!published, "a new message is not published yet");
    assert_eq!(message.text, "hello");
    assert_eq!(message.user, ana);
    assert_eq!(message.time, 10);

    // A retry on the other replica finds the same message, still unpublished.
    let (again, published) = second
        .add_message(MessageToStore {
            channel: "presence-lobby",
            user: &ana,
            text: "hello, edited",
            client_id: "c1",
            time: 20,
        })
        .await
        .unwrap();
    assert_eq!(again, message);
    assert!(!published);
    second.mark_published(message.id).await.unwrap();
    let (_, published) = first
        .add_message(MessageToStore {
            channel: "presence-lobby",
            user: &ana,
            text: "hello",
            client_id: "c1",
            time: 30,
        })
        .await
        .unwrap();
    assert!(published);

    // The same client_id from another user is another message.
    let ben = user("b2", "Ben");
    let (other, _) = first
        .add_message(MessageToStore {
            channel: "presence-lobby",
            user: &ben,
            text: "hi",
            client_id: "c1",
            time: 40,
        })
        .await
        .unwrap();
    assert!(other.id > message.id);
}

#[tokio::test]
async fn history_pages_backwards_oldest_first_per_channel() {
    let (first, second, _dir) = two_stores().await;
    let ana = user("a1", "Ana");
    let mut ids = Vec::new();
    for i in 0..7 {
        let store = if i % 2 == 0 { &first } else { &second };
        let (message, _) = store
            .add_message(MessageToStore {
                channel: "presence-lobby",
                user: &ana,
                text: &format!("m{i}"),
                client_id: &format!("c{i}"),
                time: i,
            })
            .await
            .unwrap();
        ids.push(message.id);
    }
    first
        .add_message(MessageToStore {
            channel: "presence-other",
            user: &ana,
            text: "elsewhere",
            client_id: "x",
            time: 99,
        })
        .await
        .unwrap();
    let texts = |page: Vec<rusher_chat_api::Message>| -> Vec<String> {
        page.into_iter().map(|m| m.text).collect()
    };
    let latest = second
        .history(&HistoryQuery {
            channel: "presence-lobby".into(),
            before: None,
            limit: Some(3),
        })
        .await
        .unwrap();
    assert_eq!(texts(latest), ["m4", "m5", "m6"]);
    let older = first
        .history(&HistoryQuery {
            channel: "presence-lobby".into(),
            before: Some(ids[4]),
            limit: Some(3),
        })
        .await
        .unwrap();
    assert_eq!(texts(older), ["m1", "m2", "m3"]);
    let oldest = first
        .history(&HistoryQuery {
            channel: "presence-lobby".into(),
            before: Some(ids[1]),
            limit: Some(3),
        })
        .await
        .unwrap();
    assert_eq!(texts(oldest), ["m0"]);
}
