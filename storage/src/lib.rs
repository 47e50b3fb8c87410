//! aimsbot's storage: the [`Store`], [`SessionStore`] and [`Outbox`] ports on SQLite (the
//! embedded default) and PostgreSQL, chosen by the database URL's scheme, each with its own
//! migrations and its own SQL.
//!
//! Every record write runs in one transaction that locks the ledger head, allocates any
//! reference, applies the domain's projection rules, appends the hash-chained event, writes
//! the record and the messages it owes, so a crash at any moment leaves either all of it or
//! none.
//!
//! Layout: `rows` holds the row structs and their conversion to and from domain types, `seal`
//! the pure part of a record write, `search` what a name lookup compares, `outbox` what both
//! job tables share; each backend's module (`sqlite`, `postgres`) holds its SQL, as constants a
//! reader can paste into `sqlite3` or `psql`, and the code that sends it.

mod outbox;
mod postgres;
mod rows;
mod seal;
mod search;
mod sqlite;
#[cfg(feature = "test-support")]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use aimsbot_workflows::ports::{Outbox, SessionStore, Store, StoreError};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Which database a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL's scheme names: `sqlite:` or `postgres:`/`postgresql:`.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Incompatible(format!(
                "database URL scheme `{scheme}` is not supported; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB"
            ))),
        }
    }
}

/// How a SQLite database makes commits durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteDurability {
    /// `synchronous=FULL`: an acknowledged record survives a power loss.
    #[default]
    Full,
    /// `synchronous=NORMAL`: survives a process crash, may lose the last commits on power loss.
    Normal,
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `sqlite://PATH` or `postgres://…`; never logged (it may hold a password).
    pub url: String,
    pub max_connections: u32,
    pub sqlite_durability: SqliteDurability,
    /// How long a SQLite writer waits for another process's lock.
    pub busy_timeout: Duration,
}

impl ConnectOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            sqlite_durability: SqliteDurability::Full,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// Where the database's schema stands against this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaStatus {
    /// The newest migration applied to the database (`None`: an empty database).
    pub applied: Option<i64>,
    /// The newest migration this binary carries.
    pub latest_known: i64,
}

impl SchemaStatus {
    pub fn is_newer_than_binary(&self) -> bool {
        self.applied.is_some_and(|v| v > self.latest_known)
    }

    pub fn is_current(&self) -> bool {
        self.applied == Some(self.latest_known)
    }
}

/// An open database of either kind.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl Database {
    /// Connects (creating a SQLite file if missing) without touching the schema.
    pub async fn connect(options: &ConnectOptions) -> Result<Self, StoreError> {
        Ok(match Backend::of_url(&options.url)? {
            Backend::Sqlite => Database::Sqlite(Arc::new(SqliteStore::connect(options).await?)),
            Backend::Postgres => {
                Database::Postgres(Arc::new(PostgresStore::connect(options).await?))
            }
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(_) => Backend::Postgres,
        }
    }

    /// The store port, for the rest of the application.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Database::Sqlite(s) => s.clone(),
            Database::Postgres(s) => s.clone(),
        }
    }

    /// The guided-prompt session port.
    pub fn sessions(&self) -> Arc<dyn SessionStore> {
        match self {
            Database::Sqlite(s) => s.clone(),
            Database::Postgres(s) => s.clone(),
        }
    }

    /// The job table: messages owed, claimed and delivered by workers.
    pub fn outbox(&self) -> Arc<dyn Outbox> {
        match self {
            Database::Sqlite(s) => s.clone(),
            Database::Postgres(s) => s.clone(),
        }
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        match self {
            Database::Sqlite(s) => s.schema_status().await,
            Database::Postgres(s) => s.schema_status().await,
        }
    }

    /// Applies pending migrations; refuses a database whose schema is newer than this binary.
    /// Returns the status after migrating.
    pub async fn migrate(&self) -> Result<SchemaStatus, StoreError> {
        refuse_newer(self.schema_status().await?)?;
        match self {
            Database::Sqlite(s) => s.migrate().await?,
            Database::Postgres(s) => s.migrate().await?,
        }
        self.schema_status().await
    }

    /// Fails unless the schema is exactly what this binary expects (for `run` without
    /// auto-migration).
    pub async fn require_current_schema(&self) -> Result<SchemaStatus, StoreError> {
        let status = refuse_newer(self.schema_status().await?)?;
        if !status.is_current() {
            return Err(StoreError::Incompatible(format!(
                "the database schema is at version {} but this aimsbot needs version {}: run `aimsbot migrate` first",
                status
                    .applied
                    .map_or_else(|| "none (empty database)".to_owned(), |v| v.to_string()),
                status.latest_known
            )));
        }
        Ok(status)
    }

    pub async fn close(&self) {
        match self {
            Database::Sqlite(s) => s.close().await,
            Database::Postgres(s) => s.close().await,
        }
    }
}

/// The newest migration a migrator carries.
fn latest_migration(migrator: &sqlx::migrate::Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or_default()
}

fn refuse_newer(status: SchemaStatus) -> Result<SchemaStatus, StoreError> {
    if status.is_newer_than_binary() {
        return Err(StoreError::Incompatible(format!(
            "the database schema is at version {} but this aimsbot only knows versions up to {}: \
             it was migrated by a newer aimsbot. Run that version (or newer) instead; nothing was changed",
            status.applied.unwrap_or_default(),
            status.latest_known
        )));
    }
    Ok(status)
}
