//! Incidents: start a report (from a command or a quoted message), show one to those allowed
//! to see it, list them by scope and status, and move them along.

use std::sync::Arc;

use crate::access::Permission;
use crate::flow::FlowKind;
use crate::flow::keys::{self, context};
use crate::ports::{Committed, RecordChange, RecordQuery};
use crate::records::incident::IncidentStatus;
use crate::records::{Change, Record};
use crate::text::Narrative;
use crate::{Reference, StoredRecord, ValidationError};

use super::prompts::{PromptView, StartPrompt};
use super::{Caller, Deps, ServiceError, Timeline, request_key};

/// Answers a reporter may give upfront (command options); what is missing is asked.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    pub system: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub harm: Option<String>,
    pub serious: Option<String>,
    pub role: Option<String>,
}

/// A chat message an incident is reported from.
#[derive(Debug, Clone)]
pub struct QuotedMessage {
    pub text: String,
    pub link: String,
}

/// Whose incidents to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Mine,
    All,
}

/// Incidents listed, newest first.
#[derive(Debug, Clone)]
pub struct Listing {
    pub scope: Scope,
    pub records: Vec<StoredRecord>,
    /// At most this many are listed.
    pub limit: u32,
}

/// At most this many incidents are listed.
const LIST_LIMIT: u32 = 25;

#[derive(Debug, Clone)]
pub struct Incidents {
    deps: Arc<Deps>,
}

impl Incidents {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Starts a guided report; options answer questions upfront.
    pub async fn report(
        &self,
        caller: &Caller,
        request_id: &str,
        options: ReportOptions,
        quoted: Option<QuotedMessage>,
    ) -> Result<PromptView, ServiceError> {
        let mut start = StartPrompt::new(FlowKind::IncidentReport, request_id);
        if let Some(system) = options.system {
            start.drafts.push((keys::AI_SYSTEM, system));
        }
        if let Some(quoted) = quoted {
            let text: String = quoted.text.chars().take(Narrative::MAX_CHARS).collect();
            if !text.trim().is_empty() {
                start.drafts.push((keys::WHAT_HAPPENED, text));
            }
            start.context.push((context::SOURCE_LINK, quoted.link));
        }
        start.answers = [
            (keys::INCIDENT_KIND, options.kind),
            (keys::SEVERITY, options.severity),
            (keys::HARM_CATEGORIES, options.harm),
            (keys::SERIOUS, options.serious),
            (keys::ORGANISATION_ROLE, options.role),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key.to_owned(), vec![value?])))
        .collect();
        super::prompts::Prompts::new(self.deps.clone())
            .start(caller, start)
            .await
    }

    /// An incident with its timeline: for its reporter, those who see every record, and
    /// those who handle incidents.
    pub async fn show(
        &self,
        caller: &Caller,
        reference: Reference,
    ) -> Result<Timeline, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        let roles = &caller.roles;
        if !roles.can(Permission::ViewOwnRecords) {
            roles.require(Permission::ViewAllRecords)?;
        }
        let stored = self.deps.load(&caller.guild, reference).await?;
        let Record::Incident(incident) = &stored.record else {
            return Err(ServiceError::NotFound(reference));
        };
        let own = incident
            .reporter
            .as_ref()
            .is_some_and(|r| r.same_person(&caller.actor));
        if !own && !roles.can(Permission::UpdateIncident) {
            roles.require(Permission::ViewAllRecords)?;
        }
        self.deps.timeline(stored).await
    }

    /// The caller's incidents, or everyone's for those who see every record (their default).
    pub async fn list(
        &self,
        caller: &Caller,
        scope: Option<Scope>,
        status: Option<IncidentStatus>,
    ) -> Result<Listing, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        let roles = &caller.roles;
        if !roles.can(Permission::ViewOwnRecords) {
            roles.require(Permission::ViewAllRecords)?;
        }
        let sees_all = roles.can(Permission::ViewAllRecords);
        let scope = scope.unwrap_or(if sees_all { Scope::All } else { Scope::Mine });
        if scope == Scope::All {
            roles.require(Permission::ViewAllRecords)?;
        }
        let records = self
            .deps
            .store
            .records(&RecordQuery {
                guild: Some(caller.guild.clone()),
                kind: Some(crate::RecordKind::Incident),
                status: status.map(IncidentStatus::as_str),
                person: (scope == Scope::Mine).then(|| caller.actor.clone()),
                limit: LIST_LIMIT,
            })
            .await?;
        Ok(Listing {
            scope,
            records,
            limit: LIST_LIMIT,
        })
    }

    /// Moves an incident to a new status, adds a note to its timeline, or both.
    pub async fn update(
        &self,
        caller: &Caller,
        request_id: &str,
        reference: Reference,
        status: Option<IncidentStatus>,
        note: Option<String>,
    ) -> Result<Committed, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::UpdateIncident)?;
        let note = note.map(|n| Narrative::for_field("note", n)).transpose()?;
        let change = match (status, note) {
            (Some(status), note) => Change::incident_status(status, note),
            (None, Some(note)) => Change::note(note),
            (None, None) => {
                return Err(
                    ValidationError::new("status", "give a new status, a note, or both").into(),
                );
            }
        };
        let stored = self.deps.load(&caller.guild, reference).await?;
        if !matches!(stored.record, Record::Incident(_)) {
            return Err(ServiceError::NotFound(reference));
        }
        Ok(self
            .deps
            .store
            .change(RecordChange {
                guild: caller.guild.clone(),
                reference,
                actor: caller.actor.clone(),
                at: self.deps.clock.now(),
                change,
                idempotency_key: Some(request_key(request_id)),
                owed: Vec::new(),
            })
            .await?)
    }
}
