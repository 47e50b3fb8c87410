//! What both backends share: the SQL that reads (the same text on both: `$N` placeholders work
//! on SQLite too), the pure part of every write (sealing the event, projecting the record),
//! and the `Store` impl generated once per backend by [`impl_store!`], because sqlx's
//! executors are concrete types. How a write reaches the database (one transaction per write
//! on PostgreSQL, two round trips on SQLite) is each backend's own.

use aimsbot_workflows::ledger::{EventKind, NewEvent, StoredEvent};
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, StoreError};
use aimsbot_workflows::records::{self, Record, StoredRecord};
use aimsbot_workflows::{ChainHead, GuildId, RecordKind, Reference, Timestamp, ValidationError};

/// Takes the next reference number of a guild, kind and year (`$1`, `$2`, `$3`). Inside the
/// writing transaction, so a rolled-back write leaves no gap.
macro_rules! allocate_reference {
    () => {
        "INSERT INTO reference_counters (guild_id, kind, year, last_number) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (guild_id, kind, year) DO UPDATE SET last_number = reference_counters.last_number + 1 \
         RETURNING last_number"
    };
}
pub(crate) use allocate_reference;

/// Writes a sealed event and its new record together. Parameters: the event's columns
/// `$1`–`$9` (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash),
/// `$10` the idempotency key or NULL, then the record's `$11` kind, `$12` title, `$13` status,
/// `$14` ai_system, `$15` person_platform, `$16` person_id and `$17` body ([`bind_write!`]).
/// These are SQLite's, several statements in one call; PostgreSQL has its own.
macro_rules! write_created {
    () => {
        "INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9); \
         INSERT INTO records (guild_id, reference, kind, title, status, ai_system, person_platform, person_id, body, created_at, updated_at, last_seq) \
         VALUES ($2, $3, $11, $12, $13, $14, $15, $16, $17, $6, $6, $1); \
         INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
         SELECT $10, $2, $3, $1, $6 WHERE $10 IS NOT NULL;"
    };
}
pub(crate) use write_created;

/// Like [`write_created`], for a change to an existing record.
macro_rules! write_changed {
    () => {
        "INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9); \
         UPDATE records SET title = $12, status = $13, ai_system = $14, body = $17, updated_at = $6, last_seq = $1 \
         WHERE guild_id = $2 AND reference = $3 AND kind = $11; \
         INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at) \
         SELECT $10, $2, $3, $1, $6 WHERE $10 IS NOT NULL;"
    };
}
pub(crate) use write_changed;

/// Binds the 17 parameters of a write statement from a sealed write.
macro_rules! bind_write {
    ($query:expr, $committed:expr, $key:expr) => {{
        let committed: &aimsbot_workflows::ports::Committed = $committed;
        let row = committed.event.to_row();
        let record = &committed.record.record;
        let person = record.person().filter(|p| !p.is_anonymous());
        $query
            .bind($crate::shared::seq_to_i64(row.seq))
            .bind(row.guild_id)
            .bind(row.record_ref)
            .bind(row.kind)
            .bind(row.actor)
            .bind(row.recorded_at)
            .bind(row.payload)
            .bind(row.prev_hash)
            .bind(row.hash)
            .bind($key.map(str::to_owned))
            .bind(record.kind().as_str())
            .bind(record.title())
            .bind(record.status())
            .bind(record.ai_system())
            .bind(person.map(|p| p.platform.as_str()))
            .bind(person.map(|p| p.platform_user_id.clone()))
            .bind(aimsbot_workflows::canonical::to_canonical_string(
                &record.to_json(),
            ))
    }};
}
pub(crate) use bind_write;

pub(crate) const SELECT_HEAD: &str = "SELECT seq, hash FROM ledger_head WHERE id = 1";

/// The head, and the event an idempotency key (`$1`, NULL for none) already produced: one
/// round trip. A macro so that each backend can append its lock clause with `concat!`.
macro_rules! select_head_and_key {
    () => {
        "SELECT h.seq, h.hash, k.seq FROM ledger_head h \
         LEFT JOIN idempotency_keys k ON k.key = $1 \
         WHERE h.id = 1"
    };
}
pub(crate) use select_head_and_key;

/// The head, the record to change (`$1`, `$2`) and the event an idempotency key (`$3`) already
/// produced, in one round trip.
macro_rules! select_head_and_record {
    () => {
        "SELECT h.seq, h.hash, k.seq, r.guild_id, r.reference, r.kind, r.body, r.created_at, r.updated_at, r.last_seq \
         FROM ledger_head h \
         LEFT JOIN records r ON r.guild_id = $1 AND r.reference = $2 \
         LEFT JOIN idempotency_keys k ON k.key = $3 \
         WHERE h.id = 1"
    };
}
pub(crate) use select_head_and_record;

