//! Record writes on SQLite: two round trips to the writer connection. The first opens the
//! transaction with `BEGIN IMMEDIATE` and reads what the write depends on; the second sends
//! every write statement and `COMMIT` in one batch. In between, [`crate::seal`] places the
//! event after the head and projects the record. Parameters are numbered across the statements
//! of a batch: `$4` is the fourth value bound, whichever statement it appears in.
//!
//! Rows arrive as JSON arrays and are expanded with `jsonb_each`, which parses the text once
//! and hands each element on as JSONB: `value ->> 'column'` then reads it without parsing it
//! again (with `json_each`, every `->>` re-read the element as text and parsed it: a third more
//! instructions per append).

use std::sync::LazyLock;

use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, SessionEnd, StoreError};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{FromRow, Sqlite};

use super::SqliteStore;
use super::writer::Writer;
use crate::rows::{
    ChangeStartRow, CounterRow, SessionVersionRow, WriteHeadRow, reference_from_counter,
};
use crate::seal::{self, SessionClosing, WriteRows};

/// Opens the write of a new record: takes the next reference number of the guild (`$1`),
/// kind (`$2`) and year (`$3`), inside the transaction so that a rolled-back write leaves no
/// gap; then reads the ledger head and the event the idempotency key (`$4`, NULL for none)
/// already wrote.
const BEGIN_CREATE: &str = "
BEGIN IMMEDIATE;
INSERT INTO reference_counters (guild_id, kind, year, last_number) VALUES ($1, $2, $3, 1)
ON CONFLICT (guild_id, kind, year) DO UPDATE SET last_number = reference_counters.last_number + 1
RETURNING last_number;
SELECT h.seq AS head_seq, h.hash AS head_hash, k.seq AS replayed_seq
FROM ledger_head AS h LEFT JOIN idempotency_keys AS k ON k.key = $4
WHERE h.id = 1;";

/// [`BEGIN_CREATE`], then where the session completing with the record (`$5`) stands.
static BEGIN_COMPLETE_SESSION: LazyLock<String> = LazyLock::new(|| {
    format!("{BEGIN_CREATE}\nSELECT version, status FROM prompt_sessions WHERE id = $5;")
});

/// Opens the write of a change: the ledger head, the event the idempotency key (`$3`) already
/// wrote, and the record as it stands (guild `$1`, reference `$2`; its columns NULL when it is
/// missing), in one row.
const BEGIN_CHANGE: &str = "
BEGIN IMMEDIATE;
SELECT h.seq AS head_seq, h.hash AS head_hash, k.seq AS replayed_seq,
       r.guild_id, r.reference, r.kind, r.body, r.created_at, r.updated_at, r.last_seq
FROM ledger_head AS h
LEFT JOIN records AS r ON r.guild_id = $1 AND r.reference = $2
LEFT JOIN idempotency_keys AS k ON k.key = $3
WHERE h.id = 1;";

/// Every write statement of a record write. Each parameter is one table's rows
/// as a JSON array ([`WriteRows`]): `$1` the event, `$2` the record, `$3` the idempotency key,
/// `$4` the jobs owed. An empty array writes nothing.
///
/// The record is inserted, or updated without touching what is fixed at creation
/// (`created_at`, the person, a concern's follow-up key). Its indexed columns (`status`,
/// `search_title`) are set by a statement of their own, only when they change: SQLite rewrites
/// an index entry whenever its column is assigned, even to the same value, and each index page
/// written is another page in the WAL on every append.
///
/// Every statement of a batch costs a message between sqlx and its SQLite thread, so the
/// statements that end a session are sent only when it ends ([`END_SESSION`]).
const WRITE: &str = "
INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash)
SELECT e.value ->> 'seq', e.value ->> 'guild_id', e.value ->> 'record_ref', e.value ->> 'kind',
       e.value ->> 'actor', e.value ->> 'recorded_at', e.value ->> 'payload',
       e.value ->> 'prev_hash', e.value ->> 'hash'
