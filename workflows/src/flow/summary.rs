//! The answers of a session as people read them, for the summary shown before Confirm.

use super::engine::FlowContext;
use super::model::{Answer, InputKind, Step};
use super::session::Session;
use crate::{Reference, Timestamp};

/// Each applicable answered step as `(question, answer as people read it)`.
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
