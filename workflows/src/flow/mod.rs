//! Guided prompts: flows are data (ordered steps, each a question with an input kind, limits
//! and a condition on earlier answers), and a pure engine moves a [`Session`] through them.
//!
//! `advance(session, input, context)` gives the next prompt, a precise validation message
//! (with the text typed so far kept in the session's drafts), or the finished record. The
//! engine knows no chat platform: an adapter renders a [`Prompt`] with its own parts (a
//! Discord modal for a form of up to five text steps, a select menu or buttons for a choice)
//! and stores the session between interactions.

mod build;
pub mod datetime;
pub mod definitions;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::records::Change;
use crate::records::Record;
use crate::{Actor, GuildId, Reference, Timestamp, ValidationError, choice_enum};

pub use build::context;
pub use definitions::flow;

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

/// At most this many text inputs are asked together (Discord's modal limit).
pub const MAX_FORM_INPUTS: usize = 5;

/// What kind of answer a step takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Text {
        max: usize,
        multiline: bool,
    },
    /// A past or present instant, typed (see [`datetime`]).
    DateTime,
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
            InputKind::Text { .. } | InputKind::DateTime | InputKind::AiSystem
        )
    }
}

/// When a step applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// The answer to `key` includes `value`.
    Includes(&'static str, &'static str),
    /// `key` was answered and its answer does not include `value`.
    Excludes(&'static str, &'static str),
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub key: &'static str,
    /// At most 45 characters (Discord's label limit).
    pub label: &'static str,
    /// An example answer; `{zone}` is replaced by the organisation's time zone.
    pub placeholder: &'static str,
    pub kind: InputKind,
    pub required: bool,
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

/// An answer as stored: the validated value(s), as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

impl Answer {
    fn includes(&self, value: &str) -> bool {
        match self {
            Answer::One(v) => v == value,
            Answer::Many(vs) => vs.iter().any(|v| v == value),
        }
    }
}

choice_enum!(
    /// Where a session stands.
    SessionStatus, field = "status" {
        Open => ("open", "Open"),
        Completed => ("completed", "Completed"),
        Cancelled => ("cancelled", "Cancelled"),
    }
);

/// One person's way through a flow, stored between interactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Unique; a chat adapter uses the id of the interaction that started it, so a replayed
    /// start opens the same session.
    pub id: String,
    pub flow: FlowKind,
    pub guild: GuildId,
    /// Who fills it in. Scrubbed to [`Actor::anonymous`] when an anonymous flow completes.
    pub owner: Actor,
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
        owner: Actor,
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

    fn applies(&self, step: &Step) -> bool {
        match step.when {
            Condition::Always => true,
            Condition::Includes(key, value) => {
                self.answers.get(key).is_some_and(|a| a.includes(value))
            }
            Condition::Excludes(key, value) => {
                self.answers.get(key).is_some_and(|a| !a.includes(value))
            }
        }
    }

    /// Answered; an optional typed step also when it was left blank (but not when what was
    /// typed was refused).
    fn is_done(&self, step: &Step) -> bool {
        self.answers.contains_key(step.key)
            || (step.kind.is_typed()
                && !step.required
                && self
                    .drafts
                    .get(step.key)
                    .is_some_and(|d| d.trim().is_empty()))
    }
}

/// What an AI system name resolves against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryEntry {
    pub reference: Reference,
    pub name: String,
}

/// What the engine needs to know besides the session.
#[derive(Debug, Clone)]
pub struct FlowContext<'a> {
    pub now: Timestamp,
    /// Interprets typed times without an offset.
    pub time_zone: chrono_tz::Tz,
    /// The guild's AI systems.
    pub inventory: &'a [InventoryEntry],
    /// Refuse AI systems that are not in the inventory.
    pub require_registered_system: bool,
    /// A fresh random handle, used when an anonymous concern is confirmed.
    pub follow_up_handle: Option<String>,
}

