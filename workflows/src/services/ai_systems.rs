//! The AI system inventory (ISO/IEC 42001 A.4; EU AI Act risk classes): register a system
//! through a guided prompt, list and show systems, and find them by what people start typing.

use std::sync::Arc;

use crate::access::Permission;
use crate::flow::FlowKind;
use crate::ports::{NameSearch, RecordQuery};
use crate::records::Record;
use crate::{GuildId, RecordKind, Reference, StoredRecord};

use super::prompts::{PromptView, Prompts, StartPrompt};
use super::{Caller, Deps, ServiceError};

/// At most this many systems are listed.
pub const LIST_LIMIT: u32 = 50;
/// At most this many suggestions (Discord's limit for autocomplete).
pub const SUGGESTIONS: u32 = 25;

#[derive(Debug, Clone)]
pub struct AiSystems {
    deps: Arc<Deps>,
}

impl AiSystems {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Starts a guided registration, owned by the caller.
    pub async fn register(
        &self,
        caller: &Caller,
        request_id: &str,
    ) -> Result<PromptView, ServiceError> {
        Prompts::new(self.deps.clone())
            .start(
                caller,
                StartPrompt::new(FlowKind::AiSystemRegistration, request_id),
            )
            .await
    }

    /// The newest systems of the guild.
    pub async fn list(&self, caller: &Caller) -> Result<Vec<StoredRecord>, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::ViewInventory)?;
        Ok(self
            .deps
            .store
            .records(&RecordQuery {
                guild: Some(caller.guild.clone()),
                kind: Some(RecordKind::AiSystem),
                limit: LIST_LIMIT,
                ..RecordQuery::default()
            })
            .await?)
    }

    pub async fn show(
        &self,
        caller: &Caller,
        reference: Reference,
    ) -> Result<StoredRecord, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::ViewInventory)?;
        let stored = self.deps.load(&caller.guild, reference).await?;
        if !matches!(stored.record, Record::AiSystem(_)) {
            return Err(ServiceError::NotFound(reference));
        }
        Ok(stored)
    }

    /// Systems whose name or reference starts with what was typed, for autocomplete: an
    /// indexed lookup, so it stays fast however large the inventory.
    pub async fn suggest(
        &self,
        guild: &GuildId,
        typed: &str,
    ) -> Result<Vec<StoredRecord>, ServiceError> {
        self.deps.tenant(guild)?;
        Ok(self
            .deps
            .store
            .records_named(
                guild,
                RecordKind::AiSystem,
                &NameSearch::StartingWith(typed.trim().to_owned()),
                SUGGESTIONS,
            )
            .await?)
    }
}
