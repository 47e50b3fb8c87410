//! The PostgreSQL store: for many guilds and several replicas.
//!
//! Every record write is one transaction that locks the single ledger-head row (`FOR
//! UPDATE`), which orders appends across all connections and replicas; reference counters,
//! idempotency keys and a completing session are checked under the same lock, so concurrent
//! writers neither collide nor leave gaps. Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so
//! replicas share the work without waiting on each other.

mod outbox;
mod sessions;
mod store;
mod write;

#[cfg(feature = "test-support")]
pub(crate) use outbox::CLAIM;
#[cfg(feature = "test-support")]
pub(crate) use store::{CONCERN_BY_HANDLE, RECORDS_NAMED_EXACTLY, RECORDS_NAMED_STARTING_WITH};

use std::str::FromStr;

use aimsbot_workflows::ports::StoreError;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::{ConnectOptions, SchemaStatus, latest_migration};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const MIGRATIONS_TABLE_EXISTS: &str = "SELECT to_regclass('_sqlx_migrations') IS NOT NULL";

const SCHEMA_VERSION: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

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

    /// The pool, for tests and tools that need raw access (never the ledger).
    pub fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let has_table: bool = sqlx::query_scalar(MIGRATIONS_TABLE_EXISTS)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        let applied = if has_table {
            sqlx::query_scalar(SCHEMA_VERSION)
                .fetch_one(&self.pool)
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
        MIGRATOR.run(&self.pool).await.map_err(StoreError::backend)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
