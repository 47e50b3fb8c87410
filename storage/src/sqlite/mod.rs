//! The SQLite store: the embedded default, one file, no server.
//!
//! Writes go through a pool of one connection, guarded by a [`writer::Writer`]; a record write
//! is two round trips to that connection's thread: `BEGIN IMMEDIATE` (which takes the write
//! lock before anything is read: a deferred transaction that upgrades from read to write can
//! fail with SQLITE_BUSY without waiting) together with the reads the write depends on; then
//! every write statement together with `COMMIT`. Reads use their own pool, which WAL lets run
//! beside the writer. Another process on the same file waits up to `busy_timeout` for the lock.
//!
//! Deleted rows are overwritten (`secure_delete`), and after deleting prompt sessions the WAL
//! is checkpointed and truncated, so a discarded anonymous draft does not linger on disk.

mod outbox;
mod sessions;
mod store;
mod write;
mod writer;

#[cfg(feature = "test-support")]
pub(crate) use outbox::CLAIM;
#[cfg(feature = "test-support")]
pub(crate) use store::{CONCERN_BY_HANDLE, RECORDS_NAMED_EXACTLY, RECORDS_NAMED_STARTING_WITH};

use std::str::FromStr;

use aimsbot_workflows::ports::StoreError;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{ConnectOptions, SchemaStatus, SqliteDurability, latest_migration};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const MIGRATIONS_TABLE_EXISTS: &str = "\
SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')";

const SCHEMA_VERSION: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

/// Copies the WAL into the database file and truncates it to zero bytes. Returns one row:
/// `busy` (1 when readers kept it from finishing), and the WAL's pages and those copied.
const TRUNCATE_WAL: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

/// A SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
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
            // Deleted rows are overwritten with zeros, not left in free space: a discarded
            // anonymous draft must not be recoverable from the file.
            .pragma("secure_delete", "ON")
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

    /// The pool that may write, for tests and tools that need raw access (never the ledger).
    pub fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let has_table: bool = sqlx::query_scalar(MIGRATIONS_TABLE_EXISTS)
            .fetch_one(&self.writer)
            .await
            .map_err(StoreError::backend)?;
        let applied = if has_table {
            sqlx::query_scalar(SCHEMA_VERSION)
                .fetch_one(&self.writer)
                .await
                .map_err(StoreError::backend)?
        } else {
            None
        };
        Ok(SchemaStatus {
            applied,
            latest_known: latest_migration(&MIGRATOR),
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

    /// After prompt sessions were deleted: moves the WAL into the database file (where
    /// `secure_delete` has overwritten them) and truncates it, so the deleted text does not
    /// linger in the WAL until the next automatic checkpoint. A reader holding an old snapshot
    /// can keep it from finishing; the next delete or checkpoint catches up, so that is only
    /// logged. The delete itself has committed either way.
    async fn truncate_wal(&self) {
        match sqlx::query_as::<_, (i64, i64, i64)>(TRUNCATE_WAL)
            .fetch_one(&self.writer)
            .await
        {
            Ok((0, _, _)) => {}
            Ok((_busy, pages, copied)) => tracing::debug!(
                pages,
                copied,
                "WAL checkpoint after deleting prompt sessions was kept from finishing by a reader"
            ),
            Err(e) => tracing::warn!("WAL checkpoint after deleting prompt sessions failed: {e}"),
        }
    }
}
