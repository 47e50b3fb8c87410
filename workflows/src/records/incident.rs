//! An AI incident, near miss or hazard (ISO/IEC 42001 A.8.4, 10.2; EU AI Act Art. 73, 26(5)),
//! with its serious-incident assessment under Art. 3(49) and the reporting deadlines that follow.

use serde::{Deserialize, Serialize};

use crate::ai_act::{OrganisationRole, ReportingDeadline, SeriousCriterion, reporting_deadlines};
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
        Contained => ("contained", "Contained"),
        Closed => ("closed", "Closed"),
    }
);

/// The AI system an incident or override concerns: one from the inventory, or a name typed
/// when the inventory has no match (so a report is never refused for want of a registration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiSystemRef {
    Registered(Reference),
    Unregistered(Label),
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
        })
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
    /// Server clock at recording; never editable.
    pub recorded_at: Timestamp,
    pub kind: IncidentKind,
    pub severity: Severity,
    pub harm_categories: Vec<HarmCategory>,
    pub affected_parties: Option<Narrative>,
    pub organisation_role: OrganisationRole,
    pub assessment: Option<SeriousAssessment>,
    pub deadlines: Vec<ReportingDeadline>,
    pub status: IncidentStatus,
    #[serde(default)]
    pub corrective_actions: Vec<Reference>,
    pub source_link: Option<Label>,
}

impl Incident {
    /// Records a report at `now`: the times must be in order and not in the future, and the
    /// reporting deadlines follow from the assessment.
    pub fn new(report: IncidentReport, now: Timestamp) -> Result<Self, ValidationError> {
        if report.occurred_at > now {
            return Err(ValidationError::new(
                "occurred_at",
                format!(
                    "{} is in the future; give the time it happened (now is {})",
                    report.occurred_at, now
                ),
            ));
        }
        if report.aware_at > now {
            return Err(ValidationError::new(
                "aware_at",
                format!(
                    "{} is in the future; awareness cannot be later than now ({now})",
                    report.aware_at
                ),
            ));
        }
        if report.aware_at < report.occurred_at {
            return Err(ValidationError::new(
                "aware_at",
                "is before the incident happened; awareness starts when or after it happened",
            ));
        }
        if let Some(assessment) = report.assessment.as_ref().filter(|a| a.is_serious()) {
            serious_needs_harm(assessment, report.kind, &report.harm_categories)?;
        }
        let mut harm_categories = report.harm_categories;
        harm_categories.sort();
        harm_categories.dedup();
        let deadlines = report
            .assessment
            .as_ref()
            .map(|a| reporting_deadlines(&a.criteria, report.organisation_role, report.aware_at))
            .unwrap_or_default();
        Ok(Self {
            reporter: report.reporter,
            ai_system: report.ai_system,
            title: report.title,
            what_happened: report.what_happened,
            occurred_at: report.occurred_at,
            aware_at: report.aware_at,
            recorded_at: now,
            kind: report.kind,
            severity: report.severity,
            harm_categories,
            affected_parties: report.affected_parties,
            organisation_role: report.organisation_role,
            assessment: report.assessment,
            deadlines,
            status: IncidentStatus::Open,
            corrective_actions: Vec::new(),
            source_link: report.source_link,
        })
    }

    pub fn is_serious(&self) -> bool {
        self.assessment
            .as_ref()
            .is_some_and(SeriousAssessment::is_serious)
    }
}
