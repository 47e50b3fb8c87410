//! Sample records for other crates' tests and benchmarks (feature `test-support`).

use crate::ai_act::{MemberState, OrganisationRole, SeriousCriterion};
use crate::records::Record;
use crate::records::ai_system::{AiSystem, AutonomyLevel, LifecycleStage, RiskClass};
use crate::records::incident::{
    AiSystemRef, HarmCategory, Incident, IncidentKind, IncidentReport, SeriousAssessment, Severity,
};
use crate::text::{Label, Narrative, Title};
use crate::{Actor, Platform, Timestamp};

/// A Discord member for tests.
pub fn person(user_id: u64, name: &str) -> Actor {
    Actor::discord(user_id, name)
}

/// A registered AI system owned by `owner`.
pub fn ai_system(name: &str, owner: Actor) -> Record {
    Record::AiSystem(AiSystem {
        name: Title::new(name).unwrap_or_else(|e| panic!("{e}")),
        purpose: Narrative::new("Scores consumer loan applications")
            .unwrap_or_else(|e| panic!("{e}")),
        owner,
        business_unit: Some(Label::new("Retail credit").unwrap_or_else(|e| panic!("{e}"))),
        lifecycle_stage: LifecycleStage::Operation,
        organisation_role: OrganisationRole::Deployer,
        vendor: Some(Label::new("Acme Models").unwrap_or_else(|e| panic!("{e}"))),
        model: Some(Label::new("acme-credit-7").unwrap_or_else(|e| panic!("{e}"))),
        data_categories: vec![Label::new("financial").unwrap_or_else(|e| panic!("{e}"))],
        risk_class: RiskClass::HighRiskAnnexIII,
        autonomy_level: AutonomyLevel::HumanInTheLoop,
        human_oversight_point: Some(
            Narrative::new("A credit officer approves every refusal")
                .unwrap_or_else(|e| panic!("{e}")),
        ),
    })
}

/// An incident reported at `now` by `reporter`, with `what_happened` as its account.
pub fn incident(reporter: Actor, what_happened: &str, now: Timestamp) -> Record {
    let occurred = now.plus(chrono::Duration::hours(-2));
    Record::Incident(
        Incident::new(
            IncidentReport {
                reporter: Some(reporter.clone()),
                ai_system: AiSystemRef::Unregistered(
                    Label::new("credit scorer").unwrap_or_else(|e| panic!("{e}")),
                ),
                title: Title::new("Loan model refused every applicant over 60")
                    .unwrap_or_else(|e| panic!("{e}")),
                what_happened: Narrative::new(what_happened).unwrap_or_else(|e| panic!("{e}")),
                occurred_at: occurred,
                aware_at: occurred,
                causal_link_at: None,
                member_states: vec![MemberState::DE],
                kind: IncidentKind::Incident,
                severity: Severity::High,
                harm_categories: vec![HarmCategory::FundamentalRights],
                affected_parties: Some(
                    Narrative::new("Applicants aged 60+").unwrap_or_else(|e| panic!("{e}")),
                ),
                organisation_role: OrganisationRole::Deployer,
                assessment: Some(
                    SeriousAssessment::new(
                        vec![SeriousCriterion::FundamentalRights],
                        reporter,
                        now,
                    )
                    .unwrap_or_else(|e| panic!("{e}")),
                ),
                source_link: None,
            },
            now,
        )
        .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// A pending attestation of `statement` (version 2026-12), asked of `person` by `requester`.
pub fn pending_attestation(person: Actor, requester: Actor, statement: &str) -> Record {
    use crate::records::attestation::{Attestation, AttestationStatus, Statement};
    Record::Attestation(Attestation {
        person,
        campaign: None,
        statement: Statement::new(
            Narrative::new(statement).unwrap_or_else(|e| panic!("{e}")),
            Label::new("2026-12").unwrap_or_else(|e| panic!("{e}")),
        ),
        status: AttestationStatus::Pending,
        requested_by: requester,
        due_at: None,
        answered_at: None,
        declined_reason: None,
        expires_at: None,
        ai_system: None,
        audience: None,
        valid_for_days: None,
        delivered_at: None,
        evidence: None,
    })
}

/// A fixed instant, so hashes in tests are reproducible.
pub fn fixed_now() -> Timestamp {
    "2026-11-28T09:15:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The platform-neutral actor for the command line.
pub fn cli_user() -> Actor {
    Actor::new(Platform::Cli, "root", "root").unwrap_or_else(|e| panic!("{e}"))
}
