//! The flows, as data: what is asked, in which order, with which limits and conditions.
//! Labels fit Discord's 45-character limit; a test checks every limit.

use super::keys::{self, values};
use super::model::{Condition, Flow, FlowKind, InputKind, Required, Step};
use crate::ai_act::{OrganisationRole, SeriousCriterion};
use crate::records::ai_system::{AutonomyLevel, LifecycleStage, RiskClass};
use crate::records::human_override::{
    AffectedPersonInformed, OutputTookEffect, OverrideAction, OverrideReason, OverseerAuthority,
};
use crate::records::incident::{HarmCategory, IncidentKind, Severity};
use crate::text::{Label, Narrative, Title};

const fn text(
    key: &'static str,
    label: &'static str,
    placeholder: &'static str,
    max: usize,
    required: Required,
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
        required: Required::Yes,
        when: Condition::Always,
    }
}

const AI_SYSTEM: Step = Step {
    key: keys::AI_SYSTEM,
    label: "AI system",
    placeholder: "Its name or AIS- reference (see /aisystem list)",
    kind: InputKind::AiSystem,
    required: Required::Yes,
    when: Condition::Always,
};

/// "No harm" first, then the harm categories.
const HARM_OPTIONS: &[(&str, &str)] = &[
    (values::NO_HARM, "No harm"),
    ("health", "Health"),
    ("safety", "Safety"),
    ("fundamental_rights", "Fundamental rights"),
    ("property", "Property"),
    ("environment", "Environment"),
    ("critical_infrastructure", "Critical infrastructure"),
    ("other", "Other"),
];

const INCIDENT_STEPS: &[Step] = &[
    AI_SYSTEM,
    text(
        keys::TITLE,
        "Short title",
        "e.g. Chatbot gave a customer wrong dosage advice",
        Title::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::WHAT_HAPPENED,
        "What happened?",
        "What the AI system did, and what followed",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    Step {
        key: keys::OCCURRED_AT,
        label: "When did it happen?",
        placeholder: "2026-11-28 14:30 ({zone}), now, or 3 hours ago",
        kind: InputKind::DateTime,
        required: Required::Yes,
        when: Condition::Always,
    },
    // The reporting clocks start here (EU AI Act Art. 73(2)), never at Confirm.
    Step {
        key: keys::AWARE_AT,
        label: "When did we become aware of it?",
        placeholder: "2026-11-28 16:00 ({zone}), or now",
        kind: InputKind::DateTime,
        required: Required::Yes,
        when: Condition::Always,
    },
    choice(
        keys::INCIDENT_KIND,
        "What kind of event was it?",
        IncidentKind::OPTIONS,
    ),
    choice(keys::SEVERITY, "How severe was it?", Severity::OPTIONS),
    Step {
        key: keys::HARM_CATEGORIES,
        label: "What was harmed or put at risk?",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: HARM_OPTIONS,
            min: 1,
            exclusive: Some(values::NO_HARM),
        },
        required: Required::Yes,
        when: Condition::Always,
    },
    Step {
        key: keys::SERIOUS,
        label: "Serious incident? (EU AI Act Art. 3(49))",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: SeriousCriterion::OPTIONS,
            min: 1,
            exclusive: Some(values::NOT_SERIOUS),
        },
        required: Required::Yes,
        when: Condition::Always,
    },
    choice(
        keys::ORGANISATION_ROLE,
        "Our role for this AI system",
        OrganisationRole::OPTIONS,
    ),
    // What only a serious incident needs, on one form after the choices.
    Step {
        key: keys::AFFECTED_PARTIES,
        label: "Who was affected, and how?",
        placeholder: "e.g. 40 loan applicants aged over 60",
        kind: InputKind::Text {
            max: Narrative::MAX_CHARS,
            multiline: true,
        },
        required: Required::No,
        when: Condition::Excludes(keys::SERIOUS, values::NOT_SERIOUS),
    },
    Step {
        key: keys::CAUSAL_LINK_AT,
        label: "Causal link to the AI established when?",
        placeholder: "2026-11-28 18:00 ({zone}); empty if not yet",
        kind: InputKind::DateTime,
        required: Required::No,
        when: Condition::Excludes(keys::SERIOUS, values::NOT_SERIOUS),
    },
    Step {
        key: keys::MEMBER_STATES,
        label: "EU Member States affected",
        placeholder: "e.g. DE, FR (2 or more: widespread, Art. 3(61))",
        kind: InputKind::MemberStates,
        required: Required::Yes,
        when: Condition::Includes(keys::SERIOUS, values::FUNDAMENTAL_RIGHTS),
    },
];

