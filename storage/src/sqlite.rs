//! The SQLite store: the embedded default, one file, no server.
//!
//! Writes go through a pool of one connection. Each is two round trips to that connection's
//! thread: `BEGIN IMMEDIATE` (which takes the write lock before anything is read: a deferred
//! transaction that upgrades from read to write can fail with SQLITE_BUSY without waiting)
//! together with the reads the write depends on; then every write statement together with
//! `COMMIT`. sqlx's `Transaction` would add a round trip for each of `BEGIN` and `COMMIT`,
//! which on SQLite cost more than the fsync. A [`Writer`] guard gives the same safety: a
//! transaction left open by an error or a cancelled future is rolled back, by `ROLLBACK` or,
//! failing that, by closing the connection. Reads use their own pool, which WAL lets run beside
//! the writer. Another process on the same file waits up to `busy_timeout` for the lock.

use std::str::FromStr;

use aimsbot_workflows::flow::{Session, SessionStatus};
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Executor, FromRow, Row, Sqlite, SqlitePool};

use crate::shared::{self, SELECT_SCHEMA_VERSION, bind_write, impl_store};
use crate::{ConnectOptions, SchemaStatus, SqliteDurability};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

/// `BEGIN IMMEDIATE`, then the next reference number (`$1` guild, `$2` kind, `$3` year), the
/// head, and the event an idempotency key (`$4`) already wrote.
const BEGIN_CREATE: &str = concat!(
    "BEGIN IMMEDIATE; ",
    shared::allocate_reference!(),
    "; SELECT h.seq, h.hash, k.seq FROM ledger_head h \
       LEFT JOIN idempotency_keys k ON k.key = $4 WHERE h.id = 1;"
);
/// `BEGIN IMMEDIATE`, then the head, the record to change and the replay check.
const BEGIN_CHANGE: &str = concat!("BEGIN IMMEDIATE; ", shared::select_head_and_record!(), ";");
const CREATE_AND_COMMIT: &str = concat!(shared::write_created!(), " COMMIT;");
const CREATE_CLOSE_AND_COMMIT: &str = concat!(
    shared::write_created!(),
    crate::sessions::close_session_after_write!(),
    " COMMIT;"
);
const CHANGE_AND_COMMIT: &str = concat!(shared::write_changed!(), " COMMIT;");

/// The writer connection while a write transaction may be open. Dropped with the transaction
/// still open (an error path, a cancelled future), it closes the connection instead of
/// returning it to the pool: SQLite rolls back on close, and the pool opens a fresh one.
struct Writer {
    connection: Option<PoolConnection<Sqlite>>,
    open: bool,
}

impl Writer {
    async fn acquire(pool: &SqlitePool) -> Result<Self, StoreError> {
        Ok(Self {
            connection: Some(pool.acquire().await.map_err(StoreError::backend)?),
            open: false,
        })
    }

    fn connection(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.connection.as_deref_mut().ok_or_else(|| {
            StoreError::backend(std::io::Error::other("writer connection already released"))
        })
    }

    /// Runs the statements that begin the transaction and read what the write needs.
    async fn begin(
        &mut self,
        query: sqlx::query::Query<'_, Sqlite, SqliteArguments>,
    ) -> Result<Vec<SqliteRow>, StoreError> {
        self.open = true;
        let result = query.fetch_all(self.connection()?).await;
        self.or_roll_back(result).await
    }

    /// Runs the write statements, which end with `COMMIT`.
    async fn commit(
        &mut self,
        query: sqlx::query::Query<'_, Sqlite, SqliteArguments>,
    ) -> Result<(), StoreError> {
        let result = query.execute(self.connection()?).await.map(|_| ());
        let result = self.or_roll_back(result).await;
        if result.is_ok() {
            self.open = false;
        }
        result
    }

    async fn or_roll_back<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, StoreError> {
        self.check(result.map_err(StoreError::backend)).await
    }

    /// Passes `result` on, rolling back first when it is an error: nothing is written then.
    async fn check<T>(&mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if result.is_err() {
            self.roll_back().await;
        }
        result
    }

