//! The PostgreSQL store: for many guilds and several replicas.
//!
//! Every write locks the single ledger-head row (`FOR UPDATE`), which orders appends across
//! all connections and replicas; reference counters and idempotency keys are checked under
//! the same lock, so concurrent writers neither collide nor leave gaps.

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
    const LOCK_HEAD: &'static str = "SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE";

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

impl_store!(PostgresStore, Postgres);