pub(crate) const SELECT_RECORD: &str = "\
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq FROM records \
    WHERE guild_id = $1 AND reference = $2";

/// Records of one kind in one guild, the common case: the guild and kind are bound, so the
/// `(guild_id, kind, …)` indexes serve it; optional filters are bound as NULL when absent, so
/// the statement text never changes.
pub(crate) const SELECT_RECORDS_OF_KIND: &str = "\
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq FROM records \
    WHERE guild_id = $1 AND kind = $2 \
      AND ($3 IS NULL OR status = $3) \
      AND ($4 IS NULL OR (person_platform = $4 AND person_id = $5)) \
    ORDER BY created_at DESC, reference DESC \
    LIMIT $6";

/// Any other combination of filters (rare: an operator's or a cross-guild lookup).
pub(crate) const SELECT_RECORDS: &str = "\
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq FROM records \
    WHERE ($1 IS NULL OR guild_id = $1) \
      AND ($2 IS NULL OR kind = $2) \
      AND ($3 IS NULL OR status = $3) \
      AND ($4 IS NULL OR (person_platform = $4 AND person_id = $5)) \
    ORDER BY created_at DESC, reference DESC \
    LIMIT $6";

pub(crate) const SELECT_EVENT: &str = "\
    SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash \
    FROM ledger_events WHERE seq = $1";

pub(crate) const SELECT_RECORD_EVENTS: &str = "\
    SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash \
    FROM ledger_events WHERE guild_id = $1 AND record_ref = $2 ORDER BY seq";

pub(crate) const SELECT_EVENTS_AFTER: &str = "\
    SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash \
    FROM ledger_events WHERE seq > $1 ORDER BY seq LIMIT $2";

pub(crate) const SELECT_SCHEMA_VERSION: &str =
    "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

/// Idempotency keys are bounded so a client cannot make us store megabytes per write.
pub(crate) const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

/// Checks a new record before any lock is taken: a refused record costs no one else time.
pub(crate) fn validate_new(new: &NewRecord) -> Result<Record, StoreError> {
    check_idempotency_key(new.idempotency_key.as_ref())?;
    let kind = new.record.kind();
    Ok(records::apply(
        kind,
        None,
        EventKind::Created,
        &new.record.to_json(),
    )?)
}

pub(crate) fn check_idempotency_key(key: Option<&String>) -> Result<(), StoreError> {
    match key {
        Some(key) if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN => {
            Err(StoreError::Invalid(ValidationError::new(
                "idempotency_key",
                format!("must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} bytes"),
            )))
        }
        _ => Ok(()),
    }
}

/// A `records` row as read.
pub(crate) struct RecordRow {
    pub guild_id: String,
    pub reference: String,
    pub kind: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_seq: i64,
}

/// Data read back that does not parse is corruption or tampering, not a user mistake: it is
/// reported as a backend failure naming the row, so it reaches the logs and the operator.
fn corrupt(what: String) -> StoreError {
    StoreError::backend(std::io::Error::new(std::io::ErrorKind::InvalidData, what))
}

impl RecordRow {
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
            created_at: self.created_at.parse::<Timestamp>().map_err(context)?,
            updated_at: self.updated_at.parse::<Timestamp>().map_err(context)?,
            last_seq: u64::try_from(self.last_seq).unwrap_or_default(),
        })
    }
}

pub(crate) fn parse_event(row: &StoredEvent) -> Result<aimsbot_workflows::LedgerEvent, StoreError> {
    row.parse()
        .map_err(|e| corrupt(format!("ledger event seq {}: {e}", row.seq)))
}

