//! The flows, as data: what is asked, in which order, with which limits and conditions.
//! Labels fit Discord's 45-character limit; a test checks every limit.

use super::{Condition, Flow, FlowKind, InputKind, Step};
use crate::records::ai_system::{AutonomyLevel, LifecycleStage, RiskClass};
use crate::records::human_override::{AffectedPersonInformed, OverrideAction, OverrideReason};
use crate::records::incident::{
    HarmCategory, IncidentKind, OrganisationRole, SeriousCriterion, Severity,
};
use crate::text::{Label, Narrative, Title};

const fn text(
    key: &'static str,
    label: &'static str,
    placeholder: &'static str,
    max: usize,
    required: bool,
) -> Step {
    Step {
        key,
        label,
        placeholder,
        kind: InputKind::Text {
            max,
            multiline: max > Title::MAX_CHARS,
        },
        required,
        when: Condition::Always,
    }
}

const fn choice(
    key: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
) -> Step {
    Step {
        key,
        label,
        placeholder: "",
        kind: InputKind::Choice(options),
        required: true,
        when: Condition::Always,
    }
}

const AI_SYSTEM: Step = Step {
    key: "ai_system",
    label: "AI system",
    placeholder: "Its name or AIS- reference (see /aisystem list)",
    kind: InputKind::AiSystem,
    required: true,
    when: Condition::Always,
};

/// "No harm" first, then the harm categories.
const HARM_OPTIONS: &[(&str, &str)] = &[
    ("none", "No harm"),
    ("health", "Health"),
    ("safety", "Safety"),
    ("fundamental_rights", "Fundamental rights"),
    ("property", "Property"),
    ("environment", "Environment"),
    ("critical_infrastructure", "Critical infrastructure"),
    ("other", "Other"),
];

/// When the organisation became aware, for the reporting clocks.
pub const AWARE_WHEN_IT_HAPPENED: &str = "when_it_happened";
pub const AWARE_NOW: &str = "now";

const INCIDENT_STEPS: &[Step] = &[
    AI_SYSTEM,
    text(
        "title",
        "Short title",
        "e.g. Chatbot gave a customer wrong dosage advice",
        Title::MAX_CHARS,
        true,
    ),
    text(
        "what_happened",
        "What happened?",
        "What the AI system did, and what followed",
        Narrative::MAX_CHARS,
        true,
    ),
    Step {
        key: "occurred_at",
        label: "When did it happen?",
        placeholder: "2026-11-28 14:30 ({zone}), now, or 3 hours ago",
        kind: InputKind::DateTime,
        required: true,
        when: Condition::Always,
    },
    text(
        "affected_parties",
        "Who was affected, and how? (optional)",
        "e.g. 40 loan applicants aged over 60",
        Narrative::MAX_CHARS,
        false,
    ),
    choice("kind", "What kind of event was it?", IncidentKind::OPTIONS),
    choice("severity", "How severe was it?", Severity::OPTIONS),
    Step {
        key: "harm_categories",
        label: "What was harmed or put at risk?",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: HARM_OPTIONS,
            min: 1,
            exclusive: Some("none"),
        },
        required: true,
        when: Condition::Always,
    },
    Step {
        key: "serious",
        label: "Serious incident? (EU AI Act Art. 3(49))",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: SeriousCriterion::OPTIONS,
            min: 1,
            exclusive: Some("not_serious"),
        },
        required: true,
        when: Condition::Always,
    },
    choice(
        "organisation_role",
        "Our role for this AI system",
        OrganisationRole::OPTIONS,
    ),
    Step {
        key: "aware",
        label: "When did we become aware of it?",
        placeholder: "",
        kind: InputKind::Choice(&[
            (AWARE_WHEN_IT_HAPPENED, "When it happened"),
            (AWARE_NOW, "Only now, as I report it"),
        ]),
        required: true,
        when: Condition::Excludes("serious", "not_serious"),
    },
];

const OVERRIDE_STEPS: &[Step] = &[
    AI_SYSTEM,
    text(
        "case_reference",
        "Decision or case reference",
        "e.g. loan application 2026-8812",
        Label::MAX_CHARS,
        true,
    ),
    text(
        "ai_output",
        "What did the AI system output?",
        "e.g. Refuse: score 412, below threshold 450",
        Narrative::MAX_CHARS,
        true,
    ),
    text(
        "final_decision",
        "What did you decide instead?",
        "e.g. Approved after checking income documents",
        Narrative::MAX_CHARS,
        true,
    ),
    text(
        "reason",
        "Why?",
        "e.g. The model ignored the co-applicant's income",
        Narrative::MAX_CHARS,
        true,
    ),
    choice(
        "action",
        "What did you do with the output?",
        OverrideAction::OPTIONS,
    ),
    choice(
        "reason_category",
        "What kind of reason was it?",
        OverrideReason::OPTIONS,
    ),
    choice(
        "affected_person_informed",
        "Was the affected person told?",
        AffectedPersonInformed::OPTIONS,
    ),
];