const OVERRIDE_STEPS: &[Step] = &[
    AI_SYSTEM,
    text(
        keys::CASE_REFERENCE,
        "Decision or case reference",
        "e.g. loan application 2026-8812",
        Label::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::AI_OUTPUT,
        "What did the AI system output?",
        "e.g. Refuse: score 412, below threshold 450",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::FINAL_DECISION,
        "What did you decide instead?",
        "e.g. Approved after checking income documents",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::REASON,
        "Why?",
        "e.g. The model ignored the co-applicant's income",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    choice(
        keys::OVERRIDE_ACTION,
        "What did you do with the output?",
        OverrideAction::OPTIONS,
    ),
    choice(
        keys::REASON_CATEGORY,
        "What kind of reason was it?",
        OverrideReason::OPTIONS,
    ),
    choice(
        keys::OUTPUT_TOOK_EFFECT,
        "Had the AI output already taken effect?",
        OutputTookEffect::OPTIONS,
    ),
    choice(
        keys::OVERSEER_AUTHORITY,
        "Your authority to intervene",
        OverseerAuthority::OPTIONS,
    ),
    choice(
        keys::AFFECTED_PERSON_INFORMED,
        "Was the affected person told?",
        AffectedPersonInformed::OPTIONS,
    ),
    // When, in which version, and where the system's own logs show it (Art. 12, 26(6)).
    Step {
        key: keys::INTERVENED_AT,
        label: "When did you intervene?",
        placeholder: "2026-11-28 14:30 ({zone}), now, or 1 hour ago",
        kind: InputKind::DateTime,
        required: Required::Yes,
        when: Condition::Always,
    },
    text(
        keys::SYSTEM_VERSION,
        "AI system version (optional)",
        "e.g. scorer 4.2.1",
        Label::MAX_CHARS,
        Required::No,
    ),
    text(
        keys::LOG_REFERENCE,
        "Log reference (optional)",
        "Where the system's logs show it, e.g. trace 7f3a9c",
        Label::MAX_CHARS,
        Required::No,
    ),
    Step {
        key: keys::AFFECTED_PERSON_TOLD,
        label: "When and how was the person told?",
        placeholder: "e.g. 2026-11-28 by phone, then a letter",
        kind: InputKind::Text {
            max: Narrative::MAX_CHARS,
            multiline: true,
        },
        required: Required::Yes,
        when: Condition::Includes(keys::AFFECTED_PERSON_INFORMED, values::INFORMED),
    },
];

const ATTESTATION_STEPS: &[Step] = &[
    choice(
        keys::ANSWER,
        "Your answer",
        &[
            (values::ATTEST, "Attest"),
            (values::NOT_YET, "Not yet"),
            (values::DECLINE, "Decline"),
        ],
    ),
    Step {
        key: keys::DECLINED_REASON,
        label: "Why do you decline?",
        placeholder: "e.g. The policy contradicts our team's approved process",
        kind: InputKind::Text {
            max: Narrative::MAX_CHARS,
            multiline: true,
        },
        required: Required::Yes,
        when: Condition::Includes(keys::ANSWER, values::DECLINE),
    },
];

const CONCERN_STEPS: &[Step] = &[
    choice(
        keys::ANONYMITY,
        "Report with your name, or anonymously?",
        &[
            (values::NAMED, "Report with my name"),
            (values::ANONYMOUS, "Report anonymously"),
        ],
    ),
    text(
        keys::TITLE,
        "Short title",
        "e.g. Screening tool seems to reject older applicants",
        Title::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::CONCERN,
        "What is your concern?",
        "What you saw or suspect, and where",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    Step {
        required: Required::No,
        label: "Which AI system? (optional)",
        ..AI_SYSTEM
    },
];

/// Data categories offered when registering a system; "none" first.
pub const DATA_CATEGORY_OPTIONS: &[(&str, &str)] = &[
    (values::NO_DATA, "No personal or sensitive data"),
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
    text(
        keys::NAME,
        "Name",
        "e.g. Credit scorer",
        Title::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::PURPOSE,
        "What is it for?",
        "e.g. Scores consumer loan applications",
        Narrative::MAX_CHARS,
        Required::Yes,
    ),
    text(
        keys::VENDOR,
        "Vendor (optional)",
        "e.g. Acme Models, or in-house",
        Label::MAX_CHARS,
        Required::No,
    ),
    text(
        keys::MODEL,
        "Model (optional)",
        "e.g. acme-credit-7",
        Label::MAX_CHARS,
        Required::No,
    ),
    choice(
        keys::LIFECYCLE_STAGE,
        "Where is it in its life cycle?",
        LifecycleStage::OPTIONS,
    ),
    choice(
        keys::ORGANISATION_ROLE,
        "Our role for this system",
        OrganisationRole::OPTIONS,
    ),
    choice(keys::RISK_CLASS, "EU AI Act risk class", RiskClass::OPTIONS),
    choice(
        keys::AUTONOMY_LEVEL,
        "How autonomous is it?",
        AutonomyLevel::OPTIONS,
    ),
    Step {
        key: keys::DATA_CATEGORIES,
        label: "What data does it use?",
        placeholder: "",
        kind: InputKind::MultiChoice {
            options: DATA_CATEGORY_OPTIONS,
            min: 1,
            exclusive: Some(values::NO_DATA),
        },
        required: Required::Yes,
        when: Condition::Always,
    },
    // Asked after the risk class, so that a high-risk system is asked it as a required
    // question instead of being refused at Confirm.
    text(
        keys::HUMAN_OVERSIGHT_POINT,
        "Where can a person intervene?",
        "Required for high-risk systems (EU AI Act Art. 14)",
        Narrative::MAX_CHARS,
        Required::When(Condition::IncludesAny(
            keys::RISK_CLASS,
            values::HIGH_RISK_CLASSES,
        )),
    ),
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
