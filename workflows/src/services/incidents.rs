//! Incidents: start a report (from a command or a quoted message), show one to those allowed
//! to see it, list them by scope and status, move them along, confirm or revise the
//! serious-incident assessment (compliance), and record who was told and when.

use std::sync::Arc;

use crate::access::Permission;
use crate::ai_act::{Clocks, MemberState, SeriousCriterion};
use crate::flow::FlowKind;
use crate::flow::datetime::parse_past;
use crate::flow::keys::{self, context, values};
use crate::outbox::NewJob;
use crate::ports::{Committed, RecordChange, RecordQuery};
use crate::records::incident::{
    AuthorityReport, HarmCategory, Incident, IncidentKind, IncidentStatus, ReportStage,
    SeriousAssessment,
};
use crate::records::{Change, FieldChanges, Record};
use crate::text::{Label, Narrative};
use crate::{Reference, StoredRecord, Timestamp, ValidationError};

use super::prompts::{ComplianceNotice, PromptView, StartPrompt};
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

/// The compliance role's serious-incident assessment, as typed.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    /// Art. 3(49) criteria by stored name or label, or "not_serious".
    pub criteria: Vec<String>,
    /// The Member States affected ("DE, FR, NL"); unchanged when `None`.
    pub member_states: Option<String>,
    /// When a causal link was established or suspected; unchanged when `None`.
    pub causal_link_at: Option<String>,
    /// What kind of event it was, when compliance corrects the reporter's answer.
    pub kind: Option<String>,
    /// What was harmed, comma-separated (or "none"), when compliance corrects it.
    pub harm: Option<String>,
    /// Why: kept in the ledger with who decided.
    pub reason: String,
}

/// A report made to the provider or an authority, as typed.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub stage: String,
    /// When it was made; now when `None`.
    pub at: Option<String>,
    pub authority: Option<String>,
    pub member_states: Option<String>,
    pub reference: Option<String>,
}

