//! The PostgreSQL store: for many guilds and several replicas.
//!
//! Every write locks the single ledger-head row (`FOR UPDATE`), which orders appends across
//! all connections and replicas; reference counters and idempotency keys are checked under
//! the same lock, so concurrent writers neither collide nor leave gaps.

use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::str::FromStr;

use crate::shared::{SELECT_SCHEMA_VERSION, impl_store};
use crate::sqlite::latest_known;
use crate::{ConnectOptions, SchemaStatus};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A PostgreSQL database.
#[derive(Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const LOCK_HEAD: &'static str =
        concat!(crate::shared::select_head_and_key!(), " FOR UPDATE OF h");
    const LOCK_HEAD_AND_RECORD: &'static str =
        concat!(crate::shared::select_head_and_record!(), " FOR UPDATE OF h");
    // One statement (data-modifying CTEs), so an append costs one round trip to the server.
    const WRITE_CREATED: &'static str = "\
        WITH event AS ( \
            INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq), \
        record AS ( \
            INSERT INTO records (guild_id, reference, kind, title, status, ai_system, person_platform, person_id, body, created_at, updated_at, last_seq) \
            SELECT $2, $3, $11, $12, $13, $14, $15, $16, $17, $6, $6, seq FROM event) \
        INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
        SELECT $10, $2, $3, seq, $6 FROM event WHERE $10::text IS NOT NULL";
    const WRITE_CHANGED: &'static str = "\
        WITH event AS ( \
            INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq), \
        record AS ( \
            UPDATE records SET title = $12, status = $13, ai_system = $14, body = $17, updated_at = $6, last_seq = event.seq \
            FROM event WHERE guild_id = $2 AND reference = $3 AND kind = $11) \
        INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
        SELECT $10, $2, $3, seq, $6 FROM event WHERE $10::text IS NOT NULL";

    pub async fn connect(options: &ConnectOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(&options.url).map_err(StoreError::backend)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect)
            .await
            .map_err(StoreError::backend)?;
        Ok(Self { pool })
    }

    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(StoreError::backend)
    }

    pub(crate) fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    /// The pool, for tests and tools that need raw access (never the ledger).
    pub fn write_pool(&self) -> &PgPool {
        &self.pool
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
