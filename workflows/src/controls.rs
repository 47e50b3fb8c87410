//! The mapping from aimsbot's records to what they evidence: ISO/IEC 42001 clauses and Annex A
//! controls, and EU AI Act articles. Compiled into the binary; the ISO half is checked against
//! the research catalogue `data/iso42001-catalogue.yaml` by a test (`tests/catalogue.rs`), so
//! an id, a title or a pairing cannot drift from it silently. Rows the catalogue does not have
//! say why they were added.
//!
//! The catalogue's pairings are judgement, not ISO text ([J] in the catalogue); only clause and
//! control ids and short titles are used here (the standard itself is copyrighted).

use crate::records::review::ReviewKind;
use crate::{RecordKind, choice_enum};

/// Which text a control comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// ISO/IEC 42001:2023, clauses 4 to 10.
    Clause,
    /// ISO/IEC 42001:2023, Annex A.
    AnnexA,
    /// Regulation (EU) 2024/1689.
    AiAct,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Clause => "ISO/IEC 42001 clause",
            AnnexA => "ISO/IEC 42001 Annex A",
            AiAct => "EU AI Act",
        }
    }
}

/// A clause, control or article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: &'static str,
    pub source: Source,
    pub title: &'static str,
}

const fn control(id: &'static str, source: Source, title: &'static str) -> Control {
    Control { id, source, title }
}

use Source::{AiAct, AnnexA, Clause};

/// Every clause and Annex A control of the catalogue, and the AI Act articles aimsbot's
/// records speak to, in their own order.
pub const CONTROLS: &[Control] = &[
    control(
        "4.1",
        Clause,
        "Understanding the organization and its context",
    ),
    control(
        "4.2",
        Clause,
        "Understanding the needs and expectations of interested parties",
    ),
    control(
        "4.3",
        Clause,
        "Determining the scope of the AI management system",
    ),
    control("4.4", Clause, "AI management system"),
    control("5.1", Clause, "Leadership and commitment"),
    control("5.2", Clause, "AI policy"),
    control("5.3", Clause, "Roles, responsibilities and authorities"),
    control(
        "6.1.1",
        Clause,
        "Actions to address risks and opportunities - General",
    ),
    control("6.1.2", Clause, "AI risk assessment"),
    control("6.1.3", Clause, "AI risk treatment"),
    control("6.1.4", Clause, "AI system impact assessment"),
    control("6.2", Clause, "AI objectives and planning to achieve them"),
    control("6.3", Clause, "Planning of changes"),
    control("7.1", Clause, "Resources"),
    control("7.2", Clause, "Competence"),
    control("7.3", Clause, "Awareness"),
    control("7.4", Clause, "Communication"),
    control("7.5.1", Clause, "Documented information - General"),
    control(
        "7.5.2",
        Clause,
        "Creating and updating documented information",
    ),
    control("7.5.3", Clause, "Control of documented information"),
    control("8.1", Clause, "Operational planning and control"),
    control("8.2", Clause, "AI risk assessment"),
    control("8.3", Clause, "AI risk treatment"),
    control("8.4", Clause, "AI system impact assessment"),
    control(
        "9.1",
        Clause,
        "Monitoring, measurement, analysis and evaluation",
    ),
    control("9.2.1", Clause, "Internal audit - General"),
    control("9.2.2", Clause, "Internal audit programme"),
    control("9.3.1", Clause, "Management review - General"),
    control("9.3.2", Clause, "Management review inputs"),
    control("9.3.3", Clause, "Management review results"),
    control("10.1", Clause, "Continual improvement"),
    control("10.2", Clause, "Nonconformity and corrective action"),
    control("A.2.2", AnnexA, "AI policy"),
    control(
        "A.2.3",
        AnnexA,
        "Alignment with other organizational policies",
    ),
    control("A.2.4", AnnexA, "Review of the AI policy"),
    control("A.3.2", AnnexA, "AI roles and responsibilities"),
    control("A.3.3", AnnexA, "Reporting of concerns"),
    control("A.4.2", AnnexA, "Resource documentation"),
    control("A.4.3", AnnexA, "Data resources"),
    control("A.4.4", AnnexA, "Tooling resources"),
    control("A.4.5", AnnexA, "System and computing resources"),
    control("A.4.6", AnnexA, "Human resources"),
    control("A.5.2", AnnexA, "AI system impact assessment process"),
    control(
        "A.5.3",
        AnnexA,
        "Documentation of AI system impact assessments",
    ),
    control(
        "A.5.4",
        AnnexA,
        "Assessing AI system impact on individuals or groups of individuals",
    ),
    control("A.5.5", AnnexA, "Assessing societal impacts of AI systems"),
    control(
        "A.6.1.2",
        AnnexA,
        "Objectives for responsible development of AI system",
    ),
    control(
        "A.6.1.3",
        AnnexA,
        "Processes for responsible AI system design and development",
    ),
    control(
        "A.6.2.2",
        AnnexA,
        "AI system requirements and specification",
    ),
    control(
        "A.6.2.3",
        AnnexA,
        "Documentation of AI system design and development",
    ),
    control("A.6.2.4", AnnexA, "AI system verification and validation"),
    control("A.6.2.5", AnnexA, "AI system deployment"),
    control("A.6.2.6", AnnexA, "AI system operation and monitoring"),
    control("A.6.2.7", AnnexA, "AI system technical documentation"),
    control("A.6.2.8", AnnexA, "AI system recording of event logs"),
    control(
        "A.7.2",
        AnnexA,
        "Data for development and enhancement of AI system",
    ),
    control("A.7.3", AnnexA, "Acquisition of data"),
    control("A.7.4", AnnexA, "Quality of data for AI systems"),
    control("A.7.5", AnnexA, "Data provenance"),
    control("A.7.6", AnnexA, "Data preparation"),
    control(
        "A.8.2",
        AnnexA,
        "System documentation and information for users",
    ),
    control("A.8.3", AnnexA, "External reporting"),
    control("A.8.4", AnnexA, "Communication of incidents"),
    control("A.8.5", AnnexA, "Information for interested parties"),
    control(
        "A.9.2",
        AnnexA,
        "Processes for responsible use of AI systems",
    ),
    control(
        "A.9.3",
        AnnexA,
        "Objectives for responsible use of AI system",
    ),
    control("A.9.4", AnnexA, "Intended use of the AI system"),
    control("A.10.2", AnnexA, "Allocating responsibilities"),
    control("A.10.3", AnnexA, "Suppliers"),
    control("A.10.4", AnnexA, "Customers"),
    control("Art. 3(49)", AiAct, "Serious incident: the assessment"),
    control("Art. 4", AiAct, "AI literacy"),
    control(
        "Art. 12",
        AiAct,
        "Record-keeping: logs of high-risk systems",
    ),
    control(
        "Art. 14(4)",
        AiAct,
        "Human oversight: disregard, override, reverse or stop",
    ),
    control(
        "Art. 20",
        AiAct,
        "Corrective actions and duty of information",
    ),
    control(
        "Art. 26(2)",
        AiAct,
        "Deployers: oversight by competent, trained people with authority",
    ),
    control(
        "Art. 26(5)",
        AiAct,
        "Deployers: inform the provider of a serious incident",
    ),
    control("Art. 72", AiAct, "Post-market monitoring by providers"),
    control("Art. 73", AiAct, "Reporting of serious incidents"),
];

