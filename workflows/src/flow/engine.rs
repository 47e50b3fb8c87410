//! The pure engine: moves a [`Session`] on by one [`Input`] and says what to ask next, what
//! was refused and why, or what the confirmed flow produced.

use super::model::{Answer, FlowKind, Step};
use super::session::{Session, SessionStatus};
use super::summary::summary;
use super::{build, validate};
use crate::records::{Change, Record};
use crate::{Actor, Reference, Timestamp, ValidationError};

/// At most this many text inputs are asked together (the smallest form limit of the chat
/// platforms aimsbot serves: Discord's five inputs a modal).
pub const MAX_FORM_INPUTS: usize = 5;
/// At most this many questions are picked on one screen: a message holds five rows, one
/// select menu each (with four, the fifth row holds the buttons).
pub const MAX_CHOICES_PER_SCREEN: usize = 5;

/// An AI system a typed name or reference can resolve to.
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
    /// Who is acting now (checked by the caller to be the session's owner). A confirmed
    /// record names them as its reporter, overseer or owner.
    pub actor: &'a Actor,
    /// The AI systems this input may name: the inventory entries matching what was typed,
    /// and the one already answered. When `inventory_is_partial`, the guild has more.
    pub inventory: &'a [InventoryEntry],
    pub inventory_is_partial: bool,
    /// Refuse AI systems that are not in the inventory.
    pub require_registered_system: bool,
}

/// A form field: the question, whether it must be answered now, and the text typed before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub step: &'static Step,
    pub required: bool,
    pub prefill: Option<String>,
}

/// What the person is asked next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Type answers to these steps (at most [`MAX_FORM_INPUTS`]).
    Form { fields: Vec<Field> },
    /// Pick an answer to each of these steps, on one screen (`number` of `total` screens of
    /// choices); what was picked already is shown.
    Choose {
        choices: Vec<Choice>,
        number: usize,
        total: usize,
    },
    /// Everything is answered: show it and ask for confirmation.
    Summary { lines: Vec<(&'static str, String)> },
}

/// A question on a screen of choices, with what was picked so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub step: &'static Step,
    /// The stored values picked; empty while unanswered.
    pub chosen: Vec<String>,
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

/// An answer that was refused: the question it is about (as people read it) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The step key (or record field) the problem is about.
    pub key: String,
    /// The question, when the problem belongs to one.
    pub question: Option<&'static str>,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl Problem {
    pub fn in_flow(kind: FlowKind, error: ValidationError) -> Self {
        Self {
            question: super::definitions::flow(kind).question(&error.field),
            key: error.field,
            message: error.message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.question {
            Some(question) => write!(f, "{question} {}", self.message),
            None => write!(f, "{}: {}", self.key, self.message),
        }
    }
}

/// Why a session can no longer move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Confirmed earlier: this is what it recorded.
    Recorded(Reference),
    /// Confirmed earlier with nothing to record ("not yet").
    Finished,
    Cancelled,
    /// Expired at this instant without being confirmed; nothing was recorded.
    Expired(Timestamp),
}

/// The result of [`advance`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Next(Prompt),
    /// Some answers were refused; the valid ones and the drafts are kept. `retry` is the
    /// prompt to show again.
    Invalid {
        problems: Vec<Problem>,
        retry: Prompt,
    },
    Done(Completion),
    Cancelled,
    /// Nothing was changed.
    Closed(Closed),
}

/// Why `session` cannot move, if it cannot.
pub fn closed(session: &Session, now: Timestamp) -> Option<Closed> {
    match (session.status, session.result) {
        (SessionStatus::Completed, Some(reference)) => Some(Closed::Recorded(reference)),
        (SessionStatus::Completed, None) => Some(Closed::Finished),
        (SessionStatus::Cancelled, _) => Some(Closed::Cancelled),
        (SessionStatus::Open, _) if session.is_expired(now) => {
            Some(Closed::Expired(session.expires_at))
        }
        (SessionStatus::Open, _) => None,
    }
}

