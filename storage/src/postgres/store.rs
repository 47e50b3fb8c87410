//! The [`Store`] port on PostgreSQL: the reads, each one statement; the writes are in
//! [`super::write`].

use aimsbot_workflows::ledger::StoredEvent;
use aimsbot_workflows::ports::{
    Committed, EvidenceQuery, NameSearch, NewRecord, RecordChange, RecordQuery, Store, StoreError,
};
use aimsbot_workflows::{ChainHead, GuildId, LedgerEvent, RecordKind, Reference, StoredRecord};
use async_trait::async_trait;

use super::PostgresStore;
use crate::rows::{EventRow, HeadRow, RecordRow, signed};
use crate::search::NameBounds;

const RECORD: &str = "
SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq
FROM records
WHERE guild_id = $1 AND reference = $2";

/// Records of one kind in one guild, the common case: the guild and kind are bound, so the
/// `(guild_id, kind, …)` indexes serve it. Optional filters are bound as NULL when absent, so
/// the statement's text never changes: status `$3`, person `$4` (platform) and `$5` (id).
const RECORDS_OF_KIND: &str = "
SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq
FROM records
WHERE guild_id = $1 AND kind = $2
  AND ($3 IS NULL OR status = $3)
  AND ($4 IS NULL OR (person_platform = $4 AND person_id = $5))
  AND ($7::text IS NULL OR ai_system = $7)
ORDER BY created_at DESC, reference DESC
LIMIT $6";

/// How many records of a kind (`$1`) were made in `[$2, $3)`, in a guild (`$4`) or all, of the
/// review kinds in the JSON array `$5` (empty: any), with one of the body fields in the JSON array `$6` set (`[]`: any),
/// about the AI system `$7` (or any).
const COUNT_EVIDENCE: &str = "
SELECT COUNT(*)
FROM records
WHERE kind = $1 AND created_at >= $2 AND created_at < $3
  AND ($4::text IS NULL OR guild_id = $4)
  AND ($5::jsonb = '[]'::jsonb
       OR body::jsonb ->> 'kind' IN (SELECT jsonb_array_elements_text($5::jsonb)))
  AND ($6::jsonb = '[]'::jsonb
       OR EXISTS (SELECT 1 FROM jsonb_array_elements_text($6::jsonb) AS field(name)
                  WHERE COALESCE(jsonb_typeof(records.body::jsonb -> field.name), 'null') <> 'null'))
  AND ($7::text IS NULL OR ai_system = $7)";

/// Any other combination of filters (rare: an operator's or a cross-guild lookup).
const RECORDS: &str = "
SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq
FROM records
WHERE ($1 IS NULL OR guild_id = $1)
  AND ($2 IS NULL OR kind = $2)
  AND ($3 IS NULL OR status = $3)
  AND ($4 IS NULL OR (person_platform = $4 AND person_id = $5))
  AND ($7::text IS NULL OR ai_system = $7)
ORDER BY created_at DESC, reference DESC
LIMIT $6";

/// Records of a guild (`$1`) and kind (`$2`) whose lowercased title is `$3` or whose
/// reference is `$4`, by title, at most `$5`: two index lookups. The title's is a subquery with
/// its own order and limit, so that it is planned on its own: as one arm of the `UNION`, SQLite
/// would rather read the guild in primary-key order than sort a few rows.
pub(crate) const RECORDS_NAMED_EXACTLY: &str = "
SELECT * FROM (
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq, search_title
    FROM records
    WHERE guild_id = $1 AND kind = $2 AND search_title = $3
    ORDER BY reference
    LIMIT $5) AS by_title
UNION
SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq, search_title
FROM records
WHERE guild_id = $1 AND kind = $2 AND reference = $4
ORDER BY search_title, reference
LIMIT $5";

/// Records of a guild (`$1`) and kind (`$2`) whose lowercased title is in `[$3, $4)` or whose
/// reference is in `[$5, $6)` (a prefix and the prefix followed by U+10FFFF), by title, at
/// most `$7`: two index range scans, each stopping after `$7` rows. Both ranges are in byte
/// order: `search_title` is declared `COLLATE "C"`, and `reference` is compared as `"C"`
/// against an index of its own.
pub(crate) const RECORDS_NAMED_STARTING_WITH: &str = "
SELECT * FROM (
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq, search_title
    FROM records
    WHERE guild_id = $1 AND kind = $2 AND search_title >= $3 AND search_title < $4
    ORDER BY search_title, reference
    LIMIT $7) AS by_title
UNION
SELECT * FROM (
    SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq, search_title
    FROM records
    WHERE guild_id = $1 AND kind = $2
      AND reference COLLATE \"C\" >= $5 AND reference COLLATE \"C\" < $6
    ORDER BY reference COLLATE \"C\"
    LIMIT $7) AS by_reference
ORDER BY search_title, reference
LIMIT $7";

