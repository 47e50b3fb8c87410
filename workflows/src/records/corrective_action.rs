//! A nonconformity and the corrective action taken (ISO/IEC 42001 10.2; EU AI Act Art. 20,
//! 73(6)): from what finding, why it happened, what is done, by whom, and whether it worked.

use serde::{Deserialize, Serialize};

use crate::text::Narrative;
use crate::{Actor, Reference, Timestamp, ValidationError, choice_enum};

choice_enum!(
    /// What raised the action.
    ActionSource, field = "source" {
        Incident => ("incident", "Incident"),
        Review => ("review", "Review"),
        InternalAuditFinding => ("internal_audit_finding", "Internal audit finding"),
        CertificationBodyFinding => ("certification_body_finding", "Certification body finding"),
        Other => ("other", "Other"),
    }
);

choice_enum!(
    /// Where the action stands.
    ActionStatus, field = "status" {
        Open => ("open", "Open"),
        InProgress => ("in_progress", "In progress"),
        Implemented => ("implemented", "Implemented, effectiveness not yet checked"),
        Closed => ("closed", "Closed: effective"),
        Ineffective => ("ineffective", "Closed: not effective, follow-up raised"),
    }
);

/// A corrective action record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    pub source: ActionSource,
    /// The record that raised it (INC-…, REV-…), if any.
    pub source_ref: Option<Reference>,
    pub nonconformity: Narrative,
    pub root_cause: Option<Narrative>,
    pub action: Narrative,
    pub owner: Actor,
    pub due_at: Timestamp,
    pub status: ActionStatus,
    /// How and when effectiveness is checked, and the result.
    pub effectiveness_check: Option<Narrative>,
    pub closed_at: Option<Timestamp>,
}

impl CorrectiveAction {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let closed = matches!(
            self.status,
            ActionStatus::Closed | ActionStatus::Ineffective
        );
        if closed && self.effectiveness_check.is_none() {
            return Err(ValidationError::new(
                "effectiveness_check",
                "is required to close an action (ISO/IEC 42001 10.2 asks whether it worked)",
            ));
        }
        if closed && self.closed_at.is_none() {
            return Err(ValidationError::new(
                "closed_at",
                "is required to close an action",
            ));
        }
        Ok(())
    }
}
