//! The PostgreSQL engine, for several backend replicas sharing sessions, history and
//! idempotency keys: a connection pool, and a `rusher_schema` table counting the migrations
//! that ran (taken under an advisory lock, so replicas starting together migrate once).

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use rusher_chat_api::{HistoryQuery, Message, User};
use thiserror::Error;
use tokio_postgres::{NoTls, Row};

use super::{MESSAGE_COLUMNS, MIGRATIONS, MessageToStore, message_from, unread_query};

/// The most connections one replica opens: handlers hold one only for a query or two.
const MAX_CONNECTIONS: usize = 16;
/// The advisory lock migrations run under (any constant both replicas agree on).
const MIGRATION_LOCK: i64 = 0x7275_7368_6572;

/// What PostgreSQL can fail with.
#[derive(Debug, Error)]
pub enum PostgresError {
    /// A query failed, or the connection did.
    #[error("postgres: {0}")]
    Query(#[from] tokio_postgres::Error),
    /// No connection could be had from the pool.
    #[error("postgres pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The pool could not be built from the URL.
    #[error("postgres pool: {0}")]
    Build(#[from] deadpool_postgres::BuildError),
}

/// PostgreSQL storage, shared by handlers.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and brings the schema up
    /// to date.
    pub async fn open(url: &str) -> Result<Self, PostgresError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(MAX_CONNECTIONS).build()?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), PostgresError> {
        let mut db = self.pool.get().await?;
        let tx = db.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS rusher_schema (version INTEGER NOT NULL)")
            .await?;
        let applied = tx
            .query_opt("SELECT version FROM rusher_schema", &[])
            .await?
            .map(|row| row.try_get::<_, i32>(0))
            .transpose()?
            .unwrap_or(0);
        let applied = usize::try_from(applied).unwrap_or(0);
        for migration in MIGRATIONS.iter().skip(applied) {
            tx.batch_execute(migration.postgres).await?;
        }
        // A replica of an older release never lowers what a newer one recorded.
        let version = i32::try_from(MIGRATIONS.len().max(applied)).unwrap_or(i32::MAX);
        tx.execute("DELETE FROM rusher_schema", &[]).await?;
        tx.execute(
            "INSERT INTO rusher_schema (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The schema version (how many migrations ran).
    pub async fn schema_version(&self) -> Result<usize, PostgresError> {
        let db = self.pool.get().await?;
        let row = db
            .query_one("SELECT version FROM rusher_schema", &[])
            .await?;
        Ok(usize::try_from(row.try_get::<_, i32>(0)?).unwrap_or(0))
    }

    /// Records a session.
    pub async fn create_session(
        &self,
        token: &str,
        user: &User,
        now: i64,
    ) -> Result<(), PostgresError> {
        let db = self.pool.get().await?;
        db.execute(
            "INSERT INTO sessions (token, user_id, name, created_at) VALUES ($1, $2, $3, $4)",
            &[&token, &user.id, &user.name, &now],
        )
        .await?;
        Ok(())
    }

    /// The user of a session token.
    pub async fn session_user(&self, token: &str) -> Result<Option<User>, PostgresError> {
        let db = self.pool.get().await?;
        let row = db
            .query_opt(
                "SELECT user_id, name FROM sessions WHERE token = $1",
                &[&token],
            )
            .await?;
        row.map(|row| {
            Ok(User {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token: &str) -> Result<(), PostgresError> {
        let db = self.pool.get().await?;
        db.execute("DELETE FROM sessions WHERE token = $1", &[&token])
            .await?;
        Ok(())
    }

    /// Stores a message unless this user already sent one with this `client_id`; returns the
    /// stored message and whether it has been published.
    pub async fn add_message(
        &self,
        new: MessageToStore<'_>,
    ) -> Result<(Message, bool), PostgresError> {
        let db = self.pool.get().await?;
        db.execute(
            "INSERT INTO messages
                (channel, user_id, user_name, text, client_id, created_at, published)
             VALUES ($1, $2, $3, $4, $5, $6, FALSE)
             ON CONFLICT (user_id, client_id) DO NOTHING",
            &[
                &new.channel,
                &new.user.id,
                &new.user.name,
                &new.text,
                &new.client_id,
                &new.time,
            ],
        )
        .await?;
        let row = db
            .query_one(
                &format!(
                    "SELECT {MESSAGE_COLUMNS}, published FROM messages
                     WHERE user_id = $1 AND client_id = $2"
                ),
                &[&new.user.id, &new.client_id],
            )
            .await?;
        Ok((row_to_message(&row)?, row.try_get(7)?))
    }

    /// Records that a message reached the realtime server.
    pub async fn mark_published(&self, id: i64) -> Result<(), PostgresError> {
        let db = self.pool.get().await?;
        db.execute("UPDATE messages SET published = TRUE WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }

    /// How many messages of others are newer than `after` in `channel`, capped.
    pub async fn unread(
        &self,
        channel: &str,
        after: i64,
        user_id: &str,
    ) -> Result<u64, PostgresError> {
        let db = self.pool.get().await?;
        let row = db
            .query_one(&unread_query(), &[&channel, &after, &user_id])
            .await?;
        let count: i64 = row.try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// A page of a room's history, oldest first.
    pub async fn history(&self, query: &HistoryQuery) -> Result<Vec<Message>, PostgresError> {
        let db = self.pool.get().await?;
        let limit = i64::try_from(query.page_size()).unwrap_or(i64::MAX);
        let rows = db
            .query(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages
                     WHERE channel = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
                ),
                &[&query.channel, &query.before.unwrap_or(i64::MAX), &limit],
            )
            .await?;
        Ok(rows
            .iter()
            .rev()
            .map(row_to_message)
            .collect::<Result<_, _>>()?)
    }
}

fn row_to_message(row: &Row) -> Result<Message, tokio_postgres::Error> {
    message_from(|column| row.try_get(column), |column| row.try_get(column))
}
