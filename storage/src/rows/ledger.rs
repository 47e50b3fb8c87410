//! Rows of the ledger and the records projected from it: `ledger_events`, `ledger_head`,
//! `records`, `reference_counters` and `idempotency_keys`.

use aimsbot_workflows::canonical::to_canonical_string;
use aimsbot_workflows::ledger::StoredEvent;
use aimsbot_workflows::ports::StoreError;
use aimsbot_workflows::{
    ChainHead, GuildId, LedgerEvent, Record, RecordKind, Reference, StoredRecord, ValidationError,
};
use serde::Serialize;

use super::{corrupt, signed, unsigned};

/// A `ledger_events` row. Its text columns hold exactly the bytes that were hashed, so they
/// are written and read as they are, never re-encoded.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub(crate) struct EventRow {
    pub seq: i64,
    pub guild_id: String,
    pub record_ref: String,
    pub kind: String,
    pub actor: String,
    pub recorded_at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl EventRow {
    pub(crate) fn of(event: &LedgerEvent) -> Self {
        let row = event.to_row();
        Self {
            seq: signed(row.seq),
            guild_id: row.guild_id,
            record_ref: row.record_ref,
            kind: row.kind,
            actor: row.actor,
            recorded_at: row.recorded_at,
            payload: row.payload,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }

    /// The row unparsed, for verification, which must see what is on disk.
    pub(crate) fn into_stored(self) -> Result<StoredEvent, StoreError> {
        Ok(StoredEvent {
            seq: unsigned("ledger_events.seq", self.seq)?,
            guild_id: self.guild_id,
            record_ref: self.record_ref,
            kind: self.kind,
            actor: self.actor,
            recorded_at: self.recorded_at,
            payload: self.payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }

    pub(crate) fn into_event(self) -> Result<LedgerEvent, StoreError> {
        let stored = self.into_stored()?;
        stored
            .parse()
            .map_err(|e| corrupt(format!("ledger event seq {}: {e}", stored.seq)))
    }
}

/// A `records` row as read: the columns a [`StoredRecord`] is made of.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RecordRow {
    pub guild_id: String,
    pub reference: String,
    pub kind: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_seq: i64,
}

impl RecordRow {
    /// Parses the row, re-checking every rule of the record's kind.
    pub(crate) fn into_stored(self) -> Result<StoredRecord, StoreError> {
        let context = |e: ValidationError| {
            corrupt(format!(
                "record {} in guild {}: {e}",
                self.reference, self.guild_id
            ))
        };
        let kind: RecordKind = self.kind.parse().map_err(context)?;
        let body = serde_json::from_str(&self.body)
            .map_err(|e| context(ValidationError::new("body", e.to_string())))?;
        Ok(StoredRecord {
            guild: GuildId::new(self.guild_id.clone()).map_err(context)?,
            reference: self.reference.parse().map_err(context)?,
            record: Record::from_json(kind, body).map_err(context)?,
            created_at: self.created_at.parse().map_err(context)?,
            updated_at: self.updated_at.parse().map_err(context)?,
            last_seq: unsigned("records.last_seq", self.last_seq)?,
        })
    }
}

/// A `records` row as written: the projection, and the columns lists and lookups filter on.
#[derive(Debug, Serialize)]
pub(crate) struct RecordWriteRow {
    pub guild_id: String,
    pub reference: String,
    pub kind: &'static str,
    pub title: String,
    /// The title lowercased, for lookups that ignore case.
    pub search_title: String,
    /// A concern's follow-up handle hash.
    pub follow_up_key: Option<String>,
    pub status: Option<&'static str>,
    pub ai_system: Option<String>,
    pub person_platform: Option<&'static str>,
    pub person_id: Option<String>,
    /// Canonical JSON of the record's body.
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_seq: i64,
}

impl RecordWriteRow {
    pub(crate) fn of(stored: &StoredRecord) -> Self {
        let record = &stored.record;
        let title = record.title();
        // An anonymous reporter is nobody's "my records".
        let person = record.person().filter(|p| !p.is_anonymous());
        let follow_up_key = match record {
            Record::Concern(concern) => concern.follow_up_handle_sha256.clone(),
            _ => None,
        };
        Self {
            guild_id: stored.guild.to_string(),
            reference: stored.reference.to_string(),
            kind: record.kind().as_str(),
            search_title: title.to_lowercase(),
            title,
            follow_up_key,
            status: record.status(),
            ai_system: record.ai_system(),
            person_platform: person.map(|p| p.platform.as_str()),
            person_id: person.map(|p| p.platform_user_id.clone()),
            body: to_canonical_string(&record.to_json()),
            created_at: stored.created_at.to_canonical(),
            updated_at: stored.updated_at.to_canonical(),
            last_seq: signed(stored.last_seq),
        }
    }
}

/// An `idempotency_keys` row: the key, and the event its first write appended.
#[derive(Debug, Serialize)]
pub(crate) struct IdempotencyKeyRow {
    pub key: String,
    pub guild_id: String,
    pub reference: String,
    pub seq: i64,
    pub created_at: String,
}

/// The ledger head: the last event's sequence number and hash.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct HeadRow {
    pub head_seq: i64,
    pub head_hash: String,
}

impl HeadRow {
    pub(crate) fn chain_head(&self) -> Result<ChainHead, StoreError> {
        Ok(ChainHead {
            seq: unsigned("ledger_head.seq", self.head_seq)?,
            hash: self
                .head_hash
                .parse()
                .map_err(|e: ValidationError| corrupt(format!("ledger head hash: {e}")))?,
        })
    }
}

/// The head as a write reads it under the write lock, with the event the write's idempotency
/// key already produced (`None` when the key is new, or there is none).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WriteHeadRow {
    #[sqlx(flatten)]
    pub head: HeadRow,
    pub replayed_seq: Option<i64>,
}

/// What a change reads under the write lock, in one row: the head, the event its idempotency
/// key already produced, and the record as it stands, whose columns are NULL when there is no
/// such record (a `LEFT JOIN`).
#[derive(Debug)]
pub(crate) struct ChangeStartRow {
    pub head: WriteHeadRow,
    pub current: Option<RecordRow>,
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for ChangeStartRow
where
    WriteHeadRow: sqlx::FromRow<'r, R>,
    RecordRow: sqlx::FromRow<'r, R>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    &'r str: sqlx::ColumnIndex<R>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let found: Option<String> = row.try_get("reference")?;
        Ok(Self {
            head: WriteHeadRow::from_row(row)?,
            current: found.map(|_| RecordRow::from_row(row)).transpose()?,
        })
    }
}

/// The number a write took from `reference_counters`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CounterRow {
    pub last_number: i64,
}

pub(crate) fn reference_from_counter(
    kind: RecordKind,
    year: i32,
    counter: &CounterRow,
) -> Result<Reference, StoreError> {
    let number = unsigned("reference_counters.last_number", counter.last_number)?;
    Reference::new(kind, year, number).map_err(StoreError::Invalid)
}
