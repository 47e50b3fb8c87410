//! The ports through which the domain reaches the outside world. Adapters implement them:
//! `aimsbot-storage` the [`Store`], [`SessionStore`] and [`Outbox`]; the binary the
//! [`Directory`] (who holds a chat role) and the [`OutboxWaker`]; the clock is [`crate::Clock`].

use async_trait::async_trait;

use crate::flow::Session;
use crate::ledger::{ChainHead, LedgerEvent, StoredEvent};
use crate::outbox::{
    Attempt, Job, JobQuery, JobSummary, NewJob, NextStep, OutboxCounts, OwedMessage,
};
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

/// Records that evidence a control, to count: made in `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceQuery {
    /// One guild, or all.
    pub guild: Option<GuildId>,
    pub kind: RecordKind,
    /// For reviews: only these review kinds (stored names); empty = any.
    pub review_kinds: Vec<&'static str>,
    /// Only records whose body has one of these fields set (not null); empty = any.
    pub requires: Vec<&'static str>,
    /// Only records about this AI system (its reference, or the name typed for it).
    pub ai_system: Option<String>,
    pub from: Timestamp,
    pub to: Timestamp,
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
    /// Messages the new record owes (a notice to the compliance channel…), committed with
    /// it; made into jobs once its reference is allocated.
    pub owed: Vec<OwedMessage>,
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
    /// Messages the change owes, committed with it.
    pub owed: Vec<NewJob>,
}

/// What a committed write produced.
#[derive(Debug, Clone)]
pub struct Committed {
    pub record: StoredRecord,
    pub event: LedgerEvent,
    /// True when the idempotency key had been used: nothing new was written (and no message
    /// was owed again).
    pub replayed: bool,
}

/// Which records to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    pub guild: Option<GuildId>,
    pub kind: Option<RecordKind>,
    /// A lifecycle status, by its stored name (`IncidentStatus::Open.as_str()`).
    pub status: Option<&'static str>,
    /// Only records whose person (reporter, owner, overseer…) is this actor.
    pub person: Option<Actor>,
    /// Only records about this AI system (its reference, or the name typed for it).
    pub ai_system: Option<String>,
    pub limit: u32,
}

/// Finding records by what people type: their title or reference, ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameSearch {
    /// The whole title (or reference).
    Exactly(String),
    /// The start of the title (or reference), for autocomplete.
    StartingWith(String),
}

/// Durable storage of records and their ledger. Every write commits the record's projection,
/// its ledger event and the messages it owes in one transaction, or none of them.
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
    /// How many records match `query`: made in its period, of its kind (and review kinds), with
    /// its field set. Counts evidence for the control mapping.
    async fn count_evidence(&self, query: &EvidenceQuery) -> Result<u64, StoreError>;
    /// Records of one kind in a guild whose title or reference matches `search` (an indexed
    /// lookup, never a scan), at most `limit`, by title.
    async fn records_named(
        &self,
        guild: &GuildId,
        kind: RecordKind,
        search: &NameSearch,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError>;
    /// The concern whose follow-up handle hashes to `handle_sha256` (an indexed lookup).
    async fn concern_by_handle(
        &self,
        handle_sha256: &str,
    ) -> Result<Option<StoredRecord>, StoreError>;
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

/// What becomes of a session when its record is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// Kept, completed, with the record's reference (a second click says "already recorded").
    Keep,
    /// Deleted without trace in the same transaction (an anonymous concern: nothing of the
    /// draft may survive, not even its id).
    Discard,
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
    /// Stores the record a session produced and ends the session, in one transaction, if the
    /// session is still as it was read (same `version`, still open); otherwise
    /// [`StoreError::Conflict`]. The record's idempotency key makes a second completion (a
    /// double or replayed click) return the first record, changing nothing. Returns the kept
    /// session (`None` when discarded).
    async fn complete_session(
        &self,
        session: Session,
        record: NewRecord,
        end: SessionEnd,
    ) -> Result<(Option<Session>, Committed), StoreError>;
    /// Deletes a session without trace (an abandoned anonymous draft). `false` when it was
    /// already gone.
    async fn discard_session(&self, id: &str) -> Result<bool, StoreError>;
    /// Deletes every session that expired before `now`, without trace; returns how many.
    async fn reap_sessions(&self, now: Timestamp) -> Result<u64, StoreError>;
}

/// The job table: messages owed (and, next, reminders) waiting to be delivered.
#[async_trait]
pub trait Outbox: Send + Sync + std::fmt::Debug {
    /// Adds jobs outside a record write (a test, the scheduler); a job whose dedupe key
    /// exists is skipped. Returns how many were added.
    async fn enqueue(&self, jobs: Vec<NewJob>) -> Result<u64, StoreError>;
    /// Claims up to `limit` jobs due at `now` (queued with `run_at <= now`, or running with an
    /// expired lease), oldest first, with one atomic statement: each job is claimed by one
    /// worker at a time. The lease lasts until `now + lease`.
    async fn claim(
        &self,
        worker: &str,
        now: Timestamp,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError>;
    /// Records an attempt and what follows, if `job` is still held by this claim (its lease
    /// not lost to another worker). `false` when the claim was lost: nothing was changed.
    async fn finish(&self, job: &Job, attempt: Attempt, next: NextStep)
    -> Result<bool, StoreError>;
    /// Gives a claimed job back unsent, due at once (a worker stopping).
    async fn release(&self, job: &Job) -> Result<(), StoreError>;
    async fn jobs(&self, query: &JobQuery) -> Result<Vec<JobSummary>, StoreError>;
    /// Every attempt of a job, oldest first.
    async fn attempts(&self, job_id: i64) -> Result<Vec<Attempt>, StoreError>;
    async fn counts(&self) -> Result<OutboxCounts, StoreError>;
    /// Puts a dead letter back in the queue, due at `now`. `false` when it is not dead.
    async fn requeue(&self, job_id: i64, now: Timestamp) -> Result<bool, StoreError>;
}

/// Wakes the delivery worker of this process when a write owed a message, so it is sent at
/// once instead of at the next poll.
pub trait OutboxWaker: Send + Sync + std::fmt::Debug {
    fn wake(&self);
}

/// Why the directory could not answer.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The chat platform is not connected or refused; the detail is for logs.
    #[error("the member directory is unavailable: {0}")]
    Unavailable(String),
}

/// Who holds a chat role: the people an attestation is requested from.
#[async_trait]
pub trait Directory: Send + Sync + std::fmt::Debug {
    /// The people (never bots) holding the platform role `role` in `guild`.
    async fn members_with_role(
        &self,
        guild: &GuildId,
        role: &str,
    ) -> Result<Vec<Actor>, DirectoryError>;
}
