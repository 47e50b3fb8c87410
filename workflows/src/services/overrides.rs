//! Human overrides of AI outputs (EU AI Act Art. 14(4)): a guided log, optionally linked to an
//! incident, with the AI's confidence and the overseer's authority given upfront; tallies of
//! outputs reviewed and accepted; and the override rate the two give.

use std::sync::Arc;

use crate::access::Permission;
use crate::flow::FlowKind;
use crate::flow::datetime;
use crate::flow::keys::{self, context};
use crate::ports::{Committed, EvidenceQuery, NewRecord, RecordQuery};
use crate::records::incident::AiSystemRef;
use crate::records::{AcceptedOutputs, Record};
use crate::{RecordKind, Reference, Timestamp, ValidationError};

use super::prompts::{PromptView, StartPrompt};
use super::{Caller, Deps, ServiceError, request_key};

/// A period as typed: its first day (default today) and its last day, included (default the
/// first), in the organisation's time zone, or instants.
#[derive(Debug, Clone, Default)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The override rate of one AI system over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideRate {
    pub ai_system: AiSystemRef,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Overrides logged in the period.
    pub overrides: u64,
    /// Outputs reviewed and accepted, from tallies whose period lies within it.
    pub accepted: u64,
}

impl OverrideRate {
    /// Overrides per reviewed output, when anything was reviewed.
    pub fn rate(&self) -> Option<f64> {
        let reviewed = self.overrides + self.accepted;
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        (reviewed > 0).then(|| self.overrides as f64 / reviewed as f64)
    }
}

/// At most this many tallies of one system are read for one rate (newest first).
const TALLY_LIMIT: u32 = 1000;

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

    /// Records that `count` outputs of `system` were reviewed and accepted in `period`.
    pub async fn accepted(
        &self,
        caller: &Caller,
        request_id: &str,
        system: &str,
        count: u32,
        period: &Period,
    ) -> Result<Committed, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::LogOverride)?;
        let (from, to) = self.period(period)?;
        if to > self.deps.clock.now().plus(chrono::Duration::days(1)) {
            return Err(ValidationError::new(
                "to",
                "the period has not ended yet; count outputs of days that have passed or today",
            )
            .into());
        }
        let record = AcceptedOutputs {
            ai_system: self.deps.ai_system(&caller.guild, system).await?,
            from,
            to,
            accepted: count,
            reviewer: caller.actor.clone(),
        };
        record.validate()?;
        // Counted twice, the same outputs would lower the rate: one tally per person, system
        // and day.
        let mine = self
            .deps
            .store
            .records(&RecordQuery {
                guild: Some(caller.guild.clone()),
                kind: Some(RecordKind::AcceptedOutputs),
                person: Some(caller.actor.clone()),
                ai_system: Some(record.ai_system.stored_name()),
                limit: TALLY_LIMIT,
                ..RecordQuery::default()
            })
            .await?;
        if let Some(earlier) = mine.iter().find(|stored| {
            matches!(&stored.record, Record::AcceptedOutputs(t) if t.from < to && from < t.to)
        }) {
            return Err(ValidationError::new(
                "from",
                format!(
                    "you already counted outputs of this system for an overlapping period ({}); \
                     count only days not counted yet",
                    earlier.reference
                ),
            )
            .into());
        }
        Ok(self
            .deps
            .store
            .create(NewRecord {
                guild: caller.guild.clone(),
                actor: caller.actor.clone(),
                at: self.deps.clock.now(),
                record: Record::AcceptedOutputs(record),
                idempotency_key: Some(request_key(request_id)),
                owed: Vec::new(),
            })
            .await?)
    }

    /// The override rate of `system` in `period`: overrides logged, and outputs accepted in
    /// tallies that lie within the period.
    pub async fn rate(
        &self,
        caller: &Caller,
        system: &str,
        period: &Period,
    ) -> Result<OverrideRate, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        if !caller.roles.can(Permission::ViewAllRecords) {
            caller.require(Permission::LogOverride)?;
        }
        let (from, to) = self.period(period)?;
        let ai_system = self.deps.ai_system(&caller.guild, system).await?;
        let stored_as = ai_system.stored_name();
        let overrides = self
            .deps
            .store
            .count_evidence(&EvidenceQuery {
                guild: Some(caller.guild.clone()),
                kind: RecordKind::HumanOverride,
                review_kinds: Vec::new(),
                requires: Vec::new(),
                ai_system: Some(stored_as.clone()),
                from,
                to,
            })
            .await?;
        let tallies = self
            .deps
            .store
            .records(&RecordQuery {
                guild: Some(caller.guild.clone()),
                kind: Some(RecordKind::AcceptedOutputs),
                ai_system: Some(stored_as.clone()),
                limit: TALLY_LIMIT,
                ..RecordQuery::default()
            })
            .await?;
        let accepted = tallies
            .iter()
            .filter_map(|stored| match &stored.record {
                Record::AcceptedOutputs(t) if t.ai_system == ai_system && t.within(from, to) => {
                    Some(u64::from(t.accepted))
                }
                _ => None,
            })
            .sum();
        Ok(OverrideRate {
            ai_system,
            from,
            to,
            overrides,
            accepted,
        })
    }

    /// `[from, to)`: a day typed for the end counts in full.
    fn period(&self, period: &Period) -> Result<(Timestamp, Timestamp), ValidationError> {
        let now = self.deps.clock.now();
        let zone = self.deps.policy.time_zone;
        let from_text = period.from.as_deref().unwrap_or("today");
        let from = datetime::parse("from", from_text, now, zone)?;
        let to_text = period.to.as_deref().unwrap_or(from_text);
        let to = datetime::parse("to", to_text, now, zone)?;
        let whole_day = to_text.trim().eq_ignore_ascii_case("today")
            || to_text.trim().eq_ignore_ascii_case("yesterday")
            || chrono::NaiveDate::parse_from_str(to_text.trim(), "%Y-%m-%d").is_ok();
        // The end of a whole day is the next day's local midnight (23 or 25 hours away on
        // the days the clocks change).
        let to = if whole_day {
            let day = to.as_datetime().with_timezone(&zone).date_naive();
            let next = day.succ_opt().unwrap_or(day);
            datetime::parse("to", &next.format("%Y-%m-%d").to_string(), now, zone)?
        } else {
            to
        };
        if from >= to {
            return Err(ValidationError::new(
                "to",
                format!(
                    "the period ends ({to}) before it starts ({from}); give an end after the start"
                ),
            ));
        }
        Ok((from, to))
    }
}