FROM jsonb_each($1) AS e;
INSERT INTO records (guild_id, reference, kind, title, search_title, follow_up_key, status, ai_system,
                     person_platform, person_id, body, created_at, updated_at, last_seq)
SELECT r.value ->> 'guild_id', r.value ->> 'reference', r.value ->> 'kind', r.value ->> 'title',
       r.value ->> 'search_title', r.value ->> 'follow_up_key', r.value ->> 'status',
       r.value ->> 'ai_system', r.value ->> 'person_platform', r.value ->> 'person_id',
       r.value ->> 'body', r.value ->> 'created_at', r.value ->> 'updated_at', r.value ->> 'last_seq'
FROM jsonb_each($2) AS r WHERE true
ON CONFLICT (guild_id, reference) DO UPDATE SET
    title = excluded.title, ai_system = excluded.ai_system, body = excluded.body,
    updated_at = excluded.updated_at, last_seq = excluded.last_seq;
UPDATE records
SET status = r.value ->> 'status', search_title = r.value ->> 'search_title'
FROM jsonb_each($2) AS r
WHERE records.guild_id = r.value ->> 'guild_id' AND records.reference = r.value ->> 'reference'
  AND (records.status IS NOT r.value ->> 'status'
       OR records.search_title IS NOT r.value ->> 'search_title');
INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at)
SELECT k.value ->> 'key', k.value ->> 'guild_id', k.value ->> 'reference', k.value ->> 'seq',
       k.value ->> 'created_at'
FROM jsonb_each($3) AS k;
INSERT INTO jobs (guild_id, kind, dedupe_key, payload, status, run_at, attempts, failures, created_at)
SELECT j.value ->> 'guild_id', j.value ->> 'kind', j.value ->> 'dedupe_key', j.value ->> 'payload',
       'queued', j.value ->> 'run_at', 0, 0, j.value ->> 'created_at'
FROM jsonb_each($4) AS j WHERE true
ON CONFLICT (dedupe_key) DO NOTHING;";

/// After [`WRITE`], the end of the session that produced the record: `$5` the session kept,
/// `$6` the ids of sessions discarded (each a JSON array, empty or of one).
const END_SESSION: &str = "
UPDATE prompt_sessions
SET state = s.value ->> 'state', status = s.value ->> 'status', version = version + 1
FROM jsonb_each($5) AS s
WHERE prompt_sessions.id = s.value ->> 'id';
DELETE FROM prompt_sessions WHERE id IN (SELECT value FROM jsonb_each($6));";

/// [`WRITE`], then `COMMIT`.
static WRITE_AND_COMMIT: LazyLock<String> = LazyLock::new(|| format!("{WRITE}\nCOMMIT;"));

/// [`WRITE`] and [`END_SESSION`], then `COMMIT`.
static COMPLETE_SESSION_AND_COMMIT: LazyLock<String> =
    LazyLock::new(|| format!("{WRITE}{END_SESSION}\nCOMMIT;"));

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// Binds a write's rows to [`WRITE_AND_COMMIT`], or to [`COMPLETE_SESSION_AND_COMMIT`] when the
/// write ends a session.
fn write_batch(rows: WriteRows, ends_session: bool) -> Query<'static> {
    let statement: &'static str = if ends_session {
        &COMPLETE_SESSION_AND_COMMIT
    } else {
        &WRITE_AND_COMMIT
    };
    let batch = sqlx::query(statement)
        .bind(rows.events)
        .bind(rows.records)
        .bind(rows.idempotency_keys)
        .bind(rows.jobs);
    if ends_session {
        batch.bind(rows.sessions_kept).bind(rows.sessions_discarded)
    } else {
        batch
    }
}

/// The row of a batch's results at `index`, where the batch's statements put it.
fn row_at<T>(rows: &[SqliteRow], index: usize, what: &str) -> Result<T, StoreError>
where
    T: for<'r> FromRow<'r, SqliteRow>,
{
    let row = rows.get(index).ok_or_else(|| {
        StoreError::backend(std::io::Error::other(format!(
            "opening a write read no {what}"
        )))
    })?;
    T::from_row(row).map_err(StoreError::backend)
}

