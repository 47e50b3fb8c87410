//! The [`SessionStore`] port on SQLite. A session is written as one JSON parameter (`$1`,
//! [`SessionWriteRow`]) whose fields the SQL names.

use aimsbot_workflows::Timestamp;
use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::{Committed, NewRecord, SessionEnd, SessionStore, StoreError};
use async_trait::async_trait;

use super::SqliteStore;
use crate::rows::{SessionRow, SessionWriteRow};

/// Stores a new session unless its id exists; returns its version, or no row when the id
/// existed (a replayed start).
const OPEN: &str = "
INSERT INTO prompt_sessions (id, guild_id, flow, owner_platform, owner_id, status, state, version,
                             created_at, expires_at)
SELECT $1 ->> 'id', $1 ->> 'guild_id', $1 ->> 'flow', $1 ->> 'owner_platform', $1 ->> 'owner_id',
       $1 ->> 'status', $1 ->> 'state', 0, $1 ->> 'created_at', $1 ->> 'expires_at'
WHERE true
ON CONFLICT (id) DO NOTHING
RETURNING version";

const SESSION: &str = "SELECT state, version FROM prompt_sessions WHERE id = $1";

/// Saves a session if the stored row still has the version it was read at.
const SAVE: &str = "
UPDATE prompt_sessions
SET state = $1 ->> 'state', status = $1 ->> 'status', owner_platform = $1 ->> 'owner_platform',
    owner_id = $1 ->> 'owner_id', expires_at = $1 ->> 'expires_at', version = version + 1
WHERE id = $1 ->> 'id' AND version = $1 ->> 'version'";

const DISCARD: &str = "DELETE FROM prompt_sessions WHERE id = $1";

const REAP: &str = "DELETE FROM prompt_sessions WHERE expires_at < $1";

impl SqliteStore {
    /// The session as stored, read from the read pool.
    pub(super) async fn stored_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(SESSION)
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .map_err(StoreError::backend)?;
        row.map(SessionRow::into_session).transpose()
    }
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn open_session(&self, session: Session) -> Result<Session, StoreError> {
        let row =
            serde_json::to_string(&SessionWriteRow::of(&session)?).map_err(StoreError::backend)?;
        let inserted: Option<i64> = sqlx::query_scalar(OPEN)
            .bind(row)
            .fetch_optional(&self.writer)
            .await
            .map_err(StoreError::backend)?;
        if inserted.is_some() {
            return Ok(Session {
                version: 0,
                ..session
            });
        }
        // The id exists: a replayed start gets the stored session, as it stands. Read on the
        // writer, which has certainly seen the row that refused the insert.
        let stored: SessionRow = sqlx::query_as(SESSION)
            .bind(&session.id)
            .fetch_one(&self.writer)
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
            .execute(&self.writer)
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
            .execute(&self.writer)
            .await
            .map_err(StoreError::backend)?
            .rows_affected();
        if deleted > 0 {
            self.truncate_wal().await;
        }
        Ok(deleted > 0)
    }

    async fn reap_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let deleted = sqlx::query(REAP)
            .bind(now.to_canonical())
            .execute(&self.writer)
            .await
            .map_err(StoreError::backend)?
            .rows_affected();
        if deleted > 0 {
            self.truncate_wal().await;
        }
        Ok(deleted)
    }
}
