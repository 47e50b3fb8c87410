//! The [`SessionStore`] port on PostgreSQL. A session is written as one JSON parameter (`$1`,
//! [`SessionWriteRow`]), read back as a `prompt_sessions` record.

use aimsbot_workflows::Timestamp;
use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::{Committed, NewRecord, SessionEnd, SessionStore, StoreError};
use async_trait::async_trait;

use super::PostgresStore;
use crate::rows::{SessionRow, SessionWriteRow};

/// Stores a new session unless its id exists; returns its version, or no row when the id
/// existed (a replayed start).
const OPEN: &str = "
INSERT INTO prompt_sessions (id, guild_id, flow, owner_platform, owner_id, status, state, version,
                             created_at, expires_at)
SELECT id, guild_id, flow, owner_platform, owner_id, status, state, 0, created_at, expires_at
FROM json_populate_record(NULL::prompt_sessions, $1::json)
ON CONFLICT (id) DO NOTHING
RETURNING version";

const SESSION: &str = "SELECT state, version FROM prompt_sessions WHERE id = $1";

/// Saves a session if the stored row still has the version it was read at.
const SAVE: &str = "
UPDATE prompt_sessions AS p
SET state = s.state, status = s.status, owner_platform = s.owner_platform,
    owner_id = s.owner_id, expires_at = s.expires_at, version = p.version + 1
FROM json_populate_record(NULL::prompt_sessions, $1::json) AS s
WHERE p.id = s.id AND p.version = s.version";

const DISCARD: &str = "DELETE FROM prompt_sessions WHERE id = $1";

const REAP: &str = "DELETE FROM prompt_sessions WHERE expires_at < $1";

impl PostgresStore {
    /// The session as stored, read from the read pool.
    pub(super) async fn stored_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(SESSION)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        row.map(SessionRow::into_session).transpose()
    }
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn open_session(&self, session: Session) -> Result<Session, StoreError> {
        let row =
            serde_json::to_string(&SessionWriteRow::of(&session)?).map_err(StoreError::backend)?;
        let inserted: Option<i64> = sqlx::query_scalar(OPEN)
            .bind(row)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        if inserted.is_some() {
            return Ok(Session {
                version: 0,
                ..session
            });
        }
        // The id exists: a replayed start gets the stored session, as it stands.
        let stored: SessionRow = sqlx::query_as(SESSION)
            .bind(&session.id)
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        stored.into_session()
    }

    async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        self.stored_session(id).await
    }

    async fn save_session(&self, session: Session) -> Result<Session, StoreError> {
        let row =
            serde_json::to_string(&SessionWriteRow::of(&session)?).map_err(StoreError::backend)?;
        let saved = sqlx::query(SAVE)
            .bind(row)
            .execute(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        if saved.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!("prompt {}", session.id)));
        }
        Ok(Session {
            version: session.version + 1,
            ..session
        })
    }

    async fn complete_session(
        &self,
        session: Session,
        record: NewRecord,
        end: SessionEnd,
    ) -> Result<(Option<Session>, Committed), StoreError> {
        let (committed, kept) = self.create_record(record, Some((session, end))).await?;
        Ok((kept, committed))
    }

    async fn discard_session(&self, id: &str) -> Result<bool, StoreError> {
        let deleted = sqlx::query(DISCARD)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::backend)?
            .rows_affected();
        Ok(deleted > 0)
    }

    async fn reap_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let deleted = sqlx::query(REAP)
            .bind(now.to_canonical())
            .execute(&self.pool)
            .await
            .map_err(StoreError::backend)?
            .rows_affected();
        Ok(deleted)
    }
}
