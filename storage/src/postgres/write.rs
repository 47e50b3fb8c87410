//! Record writes on PostgreSQL: one transaction. It locks the ledger head, reads what the write
//! depends on in a statement of its own, and sends every write in one statement of
//! data-modifying CTEs, so a write costs a fixed number of round trips however many rows it
//! touches. In between, [`crate::seal`] places the event after the head and projects the record.

use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, SessionEnd, StoreError};
use sqlx::postgres::PgArguments;
use sqlx::{Postgres, Transaction};

use super::PostgresStore;
use crate::rows::{
    ChangeStartRow, CounterRow, SessionVersionRow, WriteHeadRow, reference_from_counter,
};
use crate::seal::{self, SessionClosing, WriteRows};

/// Locks the head row, which orders every write. The reads that depend on earlier writes come
/// in a statement of their own after it: under READ COMMITTED a statement that waited for the
/// lock re-reads only the locked row, and would see other tables as they were before the write
/// it waited for.
const LOCK_HEAD: &str = "SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE";

/// The head, and the event the idempotency key (`$1`, NULL for none) already wrote.
const HEAD_AND_KEY: &str = "
SELECT h.seq AS head_seq, h.hash AS head_hash, k.seq AS replayed_seq
FROM ledger_head AS h LEFT JOIN idempotency_keys AS k ON k.key = $1
WHERE h.id = 1";

/// The head, the event the idempotency key (`$3`) already wrote, and the record to change
/// (guild `$1`, reference `$2`; its columns NULL when it is missing), in one round trip.
const HEAD_KEY_AND_RECORD: &str = "
SELECT h.seq AS head_seq, h.hash AS head_hash, k.seq AS replayed_seq,
       r.guild_id, r.reference, r.kind, r.body, r.created_at, r.updated_at, r.last_seq
FROM ledger_head AS h
LEFT JOIN records AS r ON r.guild_id = $1 AND r.reference = $2
LEFT JOIN idempotency_keys AS k ON k.key = $3
WHERE h.id = 1";

/// Where the completing session (`$1`) stands, locked until the write commits: a concurrent
/// save waits, then finds the version it read gone.
const LOCK_SESSION: &str = "SELECT version, status FROM prompt_sessions WHERE id = $1 FOR UPDATE";

/// Takes the next reference number of the guild (`$1`), kind (`$2`) and year (`$3`), inside the
/// transaction so that a rolled-back write leaves no gap.
const ALLOCATE_REFERENCE: &str = "
INSERT INTO reference_counters (guild_id, kind, year, last_number) VALUES ($1, $2, $3, 1)
ON CONFLICT (guild_id, kind, year) DO UPDATE SET last_number = reference_counters.last_number + 1
RETURNING last_number";

/// Every write of a record write, in one statement. Each parameter is one table's rows as a
/// JSON array ([`WriteRows`]): `$1` the event, `$2` the record, `$3` the idempotency key, `$4`
/// the jobs owed, `$5` the session kept, `$6` the ids of sessions discarded. An empty array
/// writes nothing. Foreign keys to the new event are checked at the end of the statement, when
/// it exists.
///
/// The record is inserted, or updated without touching what is fixed at creation
/// (`created_at`, the person, a concern's follow-up key). Unlike SQLite, PostgreSQL compares
/// values: an update that leaves every indexed column as it was writes no index entry (a HOT
/// update), so the indexed columns are simply assigned with the rest.
const WRITE: &str = "
WITH event AS (
    INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash)
    SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash
    FROM json_populate_recordset(NULL::ledger_events, $1::json)
), record AS (
    INSERT INTO records (guild_id, reference, kind, title, search_title, follow_up_key, status, ai_system,
                         person_platform, person_id, body, created_at, updated_at, last_seq)
    SELECT guild_id, reference, kind, title, search_title, follow_up_key, status, ai_system,
           person_platform, person_id, body, created_at, updated_at, last_seq
    FROM json_populate_recordset(NULL::records, $2::json)
    ON CONFLICT (guild_id, reference) DO UPDATE SET
        title = excluded.title, search_title = excluded.search_title, status = excluded.status,
        ai_system = excluded.ai_system, body = excluded.body,
        updated_at = excluded.updated_at, last_seq = excluded.last_seq
), idempotency_key AS (
    INSERT INTO idempotency_keys (key, guild_id, reference, seq, created_at)
    SELECT key, guild_id, reference, seq, created_at
    FROM json_populate_recordset(NULL::idempotency_keys, $3::json)
), owed AS (
    INSERT INTO jobs (guild_id, kind, dedupe_key, payload, status, run_at, attempts, failures, created_at)
    SELECT guild_id, kind, dedupe_key, payload, 'queued', run_at, 0, 0, created_at
    FROM json_populate_recordset(NULL::jobs, $4::json)
    ON CONFLICT (dedupe_key) DO NOTHING
), session_kept AS (
    UPDATE prompt_sessions AS p
    SET state = s.state, status = s.status, version = p.version + 1
    FROM json_populate_recordset(NULL::prompt_sessions, $5::json) AS s
    WHERE p.id = s.id
)
DELETE FROM prompt_sessions WHERE id IN (SELECT json_array_elements_text($6::json))";

