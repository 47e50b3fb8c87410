//! An AI incident, near miss or hazard (ISO/IEC 42001 A.8.4, 10.2; EU AI Act Art. 73, 26(5)),
//! with its serious-incident assessment under Art. 3(49), the reports made to the provider and
//! the authorities, and the reporting clocks its current facts give.

use serde::{Deserialize, Serialize};

use crate::ai_act::{
    Clocks, DateOfApplication, IncidentFacts, MemberState, OrganisationRole, Recipient, RiskScope,
    SeriousCriterion, clocks,
};
use crate::text::{Label, Narrative, Title};
use crate::{Actor, Reference, Timestamp, ValidationError, choice_enum};

choice_enum!(
    /// What kind of event was reported.
    IncidentKind, field = "kind" {
        Incident => ("incident", "Incident"),
        NearMiss => ("near_miss", "Near miss"),
        Hazard => ("hazard", "Hazard"),
    }
);

choice_enum!(
    /// How bad it was, as the reporter judged it.
    Severity, field = "severity" {
        Low => ("low", "Low"),
        Medium => ("medium", "Medium"),
        High => ("high", "High"),
        Critical => ("critical", "Critical"),
    }
);

choice_enum!(
    /// Who or what was harmed or put at risk.
    HarmCategory, field = "harm_categories" {
        Health => ("health", "Health"),
        Safety => ("safety", "Safety"),
        FundamentalRights => ("fundamental_rights", "Fundamental rights"),
        Property => ("property", "Property"),
        Environment => ("environment", "Environment"),
        CriticalInfrastructure => ("critical_infrastructure", "Critical infrastructure"),
        Other => ("other", "Other"),
    }
);

choice_enum!(
    /// Where the incident is in its handling.
    IncidentStatus, field = "status" {
        Open => ("open", "Open"),
        Triaged => ("triaged", "Triaged"),
        /// The initial or complete report was made to the authority (EU AI Act Art. 73(5)).
        Reported => ("reported", "Reported"),
        Contained => ("contained", "Contained"),
        Closed => ("closed", "Closed"),
    }
);

choice_enum!(
    /// Whose serious-incident assessment stands: the reporter's first one, or the compliance
    /// role's, which confirms or revises it.
    AssessmentStage, field = "assessment_stage" {
        FirstAssessment => ("first_assessment", "the reporter's first assessment"),
        Confirmed => ("confirmed", "confirmed by compliance"),
        Revised => ("revised", "revised by compliance"),
    }
);

/// Assessments recorded before compliance could confirm them were the reporter's.
fn first_assessment() -> AssessmentStage {
    AssessmentStage::FirstAssessment
}

choice_enum!(
    /// A step of reporting a serious incident (EU AI Act Art. 26(5), 73(5)).
    ReportStage, field = "stage" {
        ProviderInformed => ("provider_informed", "Provider informed (Art. 26(5))"),
        ProviderUnreachable => ("provider_unreachable", "Provider cannot be reached (Art. 26(5))"),
        InitialReport => ("initial_report", "Initial report to the authority (Art. 73(5))"),
        CompleteReport => ("complete_report", "Complete report to the authority (Art. 73(5))"),
    }
);

/// A report made to a market surveillance authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityReport {
    pub at: Timestamp,
    pub authority: Label,
    pub member_states: Vec<MemberState>,
    /// The authority's reference, or ours.
    pub reference: Label,
}

/// Who was told, and when: the evidence that a reporting clock was met.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporting {
    /// A deployer informed the provider (Art. 26(5)).
    #[serde(default)]
    pub provider_informed_at: Option<Timestamp>,
    /// A deployer found the provider cannot be reached: Art. 73 applies to it (Art. 26(5)).
    #[serde(default)]
    pub provider_unreachable_at: Option<Timestamp>,
    /// Art. 73(5) allows an incomplete report first.
    #[serde(default)]
    pub initial_report: Option<AuthorityReport>,
    #[serde(default)]
    pub complete_report: Option<AuthorityReport>,
}

impl ReportStage {
    /// The incident field a report of this stage sets.
    pub fn field(self) -> &'static str {
        match self {
            ReportStage::ProviderInformed => "provider_informed_at",
            ReportStage::ProviderUnreachable => "provider_unreachable_at",
            ReportStage::InitialReport => "initial_report",
            ReportStage::CompleteReport => "complete_report",
        }
    }

    /// Made to an authority (as opposed to about the provider).
    pub fn to_authority(self) -> bool {
        matches!(
            self,
            ReportStage::InitialReport | ReportStage::CompleteReport
        )
    }
}