/// What the person is asked next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Type answers to these steps (at most [`MAX_FORM_INPUTS`]), prefilled with drafts.
    Form {
        steps: Vec<&'static Step>,
        prefill: BTreeMap<&'static str, String>,
    },
    /// Pick an answer to this step; `number` of `total` questions.
    Choose {
        step: &'static Step,
        number: usize,
        total: usize,
    },
    /// Everything is answered: show it and ask for confirmation.
    Summary { lines: Vec<(&'static str, String)> },
}

/// What the person did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Answers to steps, by key: one value for typed and single-choice steps, any number for
    /// multi-choice steps.
    Answers(Vec<(String, Vec<String>)>),
    /// Go back to the first form, prefilled.
    Edit,
    /// Forget the picked answers and ask them again.
    ChangeChoices,
    Confirm,
    Cancel,
}

/// What the flow produced when confirmed.
// One of these exists per interaction, briefly: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    Create(Record),
    Update {
        reference: Reference,
        change: Change,
    },
    /// Nothing to record (an attestation answered "not yet").
    Nothing,
}

/// The result of [`advance`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Next(Prompt),
    /// Some answers were refused; the valid ones and the drafts are kept. `retry` is the
    /// prompt to show again.
    Invalid {
        problems: Vec<ValidationError>,
        retry: Prompt,
    },
    Done(Completion),
    Cancelled,
    /// The session expired or was already finished; nothing was changed.
    Closed(String),
}

/// Moves `session` on by one input. The session is changed in place (answers, drafts,
/// status); the caller stores it.
pub fn advance(session: &mut Session, input: Input, context: &FlowContext<'_>) -> Outcome {
    if session.status != SessionStatus::Open {
        return Outcome::Closed(match session.result {
            Some(reference) => format!("this was already recorded as {reference}"),
            None => format!("this prompt was {}", session.status.as_str()),
        });
    }
    if session.is_expired(context.now) {
        return Outcome::Closed(format!(
            "this prompt expired at {} without being confirmed; nothing was recorded. Please start again",
            session.expires_at
        ));
    }
    match input {
        Input::Answers(answers) => accept(session, answers, context),
        Input::Edit => Outcome::Next(first_form(session)),
        Input::ChangeChoices => {
            let flow = session.flow();
            for step in flow.steps.iter().filter(|s| !s.kind.is_typed()) {
                session.answers.remove(step.key);
            }
            Outcome::Next(next_prompt(session, context))
        }
        Input::Cancel => {
            session.status = SessionStatus::Cancelled;
            Outcome::Cancelled
        }
        Input::Confirm => match next_prompt(session, context) {
            Prompt::Summary { .. } => match build::complete(session, context) {
                Ok(completion) => {
                    session.status = SessionStatus::Completed;
                    Outcome::Done(completion)
                }
                Err(problem) => Outcome::Invalid {
                    problems: vec![problem],
                    retry: first_form(session),
                },
            },
            prompt => Outcome::Next(prompt),
        },
    }
}

/// The prompt the session is at, without changing it (to show again after a restart).
pub fn current_prompt(session: &Session, context: &FlowContext<'_>) -> Prompt {
    next_prompt(session, context)
}

fn accept(
    session: &mut Session,
    answers: Vec<(String, Vec<String>)>,
    context: &FlowContext<'_>,
) -> Outcome {
    let flow = session.flow();
    let mut problems = Vec::new();
    for (key, values) in answers {
        let Some(step) = flow.steps.iter().find(|s| s.key == key) else {
            problems.push(ValidationError::new(
                key,
                "is not a question of this prompt",
            ));
            continue;
        };
        if step.kind.is_typed() {
            session
                .drafts
                .insert(key.clone(), values.first().cloned().unwrap_or_default());
        }
        match validate(step, &values, context) {
            Ok(Some(answer)) => {
                session.answers.insert(key, answer);
            }
            Ok(None) => {
                session.answers.remove(&key);
            }
            Err(problem) => {
                session.answers.remove(&key);
                problems.push(problem);
            }
        }
    }
    if problems.is_empty() {
        Outcome::Next(next_prompt(session, context))
    } else {
        let retry = next_prompt(session, context);
        Outcome::Invalid { problems, retry }
    }
}

