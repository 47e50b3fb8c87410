//! One person's way through a flow, stored between interactions: the answers so far, what
//! was typed (valid or not), and who it belongs to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::definitions::flow;
use super::model::{Answer, Condition, Flow, FlowKind, Required, Step};
use crate::keyed::KeyedHasher;
use crate::{Actor, GuildId, Reference, Timestamp, choice_enum};

choice_enum!(
    /// Where a session stands.
    SessionStatus, field = "status" {
        Open => ("open", "Open"),
        Completed => ("completed", "Completed"),
        Cancelled => ("cancelled", "Cancelled"),
    }
);

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SessionOwner {
    /// A person by name: the records they file carry their name anyway.
    Person(Actor),
    /// Someone who may stay anonymous (a confidential concern): only a keyed hash of who
    /// they are, enough to check that the same person continues.
    Keyed { keyed: String },
}

impl SessionOwner {
    /// Whether `actor` is the owner.
    pub fn is(&self, actor: &Actor, hasher: &KeyedHasher) -> bool {
        match self {
            SessionOwner::Person(owner) => owner.same_person(actor),
            SessionOwner::Keyed { keyed } => {
                !actor.is_anonymous() && *keyed == hasher.person(actor)
            }
        }
    }

    /// `(platform, id)` as storage indexes them: a keyed owner is stored as its hash only.
    pub fn stored_identity(&self) -> (&str, &str) {
        match self {
            SessionOwner::Person(actor) => (actor.platform.as_str(), &actor.platform_user_id),
            SessionOwner::Keyed { keyed } => ("keyed", keyed),
        }
    }
}

/// A guided prompt under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Unique. A chat adapter derives it from the interaction that started the prompt, so a
    /// replayed start finds the same session.
    pub id: String,
    pub flow: FlowKind,
    pub guild: GuildId,
    pub owner: SessionOwner,
    /// Validated answers.
    pub answers: BTreeMap<String, Answer>,
    /// The last text typed for each form step, valid or not, so nothing typed is lost.
    pub drafts: BTreeMap<String, String>,
    /// Facts the flow started with (a message link, a linked incident, an attestation).
    pub context: BTreeMap<String, String>,
    pub status: SessionStatus,
    /// The reference of the record the session produced.
    pub result: Option<Reference>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// Bumped by storage on every save; a stale save is refused.
    pub version: u64,
}

impl Session {
    pub fn new(
        id: impl Into<String>,
        flow: FlowKind,
        guild: GuildId,
        owner: SessionOwner,
        now: Timestamp,
        ttl: chrono::Duration,
    ) -> Self {
        Self {
            id: id.into(),
            flow,
            guild,
            owner,
            answers: BTreeMap::new(),
            drafts: BTreeMap::new(),
            context: BTreeMap::new(),
            status: SessionStatus::Open,
            result: None,
            created_at: now,
            expires_at: now.plus(ttl),
            version: 0,
        }
    }

    /// Prefills a form step (the system named in a command option, a quoted message).
    #[must_use]
    pub fn with_draft(mut self, key: &str, text: impl Into<String>) -> Self {
        self.drafts.insert(key.to_owned(), text.into());
        self
    }

    #[must_use]
    pub fn with_context(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.insert(key.to_owned(), value.into());
        self
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        now > self.expires_at
    }

    pub fn flow(&self) -> &'static Flow {
        flow(self.flow)
    }

    /// The single-valued answer to a step.
    pub fn answer(&self, key: &str) -> Option<&str> {
        match self.answers.get(key) {
            Some(Answer::One(value)) => Some(value),
            _ => None,
        }
    }

    pub(super) fn holds(&self, condition: Condition) -> bool {
        match condition {
            Condition::Always => true,
            Condition::Includes(key, value) => {
                self.answers.get(key).is_some_and(|a| a.includes(value))
            }
            Condition::IncludesAny(key, values) => self
                .answers
                .get(key)
                .is_some_and(|a| values.iter().any(|v| a.includes(v))),
            Condition::Excludes(key, value) => {
                self.answers.get(key).is_some_and(|a| !a.includes(value))
            }
        }
    }

    /// Whether the step is asked, given the answers so far.
    pub(super) fn applies(&self, step: &Step) -> bool {
        self.holds(step.when)
    }

    /// Whether the step must be answered, given the answers so far.
    pub fn is_required(&self, step: &Step) -> bool {
        match step.required {
            Required::Yes => true,
            Required::No => false,
            Required::When(condition) => self.holds(condition),
        }
    }

    /// Answered; an optional typed step also when it was left blank (but not when what was
    /// typed was refused).
    pub(super) fn is_done(&self, step: &Step) -> bool {
        self.answers.contains_key(step.key)
            || (step.kind.is_typed()
                && !self.is_required(step)
                && self
                    .drafts
                    .get(step.key)
                    .is_some_and(|d| d.trim().is_empty()))
    }
}