impl SqliteStore {
    /// Creates a record and, when it completes a session, ends the session in the same
    /// transaction, if the session is still as it was read. Returns the session kept.
    pub(super) async fn create_record(
        &self,
        new: NewRecord,
        completing: Option<(Session, SessionEnd)>,
    ) -> Result<(Committed, Option<Session>), StoreError> {
        let record = seal::validate_new(&new)?;
        let kind = record.kind();
        let year = new.at.year();
        let begin = match &completing {
            None => sqlx::query(BEGIN_CREATE),
            Some(_) => sqlx::query(BEGIN_COMPLETE_SESSION.as_str()),
        }
        .bind(new.guild.as_str().to_owned())
        .bind(kind.as_str())
        .bind(i64::from(year))
        .bind(new.idempotency_key.clone());
        let begin = match &completing {
            None => begin,
            Some((session, _)) => begin.bind(session.id.clone()),
        };

        let mut writer = Writer::acquire(&self.writer).await?;
        let rows = writer.begin(begin).await?;
        let read = row_at::<CounterRow>(&rows, 0, "reference number").and_then(|counter| {
            let head = row_at::<WriteHeadRow>(&rows, 1, "ledger head")?;
            // No third row: the session is gone.
            let session = rows
                .get(2)
                .map(SessionVersionRow::from_row)
                .transpose()
                .map_err(StoreError::backend)?;
            Ok((counter, head, session))
        });
        let (counter, head, stored_session) = writer.check(read).await?;

        if let Some(seq) = head.replayed_seq {
            // The number just taken is given back by the rollback: no gap.
            writer.roll_back().await;
            drop(writer);
            let committed = self.replay(seq).await?;
            let session = match &completing {
                Some((session, _)) => self.stored_session(&session.id).await?,
                None => None,
            };
            return Ok((committed, session));
        }
        if let Some((session, _)) = &completing
            && !stored_session.is_some_and(|stored| stored.is_as_read(session))
        {
            writer.roll_back().await;
            return Err(StoreError::Conflict(format!("prompt {}", session.id)));
        }

        let sealed = head.head.chain_head().and_then(|head| {
            let reference = reference_from_counter(kind, year, &counter)?;
            Ok(seal::seal_creation(new, record, reference, &head))
        });
        let sealed = writer.check(sealed).await?;
        let reference = sealed.committed.record.reference;
        let ends_session = completing.is_some();
        let closing = SessionClosing::of(completing, reference);
        let rows = writer.check(sealed.rows(&closing)).await?;
        writer.commit(write_batch(rows, ends_session)).await?;
        drop(writer);

        if closing.discards() {
            self.truncate_wal().await;
        }
        Ok((sealed.committed, closing.into_kept()))
    }

    /// Appends a change to a record.
    pub(super) async fn change_record(
        &self,
        change: RecordChange,
    ) -> Result<Committed, StoreError> {
        seal::check_idempotency_key(change.idempotency_key.as_deref())?;
        let reference = change.reference.to_string();
        let begin = sqlx::query(BEGIN_CHANGE)
            .bind(change.guild.as_str().to_owned())
            .bind(reference.clone())
            .bind(change.idempotency_key.clone());

        let mut writer = Writer::acquire(&self.writer).await?;
        let rows = writer.begin(begin).await?;
        let start = row_at::<ChangeStartRow>(&rows, 0, "ledger head");
        let ChangeStartRow { head, current } = writer.check(start).await?;

        if let Some(seq) = head.replayed_seq {
            writer.roll_back().await;
            drop(writer);
            return self.replay(seq).await;
        }
        let sealed = head.head.chain_head().and_then(|head| {
            let current = current
                .ok_or(StoreError::NotFound(reference))?
                .into_stored()?;
            seal::seal_change(change, current, &head)
        });
        let sealed = writer.check(sealed).await?;
        let rows = writer.check(sealed.rows(&SessionClosing::None)).await?;
        writer.commit(write_batch(rows, false)).await?;
        Ok(sealed.committed)
    }
}