choice_enum!(
    /// The kinds of evidence the catalogue names, as aimsbot records them.
    EvidenceType, field = "evidence_type" {
        IncidentReport => ("incident_report", "Incident reports"),
        HumanOverrideRecord => ("human_override_record", "Human overrides"),
        TrainingAttestation => ("training_attestation", "Attestations"),
        CorrectiveAction => ("corrective_action", "Corrective actions"),
        ManagementReviewMinutes => ("management_review_minutes", "Management reviews"),
        InternalAuditReport => ("internal_audit_report", "Internal audits"),
        RiskAssessmentReview => ("risk_assessment_review", "AI risk assessments"),
        ImpactAssessmentReview => ("impact_assessment_review", "AI system impact assessments"),
        PolicyReview => ("policy_review", "AI policy reviews"),
        SurveillanceAuditReminder => ("surveillance_audit_reminder", "Certification audits"),
        /// Not in the catalogue: aimsbot's confidential concerns.
        Concern => ("concern", "Confidential concerns"),
        /// Not in the catalogue: tallies of AI outputs reviewed and accepted.
        AcceptedOutputs => ("accepted_outputs", "Accepted-output tallies"),
    }
);

impl EvidenceType {
    /// Where records of this type are stored: their kind and, for reviews, the review kinds.
    pub fn stored_as(self) -> (RecordKind, &'static [ReviewKind]) {
        use EvidenceType::*;
        match self {
            IncidentReport => (RecordKind::Incident, &[]),
            HumanOverrideRecord => (RecordKind::HumanOverride, &[]),
            TrainingAttestation => (RecordKind::Attestation, &[]),
            CorrectiveAction => (RecordKind::CorrectiveAction, &[]),
            Concern => (RecordKind::Concern, &[]),
            AcceptedOutputs => (RecordKind::AcceptedOutputs, &[]),
            ManagementReviewMinutes => (RecordKind::Review, &[ReviewKind::ManagementReview]),
            InternalAuditReport => (RecordKind::Review, &[ReviewKind::InternalAudit]),
            RiskAssessmentReview => (RecordKind::Review, &[ReviewKind::RiskAssessment]),
            ImpactAssessmentReview => (RecordKind::Review, &[ReviewKind::ImpactAssessment]),
            PolicyReview => (RecordKind::Review, &[ReviewKind::PolicyReview]),
            SurveillanceAuditReminder => (
                RecordKind::Review,
                &[
                    ReviewKind::SurveillanceAudit,
                    ReviewKind::RecertificationAudit,
                ],
            ),
        }
    }
}