/// Moves `session` on by one input. The session is changed in place (answers, drafts,
/// status); the caller stores it.
pub fn advance(session: &mut Session, input: Input, context: &FlowContext<'_>) -> Outcome {
    if let Some(closed) = closed(session, context.now) {
        return Outcome::Closed(closed);
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
                Err(problem) => {
                    let retry = ask_again(session, &problem.field, context);
                    Outcome::Invalid {
                        problems: vec![Problem::in_flow(session.flow, problem)],
                        retry,
                    }
                }
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
        let Some(step) = flow.step(&key) else {
            problems.push(Problem {
                key,
                question: None,
                message: "is not a question of this prompt".to_owned(),
            });
            continue;
        };
        if step.kind.is_typed() {
            session
                .drafts
                .insert(key.clone(), values.first().cloned().unwrap_or_default());
        }
        let required = session.is_required(step);
        match validate::answer(step, required, &values, context) {
            Ok(Some(answer)) => {
                session.answers.insert(key, answer);
            }
            Ok(None) => {
                session.answers.remove(&key);
            }
            Err(problem) => {
                session.answers.remove(&key);
                problems.push(Problem {
                    key,
                    question: Some(step.label),
                    message: problem.message,
                });
            }
        }
    }
    let next = next_prompt(session, context);
    if problems.is_empty() {
        Outcome::Next(next)
    } else {
        Outcome::Invalid {
            problems,
            retry: next,
        }
    }
}

/// Steps grouped as they are asked: runs of typed steps (a form of up to five inputs), and
/// runs of choices (a screen of up to five select menus).
pub(super) fn pages(session: &Session) -> Vec<Vec<&'static Step>> {
    let mut pages: Vec<Vec<&'static Step>> = Vec::new();
    for step in session.flow().steps {
        let typed = step.kind.is_typed();
        let limit = if typed {
            MAX_FORM_INPUTS
        } else {
            MAX_CHOICES_PER_SCREEN
        };
        match pages.last_mut() {
            Some(page)
                if page.last().is_some_and(|s| s.kind.is_typed() == typed)
                    && page.len() < limit =>
            {
                page.push(step);
            }
            _ => pages.push(vec![step]),
        }
    }
    pages
}

fn form(session: &Session, steps: Vec<&'static Step>) -> Prompt {
    let fields = steps
        .into_iter()
        .map(|step| Field {
            step,
            required: session.is_required(step),
            prefill: session.drafts.get(step.key).cloned(),
        })
        .collect();
    Prompt::Form { fields }
}

/// What to show after a refusal at Confirm: a refused choice is cleared and asked again (its
/// options are on a screen of its own), anything else reopens the form.
fn ask_again(session: &mut Session, refused: &str, context: &FlowContext<'_>) -> Prompt {
    let is_choice = session
        .flow()
        .steps
        .iter()
        .any(|s| s.key == refused && !s.kind.is_typed());
    if is_choice && session.answers.remove(refused).is_some() {
        return next_prompt(session, context);
    }
    first_form(session)
}

fn first_form(session: &Session) -> Prompt {
    let page = pages(session)
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
    let screens: Vec<Vec<&'static Step>> = pages(session)
        .into_iter()
        .map(|page| page.into_iter().filter(|s| session.applies(s)).collect())
        .filter(|page: &Vec<&'static Step>| !page.is_empty())
        .collect();
    let total = screens
        .iter()
        .filter(|page| !page[0].kind.is_typed())
        .count();
    let mut number = 0;
    for applicable in screens {
        let choices = !applicable[0].kind.is_typed();
        if choices {
            number += 1;
        }
        if !applicable.iter().any(|s| !session.is_done(s)) {
            continue;
        }
        return if choices {
            Prompt::Choose {
                choices: applicable
                    .into_iter()
                    .map(|step| Choice {
                        step,
                        chosen: match session.answers.get(step.key) {
                            Some(Answer::One(value)) => vec![value.clone()],
                            Some(Answer::Many(values)) => values.clone(),
                            None => Vec::new(),
                        },
                    })
                    .collect(),
                number,
                total,
            }
        } else {
            form(session, applicable)
        };
    }
    Prompt::Summary {
        lines: summary(session, context),
    }
}
