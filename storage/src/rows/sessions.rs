//! Rows of `prompt_sessions`: a guided prompt's state between interactions, kept whole as JSON
//! with the few columns that index it.

use aimsbot_workflows::flow::{Session, SessionStatus};
use aimsbot_workflows::ports::StoreError;
use serde::Serialize;

use super::{corrupt, signed, unsigned};

/// A `prompt_sessions` row as written. `version` is the version the session was read at: a
/// save succeeds only if the stored row still has it.
#[derive(Debug, Serialize)]
pub(crate) struct SessionWriteRow {
    pub id: String,
    pub guild_id: String,
    pub flow: &'static str,
    /// Who may continue it, as [`aimsbot_workflows::flow::SessionOwner::stored_identity`]
    /// gives it: a keyed owner is stored as its hash only.
    pub owner_platform: String,
    pub owner_id: String,
    pub status: &'static str,
    /// The whole session as JSON.
    pub state: String,
    pub version: i64,
    pub created_at: String,
    pub expires_at: String,
}

impl SessionWriteRow {
    pub(crate) fn of(session: &Session) -> Result<Self, StoreError> {
        let (owner_platform, owner_id) = session.owner.stored_identity();
        Ok(Self {
            id: session.id.clone(),
            guild_id: session.guild.to_string(),
            flow: session.flow.as_str(),
            owner_platform: owner_platform.to_owned(),
            owner_id: owner_id.to_owned(),
            status: session.status.as_str(),
            state: serde_json::to_string(session).map_err(StoreError::backend)?,
            version: signed(session.version),
            created_at: session.created_at.to_canonical(),
            expires_at: session.expires_at.to_canonical(),
        })
    }
}

/// A `prompt_sessions` row as read.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub state: String,
    pub version: i64,
}

impl SessionRow {
    pub(crate) fn into_session(self) -> Result<Session, StoreError> {
        let mut session: Session = serde_json::from_str(&self.state)
            .map_err(|e| corrupt(format!("prompt session state: {e}")))?;
        // The column is the truth: the JSON holds the version the session was saved from.
        session.version = unsigned("prompt_sessions.version", self.version)?;
        Ok(session)
    }
}

/// Where a stored session stands, as a completion checks it under the write lock.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionVersionRow {
    pub version: i64,
    pub status: String,
}

impl SessionVersionRow {
    /// Whether the stored session is still open at the version `read` was read at.
    pub(crate) fn is_as_read(&self, read: &Session) -> bool {
        self.version == signed(read.version) && self.status == SessionStatus::Open.as_str()
    }
}