pub(crate) fn seq_to_i64(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

pub(crate) fn seq_from_i64(seq: i64) -> u64 {
    u64::try_from(seq).unwrap_or_default()
}

pub(crate) fn reference_from_counter(
    kind: RecordKind,
    year: i32,
    number: i64,
) -> Result<Reference, StoreError> {
    let number = u32::try_from(number)
        .map_err(|_| corrupt(format!("reference counter {number} is out of range")))?;
    Reference::new(kind, year, number).map_err(StoreError::Invalid)
}

/// Generates `impl Store` for a store type over one sqlx database: the reads here, the writes
/// delegated to the type's own `write_create` and `write_change`. The type also provides
/// `read_pool()`.
macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn fetch_event<'e, E>(
                executor: E,
                seq: u64,
            ) -> Result<aimsbot_workflows::LedgerEvent, StoreError>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row: $crate::shared::EventTuple = sqlx::query_as($crate::shared::SELECT_EVENT)
                    .bind($crate::shared::seq_to_i64(seq))
                    .fetch_one(executor)
                    .await
                    .map_err(StoreError::backend)?;
                $crate::shared::parse_event(&$crate::shared::event_from_tuple(row))
            }

            async fn fetch_record<'e, E>(
                executor: E,
                guild: &str,
                reference: &str,
            ) -> Result<Option<aimsbot_workflows::StoredRecord>, StoreError>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row: Option<$crate::shared::RecordTuple> =
                    sqlx::query_as($crate::shared::SELECT_RECORD)
                        .bind(guild)
                        .bind(reference)
                        .fetch_optional(executor)
                        .await
                        .map_err(StoreError::backend)?;
                row.map(|r| $crate::shared::record_from_tuple(r).into_stored())
                    .transpose()
            }

            /// The result of the earlier, committed write that made event `seq` (a write with
            /// the same idempotency key arrived again).
            pub(crate) async fn replay(
                &self,
                seq: i64,
            ) -> Result<aimsbot_workflows::ports::Committed, StoreError> {
                let event =
                    Self::fetch_event(self.read_pool(), $crate::shared::seq_from_i64(seq)).await?;
                let reference = event.record_ref.to_string();
                let record = Self::fetch_record(self.read_pool(), event.guild.as_str(), &reference)
                    .await?
                    .ok_or(StoreError::NotFound(reference))?;
                Ok(aimsbot_workflows::ports::Committed {
                    record,
                    event,
                    replayed: true,
                })
            }
        }

        #[async_trait::async_trait]
        impl aimsbot_workflows::ports::Store for $store {
            async fn create(
                &self,
                new: aimsbot_workflows::ports::NewRecord,
            ) -> Result<aimsbot_workflows::ports::Committed, StoreError> {
                self.write_create(new, None)
                    .await
                    .map(|(committed, _)| committed)
            }

            async fn change(
                &self,
                change: aimsbot_workflows::ports::RecordChange,
            ) -> Result<aimsbot_workflows::ports::Committed, StoreError> {
                self.write_change(change).await
            }

            async fn record(
                &self,
                guild: &aimsbot_workflows::GuildId,
                reference: &aimsbot_workflows::Reference,
            ) -> Result<Option<aimsbot_workflows::StoredRecord>, StoreError> {
                Self::fetch_record(self.read_pool(), guild.as_str(), &reference.to_string()).await
            }

            async fn records(
                &self,
                query: &aimsbot_workflows::ports::RecordQuery,
            ) -> Result<Vec<aimsbot_workflows::StoredRecord>, StoreError> {
                let person_platform = query.person.as_ref().map(|p| p.platform.as_str());
                let statement = if query.guild.is_some() && query.kind.is_some() {
                    $crate::shared::SELECT_RECORDS_OF_KIND
                } else {
                    $crate::shared::SELECT_RECORDS
                };
                let rows: Vec<$crate::shared::RecordTuple> = sqlx::query_as(statement)
                    .bind(query.guild.as_ref().map(|g| g.as_str().to_owned()))
                    .bind(query.kind.map(|k| k.as_str()))
                    .bind(query.status.clone())
                    .bind(person_platform)
                    .bind(query.person.as_ref().map(|p| p.platform_user_id.clone()))
                    .bind(i64::from(query.limit.max(1)))
                    .fetch_all(self.read_pool())
                    .await
                    .map_err(StoreError::backend)?;
                rows.into_iter()
                    .map(|r| $crate::shared::record_from_tuple(r).into_stored())
                    .collect()
            }

            async fn record_events(
                &self,
                guild: &aimsbot_workflows::GuildId,
                reference: &aimsbot_workflows::Reference,
            ) -> Result<Vec<aimsbot_workflows::LedgerEvent>, StoreError> {
                let rows: Vec<$crate::shared::EventTuple> =
                    sqlx::query_as($crate::shared::SELECT_RECORD_EVENTS)
                        .bind(guild.as_str())
                        .bind(reference.to_string())
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(StoreError::backend)?;
                rows.into_iter()
                    .map(|r| $crate::shared::parse_event(&$crate::shared::event_from_tuple(r)))
                    .collect()
            }

            async fn ledger_rows(
                &self,
                after_seq: u64,
                limit: u32,
            ) -> Result<Vec<aimsbot_workflows::ledger::StoredEvent>, StoreError> {
                let rows: Vec<$crate::shared::EventTuple> =
                    sqlx::query_as($crate::shared::SELECT_EVENTS_AFTER)
                        .bind($crate::shared::seq_to_i64(after_seq))
                        .bind(i64::from(limit.max(1)))
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(StoreError::backend)?;
                Ok(rows
                    .into_iter()
                    .map($crate::shared::event_from_tuple)
                    .collect())
            }

            async fn ledger_head(&self) -> Result<aimsbot_workflows::ChainHead, StoreError> {
                let (seq, hash): (i64, String) = sqlx::query_as($crate::shared::SELECT_HEAD)
                    .fetch_one(self.read_pool())
                    .await
                    .map_err(StoreError::backend)?;
                $crate::shared::chain_head(seq, &hash)
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1")
                    .execute(self.read_pool())
                    .await
                    .map(|_| ())
                    .map_err(StoreError::backend)
            }
        }
    };
}