/// A change to an incident, with the clocks that now follow.
#[derive(Debug, Clone)]
pub struct IncidentChanged {
    pub committed: Committed,
    pub clocks: Option<Clocks>,
    /// Whether the compliance channel is told (assessments only).
    pub compliance: ComplianceNotice,
}

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
                ai_system: None,
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
        self.change(
            caller,
            reference,
            change,
            request_key(request_id),
            Vec::new(),
        )
        .await
    }

    /// The compliance role confirms or revises the serious-incident assessment: one ledger
    /// event with who and why, after which the deadlines follow the new assessment. The
    /// compliance channel is told when the guild has one.
    pub async fn assess(
        &self,
        caller: &Caller,
        request_id: &str,
        reference: Reference,
        input: AssessmentInput,
    ) -> Result<IncidentChanged, ServiceError> {
        let tenant = self.deps.tenant(&caller.guild)?.clone();
        caller.require(Permission::AssessIncident)?;
        let now = self.deps.clock.now();
        let reason = Narrative::for_field("reason", input.reason)?;
        let criteria = input
            .criteria
            .iter()
            .map(|c| c.parse::<SeriousCriterion>())
            .collect::<Result<Vec<_>, _>>()?;
        let stored = self.deps.load(&caller.guild, reference).await?;
        let Record::Incident(incident) = &stored.record else {
            return Err(ServiceError::NotFound(reference));
        };
        let assessment = SeriousAssessment::new(criteria, caller.actor.clone(), now)?
            .by_compliance(incident.assessment.as_ref());
        let member_states = match &input.member_states {
            Some(text) => MemberState::parse_list(text)?,
            None => incident.member_states.clone(),
        };
        if assessment
            .criteria
            .contains(&SeriousCriterion::FundamentalRights)
            && member_states.is_empty()
        {
            return Err(ValidationError::new(
                MemberState::FIELD,
                "name the EU Member States affected by the infringement of fundamental rights \
                 (e.g. DE, FR): in two or more it is treated as widespread (Art. 3(61)) and the \
                 limit is 2 days",
            )
            .into());
        }
        let causal_link_at = match &input.causal_link_at {
            Some(text) => Some(self.past("causal_link_at", text, now)?),
            None => incident.causal_link_at,
        };
        let mut changes = FieldChanges::new()
            .set("assessment", &assessment)
            .set(MemberState::FIELD, &member_states)
            .set("causal_link_at", causal_link_at);
        // A near miss or "no harm" cannot stand with a serious assessment: compliance corrects
        // those answers in the same event when the facts were otherwise.
        if let Some(kind) = &input.kind {
            changes = changes.set(IncidentKind::FIELD, kind.parse::<IncidentKind>()?);
        }
        if let Some(harm) = &input.harm {
            let mut harmed = Vec::new();
            for item in harm.split(',').map(str::trim).filter(|h| !h.is_empty()) {
                if !item.eq_ignore_ascii_case(values::NO_HARM) {
                    harmed.push(item.parse::<HarmCategory>()?);
                }
            }
            changes = changes.set(HarmCategory::FIELD, harmed);
        }
        let compliance = if tenant.compliance_channel {
            ComplianceNotice::Queued
        } else {
            ComplianceNotice::NoChannel
        };
        let key = request_key(request_id);
        let owed = match compliance {
            ComplianceNotice::Queued => vec![NewJob::assessment_notice(
                &caller.guild,
                reference,
                &key,
                now,
            )],
            _ => Vec::new(),
        };
        let committed = self
            .change(
                caller,
                reference,
                Change::Amend { reason, changes },
                key,
                owed,
            )
            .await?;
        if !committed.replayed && compliance == ComplianceNotice::Queued {
            self.deps.waker.wake();
        }
        let clocks = self.deps.clocks(&committed.record).await.unwrap_or(None);
        Ok(IncidentChanged {
            committed,
            clocks,
            compliance,
        })
    }

    /// Records that the provider was informed or cannot be reached (a deployer's duty,
    /// Art. 26(5)), or that the initial or complete report went to an authority (Art. 73(5)).
    /// A report to an authority moves an open incident to "reported"; the clocks it meets stop.
    pub async fn record_report(
        &self,
        caller: &Caller,
        request_id: &str,
        reference: Reference,
        input: ReportInput,
    ) -> Result<IncidentChanged, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::RecordIncidentReport)?;
        let now = self.deps.clock.now();
        let stage: ReportStage = input.stage.parse()?;
        let at = match &input.at {
            Some(text) => self.past("at", text, now)?,
            None => now,
        };
        let stored = self.deps.load(&caller.guild, reference).await?;
        let Record::Incident(incident) = &stored.record else {
            return Err(ServiceError::NotFound(reference));
        };
        report_applies(incident, stage, at)?;
        let mut changes = if stage.to_authority() {
            let required = |field: &str, value: &Option<String>| {
                value.clone().ok_or_else(|| {
                    ValidationError::new(
                        field,
                        format!("is required for this step: {}", stage.label()),
                    )
                })
            };
            let member_states =
                MemberState::parse_list(&required(MemberState::FIELD, &input.member_states)?)?;
            if member_states.is_empty() {
                return Err(ValidationError::new(
                    MemberState::FIELD,
                    "name the Member State(s) whose authority was told, e.g. DE",
                )
                .into());
            }
            let report = AuthorityReport {
                at,
                authority: Label::for_field("authority", required("authority", &input.authority)?)?,
                member_states,
                reference: Label::for_field("reference", required("reference", &input.reference)?)?,
            };
            FieldChanges::new().set(stage.field(), report)
        } else {
            FieldChanges::new().set(stage.field(), at)
        };
        if stage.to_authority()
            && matches!(
                incident.status,
                IncidentStatus::Open | IncidentStatus::Triaged
            )
        {
            changes = changes.set(IncidentStatus::FIELD, IncidentStatus::Reported);
        }
        let committed = self
            .change(
                caller,
                reference,
                Change::Status {
                    changes,
                    note: None,
                },
                request_key(request_id),
                Vec::new(),
            )
            .await?;
        let clocks = self.deps.clocks(&committed.record).await.unwrap_or(None);
        Ok(IncidentChanged {
            committed,
            clocks,
            compliance: ComplianceNotice::NotAnnounced,
        })
    }

    fn past(&self, field: &str, text: &str, now: Timestamp) -> Result<Timestamp, ValidationError> {
        parse_past(field, text, now, self.deps.policy.time_zone)
    }

    async fn change(
        &self,
        caller: &Caller,
        reference: Reference,
        change: Change,
        idempotency_key: String,
        owed: Vec<NewJob>,
    ) -> Result<Committed, ServiceError> {
        Ok(self
            .deps
            .store
            .change(RecordChange {
                guild: caller.guild.clone(),
                reference,
                actor: caller.actor.clone(),
                at: self.deps.clock.now(),
                change,
                idempotency_key: Some(idempotency_key),
                owed,
            })
            .await?)
    }
}

/// Whether a report of `stage` made at `at` fits the incident: it concerns a serious incident,
/// is made once the organisation was aware, and a deployer's provider steps are a deployer's.
fn report_applies(
    incident: &Incident,
    stage: ReportStage,
    at: Timestamp,
) -> Result<(), ValidationError> {
    use crate::ai_act::OrganisationRole;
    if !incident.is_serious() {
        return Err(ValidationError::new(
            "stage",
            "the incident is not assessed as serious, so no report is owed under Art. 73; \
             confirm a serious assessment first with /incident assess",
        ));
    }
    if at < incident.aware_at {
        return Err(ValidationError::new(
            "at",
            format!(
                "{at} is before the organisation became aware ({}); a report follows awareness",
                incident.aware_at
            ),
        ));
    }
    if !stage.to_authority() && incident.organisation_role != OrganisationRole::Deployer {
        return Err(ValidationError::new(
            "stage",
            format!(
                "the organisation is the {} of this AI system: the provider steps of Art. 26(5) \
                 are a deployer's; record the initial or complete report instead",
                incident.organisation_role.label().to_lowercase()
            ),
        ));
    }
    Ok(())
}