    /// Ends the transaction without writing. If even that fails, dropping closes the connection.
    async fn roll_back(&mut self) {
        if !self.open {
            return;
        }
        let Ok(connection) = self.connection() else {
            return;
        };
        match connection.execute("ROLLBACK").await {
            Ok(_) => self.open = false,
            // SQLite already rolled back (it does after some errors).
            Err(e) if e.to_string().contains("no transaction is active") => self.open = false,
            Err(e) => {
                tracing::warn!("rolling back a failed write failed, closing the connection: {e}")
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.open
            && let Some(connection) = self.connection.take()
        {
            drop(connection.detach());
        }
    }
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

    /// Creates a record and, when given, closes the session that produced it: one
    /// transaction, two round trips.
    pub(crate) async fn write_create(
        &self,
        new: NewRecord,
        close: Option<Session>,
    ) -> Result<(Committed, Option<Session>), StoreError> {
        let record = shared::validate_new(&new)?;
        let key = new.idempotency_key.clone();
        let kind = record.kind();
        let year = new.at.year();
        let mut writer = Writer::acquire(&self.writer).await?;
        let rows = writer
            .begin(
                sqlx::query(BEGIN_CREATE)
                    .bind(new.guild.as_str().to_owned())
                    .bind(kind.as_str())
                    .bind(i64::from(year))
                    .bind(key.clone()),
            )
            .await?;
        let read = match rows.as_slice() {
            [counter, head] => (|| {
                let number: i64 = counter.try_get(0)?;
                let seq: i64 = head.try_get(0)?;
                let hash: String = head.try_get(1)?;
                let replay: Option<i64> = head.try_get(2)?;
                Ok::<_, sqlx::Error>((number, seq, hash, replay))
            })()
            .map_err(StoreError::backend),
            other => Err(StoreError::backend(std::io::Error::other(format!(
                "beginning a write returned {} rows, expected 2",
                other.len()
            )))),
        };
        let (number, seq, hash, replay) = writer.check(read).await?;
        if let Some(seq) = replay {
            // The number just taken is given back by the rollback: no gap.
            writer.roll_back().await;
            drop(writer);
            return Ok((self.replay(seq).await?, close));
        }
        let sealed = shared::chain_head(seq, &hash).and_then(|head| {
            let reference = shared::reference_from_counter(kind, year, number)?;
            Ok((
                reference,
                shared::seal_creation(new, record, reference, &head),
            ))
        });
        let (reference, committed) = writer.check(sealed).await?;
        let closed = close.map(|session| Session {
            status: SessionStatus::Completed,
            result: Some(reference),
            ..session
        });
        let write = match &closed {
            None => bind_write!(sqlx::query(CREATE_AND_COMMIT), &committed, key.as_deref()),
            Some(session) => crate::sessions::bind_close(
                bind_write!(
                    sqlx::query(CREATE_CLOSE_AND_COMMIT),
                    &committed,
                    key.as_deref()
                ),
                session,
            )?,
        };
        writer.commit(write).await?;
        let closed = closed.map(|session| Session {
            version: session.version + 1,
            ..session
        });
        Ok((committed, closed))
    }

    /// Appends a change to a record: one transaction, two round trips.
    pub(crate) async fn write_change(&self, change: RecordChange) -> Result<Committed, StoreError> {
        shared::check_idempotency_key(change.idempotency_key.as_ref())?;
        let key = change.idempotency_key.clone();
        let reference = change.reference.to_string();
        let mut writer = Writer::acquire(&self.writer).await?;
        let rows = writer
            .begin(
                sqlx::query(BEGIN_CHANGE)
                    .bind(change.guild.as_str().to_owned())
                    .bind(reference.clone())
                    .bind(key.clone()),
            )
            .await?;
        let decoded = match rows.first() {
            Some(row) => shared::HeadAndRecordTuple::from_row(row)
                .map_err(StoreError::backend)
                .and_then(shared::head_and_record),
            None => Err(StoreError::backend(std::io::Error::other(
                "the ledger head row is missing",
            ))),
        };
        let (head, replay, current) = writer.check(decoded).await?;
        if let Some(seq) = replay {
            writer.roll_back().await;
            drop(writer);
            return self.replay(seq).await;
        }
        let sealed = current
            .ok_or(StoreError::NotFound(reference))
            .and_then(|current| shared::seal_change(change, current, &head));
        let committed = writer.check(sealed).await?;
        writer
            .commit(bind_write!(
                sqlx::query(CHANGE_AND_COMMIT),
                &committed,
                key.as_deref()
            ))
            .await?;
        Ok(committed)
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