/// Records of one type evidence one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub evidence: EvidenceType,
    pub control: &'static str,
    /// The fields that carry the evidence; empty = the record as a whole.
    pub fields: &'static [&'static str],
    /// A record counts only when one of these fields is set (a report made, a provider
    /// informed); empty = every record of the type.
    pub requires: &'static [&'static str],
    /// `None`: the catalogue's pairing. `Some(why)`: added here, with the reason.
    pub added_because: Option<&'static str>,
}

const fn link(evidence: EvidenceType, control: &'static str) -> Link {
    Link {
        evidence,
        control,
        fields: &[],
        requires: &[],
        added_because: None,
    }
}

const fn by_fields(
    evidence: EvidenceType,
    control: &'static str,
    fields: &'static [&'static str],
    requires: &'static [&'static str],
) -> Link {
    Link {
        evidence,
        control,
        fields,
        requires,
        added_because: None,
    }
}

const fn added(evidence: EvidenceType, control: &'static str, why: &'static str) -> Link {
    Link {
        evidence,
        control,
        fields: &[],
        requires: &[],
        added_because: Some(why),
    }
}

use EvidenceType::*;

/// What each type of record evidences.
pub const LINKS: &[Link] = &[
    // Incident reports (catalogue: incident_report).
    link(IncidentReport, "6.1.4"),
    link(IncidentReport, "7.4"),
    link(IncidentReport, "7.5.1"),
    link(IncidentReport, "7.5.3"),
    link(IncidentReport, "8.1"),
    link(IncidentReport, "8.2"),
    link(IncidentReport, "8.4"),
    link(IncidentReport, "9.1"),
    link(IncidentReport, "9.3.2"),
    link(IncidentReport, "10.2"),
    link(IncidentReport, "A.3.3"),
    link(IncidentReport, "A.5.4"),
    link(IncidentReport, "A.5.5"),
    link(IncidentReport, "A.6.2.6"),
    link(IncidentReport, "A.6.2.8"),
    link(IncidentReport, "A.8.3"),
    link(IncidentReport, "A.8.4"),
    by_fields(
        IncidentReport,
        "A.8.5",
        &["provider_informed_at", "initial_report", "complete_report"],
        &[],
    ),
    link(IncidentReport, "A.9.4"),
    link(IncidentReport, "A.10.3"),
    link(IncidentReport, "A.10.4"),
    by_fields(
        IncidentReport,
        "Art. 3(49)",
        &["assessment"],
        &["assessment"],
    ),
    by_fields(
        IncidentReport,
        "Art. 26(5)",
        &["provider_informed_at"],
        &["provider_informed_at"],
    ),
    by_fields(
        IncidentReport,
        "Art. 72",
        &["what_happened", "kind", "severity"],
        &[],
    ),
    by_fields(
        IncidentReport,
        "Art. 73",
        &["aware_at", "initial_report", "complete_report"],
        &["initial_report", "complete_report"],
    ),
    // Human overrides.
    link(HumanOverrideRecord, "5.3"),
    link(HumanOverrideRecord, "7.5.1"),
    link(HumanOverrideRecord, "7.5.3"),
    link(HumanOverrideRecord, "8.1"),
    link(HumanOverrideRecord, "9.1"),
    by_fields(
        HumanOverrideRecord,
        "A.3.2",
        &["overseer", "overseer_authority"],
        &[],
    ),
    link(HumanOverrideRecord, "A.6.2.6"),
    link(HumanOverrideRecord, "A.6.2.8"),
    link(HumanOverrideRecord, "A.9.2"),
    link(HumanOverrideRecord, "A.9.3"),
    link(HumanOverrideRecord, "A.9.4"),
    by_fields(HumanOverrideRecord, "Art. 12", &["case_reference"], &[]),
    by_fields(
        HumanOverrideRecord,
        "Art. 14(4)",
        &["action", "ai_output", "final_decision"],
        &[],
    ),
    by_fields(
        HumanOverrideRecord,
        "Art. 26(2)",
        &["overseer", "overseer_authority"],
        &[],
    ),
    // Attestations.
    link(TrainingAttestation, "5.3"),
    link(TrainingAttestation, "7.1"),
    by_fields(
        TrainingAttestation,
        "7.2",
        &["statement", "status", "answered_at"],
        &[],
    ),
    link(TrainingAttestation, "7.3"),
    link(TrainingAttestation, "7.5.1"),
    link(TrainingAttestation, "7.5.3"),
    link(TrainingAttestation, "9.1"),
    link(TrainingAttestation, "A.3.2"),
    link(TrainingAttestation, "A.4.6"),
    link(TrainingAttestation, "A.9.2"),
    by_fields(TrainingAttestation, "Art. 4", &["statement", "status"], &[]),
    link(TrainingAttestation, "Art. 26(2)"),
    // Corrective actions.
    link(CorrectiveAction, "6.1.3"),
    link(CorrectiveAction, "7.5.1"),
    link(CorrectiveAction, "7.5.3"),
    link(CorrectiveAction, "8.3"),
    link(CorrectiveAction, "9.3.2"),
    link(CorrectiveAction, "10.1"),
    by_fields(
        CorrectiveAction,
        "10.2",
        &["nonconformity", "action", "effectiveness_check"],
        &[],
    ),
    link(CorrectiveAction, "A.6.2.4"),
    link(CorrectiveAction, "A.6.2.6"),
    link(CorrectiveAction, "Art. 20"),
    // Reviews and audits.
    link(ManagementReviewMinutes, "5.1"),
    link(ManagementReviewMinutes, "6.2"),
    link(ManagementReviewMinutes, "6.3"),
    link(ManagementReviewMinutes, "7.5.1"),
    link(ManagementReviewMinutes, "7.5.2"),
    link(ManagementReviewMinutes, "9.3.1"),
    link(ManagementReviewMinutes, "9.3.2"),
    link(ManagementReviewMinutes, "9.3.3"),
    link(ManagementReviewMinutes, "10.1"),
    link(ManagementReviewMinutes, "A.2.4"),
    link(InternalAuditReport, "7.5.1"),
    link(InternalAuditReport, "7.5.2"),
    link(InternalAuditReport, "9.2.1"),
    link(InternalAuditReport, "9.2.2"),
    link(InternalAuditReport, "9.3.2"),
    link(InternalAuditReport, "10.2"),
    link(RiskAssessmentReview, "6.1.1"),
    link(RiskAssessmentReview, "6.1.2"),
    link(RiskAssessmentReview, "6.1.3"),
    link(RiskAssessmentReview, "7.5.1"),
    link(RiskAssessmentReview, "7.5.2"),
    link(RiskAssessmentReview, "8.2"),
    link(RiskAssessmentReview, "8.3"),
    link(ImpactAssessmentReview, "6.1.4"),
    link(ImpactAssessmentReview, "7.5.1"),
    link(ImpactAssessmentReview, "7.5.2"),
    link(ImpactAssessmentReview, "8.4"),
    link(ImpactAssessmentReview, "A.5.2"),
    link(ImpactAssessmentReview, "A.5.3"),
    link(ImpactAssessmentReview, "A.5.4"),
    link(ImpactAssessmentReview, "A.5.5"),
    link(PolicyReview, "5.2"),
    link(PolicyReview, "7.5.1"),
    link(PolicyReview, "7.5.2"),
    link(PolicyReview, "A.2.2"),
    link(PolicyReview, "A.2.3"),
    link(PolicyReview, "A.2.4"),
    link(SurveillanceAuditReminder, "7.5.3"),
    link(SurveillanceAuditReminder, "9.3.2"),
    // Confidential concerns, which the catalogue does not list as a type of its own.
    added(
        Concern,
        "A.3.3",
        "a confidential concern is the reporting channel A.3.3 asks for",
    ),
    added(
        Concern,
        "7.4",
        "concerns and the compliance role's answers are internal communication",
    ),
    // Tallies of accepted outputs, which give the overrides a rate.
    added(
        AcceptedOutputs,
        "9.1",
        "with the overrides logged, the tally gives the override rate, a monitoring result",
    ),
    added(
        AcceptedOutputs,
        "Art. 14(4)",
        "outputs a person reviewed and let stand are oversight exercised, like overrides",
    ),
];

impl Control {
    /// The control with this id.
    pub fn find(id: &str) -> Option<&'static Control> {
        CONTROLS.iter().find(|c| c.id == id)
    }

    /// What evidences it.
    pub fn links(&self) -> impl Iterator<Item = &'static Link> {
        let id = self.id;
        LINKS.iter().filter(move |l| l.control == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_names_a_known_control_once() {
        let mut seen = std::collections::HashSet::new();
        for link in LINKS {
            assert!(Control::find(link.control).is_some(), "{link:?}");
            assert!(
                seen.insert((link.evidence, link.control)),
                "twice: {link:?}"
            );
        }
    }

    #[test]
    fn serious_incident_reporting_is_evidenced_only_once_reported() {
        let art_73 = Control::find("Art. 73").map(|c| c.links().collect::<Vec<_>>());
        assert_eq!(
            art_73.unwrap_or_default().first().map(|l| l.requires),
            Some(&["initial_report", "complete_report"][..])
        );
    }
}
