//! A scheduled review or audit (ISO/IEC 42001 9.2 internal audit, 9.3 management review, 8.2
//! risk assessment, 8.4 impact assessment, A.2.4 policy review; certification-body audits).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::{Label, Narrative, Title};
use crate::{Actor, Reference, Timestamp, ValidationError, choice_enum};

choice_enum!(
    /// What is being reviewed, and so which clause it evidences.
    ReviewKind, field = "kind" {
        ManagementReview => ("management_review", "Management review (9.3)"),
        InternalAudit => ("internal_audit", "Internal audit (9.2)"),
        RiskAssessment => ("risk_assessment", "AI risk assessment (8.2)"),
        ImpactAssessment => ("impact_assessment", "AI system impact assessment (8.4)"),
        PolicyReview => ("policy_review", "AI policy review (A.2.4)"),
        SurveillanceAudit => ("surveillance_audit", "Certification surveillance audit"),
        RecertificationAudit => ("recertification_audit", "Recertification audit"),
        Custom => ("custom", "Other review"),
    }
);

choice_enum!(
    /// Where the review stands.
    ReviewStatus, field = "status" {
        Scheduled => ("scheduled", "Scheduled"),
        InProgress => ("in_progress", "In progress"),
        Completed => ("completed", "Completed"),
        Cancelled => ("cancelled", "Cancelled"),
    }
);

/// When a review falls due: a recurring cron schedule in a named time zone, or once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Five-field crontab expression (weekday 0 or 7 = Sunday) evaluated in an IANA zone.
    Cron {
        expression: String,
        time_zone: String,
    },
    Once {
        due_at: Timestamp,
    },
}

impl Schedule {
    pub fn cron(expression: &str, time_zone: &str) -> Result<Self, ValidationError> {
        let fields = expression.split_whitespace().count();
        if fields != 5 {
            return Err(ValidationError::new(
                "schedule",
                format!(
                    "`{expression}` has {fields} fields; write five (minute hour day-of-month month day-of-week), e.g. `0 9 1 */3 *`"
                ),
            ));
        }
        croner::Cron::from_str(expression).map_err(|e| {
            ValidationError::new(
                "schedule",
                format!("`{expression}` is not a cron expression: {e}"),
            )
        })?;
        chrono_tz::Tz::from_str(time_zone).map_err(|_| {
            ValidationError::new(
                "time_zone",
                format!(
                    "`{time_zone}` is not an IANA time zone name; write e.g. Europe/Berlin or UTC"
                ),
            )
        })?;
        Ok(Self::Cron {
            expression: expression.to_owned(),
            time_zone: time_zone.to_owned(),
        })
    }

    fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Schedule::Cron {
                expression,
                time_zone,
            } => Self::cron(expression, time_zone).map(|_| ()),
            Schedule::Once { .. } => Ok(()),
        }
    }
}

/// What a completed review concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    pub minutes: Narrative,
    pub decisions: Option<Narrative>,
    pub attendees: Vec<Label>,
    pub evidence_links: Vec<Label>,
}

/// A review record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub kind: ReviewKind,
    pub title: Title,
    pub owner: Actor,
    pub schedule: Schedule,
    /// Days before each due date on which to remind, e.g. [30, 7, 1].
    pub reminder_days_before: Vec<u16>,
    pub status: ReviewStatus,
    pub outcome: Option<ReviewOutcome>,
    #[serde(default)]
    pub actions_raised: Vec<Reference>,
}

impl Review {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.schedule.validate()?;
        if self.status == ReviewStatus::Completed && self.outcome.is_none() {
            return Err(ValidationError::new(
                "outcome",
                "a completed review needs its outcome (at least the minutes)",
            ));
        }
        Ok(())
    }
}