type Query<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;
type Tx = Transaction<'static, Postgres>;

fn bind_rows(write: Query<'_>, rows: WriteRows) -> Query<'_> {
    write
        .bind(rows.events)
        .bind(rows.records)
        .bind(rows.idempotency_keys)
        .bind(rows.jobs)
        .bind(rows.sessions_kept)
        .bind(rows.sessions_discarded)
}

async fn lock_head(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query(LOCK_HEAD)
        .execute(&mut **tx)
        .await
        .map(|_| ())
        .map_err(StoreError::backend)
}

impl PostgresStore {
    /// Creates a record and, when it completes a session, ends the session in the same
    /// transaction, if the session is still as it was read. Returns the session kept.
    pub(super) async fn create_record(
        &self,
        new: NewRecord,
        completing: Option<(Session, SessionEnd)>,
    ) -> Result<(Committed, Option<Session>), StoreError> {
        let record = seal::validate_new(&new)?;
        let mut tx = self.pool.begin().await.map_err(StoreError::backend)?;
        lock_head(&mut tx).await?;
        let head: WriteHeadRow = sqlx::query_as(HEAD_AND_KEY)
            .bind(new.idempotency_key.as_deref())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        if let Some(seq) = head.replayed_seq {
            drop(tx);
            let committed = self.replay(seq).await?;
            let session = match &completing {
                Some((session, _)) => self.stored_session(&session.id).await?,
                None => None,
            };
            return Ok((committed, session));
        }
        if let Some((session, _)) = &completing {
            let stored: Option<SessionVersionRow> = sqlx::query_as(LOCK_SESSION)
                .bind(&session.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::backend)?;
            if !stored.is_some_and(|stored| stored.is_as_read(session)) {
                return Err(StoreError::Conflict(format!("prompt {}", session.id)));
            }
        }

        let kind = record.kind();
        let year = new.at.year();
        let counter: CounterRow = sqlx::query_as(ALLOCATE_REFERENCE)
            .bind(new.guild.as_str())
            .bind(kind.as_str())
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        let reference = reference_from_counter(kind, year, &counter)?;
        let sealed = seal::seal_creation(new, record, reference, &head.head.chain_head()?);
        let closing = SessionClosing::of(completing, reference);
        bind_rows(sqlx::query(WRITE), sealed.rows(&closing)?)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        tx.commit().await.map_err(StoreError::backend)?;
        Ok((sealed.committed, closing.into_kept()))
    }

    /// Appends a change to a record.
    pub(super) async fn change_record(
        &self,
        change: RecordChange,
    ) -> Result<Committed, StoreError> {
        seal::check_idempotency_key(change.idempotency_key.as_deref())?;
        let reference = change.reference.to_string();
        let mut tx = self.pool.begin().await.map_err(StoreError::backend)?;
        lock_head(&mut tx).await?;
        let start: ChangeStartRow = sqlx::query_as(HEAD_KEY_AND_RECORD)
            .bind(change.guild.as_str())
            .bind(&reference)
            .bind(change.idempotency_key.as_deref())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        if let Some(seq) = start.head.replayed_seq {
            drop(tx);
            return self.replay(seq).await;
        }
        let current = start
            .current
            .ok_or(StoreError::NotFound(reference))?
            .into_stored()?;
        let sealed = seal::seal_change(change, current, &start.head.head.chain_head()?)?;
        bind_rows(sqlx::query(WRITE), sealed.rows(&SessionClosing::None)?)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::backend)?;
        tx.commit().await.map_err(StoreError::backend)?;
        Ok(sealed.committed)
    }
}
