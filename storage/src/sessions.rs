//! Guided-prompt sessions on both backends: the same SQL text, one implementation generated
//! per store type (sqlx's executors are concrete types).

use aimsbot_workflows::flow::Session;
use aimsbot_workflows::ports::StoreError;

/// Returns the new row's version, or no row when the id exists (a replayed start).
pub(crate) const INSERT_SESSION: &str = "\
    INSERT INTO prompt_sessions (id, guild_id, flow, owner_platform, owner_id, status, state, version, created_at, expires_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING version";

pub(crate) const SELECT_SESSION: &str = "SELECT state, version FROM prompt_sessions WHERE id = $1";

pub(crate) const UPDATE_SESSION: &str = "\
    UPDATE prompt_sessions SET state = $2, status = $3, owner_platform = $4, owner_id = $5, version = version + 1 \
    WHERE id = $1 AND version = $6";

/// Closes a session inside the transaction that stores its record. Parameters: id, state,
/// status, owner platform, owner id ([`bind_close`]).
pub(crate) const CLOSE_SESSION: &str = "\
    UPDATE prompt_sessions SET state = $2, status = $3, owner_platform = $4, owner_id = $5, version = version + 1 \
    WHERE id = $1";

/// The same, numbered to follow a write statement's 17 parameters in one SQLite batch.
macro_rules! close_session_after_write {
    () => {
        "UPDATE prompt_sessions SET state = $19, status = $20, owner_platform = $21, owner_id = $22, \
         version = version + 1 WHERE id = $18;"
    };
}
pub(crate) use close_session_after_write;

/// Binds a closing session's five parameters.
pub(crate) fn bind_close<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    session: &Session,
) -> Result<sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>, StoreError>
where
    DB: sqlx::Database,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'static str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    Ok(query
        .bind(session.id.clone())
        .bind(to_state(session)?)
        .bind(session.status.as_str())
        .bind(session.owner.platform.as_str())
        .bind(session.owner.platform_user_id.clone()))
}

pub(crate) fn to_state(session: &Session) -> Result<String, StoreError> {
    serde_json::to_string(session).map_err(StoreError::backend)
}

pub(crate) fn from_row(state: &str, version: i64) -> Result<Session, StoreError> {
    let mut session: Session = serde_json::from_str(state).map_err(StoreError::backend)?;
    session.version = u64::try_from(version).unwrap_or_default();
    Ok(session)
}

macro_rules! impl_session_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl aimsbot_workflows::ports::SessionStore for $store {
            async fn open_session(&self, session: Session) -> Result<Session, StoreError> {
                let inserted: Option<i64> = sqlx::query_scalar($crate::sessions::INSERT_SESSION)
                    .bind(&session.id)
                    .bind(session.guild.as_str())
                    .bind(session.flow.as_str())
                    .bind(session.owner.platform.as_str())
                    .bind(&session.owner.platform_user_id)
                    .bind(session.status.as_str())
                    .bind($crate::sessions::to_state(&session)?)
                    .bind(session.created_at.to_canonical())
                    .bind(session.expires_at.to_canonical())
                    .fetch_optional(self.write_pool())
                    .await
                    .map_err(StoreError::backend)?;
                if inserted.is_some() {
                    return Ok(Session {
                        version: 0,
                        ..session
                    });
                }
                // The id exists: a replayed start gets the stored session, as it stands.
                let (state, version): (String, i64) =
                    sqlx::query_as($crate::sessions::SELECT_SESSION)
                        .bind(&session.id)
                        .fetch_one(self.write_pool())
                        .await
                        .map_err(StoreError::backend)?;
                $crate::sessions::from_row(&state, version)
            }

            async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
                let row: Option<(String, i64)> = sqlx::query_as($crate::sessions::SELECT_SESSION)
                    .bind(id)
                    .fetch_optional(self.read_pool())
                    .await
                    .map_err(StoreError::backend)?;
                row.map(|(state, version)| $crate::sessions::from_row(&state, version))
                    .transpose()
            }

            async fn complete_session(
                &self,
                session: Session,
                new: aimsbot_workflows::ports::NewRecord,
            ) -> Result<(Session, aimsbot_workflows::ports::Committed), StoreError> {
                let (committed, closed) = self.write_create(new, Some(session)).await?;
                let closed = closed.ok_or_else(|| {
                    StoreError::backend(std::io::Error::other("the closing session was lost"))
                })?;
                Ok((closed, committed))
            }

            async fn save_session(&self, session: Session) -> Result<Session, StoreError> {
                let read_version = i64::try_from(session.version).unwrap_or(i64::MAX);
                let saved = sqlx::query($crate::sessions::UPDATE_SESSION)
                    .bind(&session.id)
                    .bind($crate::sessions::to_state(&session)?)
                    .bind(session.status.as_str())
                    .bind(session.owner.platform.as_str())
                    .bind(&session.owner.platform_user_id)
                    .bind(read_version)
                    .execute(self.write_pool())
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
        }
    };
}

pub(crate) use impl_session_store;
