//! Human overrides of AI outputs (EU AI Act Art. 14(4)): a guided log, optionally linked to an
//! incident, with the AI's confidence and the overseer's authority given upfront.

use std::sync::Arc;

use crate::flow::FlowKind;
use crate::flow::keys::{self, context};
use crate::records::Record;
use crate::{RecordKind, Reference, ValidationError};

use super::prompts::{PromptView, StartPrompt};
use super::{Caller, Deps, ServiceError};

/// What an overseer may give upfront.
#[derive(Debug, Clone, Default)]
pub struct OverrideOptions {
    pub system: Option<String>,
    /// An incident of this guild the override relates to.
    pub incident: Option<Reference>,
    /// The AI's confidence in its output, 0 to 1.
    pub confidence: Option<f64>,
    /// The overseer's authority to intervene (a choice of the flow, answered upfront).
    pub authority: Option<String>,
    /// The overseer's mandate, in their words.
    pub mandate: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Overrides {
    deps: Arc<Deps>,
}

impl Overrides {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Starts a guided override log.
    pub async fn log(
        &self,
        caller: &Caller,
        request_id: &str,
        options: OverrideOptions,
    ) -> Result<PromptView, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        let mut start = StartPrompt::new(FlowKind::HumanOverride, request_id);
        if let Some(system) = options.system {
            start.drafts.push((keys::AI_SYSTEM, system));
        }
        if let Some(incident) = options.incident {
            if incident.kind() != RecordKind::Incident {
                return Err(ServiceError::NotFound(incident));
            }
            let stored = self.deps.load(&caller.guild, incident).await?;
            if !matches!(stored.record, Record::Incident(_)) {
                return Err(ServiceError::NotFound(incident));
            }
            start
                .context
                .push((context::LINKED_INCIDENT, incident.to_string()));
        }
        if let Some(confidence) = options.confidence {
            if !(0.0..=1.0).contains(&confidence) {
                return Err(ValidationError::new(
                    "confidence",
                    format!("{confidence} is outside 0 to 1"),
                )
                .into());
            }
            start
                .context
                .push((context::CONFIDENCE, confidence.to_string()));
        }
        if let Some(authority) = options.authority.filter(|a| !a.trim().is_empty()) {
            start
                .answers
                .push((keys::OVERSEER_AUTHORITY.to_owned(), vec![authority]));
        }
        if let Some(mandate) = options.mandate.filter(|m| !m.trim().is_empty()) {
            start.context.push((context::MANDATE, mandate));
        }
        super::prompts::Prompts::new(self.deps.clone())
            .start(caller, start)
            .await
    }
}
