//! Confidential concerns (ISO/IEC 42001 A.3.3): raised privately, named or anonymously. An
//! anonymous reporter follows up with a handle, found by an indexed lookup of its hash; the
//! compliance role reads and answers concerns.

use std::sync::Arc;

use crate::access::Permission;
use crate::flow::FlowKind;
use crate::ports::RecordChange;
use crate::records::concern::handle_sha256;
use crate::records::{Change, Record};
use crate::text::Narrative;
use crate::{Actor, Reference};

use super::prompts::{PromptView, Prompts, StartPrompt};
use super::{Caller, Deps, ServiceError, Timeline, request_key};

#[derive(Debug, Clone)]
pub struct Concerns {
    deps: Arc<Deps>,
}

impl Concerns {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Opens a concern's draft (which holds no identity) and returns its first question, to
    /// be asked privately. If it cannot be delivered, [`Prompts::abandon`] deletes it.
    pub async fn raise(
        &self,
        caller: &Caller,
        request_id: &str,
    ) -> Result<PromptView, ServiceError> {
        Prompts::new(self.deps.clone())
            .start(caller, StartPrompt::new(FlowKind::Concern, request_id))
            .await
    }

    /// The concern a follow-up handle belongs to, with its timeline (replies included).
    pub async fn status(&self, handle: &str) -> Result<Timeline, ServiceError> {
        let stored = self.by_handle(handle).await?;
        self.deps.timeline(stored).await
    }

    /// Adds information to a concern, as its (anonymous) reporter.
    pub async fn follow_up(
        &self,
        request_id: &str,
        handle: &str,
        message: String,
    ) -> Result<Reference, ServiceError> {
        let note = Narrative::for_field("message", message)?;
        let stored = self.by_handle(handle).await?;
        self.deps
            .store
            .change(RecordChange {
                guild: stored.guild.clone(),
                reference: stored.reference,
                actor: Actor::anonymous(),
                at: self.deps.clock.now(),
                change: Change::note(note),
                // Keyed, like everything an anonymous reporter leaves: the interaction id
                // would say when they wrote.
                idempotency_key: Some(self.deps.keyed.interaction("concern-follow-up", request_id)),
                owed: Vec::new(),
            })
            .await?;
        Ok(stored.reference)
    }

    /// A concern with its timeline, for the compliance role.
    pub async fn show(
        &self,
        caller: &Caller,
        reference: Reference,
    ) -> Result<Timeline, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::ViewConcerns)?;
        let stored = self.deps.load(&caller.guild, reference).await?;
        if !matches!(stored.record, Record::Concern(_)) {
            return Err(ServiceError::NotFound(reference));
        }
        self.deps.timeline(stored).await
    }

    /// The compliance role's answer, which the reporter reads with their handle.
    pub async fn respond(
        &self,
        caller: &Caller,
        request_id: &str,
        reference: Reference,
        message: String,
    ) -> Result<(), ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::ViewConcerns)?;
        let note = Narrative::for_field("message", message)?;
        let stored = self.deps.load(&caller.guild, reference).await?;
        if !matches!(stored.record, Record::Concern(_)) {
            return Err(ServiceError::NotFound(reference));
        }
        self.deps
            .store
            .change(RecordChange {
                guild: caller.guild.clone(),
                reference,
                actor: caller.actor.clone(),
                at: self.deps.clock.now(),
                change: Change::note(note),
                idempotency_key: Some(request_key(request_id)),
                owed: Vec::new(),
            })
            .await?;
        Ok(())
    }

    /// The concern of a served guild whose handle this is.
    async fn by_handle(&self, handle: &str) -> Result<crate::StoredRecord, ServiceError> {
        match self
            .deps
            .store
            .concern_by_handle(&handle_sha256(handle))
            .await?
        {
            Some(stored)
                if self.deps.tenants.serves(&stored.guild)
                    && matches!(&stored.record, Record::Concern(c) if c.handle_matches(handle)) =>
            {
                Ok(stored)
            }
            _ => Err(ServiceError::UnknownHandle),
        }
    }
}