impl Reporting {
    /// When a duty towards `recipient` was met: the provider informed, or the authority sent
    /// a report (initial or complete, whichever came first).
    pub fn met_at(&self, recipient: Recipient) -> Option<Timestamp> {
        match recipient {
            Recipient::Provider => self.provider_informed_at,
            Recipient::MarketSurveillanceAuthority => [&self.initial_report, &self.complete_report]
                .into_iter()
                .flatten()
                .map(|r| r.at)
                .min(),
        }
    }
}

/// The AI system an incident or override concerns: one from the inventory, or a name typed
/// when the inventory has no match (so a report is never refused for want of a registration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiSystemRef {
    Registered(Reference),
    Unregistered(Label),
}

impl AiSystemRef {
    /// How storage names it, to find records about it: its reference, or the typed name.
    pub fn stored_name(&self) -> String {
        match self {
            AiSystemRef::Registered(reference) => reference.to_string(),
            AiSystemRef::Unregistered(name) => name.to_string(),
        }
    }
}

impl std::fmt::Display for AiSystemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AiSystemRef::Registered(r) => write!(f, "{r}"),
            AiSystemRef::Unregistered(name) => write!(f, "{name} (not in the inventory)"),
        }
    }
}

/// The serious-incident decision and who made it; "judged not serious" is a decision too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriousAssessment {
    pub criteria: Vec<SeriousCriterion>,
    pub decided_by: Actor,
    pub decided_at: Timestamp,
    #[serde(default = "first_assessment")]
    pub stage: AssessmentStage,
}

impl SeriousAssessment {
    pub fn new(
        criteria: Vec<SeriousCriterion>,
        decided_by: Actor,
        decided_at: Timestamp,
    ) -> Result<Self, ValidationError> {
        let mut criteria = criteria;
        criteria.sort();
        criteria.dedup();
        if criteria.is_empty() {
            return Err(ValidationError::new(
                SeriousCriterion::FIELD,
                "choose at least one criterion, or \"not serious\"",
            ));
        }
        if criteria.len() > 1 && criteria.contains(&SeriousCriterion::NotSerious) {
            return Err(ValidationError::new(
                SeriousCriterion::FIELD,
                "\"not serious\" cannot be combined with a serious criterion",
            ));
        }
        Ok(Self {
            criteria,
            decided_by,
            decided_at,
            stage: AssessmentStage::FirstAssessment,
        })
    }

    /// The same decision made by the compliance role: a confirmation when the criteria are
    /// those that stood, a revision otherwise.
    #[must_use]
    pub fn by_compliance(mut self, standing: Option<&SeriousAssessment>) -> Self {
        self.stage = if standing.is_some_and(|s| s.criteria == self.criteria) {
            AssessmentStage::Confirmed
        } else {
            AssessmentStage::Revised
        };
        self
    }

    pub fn is_serious(&self) -> bool {
        !self.criteria.contains(&SeriousCriterion::NotSerious)
    }
}

/// A serious incident is one that *led to* the harm (EU AI Act Art. 3(49)): a near miss or a
/// hazard, or an event that harmed nothing, cannot also be serious. The refusal names both
/// answers, so the person can see which one to change.
fn serious_needs_harm(
    assessment: &SeriousAssessment,
    kind: IncidentKind,
    harm_categories: &[HarmCategory],
) -> Result<(), ValidationError> {
    let criterion = assessment
        .criteria
        .first()
        .map_or("a serious criterion", |c| c.label());
    let conflict = if kind != IncidentKind::Incident {
        format!("\"{}\" (the kind of event)", kind.label())
    } else if harm_categories.is_empty() {
        "\"No harm\" (what was harmed)".to_owned()
    } else {
        return Ok(());
    };
    Err(ValidationError::new(
        SeriousCriterion::FIELD,
        format!(
            "\"{criterion}\" cannot stand with {conflict}: a serious incident is one that led to \
             the harm (EU AI Act Art. 3(49)). Choose \"{}\", or change the other answer.",
            SeriousCriterion::NotSerious.label()
        ),
    ))
}

/// An incident report as the reporter gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentReport {
    /// `None` when filed anonymously.
    pub reporter: Option<Actor>,
    pub ai_system: AiSystemRef,
    pub title: Title,
    pub what_happened: Narrative,
    pub occurred_at: Timestamp,
    /// When the organisation became aware; the reporting clocks start here.
    pub aware_at: Timestamp,
    /// When a causal link with the AI system was established or suspected.
    pub causal_link_at: Option<Timestamp>,
    /// The Member States affected (for a widespread infringement, Art. 3(61)).
    pub member_states: Vec<MemberState>,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub harm_categories: Vec<HarmCategory>,
    pub affected_parties: Option<Narrative>,
    pub organisation_role: OrganisationRole,
    pub assessment: Option<SeriousAssessment>,
    /// A link to the chat message the report started from.
    pub source_link: Option<Label>,
}