pub const ANSWER_ATTEST: &str = "attest";
pub const ANSWER_NOT_YET: &str = "not_yet";
pub const ANSWER_DECLINE: &str = "decline";

const ATTESTATION_STEPS: &[Step] = &[
    choice(
        "answer",
        "Your answer",
        &[
            (ANSWER_ATTEST, "Attest"),
            (ANSWER_NOT_YET, "Not yet"),
            (ANSWER_DECLINE, "Decline"),
        ],
    ),
    Step {
        key: "declined_reason",
        label: "Why do you decline?",
        placeholder: "e.g. The policy contradicts our team's approved process",
        kind: InputKind::Text {
            max: Narrative::MAX_CHARS,
            multiline: true,
        },
        required: true,
        when: Condition::Includes("answer", ANSWER_DECLINE),
    },
];

pub const NAMED: &str = "named";
pub const ANONYMOUS: &str = "anonymous";

const CONCERN_STEPS: &[Step] = &[
    choice(
        "anonymity",
        "Report with your name, or anonymously?",
        &[
            (NAMED, "Report with my name"),
            (ANONYMOUS, "Report anonymously"),
        ],
    ),
    text(
        "title",
        "Short title",
        "e.g. Screening tool seems to reject older applicants",
        Title::MAX_CHARS,
        true,
    ),
    text(
        "concern",
        "What is your concern?",
        "What you saw or suspect, and where",
        Narrative::MAX_CHARS,
        true,
    ),
    Step {
        required: false,
        label: "Which AI system? (optional)",
        ..AI_SYSTEM
    },
];

/// Data categories offered when registering a system; "none" first.
pub const DATA_CATEGORY_OPTIONS: &[(&str, &str)] = &[
    ("none", "No personal or sensitive data"),
    ("personal", "Personal data"),
    ("special_category", "Special-category data (GDPR Art. 9)"),
    ("biometric", "Biometric data"),
    ("health", "Health data"),
    ("financial", "Financial data"),
    ("children", "Data about children"),
    ("employees", "Employee data"),
    ("confidential", "Confidential business data"),
    ("public", "Public data only"),
];

const AI_SYSTEM_STEPS: &[Step] = &[
    text("name", "Name", "e.g. Credit scorer", Title::MAX_CHARS, true),
    text(
        "purpose",
        "What is it for?",
        "e.g. Scores consumer loan applications",
        Narrative::MAX_CHARS,
        true,
    ),
    text(
        "vendor",
        "Vendor (optional)",
        "e.g. Acme Models, or in-house",
        Label::MAX_CHARS,
        false,
    ),
    text(
        "model",
        "Model (optional)",
        "e.g. acme-credit-7",
        Label::MAX_CHARS,
        false,
    ),
    text(
        "human_oversight_point",
        "Where can a person intervene? (optional)",
        "Required for high-risk systems (Art. 14)",
        Narrative::MAX_CHARS,
        false,
    ),
    choice(
        "lifecycle_stage",
        "Where is it in its life cycle?",
        LifecycleStage::OPTIONS,
    ),
    choice(
        "organisation_role",
        "Our role for this system",
        OrganisationRole::OPTIONS,
    ),
    choice("risk_class", "EU AI Act risk class", RiskClass::OPTIONS),
    choice(
        "autonomy_level",
        "How autonomous is it?",
        AutonomyLevel::OPTIONS,
    ),
    Step {
        key: "data_categories",
        label: "What data does it use?",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: DATA_CATEGORY_OPTIONS,
            min: 1,
            exclusive: Some("none"),
        },
        required: true,
        when: Condition::Always,
    },
];

const FLOWS: &[Flow] = &[
    Flow {
        kind: FlowKind::IncidentReport,
        title: "Report an AI incident",
        steps: INCIDENT_STEPS,
    },
    Flow {
        kind: FlowKind::HumanOverride,
        title: "Log a human override",
        steps: OVERRIDE_STEPS,
    },
    Flow {
        kind: FlowKind::AttestationAnswer,
        title: "Answer an attestation",
        steps: ATTESTATION_STEPS,
    },
    Flow {
        kind: FlowKind::Concern,
        title: "Raise a concern",
        steps: CONCERN_STEPS,
    },
    Flow {
        kind: FlowKind::AiSystemRegistration,
        title: "Register an AI system",
        steps: AI_SYSTEM_STEPS,
    },
];

/// The flow of a kind.
pub fn flow(kind: FlowKind) -> &'static Flow {
    FLOWS.iter().find(|f| f.kind == kind).unwrap_or(&FLOWS[0])
}

/// Every flow, for checks and documentation.
pub fn all() -> &'static [Flow] {
    FLOWS
}

// Harm categories offered must be the record's own, plus "none".
const _: () = assert!(HARM_OPTIONS.len() == HarmCategory::OPTIONS.len() + 1);
