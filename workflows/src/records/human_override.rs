//! A human oversight action on an AI output (EU AI Act Art. 14(4), 26(2); ISO/IEC 42001 A.9.2,
//! A.6.2.6, A.6.2.8): what the AI said, what the person did instead and why, when they
//! intervened and with what authority, whether their training was current, and where the
//! system's own logs show it (Art. 12, 26(6)).

use serde::{Deserialize, Serialize};

use crate::records::incident::AiSystemRef;
use crate::text::{Label, Narrative};
use crate::{Actor, Reference, Timestamp, ValidationError, choice_enum};

choice_enum!(
    /// What the person did with the AI output (Art. 14(4)(d) and (e)).
    OverrideAction, field = "action" {
        Disregard => ("disregard", "Disregarded the output"),
        Override => ("override", "Overrode the output"),
        Reverse => ("reverse", "Reversed the output"),
        Modify => ("modify", "Modified the output"),
        Halt => ("halt", "Halted the system"),
        Escalate => ("escalate", "Escalated"),
    }
);

choice_enum!(
    /// Why, in categories that can be counted.
    OverrideReason, field = "reason_category" {
        IncorrectOutput => ("incorrect_output", "The output was wrong"),
        MissingContext => ("missing_context", "The system lacked context"),
        FairnessConcern => ("fairness_concern", "Fairness or bias concern"),
        SafetyConcern => ("safety_concern", "Safety concern"),
        PolicyOrLegal => ("policy_or_legal", "Policy or legal requirement"),
        AffectedPersonRequest => ("affected_person_request", "The affected person asked"),
        Other => ("other", "Other"),
    }
);

choice_enum!(
    /// Whether the person the decision concerns was told.
    AffectedPersonInformed, field = "affected_person_informed" {
        Yes => ("yes", "Yes"),
        No => ("no", "No"),
        NotApplicable => ("not_applicable", "Not applicable"),
    }
);

choice_enum!(
    /// The overseer's authority to intervene (Art. 26(2): oversight is assigned to people
    /// with the necessary competence, training and authority).
    OverseerAuthority, field = "authority" {
        Assigned => ("assigned", "Assigned to oversee this system"),
        Delegated => ("delegated", "Standing in for the assigned overseer"),
        NotAssigned => ("not_assigned", "Not formally assigned"),
    }
);

choice_enum!(
    /// Whether the AI output had already taken effect when the person intervened.
    OutputTookEffect, field = "output_took_effect" {
        Yes => ("yes", "Yes: it had already taken effect"),
        No => ("no", "No: stopped before it took effect"),
        Unknown => ("unknown", "Not known"),
    }
);

/// Whether the overseer's training was current when they intervened, from their attestations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TrainingCheck {
    /// An attested, unexpired attestation.
    Current {
        attestation: Reference,
        expires_at: Option<Timestamp>,
    },
    /// The latest attestation has expired.
    Expired {
        attestation: Reference,
        expired_at: Timestamp,
    },
    /// The overseer has attested nothing.
    NoneAttested,
}

choice_enum!(
    /// How the record arrived.
    OverrideSource, field = "source" {
        Chat => ("chat", "Chat"),
        Api => ("api", "API"),
    }
);

/// The AI's confidence in its output, from 0 to 1, when the system gives one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence(f64);

impl Confidence {
    pub fn new(value: f64) -> Result<Self, ValidationError> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                "ai_confidence",
                format!("{value} is not a confidence; give a number from 0 to 1, e.g. 0.87"),
            ))
        }
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

impl Eq for Confidence {}

impl TryFrom<f64> for Confidence {
    type Error = ValidationError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Confidence> for f64 {
    fn from(value: Confidence) -> Self {
        value.0
    }
}

/// A human override record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HumanOverride {
    pub ai_system: AiSystemRef,
    /// The decision or case it concerns, in the system's own terms (loan application 8812…).
    pub case_reference: Label,
    pub ai_output: Narrative,
    pub ai_confidence: Option<Confidence>,
    pub action: OverrideAction,
    pub final_decision: Narrative,
    pub reason_category: OverrideReason,
    pub reason: Narrative,
    pub overseer: Actor,
    /// The overseer's authority to intervene (role, mandate).
    pub overseer_authority: Option<Label>,
    pub affected_person_informed: AffectedPersonInformed,
    pub linked_incident: Option<Reference>,
    pub source: OverrideSource,
    /// When it was logged (the server's clock).
    pub decided_at: Timestamp,
    /// When the person intervened, as they state it.
    #[serde(default)]
    pub intervened_at: Option<Timestamp>,
    #[serde(default)]
    pub authority: Option<OverseerAuthority>,
    #[serde(default)]
    pub output_took_effect: Option<OutputTookEffect>,
    /// The AI system's version at the time.
    #[serde(default)]
    pub system_version: Option<Label>,
    /// Where the system's own logs show the case (Art. 12, 26(6)).
    #[serde(default)]
    pub log_reference: Option<Label>,
    /// When and how the affected person was told.
    #[serde(default)]
    pub affected_person_told: Option<Narrative>,
    /// Set at recording from the overseer's attestations.
    #[serde(default)]
    pub overseer_training: Option<TrainingCheck>,
}

impl HumanOverride {
    pub fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        if self.decided_at > now {
            return Err(ValidationError::new(
                "decided_at",
                format!("{} is in the future (now is {now})", self.decided_at),
            ));
        }
        if let Some(at) = self.intervened_at.filter(|at| *at > self.decided_at) {
            return Err(ValidationError::new(
                "intervened_at",
                format!(
                    "{at} is after the override was logged ({})",
                    self.decided_at
                ),
            ));
        }
        if self.affected_person_informed == AffectedPersonInformed::Yes
            && self.affected_person_told.is_none()
            && self.intervened_at.is_some()
        {
            return Err(ValidationError::new(
                "affected_person_told",
                "say when and how the affected person was told",
            ));
        }
        if let Some(incident) = &self.linked_incident
            && incident.kind() != crate::RecordKind::Incident
        {
            return Err(ValidationError::new(
                "linked_incident",
                format!("{incident} is not an incident reference (INC-…)"),
            ));
        }
        Ok(())
    }
}
