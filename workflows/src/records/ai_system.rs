//! An entry of the AI system inventory (ISO/IEC 42001 A.4.2–A.4.6, A.6.2.x; EU AI Act risk
//! classification): what the system is, who owns it and how it is overseen.

use serde::{Deserialize, Serialize};

use crate::ai_act::{HighRiskKind, OrganisationRole, RiskScope};
use crate::text::{Label, Narrative, Title};
use crate::{Actor, ValidationError, choice_enum};

choice_enum!(
    /// Where the system is in its life cycle (ISO/IEC 22989 stages, simplified).
    LifecycleStage, field = "lifecycle_stage" {
        Planned => ("planned", "Planned"),
        Development => ("development", "In development"),
        Validation => ("validation", "In validation"),
        Operation => ("operation", "In operation"),
        Retired => ("retired", "Retired"),
    }
);

choice_enum!(
    /// The EU AI Act risk class.
    RiskClass, field = "risk_class" {
        Prohibited => ("prohibited", "Prohibited (Art. 5)"),
        HighRiskAnnexIII => ("high_risk_annex_iii", "High-risk (Annex III)"),
        HighRiskAnnexI => ("high_risk_annex_i", "High-risk (Annex I product)"),
        Limited => ("limited", "Limited risk (Art. 50 transparency)"),
        GeneralPurpose => ("gpai", "General-purpose AI model"),
        Minimal => ("minimal", "Minimal risk"),
        Unassessed => ("unassessed", "Not yet assessed"),
    }
);

choice_enum!(
    /// How much the system decides on its own.
    AutonomyLevel, field = "autonomy_level" {
        Assistive => ("assistive", "Assistive: a person decides"),
        HumanInTheLoop => ("human_in_the_loop", "Human in the loop: a person approves each decision"),
        HumanOnTheLoop => ("human_on_the_loop", "Human on the loop: a person monitors and can intervene"),
        Autonomous => ("autonomous", "Autonomous"),
    }
);

impl RiskClass {
    /// Whether the AI Act's high-risk duties reach a system of this class; one not yet
    /// assessed is treated as high-risk until it is.
    pub fn scope(self) -> RiskScope {
        match self {
            RiskClass::HighRiskAnnexIII => RiskScope::HighRisk(HighRiskKind::AnnexIii),
            RiskClass::HighRiskAnnexI => RiskScope::HighRisk(HighRiskKind::AnnexI),
            RiskClass::Unassessed => RiskScope::Unclassified,
            other => RiskScope::NotHighRisk(other.label()),
        }
    }

    /// High-risk under Annex III or Annex I: EU AI Act Art. 14 requires human oversight.
    pub fn is_high_risk(self) -> bool {
        matches!(
            self,
            RiskClass::HighRiskAnnexIII | RiskClass::HighRiskAnnexI
        )
    }
}

/// An AI system in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiSystem {
    pub name: Title,
    pub purpose: Narrative,
    pub owner: Actor,
    pub business_unit: Option<Label>,
    pub lifecycle_stage: LifecycleStage,
    pub organisation_role: OrganisationRole,
    pub vendor: Option<Label>,
    pub model: Option<Label>,
    pub data_categories: Vec<Label>,
    pub risk_class: RiskClass,
    pub autonomy_level: AutonomyLevel,
    /// Where and how a person can intervene (EU AI Act Art. 14).
    pub human_oversight_point: Option<Narrative>,
}

impl AiSystem {
    /// At most this many data categories, so the record stays readable.
    pub const MAX_DATA_CATEGORIES: usize = 20;

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.data_categories.len() > Self::MAX_DATA_CATEGORIES {
            return Err(ValidationError::new(
                "data_categories",
                format!("at most {} categories", Self::MAX_DATA_CATEGORIES),
            ));
        }
        if self.risk_class.is_high_risk() && self.human_oversight_point.is_none() {
            return Err(ValidationError::new(
                "human_oversight_point",
                "is required for a high-risk system (EU AI Act Art. 14): say where a person can intervene",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_asks_for_oversight_for_exactly_the_high_risk_classes() {
        let named: Vec<&str> = RiskClass::ALL
            .iter()
            .filter(|c| c.is_high_risk())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(named, crate::flow::keys::values::HIGH_RISK_CLASSES);
    }
}