/// Checks one answer against its step. `Ok(None)`: an optional step left empty.
fn validate(
    step: &Step,
    values: &[String],
    context: &FlowContext<'_>,
) -> Result<Option<Answer>, ValidationError> {
    let field = step.key;
    let text = values.first().map(String::as_str).unwrap_or_default();
    if step.kind.is_typed() && text.trim().is_empty() {
        return if step.required {
            Err(ValidationError::new(
                field,
                format!("\"{}\" is required and cannot be empty", step.label),
            ))
        } else {
            Ok(None)
        };
    }
    let one = |value: String| Ok(Some(Answer::One(value)));
    match step.kind {
        InputKind::Text { max, .. } => {
            crate::text::check_text(field, text, 1, max).map_err(|e| {
                ValidationError::new(field, format!("\"{}\" {}", step.label, e.message))
            })?;
            one(text.to_owned())
        }
        InputKind::DateTime => {
            let at = datetime::parse_past(field, text, context.now, context.time_zone)?;
            one(at.to_canonical())
        }
        InputKind::AiSystem => resolve_ai_system(step, text, context).map(Some),
        InputKind::Choice(options) => {
            let [value] = values else {
                return Err(ValidationError::new(field, "choose exactly one answer"));
            };
            check_option(field, options, value)?;
            one(value.clone())
        }
        InputKind::MultiChoice {
            options,
            min,
            exclusive,
        } => {
            let mut chosen: Vec<String> = Vec::new();
            for value in values {
                check_option(field, options, value)?;
                if !chosen.contains(value) {
                    chosen.push(value.clone());
                }
            }
            if chosen.len() < min {
                return Err(ValidationError::new(
                    field,
                    format!("choose at least {min}"),
                ));
            }
            if let Some(exclusive) = exclusive
                && chosen.len() > 1
                && chosen.iter().any(|c| c == exclusive)
            {
                let label = options
                    .iter()
                    .find(|(k, _)| *k == exclusive)
                    .map_or(exclusive, |(_, l)| l);
                return Err(ValidationError::new(
                    field,
                    format!("\"{label}\" cannot be combined with other answers"),
                ));
            }
            // Stored in the flow's own order, so the same choice always reads the same.
            chosen.sort_by_key(|c| options.iter().position(|(k, _)| k == c));
            Ok(Some(Answer::Many(chosen)))
        }
    }
}

fn check_option(field: &str, options: &[(&str, &str)], value: &str) -> Result<(), ValidationError> {
    if options.iter().any(|(key, _)| *key == value) {
        Ok(())
    } else {
        let accepted: Vec<&str> = options.iter().map(|(key, _)| *key).collect();
        Err(ValidationError::new(
            field,
            format!(
                "`{value}` is not one of the answers offered ({})",
                accepted.join(", ")
            ),
        ))
    }
}

/// Resolves a typed AI system against the inventory: by reference or by name (ignoring case);
/// otherwise kept as typed, unless registration is required.
fn resolve_ai_system(
    step: &Step,
    text: &str,
    context: &FlowContext<'_>,
) -> Result<Answer, ValidationError> {
    let field = step.key;
    let typed = text.trim();
    if let Ok(reference) = typed.parse::<Reference>() {
        return match context.inventory.iter().find(|e| e.reference == reference) {
            Some(entry) => Ok(Answer::One(entry.reference.to_string())),
            None => Err(ValidationError::new(
                field,
                format!(
                    "there is no AI system {reference} in this server's inventory (see /aisystem list)"
                ),
            )),
        };
    }
    if let Some(entry) = context
        .inventory
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(typed))
    {
        return Ok(Answer::One(entry.reference.to_string()));
    }
    if context.require_registered_system {
        let mut known: Vec<&str> = context
            .inventory
            .iter()
            .map(|e| e.name.as_str())
            .take(10)
            .collect();
        if context.inventory.len() > known.len() {
            known.push("…");
        }
        let known = if known.is_empty() {
            "none yet".to_owned()
        } else {
            known.join(", ")
        };
        return Err(ValidationError::new(
            field,
            format!(
                "`{typed}` is not in this server's AI system inventory, and only registered systems are accepted here. \
                 Registered: {known}. Register it with /aisystem register first"
            ),
        ));
    }
    // Named like a text step's problem: the message alone must say which answer it is about.
    crate::text::Label::for_field(field, typed)
        .map_err(|e| ValidationError::new(field, format!("\"{}\" {}", step.label, e.message)))?;
    Ok(Answer::One(typed.to_owned()))
}

