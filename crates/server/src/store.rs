//! Chat storage in SQLite (a file under the data dir, WAL mode): sessions and messages, with
//! versioned schema migrations. Nothing is lost across a restart.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: sessions and messages.
    "CREATE TABLE sessions (
        token TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        text TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (user_id, client_id)
    );
    CREATE INDEX messages_by_channel ON messages (channel, id);",
];

/// A signed-in chat user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Assigned by the server.
    pub id: String,
    /// The display name the user chose.
    pub name: String,
}

/// A stored chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMessage {
    /// Increasing id, for paging history.
    pub id: i64,
    /// The channel it was sent on.
    pub channel: String,
    /// The sender.
    pub user: User,
    /// The text, as written (rendered as text, never HTML).
    pub text: String,
    /// The sender's id for this message, which makes retries harmless.
    pub client_id: String,
    /// Milliseconds since the Unix epoch.
    pub time: i64,
}

/// What storage can fail with.
pub type StoreError = rusqlite::Error;

/// The database, shared by handlers.
#[derive(Debug, Clone)]
pub struct Store {
    db: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        Self::migrate(db)
    }

    /// A database in memory, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::migrate(Connection::open_in_memory()?)
    }

    fn migrate(mut db: Connection) -> Result<Self, StoreError> {
        let applied: usize = db.pragma_query_value(None, "user_version", |row| row.get(0))?;
        for (version, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = db.transaction()?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(Self {
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// The schema version (how many migrations ran).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        self.lock()
            .pragma_query_value(None, "user_version", |row| row.get(0))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a session.
    pub fn create_session(&self, token: &str, user: &User, now: i64) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO sessions (token, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token, user.id, user.name, now],
        )?;
        Ok(())
    }

    /// The user of a session token.
    pub fn session_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        self.lock()
            .query_row(
                "SELECT user_id, name FROM sessions WHERE token = ?1",
                params![token],
                |row| {
                    Ok(User {
                        id: row.get(0)?,
                        name: row.get(1)?,
                    })
                },
            )
            .optional()
    }

    /// Ends a session.
    pub fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        self.lock()
            .execute("DELETE FROM sessions WHERE token = ?1", params![token])?;
        Ok(())
    }

    /// Stores a message unless this user already sent one with this `client_id`. Returns the
    /// stored message and whether it is new.
    pub fn add_message(
        &self,
        channel: &str,
        user: &User,
        text: &str,
        client_id: &str,
        now: i64,
    ) -> Result<(StoredMessage, bool), StoreError> {
        let db = self.lock();
        let inserted = db.execute(
            "INSERT INTO messages (channel, user_id, user_name, text, client_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (user_id, client_id) DO NOTHING",
            params![channel, user.id, user.name, text, client_id, now],
        )?;
        let message = db.query_row(
            "SELECT id, channel, user_id, user_name, text, client_id, created_at
             FROM messages WHERE user_id = ?1 AND client_id = ?2",
            params![user.id, client_id],
            row_to_message,
        )?;
        Ok((message, inserted == 1))
    }

    /// Up to `limit` messages of a channel before message id `before` (or the newest), oldest
    /// first.
    pub fn history(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let db = self.lock();
        let mut statement = db.prepare(
            "SELECT id, channel, user_id, user_name, text, client_id, created_at
             FROM messages WHERE channel = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut messages = statement
            .query_map(
                params![channel, before.unwrap_or(i64::MAX), limit],
                row_to_message,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        messages.reverse();
        Ok(messages)
    }
}

fn row_to_message(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        id: row.get(0)?,
        channel: row.get(1)?,
        user: User {
            id: row.get(2)?,
            name: row.get(3)?,
        },
        text: row.get(4)?,
        client_id: row.get(5)?,
        time: row.get(6)?,
    })
}
