//! The SQLite store: the embedded default, one file, no server.
//!
//! Writes go through a pool of one connection and start with `BEGIN IMMEDIATE`, which takes
//! the write lock before reading the ledger head (a deferred transaction that upgrades from
//! read to write can fail with SQLITE_BUSY without waiting). Reads use their own pool, which
//! WAL lets run beside the writer. Another process on the same file waits up to
//! `busy_timeout` for the lock.

use std::str::FromStr;

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
    const LOCK_HEAD: &'static str = crate::shared::SELECT_HEAD;

    pub async fn connect(options: &ConnectOptions) -> Result<Self, StoreError> {
        let base = SqliteConnectOptions::from_str(&options.url)
            .map_err(StoreError::backend)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match options.sqlite_durability {
                SqliteDurability::Full => SqliteSynchronous::Full,
                SqliteDurability::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        let in_memory = options.url.contains(":memory:") || options.url.contains("mode=memory");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone().create_if_missing(true))
            .await
            .map_err(StoreError::backend)?;
        // An in-memory database exists only on its one connection: reads must share it.
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
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

impl_store!(SqliteStore, Sqlite);