/// Steps grouped as they are asked: runs of typed steps (up to five), and single choices.
fn pages(flow: &'static Flow) -> Vec<Vec<&'static Step>> {
    let mut pages: Vec<Vec<&'static Step>> = Vec::new();
    for step in flow.steps {
        match pages.last_mut() {
            Some(page)
                if step.kind.is_typed()
                    && page.last().is_some_and(|s| s.kind.is_typed())
                    && page.len() < MAX_FORM_INPUTS =>
            {
                page.push(step);
            }
            _ => pages.push(vec![step]),
        }
    }
    pages
}

fn form(session: &Session, steps: Vec<&'static Step>) -> Prompt {
    let prefill = steps
        .iter()
        .filter_map(|s| session.drafts.get(s.key).map(|d| (s.key, d.clone())))
        .collect();
    Prompt::Form { steps, prefill }
}

fn first_form(session: &Session) -> Prompt {
    let page = pages(session.flow())
        .into_iter()
        .map(|page| {
            page.into_iter()
                .filter(|s| session.applies(s))
                .collect::<Vec<_>>()
        })
        .find(|page| page.first().is_some_and(|s| s.kind.is_typed()))
        .unwrap_or_default();
    form(session, page)
}

fn next_prompt(session: &Session, context: &FlowContext<'_>) -> Prompt {
    let flow = session.flow();
    let choices: Vec<&Step> = flow
        .steps
        .iter()
        .filter(|s| !s.kind.is_typed() && session.applies(s))
        .collect();
    for page in pages(flow) {
        let applicable: Vec<&'static Step> =
            page.into_iter().filter(|s| session.applies(s)).collect();
        if !applicable.iter().any(|s| !session.is_done(s)) {
            continue;
        }
        return match applicable.first() {
            Some(step) if !step.kind.is_typed() => Prompt::Choose {
                step,
                number: choices
                    .iter()
                    .position(|c| c.key == step.key)
                    .map_or(1, |i| i + 1),
                total: choices.len(),
            },
            _ => form(session, applicable),
        };
    }
    Prompt::Summary {
        lines: summary(session, context),
    }
}

/// Each applicable answered step as `(label, answer as people read it)`.
pub fn summary(session: &Session, context: &FlowContext<'_>) -> Vec<(&'static str, String)> {
    session
        .flow()
        .steps
        .iter()
        .filter(|s| session.applies(s))
        .filter_map(|step| {
            let answer = session.answers.get(step.key)?;
            Some((step.label, display(step, answer, context)))
        })
        .collect()
}

fn display(step: &Step, answer: &Answer, context: &FlowContext<'_>) -> String {
    let label = |options: &[(&str, &'static str)], value: &str| {
        options
            .iter()
            .find(|(k, _)| *k == value)
            .map_or_else(|| value.to_owned(), |(_, l)| (*l).to_owned())
    };
    match (step.kind, answer) {
        (InputKind::Choice(options), Answer::One(value)) => label(options, value),
        (InputKind::MultiChoice { options, .. }, Answer::Many(values)) => values
            .iter()
            .map(|v| label(options, v))
            .collect::<Vec<_>>()
            .join(", "),
        (InputKind::AiSystem, Answer::One(value)) => match value.parse::<Reference>() {
            Ok(reference) => context
                .inventory
                .iter()
                .find(|e| e.reference == reference)
                .map_or_else(|| value.clone(), |e| format!("{} ({reference})", e.name)),
            Err(_) => format!("{value} (not in the inventory)"),
        },
        (InputKind::DateTime, Answer::One(value)) => value
            .parse::<Timestamp>()
            .map(|t| {
                let local = t.as_datetime().with_timezone(&context.time_zone);
                format!(
                    "{} ({} {})",
                    local.format("%Y-%m-%d %H:%M"),
                    context.time_zone,
                    local.format("%Z")
                )
            })
            .unwrap_or_else(|_| value.clone()),
        (_, Answer::One(value)) => value.clone(),
        (_, Answer::Many(values)) => values.join(", "),
    }
}

#[cfg(test)]
mod tests;