pub(crate) const CONCERN_BY_HANDLE: &str = "
SELECT guild_id, reference, kind, body, created_at, updated_at, last_seq
FROM records
WHERE follow_up_key = $1 AND kind = 'concern'
LIMIT 1";

const EVENT: &str = "
SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash
FROM ledger_events
WHERE seq = $1";

const RECORD_EVENTS: &str = "
SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash
FROM ledger_events
WHERE guild_id = $1 AND record_ref = $2
ORDER BY seq";

const EVENTS_AFTER: &str = "
SELECT seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash
FROM ledger_events
WHERE seq > $1
ORDER BY seq
LIMIT $2";

const HEAD: &str = "SELECT seq AS head_seq, hash AS head_hash FROM ledger_head WHERE id = 1";

impl PostgresStore {
    /// The result of the earlier, committed write that made event `seq` (a write with the
    /// same idempotency key arrived again).
    pub(super) async fn replay(&self, seq: i64) -> Result<Committed, StoreError> {
        let event: EventRow = sqlx::query_as(EVENT)
            .bind(seq)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        let event = event.into_event()?;
        let record = self
            .record(&event.guild, &event.record_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(event.record_ref.to_string()))?;
        Ok(Committed {
            record,
            event,
            replayed: true,
        })
    }
}

fn into_stored(rows: Vec<RecordRow>) -> Result<Vec<StoredRecord>, StoreError> {
    rows.into_iter().map(RecordRow::into_stored).collect()
}

#[async_trait]
impl Store for PostgresStore {
    async fn create(&self, new: NewRecord) -> Result<Committed, StoreError> {
        let (committed, _) = self.create_record(new, None).await?;
        Ok(committed)
    }

    async fn change(&self, change: RecordChange) -> Result<Committed, StoreError> {
        self.change_record(change).await
    }

    async fn record(
        &self,
        guild: &GuildId,
        reference: &Reference,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row: Option<RecordRow> = sqlx::query_as(RECORD)
            .bind(guild.as_str())
            .bind(reference.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        row.map(RecordRow::into_stored).transpose()
    }

    async fn records(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError> {
        let statement = if query.guild.is_some() && query.kind.is_some() {
            RECORDS_OF_KIND
        } else {
            RECORDS
        };
        let rows: Vec<RecordRow> = sqlx::query_as(statement)
            .bind(query.guild.as_ref().map(GuildId::as_str))
            .bind(query.kind.map(RecordKind::as_str))
            .bind(query.status)
            .bind(query.person.as_ref().map(|p| p.platform.as_str()))
            .bind(query.person.as_ref().map(|p| p.platform_user_id.as_str()))
            .bind(i64::from(query.limit.max(1)))
            .bind(query.ai_system.as_deref())
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        into_stored(rows)
    }

    async fn count_evidence(&self, query: &EvidenceQuery) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(COUNT_EVIDENCE)
            .bind(query.kind.as_str())
            .bind(query.from.to_canonical())
            .bind(query.to.to_canonical())
            .bind(query.guild.as_ref().map(GuildId::as_str))
            .bind(serde_json::json!(query.review_kinds).to_string())
            .bind(serde_json::json!(query.requires).to_string())
            .bind(query.ai_system.as_deref())
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    async fn records_named(
        &self,
        guild: &GuildId,
        kind: RecordKind,
        search: &NameSearch,
        limit: u32,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let limit = i64::from(limit.max(1));
        let query = match NameBounds::of(search) {
            NameBounds::Exactly { title, reference } => sqlx::query_as(RECORDS_NAMED_EXACTLY)
                .bind(guild.as_str())
                .bind(kind.as_str())
                .bind(title)
                .bind(reference)
                .bind(limit),
            NameBounds::StartingWith { title, reference } => {
                sqlx::query_as(RECORDS_NAMED_STARTING_WITH)
                    .bind(guild.as_str())
                    .bind(kind.as_str())
                    .bind(title.start)
                    .bind(title.end)
                    .bind(reference.start)
                    .bind(reference.end)
                    .bind(limit)
            }
        };
        let rows: Vec<RecordRow> = query
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        into_stored(rows)
    }

    async fn concern_by_handle(
        &self,
        handle_sha256: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row: Option<RecordRow> = sqlx::query_as(CONCERN_BY_HANDLE)
            .bind(handle_sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        row.map(RecordRow::into_stored).transpose()
    }

    async fn record_events(
        &self,
        guild: &GuildId,
        reference: &Reference,
    ) -> Result<Vec<LedgerEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(RECORD_EVENTS)
            .bind(guild.as_str())
            .bind(reference.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    async fn ledger_rows(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(EVENTS_AFTER)
            .bind(signed(after_seq))
            .bind(i64::from(limit.max(1)))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(EventRow::into_stored).collect()
    }

    async fn ledger_head(&self) -> Result<ChainHead, StoreError> {
        let head: HeadRow = sqlx::query_as(HEAD)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        head.chain_head()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(StoreError::backend)
    }
}
