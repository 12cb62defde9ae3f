//! The SQLite engine: one file under the data dir (WAL mode), `PRAGMA user_version` counting the
//! migrations that ran. Calls are short and synchronous, under one lock.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusher_chat_api::{HistoryQuery, Message, User};
use rusqlite::{Connection, OptionalExtension, params};

use super::{MESSAGE_COLUMNS, MIGRATIONS, MessageToStore, message_from, unread_query};

/// SQLite storage, shared by handlers.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Arc<Mutex<Connection>>,
}

/// What SQLite can fail with.
pub type SqliteError = rusqlite::Error;

impl SqliteStore {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, SqliteError> {
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        Self::migrate(db)
    }

    /// A database in memory, for tests.
    pub fn in_memory() -> Result<Self, SqliteError> {
        Self::migrate(Connection::open_in_memory()?)
    }

    fn migrate(mut db: Connection) -> Result<Self, SqliteError> {
        let applied: usize = db.pragma_query_value(None, "user_version", |row| row.get(0))?;
        for (version, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = db.transaction()?;
            tx.execute_batch(migration.sqlite)?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(Self {
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// The schema version (how many migrations ran).
    pub fn schema_version(&self) -> Result<usize, SqliteError> {
        self.lock()
            .pragma_query_value(None, "user_version", |row| row.get(0))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a session.
    pub fn create_session(&self, token: &str, user: &User, now: i64) -> Result<(), SqliteError> {
        self.lock().execute(
            "INSERT INTO sessions (token, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token, user.id, user.name, now],
        )?;
        Ok(())
    }

    /// The user of a session token.
    pub fn session_user(&self, token: &str) -> Result<Option<User>, SqliteError> {
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
    pub fn delete_session(&self, token: &str) -> Result<(), SqliteError> {
        self.lock()
            .execute("DELETE FROM sessions WHERE token = ?1", params![token])?;
        Ok(())
    }

    /// Stores a message unless this user already sent one with this `client_id`. Returns the
    /// stored message and whether it has been published (a new one has not).
    pub fn add_message(&self, new: MessageToStore<'_>) -> Result<(Message, bool), SqliteError> {
        let db = self.lock();
        db.execute(
            "INSERT INTO messages
                (channel, user_id, user_name, text, client_id, created_at, published)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
             ON CONFLICT (user_id, client_id) DO NOTHING",
            params![
                new.channel,
                new.user.id,
                new.user.name,
                new.text,
                new.client_id,
                new.time
            ],
        )?;
        db.query_row(
            &format!(
                "SELECT {MESSAGE_COLUMNS}, published FROM messages
                 WHERE user_id = ?1 AND client_id = ?2"
            ),
            params![new.user.id, new.client_id],
            |row| Ok((row_to_message(row)?, row.get::<_, bool>(7)?)),
        )
    }

    /// Records that a message reached the realtime server.
    pub fn mark_published(&self, id: i64) -> Result<(), SqliteError> {
        self.lock().execute(
            "UPDATE messages SET published = 1 WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    /// How many messages of others are newer than `after` in `channel`, capped.
    pub fn unread(&self, channel: &str, after: i64, user_id: &str) -> Result<u64, SqliteError> {
        let count: i64 =
            self.lock()
                .query_row(&unread_query(), params![channel, after, user_id], |row| {
                    row.get(0)
                })?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// A page of a room's history, oldest first.
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<Message>, SqliteError> {
        let db = self.lock();
        let mut statement = db.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE channel = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"
        ))?;
        let limit = i64::try_from(query.page_size()).unwrap_or(i64::MAX);
        let mut messages = statement
            .query_map(
                params![query.channel, query.before.unwrap_or(i64::MAX), limit],
                row_to_message,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        messages.reverse();
        Ok(messages)
    }
}

fn row_to_message(row: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    message_from(|column| row.get(column), |column| row.get(column))
}
