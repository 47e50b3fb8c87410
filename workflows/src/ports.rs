//! The ports through which the domain reaches the outside world. Adapters implement them:
//! `aimsbot-storage` the [`Store`], the binary the chat and clock ports.

use async_trait::async_trait;

use crate::flow::Session;
use crate::ledger::{ChainHead, LedgerEvent, StoredEvent};
use crate::records::{Change, Record, StoredRecord};
use crate::{Actor, GuildId, RecordKind, Reference, Timestamp, ValidationError};

/// Why a storage operation failed. User-facing text is in [`StoreError::user_message`]; the
/// `Display` form may carry internal detail for logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change was refused by the domain rules; nothing was written.
    #[error("invalid: {0}")]
    Invalid(#[from] ValidationError),
    #[error("{0} not found")]
    NotFound(String),
    /// Someone else changed it since it was read; read it again.
    #[error("{0} was changed by someone else at the same time")]
    Conflict(String),
    /// The database is newer than this binary, or similar: an operator must act.
    #[error("{0}")]
    Incompatible(String),
    /// The database failed or could not be reached. The detail is for logs only.
    #[error("storage failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }

    /// What to tell the person whose action failed (never internal detail).
    pub fn user_message(&self) -> String {
        match self {
            StoreError::Invalid(e) => e.to_string(),
            StoreError::NotFound(what) => format!("{what} was not found"),
            StoreError::Conflict(what) => {
                format!("{what} was changed at the same time by another action; please try again")
            }
            StoreError::Incompatible(_) | StoreError::Backend(_) => {
                "the record store is unavailable right now; nothing was recorded, please try again"
                    .to_owned()
            }
        }
    }
}

/// A new record to create: storage allocates its reference inside the same transaction.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub guild: GuildId,
    pub actor: Actor,
    pub at: Timestamp,
    pub record: Record,
    /// A key that makes the write happen once: a chat interaction id, an API request's
    /// `Idempotency-Key`. A second write with the same key returns the first result.
    pub idempotency_key: Option<String>,
}

/// A change to an existing record.
#[derive(Debug, Clone)]
pub struct RecordChange {
    pub guild: GuildId,
    pub reference: Reference,
    pub actor: Actor,
    pub at: Timestamp,
    pub change: Change,
    pub idempotency_key: Option<String>,
}

/// What a committed write produced.
#[derive(Debug, Clone)]
pub struct Committed {
    pub record: StoredRecord,
    pub event: LedgerEvent,
    /// True when the idempotency key had been used: nothing new was written.
    pub replayed: bool,
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    pub guild: Option<GuildId>,
    pub kind: Option<RecordKind>,
    pub status: Option<String>,
    /// Only records whose person (reporter, owner, overseer…) is this actor.
    pub person: Option<Actor>,
    pub limit: u32,
}

/// Durable storage of records and their ledger. Every write commits the record's projection
/// and its ledger event in one transaction, or neither.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    async fn create(&self, new: NewRecord) -> Result<Committed, StoreError>;
    async fn change(&self, change: RecordChange) -> Result<Committed, StoreError>;
    async fn record(
        &self,
        guild: &GuildId,
        reference: &Reference,
    ) -> Result<Option<StoredRecord>, StoreError>;
    async fn records(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError>;
    /// The ledger events of one record, oldest first (its timeline).
    async fn record_events(
        &self,
        guild: &GuildId,
        reference: &Reference,
    ) -> Result<Vec<LedgerEvent>, StoreError>;
    /// Stored ledger rows with `seq > after_seq`, in order, at most `limit`: raw, for verification.
    async fn ledger_rows(&self, after_seq: u64, limit: u32)
    -> Result<Vec<StoredEvent>, StoreError>;
    /// The head the ledger records for itself.
    async fn ledger_head(&self) -> Result<ChainHead, StoreError>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Guided-prompt sessions, kept between interactions so that a restart, a second replica or
/// a late click continues where the person left off. Drafts, not evidence: not in the ledger.
#[async_trait]
pub trait SessionStore: Send + Sync + std::fmt::Debug {
    /// Stores a new session unless one with its id exists, and returns the stored one (so a
    /// replayed start gets the same session).
    async fn open_session(&self, session: Session) -> Result<Session, StoreError>;
    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError>;
    /// Saves the session if nobody saved it since it was read (same `version`), returning it
    /// with its new version; otherwise [`StoreError::Conflict`].
    async fn save_session(&self, session: Session) -> Result<Session, StoreError>;
    /// Stores the record a session produced and closes the session (completed, with the
    /// record's reference) in one transaction. The record's idempotency key makes a second
    /// completion (a double or replayed click) return the first record, changing nothing.
    async fn complete_session(
        &self,
        session: Session,
        record: NewRecord,
    ) -> Result<(Session, Committed), StoreError>;
}
