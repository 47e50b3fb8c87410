//! The guard around SQLite's one writer connection while a write transaction may be open.
//!
//! A write is sent in batches that open and close the transaction themselves (`BEGIN
//! IMMEDIATE; …` then `…; COMMIT;`), because every call into sqlx-sqlite is a round trip to the
//! connection's worker thread, and sqlx's own `Transaction` would add one for each of `BEGIN`
//! and `COMMIT`. The guard gives back what `Transaction` would: a transaction left open by an
//! error is rolled back, and one left open by a cancelled future is rolled back by closing the
//! connection (SQLite rolls back on close; the pool opens a fresh one).

use aimsbot_workflows::ports::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Executor, Sqlite, SqlitePool};

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// The writer connection, and whether a transaction is open on it.
pub(super) struct Writer {
    connection: Option<PoolConnection<Sqlite>>,
    open: bool,
}

impl Writer {
    pub(super) async fn acquire(pool: &SqlitePool) -> Result<Self, StoreError> {
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

    /// Runs a batch that begins the transaction (and reads what the write needs), returning
    /// the rows of all its statements in order. The transaction stays open.
    pub(super) async fn begin(&mut self, batch: Query<'_>) -> Result<Vec<SqliteRow>, StoreError> {
        self.open = true;
        let result = batch.fetch_all(self.connection()?).await;
        self.or_roll_back(result).await
    }

    /// Runs a batch that ends with `COMMIT`, returning the rows of its statements.
    pub(super) async fn commit(&mut self, batch: Query<'_>) -> Result<Vec<SqliteRow>, StoreError> {
        let result = batch.fetch_all(self.connection()?).await;
        let rows = self.or_roll_back(result).await?;
        self.open = false;
        Ok(rows)
    }

    /// Runs a whole transaction in one batch (`BEGIN IMMEDIATE; …; COMMIT;`).
    pub(super) async fn transaction(
        &mut self,
        batch: Query<'_>,
    ) -> Result<Vec<SqliteRow>, StoreError> {
        self.open = true;
        self.commit(batch).await
    }

    async fn or_roll_back<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, StoreError> {
        self.check(result.map_err(StoreError::backend)).await
    }

    /// Passes `result` on, rolling back first when it is an error: nothing is written then.
    pub(super) async fn check<T>(
        &mut self,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if result.is_err() {
            self.roll_back().await;
        }
        result
    }

    /// Ends the transaction without writing. If even that fails, dropping closes the connection.
    pub(super) async fn roll_back(&mut self) {
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
