//! The PostgreSQL store: for many guilds and several replicas.
//!
//! Every write is one transaction that locks the single ledger-head row (`FOR UPDATE`), which
//! orders appends across all connections and replicas; reference counters and idempotency keys
//! are checked under the same lock, so concurrent writers neither collide nor leave gaps.

use std::str::FromStr;

use aimsbot_workflows::flow::{Session, SessionStatus};
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, StoreError};
use aimsbot_workflows::{ChainHead, Record, StoredRecord};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::shared::{self, SELECT_SCHEMA_VERSION, bind_write, impl_store};
use crate::sqlite::latest_known;
use crate::{ConnectOptions, SchemaStatus};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Locks the head row, which orders every write. The reads that depend on earlier writes come
/// in a statement of their own after it: under READ COMMITTED a statement that waited for the
/// lock re-reads only the locked row, and would see other tables as they were before the write
/// it waited for.
const LOCK_HEAD: &str = "SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE";
const HEAD_AND_KEY: &str = shared::select_head_and_key!();
const HEAD_RECORD_AND_KEY: &str = shared::select_head_and_record!();
const ALLOCATE_REFERENCE: &str = shared::allocate_reference!();

/// One statement (data-modifying CTEs), so an append costs one round trip to the server.
/// Parameters as [`shared::write_created`].
const WRITE_CREATED: &str = "\
    WITH event AS ( \
        INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq), \
    record AS ( \
        INSERT INTO records (guild_id, reference, kind, title, status, ai_system, person_platform, person_id, body, created_at, updated_at, last_seq) \
        SELECT $2, $3, $11, $12, $13, $14, $15, $16, $17, $6, $6, seq FROM event) \
    INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
    SELECT $10, $2, $3, seq, $6 FROM event WHERE $10::text IS NOT NULL";

const WRITE_CHANGED: &str = "\
    WITH event AS ( \
        INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq), \
    record AS ( \
        UPDATE records SET title = $12, status = $13, ai_system = $14, body = $17, updated_at = $6, last_seq = event.seq \
        FROM event WHERE guild_id = $2 AND reference = $3 AND kind = $11) \
    INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
    SELECT $10, $2, $3, seq, $6 FROM event WHERE $10::text IS NOT NULL";

/// A PostgreSQL database.
#[derive(Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(options: &ConnectOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(&options.url).map_err(StoreError::backend)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect)
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { pool })
    }

    pub(crate) fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    /// The pool, for tests and tools that need raw access (never the ledger).
    pub fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    async fn lock_head(tx: &mut Transaction<'static, Postgres>) -> Result<(), StoreError> {
        sqlx::query(LOCK_HEAD)
            .execute(&mut **tx)
            .await
            .map(|_| ())
            .map_err(StoreError::backend)
    }

    /// Creates a record inside `tx`; `Err(seq)` when its idempotency key already wrote event
    /// `seq` (then nothing was written).
    async fn create_in(
        tx: &mut Transaction<'static, Postgres>,
        new: NewRecord,
        record: Record,
    ) -> Result<Result<Committed, i64>, StoreError> {
        let key = new.idempotency_key.clone();
        Self::lock_head(tx).await?;
        let (seq, hash, replay): (i64, String, Option<i64>) = sqlx::query_as(HEAD_AND_KEY)
            .bind(key.as_deref())
            .fetch_one(&mut **tx)
            .await
            .map_err(StoreError::backend)?;
        if let Some(seq) = replay {
            return Ok(Err(seq));
        }
        let head = shared::chain_head(seq, &hash)?;
        let kind = record.kind();
        let year = new.at.year();
        let number: i64 = sqlx::query_scalar(ALLOCATE_REFERENCE)
            .bind(new.guild.as_str())
            .bind(kind.as_str())
            .bind(i64::from(year))
            .fetch_one(&mut **tx)
            .await
            .map_err(StoreError::backend)?;
        let reference = shared::reference_from_counter(kind, year, number)?;
        let committed = shared::seal_creation(new, record, reference, &head);
        bind_write!(sqlx::query(WRITE_CREATED), &committed, key.as_deref())
            .execute(&mut **tx)
            .await
            .map_err(StoreError::backend)?;
        Ok(Ok(committed))
    }

    /// Creates a record and, when given, closes the session that produced it, in one
    /// transaction.
    pub(crate) async fn write_create(
        &self,
        new: NewRecord,
        close: Option<Session>,
    ) -> Result<(Committed, Option<Session>), StoreError> {
        let record = shared::validate_new(&new)?;
        let mut tx = self.pool.begin().await.map_err(StoreError::backend)?;
        let committed = match Self::create_in(&mut tx, new, record).await? {
            Ok(committed) => committed,
            Err(seq) => {
                drop(tx);
                return Ok((self.replay(seq).await?, close));
            }
        };
        let closed = match close {
            Some(session) => {
                let session = Session {
                    status: SessionStatus::Completed,
                    result: Some(committed.record.reference),
                    ..session
                };
                crate::sessions::bind_close(sqlx::query(crate::sessions::CLOSE_SESSION), &session)?
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::backend)?;
                Some(Session {
                    version: session.version + 1,
                    ..session
                })
            }
            None => None,
        };
        tx.commit().await.map_err(StoreError::backend)?;
        Ok((committed, closed))
    }

    pub(crate) async fn write_change(&self, change: RecordChange) -> Result<Committed, StoreError> {
        shared::check_idempotency_key(change.idempotency_key.as_ref())?;
        let key = change.idempotency_key.clone();
        let reference = change.reference.to_string();
        let mut tx = self.pool.begin().await.map_err(StoreError::backend)?;
        Self::lock_head(&mut tx).await?;
        let row: shared::HeadAndRecordTuple = sqlx::query_as(HEAD_RECORD_AND_KEY)
            .bind(change.guild.as_str())
            .bind(&reference)
            .bind(key.as_deref())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        let (head, replay, current): (ChainHead, Option<i64>, Option<StoredRecord>) =
            shared::head_and_record(row)?;
        if let Some(seq) = replay {
            drop(tx);
            return self.replay(seq).await;
        }
        let current = current.ok_or(StoreError::NotFound(reference))?;
        let committed = shared::seal_change(change, current, &head)?;
        bind_write!(sqlx::query(WRITE_CHANGED), &committed, key.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        tx.commit().await.map_err(StoreError::backend)?;
        Ok(committed)
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let has_table: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::backend)?;
        let applied = if has_table {
            sqlx::query_scalar(SELECT_SCHEMA_VERSION)
                .fetch_one(&self.pool)
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
        MIGRATOR.run(&self.pool).await.map_err(StoreError::backend)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

crate::sessions::impl_session_store!(PostgresStore);
impl_store!(PostgresStore, Postgres);