pub(crate) use impl_store;

/// Seals the `created` event of a new record numbered `reference`, after `head`.
pub(crate) fn seal_creation(
    new: NewRecord,
    record: Record,
    reference: Reference,
    head: &ChainHead,
) -> Committed {
    let event = NewEvent {
        guild: new.guild.clone(),
        record_ref: reference,
        kind: EventKind::Created,
        actor: new.actor,
        recorded_at: new.at,
        payload: record.to_json(),
    }
    .seal(head);
    Committed {
        record: StoredRecord {
            guild: new.guild,
            reference,
            record,
            created_at: new.at,
            updated_at: new.at,
            last_seq: event.seq,
        },
        event,
        replayed: false,
    }
}

/// Applies a change to the record as stored and seals its event after `head`; refused (and
/// nothing written) when the change would make the record invalid.
pub(crate) fn seal_change(
    change: RecordChange,
    current: StoredRecord,
    head: &ChainHead,
) -> Result<Committed, StoreError> {
    let event_kind = change.change.event_kind();
    let payload = change.change.payload();
    let record = records::apply(
        change.reference.kind(),
        Some(&current.record),
        event_kind,
        &payload,
    )?;
    let event = NewEvent {
        guild: change.guild,
        record_ref: change.reference,
        kind: event_kind,
        actor: change.actor,
        recorded_at: change.at,
        payload,
    }
    .seal(head);
    Ok(Committed {
        record: StoredRecord {
            record,
            updated_at: change.at,
            last_seq: event.seq,
            ..current
        },
        event,
        replayed: false,
    })
}

/// A `ledger_events` row as sqlx reads it.
pub(crate) type EventTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub(crate) fn event_from_tuple(t: EventTuple) -> StoredEvent {
    StoredEvent {
        seq: seq_from_i64(t.0),
        guild_id: t.1,
        record_ref: t.2,
        kind: t.3,
        actor: t.4,
        recorded_at: t.5,
        payload: t.6,
        prev_hash: t.7,
        hash: t.8,
    }
}

pub(crate) fn chain_head(seq: i64, hash: &str) -> Result<ChainHead, StoreError> {
    Ok(ChainHead {
        seq: seq_from_i64(seq),
        hash: hash
            .parse()
            .map_err(|e: ValidationError| corrupt(format!("ledger head hash: {e}")))?,
    })
}

/// The head columns, the replayed event's seq, then a `records` row that may be absent
/// (LEFT JOINs).
pub(crate) type HeadAndRecordTuple = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

pub(crate) fn head_and_record(
    t: HeadAndRecordTuple,
) -> Result<(ChainHead, Option<i64>, Option<StoredRecord>), StoreError> {
    let head = chain_head(t.0, &t.1)?;
    let record = match (t.3, t.4, t.5, t.6, t.7, t.8, t.9) {
        (
            Some(guild_id),
            Some(reference),
            Some(kind),
            Some(body),
            Some(created_at),
            Some(updated_at),
            Some(last_seq),
        ) => Some(
            RecordRow {
                guild_id,
                reference,
                kind,
                body,
                created_at,
                updated_at,
                last_seq,
            }
            .into_stored()?,
        ),
        _ => None,
    };
    Ok((head, t.2, record))
}

/// A `records` row as sqlx reads it.
pub(crate) type RecordTuple = (String, String, String, String, String, String, i64);

pub(crate) fn record_from_tuple(t: RecordTuple) -> RecordRow {
    RecordRow {
        guild_id: t.0,
        reference: t.1,
        kind: t.2,
        body: t.3,
        created_at: t.4,
        updated_at: t.5,
        last_seq: t.6,
    }
}
