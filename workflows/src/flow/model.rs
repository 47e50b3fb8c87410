//! What a flow is made of: its steps, each a question with an input kind, limits and the
//! conditions under which it is asked or required, and the answers as stored.

use serde::{Deserialize, Serialize};

use crate::choice_enum;

choice_enum!(
    /// The guided prompts aimsbot offers.
    FlowKind, field = "flow" {
        IncidentReport => ("incident_report", "Report an AI incident"),
        HumanOverride => ("human_override", "Log a human override"),
        AttestationAnswer => ("attestation_answer", "Answer an attestation"),
        Concern => ("concern", "Raise a concern"),
        AiSystemRegistration => ("ai_system_registration", "Register an AI system"),
    }
);

/// What kind of answer a step takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Text {
        max: usize,
        multiline: bool,
    },
    /// A past or present instant, typed (see [`super::datetime`]).
    DateTime,
    /// EU Member States, typed as codes or names ("DE, FR, NL").
    MemberStates,
    /// An AI system: a name or reference from the inventory, or a typed name when the
    /// inventory has none (unless the deployment requires registered systems).
    AiSystem,
    /// One of `(stored name, label)`.
    Choice(&'static [(&'static str, &'static str)]),
    /// Several of `(stored name, label)`; `exclusive` cannot be combined with others.
    MultiChoice {
        options: &'static [(&'static str, &'static str)],
        min: usize,
        exclusive: Option<&'static str>,
    },
}

impl InputKind {
    /// Typed into a form (as opposed to picked).
    pub fn is_typed(self) -> bool {
        matches!(
            self,
            InputKind::Text { .. }
                | InputKind::DateTime
                | InputKind::MemberStates
                | InputKind::AiSystem
        )
    }

    /// The `(stored name, label)` pairs of a choice step.
    pub fn options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            InputKind::Choice(options) | InputKind::MultiChoice { options, .. } => options,
            InputKind::Text { .. }
            | InputKind::DateTime
            | InputKind::MemberStates
            | InputKind::AiSystem => &[],
        }
    }
}

/// A condition on earlier answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// The answer to `key` includes `value`.
    Includes(&'static str, &'static str),
    /// The answer to `key` includes one of `values`.
    IncludesAny(&'static str, &'static [&'static str]),
    /// `key` was answered and its answer does not include `value`.
    Excludes(&'static str, &'static str),
}

/// Whether a step must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
    /// Required when the condition holds (a requirement that follows from an earlier
    /// answer, so the question is asked as required rather than refused at the end).
    When(Condition),
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub key: &'static str,
    /// The question as people read it; at most 45 characters (Discord's label limit).
    pub label: &'static str,
    /// An example answer; `{zone}` is replaced by the organisation's time zone.
    pub placeholder: &'static str,
    pub kind: InputKind,
    pub required: Required,
    /// When the step is asked at all.
    pub when: Condition,
}

/// A flow: its steps in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    pub kind: FlowKind,
    /// At most 45 characters.
    pub title: &'static str,
    pub steps: &'static [Step],
}

impl Flow {
    pub fn step(&self, key: &str) -> Option<&'static Step> {
        self.steps.iter().find(|s| s.key == key)
    }

    /// The question a key belongs to, as people read it.
    pub fn question(&self, key: &str) -> Option<&'static str> {
        self.step(key).map(|s| s.label)
    }

    /// Whether any question is picked rather than typed (offers "Change choices").
    pub fn has_choices(&self) -> bool {
        self.steps.iter().any(|s| !s.kind.is_typed())
    }
}

/// An answer as stored: the validated value(s), as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

impl Answer {
    pub fn includes(&self, value: &str) -> bool {
        match self {
            Answer::One(v) => v == value,
            Answer::Many(vs) => vs.iter().any(|v| v == value),
        }
    }
}
