//! Checking one answer against its step: required or not, the text's limits, a time that has
//! passed, a choice that was offered, an AI system that resolves. Messages say what is wrong
//! and what is accepted; the engine adds the question they are about.

use super::datetime;
use super::engine::FlowContext;
use super::model::{Answer, InputKind, Step};
use crate::{Reference, ValidationError};

/// Checks one answer. `Ok(None)`: an optional step left empty.
pub(super) fn answer(
    step: &Step,
    required: bool,
    values: &[String],
    context: &FlowContext<'_>,
) -> Result<Option<Answer>, ValidationError> {
    let field = step.key;
    let text = values.first().map(String::as_str).unwrap_or_default();
    if step.kind.is_typed() && text.trim().is_empty() {
        return if required {
            Err(ValidationError::new(
                field,
                "is required and cannot be empty",
            ))
        } else {
            Ok(None)
        };
    }
    let one = |value: String| Ok(Some(Answer::One(value)));
    match step.kind {
        InputKind::Text { max, .. } => {
            crate::text::check_text(field, text, 1, max)?;
            one(text.to_owned())
        }
        InputKind::DateTime => {
            let at = datetime::parse_past(field, text, context.now, context.time_zone)?;
            one(at.to_canonical())
        }
        InputKind::MemberStates => {
            let states = crate::ai_act::MemberState::parse_list(text)
                .map_err(|e| ValidationError::new(field, e.message))?;
            if states.is_empty() {
                return Err(ValidationError::new(
                    field,
                    "name at least one Member State, e.g. DE",
                ));
            }
            one(crate::ai_act::MemberState::join(&states))
        }
        InputKind::AiSystem => ai_system(step, text, context).map(Some),
        InputKind::Choice(options) => {
            let [value] = values else {
                return Err(ValidationError::new(field, "choose exactly one answer"));
            };
            offered(field, options, value)?;
            one(value.clone())
        }
        InputKind::MultiChoice {
            options,
            min,
            exclusive,
        } => {
            let mut chosen: Vec<String> = Vec::new();
            for value in values {
                offered(field, options, value)?;
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

fn offered(field: &str, options: &[(&str, &str)], value: &str) -> Result<(), ValidationError> {
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
fn ai_system(
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
        .find(|e| e.name.to_lowercase() == typed.to_lowercase())
    {
        return Ok(Answer::One(entry.reference.to_string()));
    }
    if context.require_registered_system {
        let mut known: Vec<&str> = context.inventory.iter().map(|e| e.name.as_str()).collect();
        if context.inventory_is_partial {
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
    crate::text::Label::for_field(field, typed)?;
    Ok(Answer::One(typed.to_owned()))
}
