//! The SQLite store: the embedded default, one file, no server.
//!
//! Writes go through a pool of one connection and start with `BEGIN IMMEDIATE`, which takes
//! the write lock before reading the ledger head (a deferred transaction that upgrades from
//! read to write can fail with SQLITE_BUSY without waiting). Reads use their own pool, which
//! WAL lets run beside the writer. Another process on the same file waits up to
//! `busy_timeout` for the lock.

use std::str::FromStr;

use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};

use crate::shared::{SELECT_SCHEMA_VERSION, impl_store};
use crate::{ConnectOptions, SchemaStatus, SqliteDurability};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    // `BEGIN IMMEDIATE` already holds the database's write lock: plain reads suffice.
    const LOCK_HEAD: &'static str = crate::shared::select_head_and_key!();
    const LOCK_HEAD_AND_RECORD: &'static str = crate::shared::select_head_and_record!();
    // Several statements in one call: SQLite runs them in order on the writer's thread, so an
    // append costs one round trip to it (parameters are numbered across statements).
    const WRITE_CREATED: &'static str = "\
        INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9); \
        INSERT INTO records (guild_id, reference, kind, title, status, ai_system, person_platform, person_id, body, created_at, updated_at, last_seq) \
        VALUES ($2, $3, $11, $12, $13, $14, $15, $16, $17, $6, $6, $1); \
        INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
        SELECT $10, $2, $3, $1, $6 WHERE $10 IS NOT NULL;";
    const WRITE_CHANGED: &'static str = "\
        INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9); \
        UPDATE records SET title = $12, status = $13, ai_system = $14, body = $17, updated_at = $6, last_seq = $1 \
        WHERE guild_id = $2 AND reference = $3 AND kind = $11; \
        INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
        SELECT $10, $2, $3, $1, $6 WHERE $10 IS NOT NULL;";

    pub async fn connect(options: &ConnectOptions) -> Result<Self, StoreError> {
        let base = SqliteConnectOptions::from_str(&options.url)
            .map_err(StoreError::backend)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match options.sqlite_durability {
                SqliteDurability::Full => SqliteSynchronous::Full,
                SqliteDurability::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            // Readers map the file instead of copying pages with pread after every write.
            .pragma("mmap_size", "268435456");
        let in_memory = options.url.contains(":memory:") || options.url.contains("mode=memory");
        // The file is local: a connection cannot have died between uses, so skip the ping
        // sqlx would send before every acquire (a full round trip to the worker thread).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(base.clone().create_if_missing(true))
            .await
            .map_err(StoreError::backend)?;
        // An in-memory database exists only on its one connection: reads must share it.
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .test_before_acquire(false)
                .connect_with(base.read_only(true))
                .await
                .map_err(StoreError::backend)?
        };
        Ok(Self { writer, reader })
    }

    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, Sqlite>, StoreError> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::backend)
    }

    pub(crate) fn read_pool(&self) -> &SqlitePool {
        &self.reader
    }

    /// The pool that may write, for tests and tools that need raw access (never the ledger).
    pub fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.writer)
        .await
        .map_err(StoreError::backend)?;
        let applied = if has_table {
            sqlx::query_scalar(SELECT_SCHEMA_VERSION)
                .fetch_one(&self.writer)
                .await
                .map_err(StoreError::backend)?
        } else {
            None
        };
        Ok(SchemaStatus {
            applied,
            latest_known: latest_known(&MIGRATOR),
        })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(StoreError::backend)
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

pub(crate) fn latest_known(migrator: &sqlx::migrate::Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or_default()
}

crate::sessions::impl_session_store!(SqliteStore);
impl_store!(SqliteStore, Sqlite);