/// An incident record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub reporter: Option<Actor>,
    pub ai_system: AiSystemRef,
    pub title: Title,
    pub what_happened: Narrative,
    pub occurred_at: Timestamp,
    pub aware_at: Timestamp,
    #[serde(default)]
    pub causal_link_at: Option<Timestamp>,
    #[serde(default)]
    pub member_states: Vec<MemberState>,
    /// Server clock at recording; never editable.
    pub recorded_at: Timestamp,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub harm_categories: Vec<HarmCategory>,
    pub affected_parties: Option<Narrative>,
    pub organisation_role: OrganisationRole,
    /// The assessment that stands: the reporter's first, or the compliance role's.
    pub assessment: Option<SeriousAssessment>,
    /// Stored as top-level fields, so each report is one field a ledger event sets.
    #[serde(flatten)]
    pub reporting: Reporting,
    pub status: IncidentStatus,
    #[serde(default)]
    pub corrective_actions: Vec<Reference>,
    pub source_link: Option<Label>,
}

impl Incident {
    /// Records a report at `now`: the times must be in order and not in the future.
    pub fn new(report: IncidentReport, now: Timestamp) -> Result<Self, ValidationError> {
        for (field, at) in [
            ("occurred_at", Some(report.occurred_at)),
            ("aware_at", Some(report.aware_at)),
            ("causal_link_at", report.causal_link_at),
        ] {
            if let Some(at) = at.filter(|at| *at > now) {
                return Err(ValidationError::new(
                    field,
                    format!("{at} is in the future; give a time up to now ({now})"),
                ));
            }
        }
        let mut harm_categories = report.harm_categories;
        harm_categories.sort();
        harm_categories.dedup();
        let incident = Self {
            reporter: report.reporter,
            ai_system: report.ai_system,
            title: report.title,
            what_happened: report.what_happened,
            occurred_at: report.occurred_at,
            aware_at: report.aware_at,
            causal_link_at: report.causal_link_at,
            member_states: report.member_states,
            recorded_at: now,
            kind: report.kind,
            severity: report.severity,
            harm_categories,
            affected_parties: report.affected_parties,
            organisation_role: report.organisation_role,
            assessment: report.assessment,
            reporting: Reporting::default(),
            status: IncidentStatus::Open,
            corrective_actions: Vec::new(),
            source_link: report.source_link,
        };
        incident.validate()?;
        Ok(incident)
    }

    /// The rules between fields, checked at recording and after every change.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.aware_at < self.occurred_at {
            return Err(ValidationError::new(
                "aware_at",
                format!(
                    "{} is before the incident happened ({}); awareness starts when or after it \
                     happened",
                    self.aware_at, self.occurred_at
                ),
            ));
        }
        if let Some(link) = self.causal_link_at.filter(|at| *at < self.occurred_at) {
            return Err(ValidationError::new(
                "causal_link_at",
                format!(
                    "{link} is before the incident happened ({}); a causal link is established \
                     when or after it happened",
                    self.occurred_at
                ),
            ));
        }
        if let Some(assessment) = self.assessment.as_ref().filter(|a| a.is_serious()) {
            serious_needs_harm(assessment, self.kind, &self.harm_categories)?;
        }
        if self.status == IncidentStatus::Reported
            && self
                .reporting
                .met_at(Recipient::MarketSurveillanceAuthority)
                .is_none()
        {
            return Err(ValidationError::new(
                IncidentStatus::FIELD,
                "\"reported\" follows a report to the authority: record it with /incident reported",
            ));
        }
        Ok(())
    }

    pub fn is_serious(&self) -> bool {
        self.assessment
            .as_ref()
            .is_some_and(SeriousAssessment::is_serious)
    }

    /// The reporting clocks the incident's current facts give, for an AI system of `scope`
    /// under the dates of application `dates`.
    pub fn clocks(&self, scope: RiskScope, dates: &[DateOfApplication]) -> Clocks {
        let criteria = self
            .assessment
            .as_ref()
            .map(|a| a.criteria.as_slice())
            .unwrap_or_default();
        clocks(
            &IncidentFacts {
                criteria,
                member_states: &self.member_states,
                role: self.organisation_role,
                aware_at: self.aware_at,
                provider_unreachable: self.reporting.provider_unreachable_at.is_some(),
                scope,
            },
            dates,
        )
    }
}
