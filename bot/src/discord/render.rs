//! How aimsbot's answers look in Discord: user text escaped so it cannot format or mention,
//! mentions switched off on every message, records and prompts laid out within Discord's
//! limits (2,000 characters a message, 45 a label, 100 a placeholder, 25 options a menu).

use aimsbot_workflows::flow::{InputKind, Prompt, Step};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::{LedgerEvent, StoredRecord, ValidationError};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateInputText,
    CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle,
};

/// Discord's limit on a message's content.
pub const MAX_CONTENT: usize = 2000;
/// How much of one free-text answer a summary shows.
const MAX_VALUE_SHOWN: usize = 300;

/// Mentions that ping nobody: `@everyone`, roles and users typed by people stay text.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// Escapes Discord markdown and mention syntax in text a person typed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '~'
                | '`'
                | '|'
                | '>'
                | '<'
                | '#'
                | '['
                | ']'
                | '('
                | ')'
                | '@'
                | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Cuts text to `max` characters, marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Keeps a message within Discord's limit.
pub fn fit(content: String) -> String {
    if content.chars().count() <= MAX_CONTENT {
        content
    } else {
        truncate(&content, MAX_CONTENT - 1)
    }
}

/// The component ids aimsbot uses: `aims:<session>:<action>[:<arg>…]`.
pub mod ids {
    pub const PREFIX: &str = "aims";

    pub fn form(session: &str) -> String {
        format!("{PREFIX}:{session}:form")
    }
    pub fn pick(session: &str, key: &str) -> String {
        format!("{PREFIX}:{session}:pick:{key}")
    }
    pub fn pick_value(session: &str, key: &str, value: &str) -> String {
        format!("{PREFIX}:{session}:pick:{key}:{value}")
    }
    pub fn action(session: &str, action: &str) -> String {
        format!("{PREFIX}:{session}:{action}")
    }
    /// Attestation answers carry the attestation itself, not a session: `aims:att:<REF>:<answer>`.
    pub fn attestation(reference: &str, answer: &str) -> String {
        format!("{PREFIX}:att:{reference}:{answer}")
    }
}

fn button(id: String, label: &str, style: ButtonStyle) -> CreateButton {
    CreateButton::new(id).label(label).style(style)
}

/// A form prompt as a modal, prefilled with what was typed before (cut to what each input
/// accepts, as Discord refuses longer prefills).
pub fn modal(
    session: &str,
    title: &str,
    steps: &[&Step],
    prefill: &std::collections::BTreeMap<&str, String>,
    zone: &str,
) -> CreateModal {
    let rows = steps
        .iter()
        .map(|step| {
            let (max, style) = match step.kind {
                InputKind::Text {
                    max,
                    multiline: true,
                } => (max, InputTextStyle::Paragraph),
                InputKind::Text {
                    max,
                    multiline: false,
                } => (max, InputTextStyle::Short),
                _ => (
                    aimsbot_workflows::text::Label::MAX_CHARS,
                    InputTextStyle::Short,
                ),
            };
            let max = max.min(4000);
            let mut input = CreateInputText::new(style, step.label, step.key)
                .required(step.required)
                .max_length(u16::try_from(max).unwrap_or(4000));
            let placeholder = step.placeholder.replace("{zone}", zone);
            if !placeholder.is_empty() {
                input = input.placeholder(truncate(&placeholder, 99));
            }
            if let Some(text) = prefill.get(step.key).filter(|t| !t.is_empty()) {
                input = input.value(text.chars().take(max).collect::<String>());
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateModal::new(ids::form(session), truncate(title, 44)).components(rows)
}

/// A prompt shown as a message: its text and its components.
pub struct Shown {
    pub content: String,
    pub components: Vec<CreateActionRow>,
}

/// A choice or summary prompt (forms are modals), with `problems` listed first.
pub fn message_prompt(
    session: &str,
    title: &str,
    prompt: &Prompt,
    problems: &[ValidationError],
    has_choices: bool,
) -> Shown {
    let mut content = format!("**{}**\n", escape(title));
    if !problems.is_empty() {
        content.push_str(&problem_list(problems));
    }
    let cancel = button(
        ids::action(session, "cancel"),
        "Cancel",
        ButtonStyle::Danger,
    );
    match prompt {
        Prompt::Choose {
            step,
            number,
            total,
        } => {
            content.push_str(&format!("Question {number} of {total}: **{}**", step.label));
            let mut rows = Vec::new();
            match step.kind {
                InputKind::Choice(options) if options.len() <= 3 => {
                    let mut buttons: Vec<CreateButton> = options
                        .iter()
                        .map(|(value, label)| {
                            button(
                                ids::pick_value(session, step.key, value),
                                label,
                                ButtonStyle::Primary,
                            )
                        })
                        .collect();
                    buttons.push(cancel);
                    rows.push(CreateActionRow::Buttons(buttons));
                }
                InputKind::Choice(options) | InputKind::MultiChoice { options, .. } => {
                    let menu_options = options
                        .iter()
                        .map(|(value, label)| {
                            CreateSelectMenuOption::new(truncate(label, 99), *value)
                        })
                        .collect();
                    let mut menu = CreateSelectMenu::new(
                        ids::pick(session, step.key),
                        CreateSelectMenuKind::String {
                            options: menu_options,
                        },
                    )
                    .placeholder(truncate(step.label, 99));
                    if let InputKind::MultiChoice { min, .. } = step.kind {
                        menu = menu
                            .min_values(u8::try_from(min).unwrap_or(1))
                            .max_values(u8::try_from(options.len()).unwrap_or(25));
                        content.push_str("\nChoose all that apply.");
                    }
                    rows.push(CreateActionRow::SelectMenu(menu));
                    rows.push(CreateActionRow::Buttons(vec![cancel]));
                }
                _ => {
                    // A typed step is never shown as a message; offer the form instead.
                    rows.push(CreateActionRow::Buttons(vec![
                        button(
                            ids::action(session, "next"),
                            "Continue",
                            ButtonStyle::Primary,
                        ),
                        cancel,
                    ]));
                }
            }
            Shown {
                content: fit(content),
                components: rows,
            }
        }
        Prompt::Summary { lines } => {
            content.push_str("Please check your answers. Nothing is recorded until you confirm.\n");
            for (label, value) in lines {
                content.push_str(&format!(
                    "**{label}:** {}\n",
                    escape(&truncate(value, MAX_VALUE_SHOWN))
                ));
            }
            let mut buttons = vec![
                button(
                    ids::action(session, "confirm"),
                    "Confirm",
                    ButtonStyle::Success,
                ),
                button(
                    ids::action(session, "edit"),
                    "Edit answers",
                    ButtonStyle::Secondary,
                ),
            ];
            if has_choices {
                buttons.push(button(
                    ids::action(session, "choices"),
                    "Change choices",
                    ButtonStyle::Secondary,
                ));
            }
            buttons.push(cancel);
            Shown {
                content: fit(content),
                components: vec![CreateActionRow::Buttons(buttons)],
            }
        }
        Prompt::Form { .. } => {
            let label = if problems.is_empty() {
                content.push_str("A few more answers to type.");
                "Continue"
            } else {
                content.push_str("Nothing was recorded yet; what you typed is kept.");
                "Fix answers"
            };
            Shown {
                content: fit(content),
                components: vec![CreateActionRow::Buttons(vec![
                    button(ids::action(session, "next"), label, ButtonStyle::Primary),
                    cancel,
                ])],
            }
        }
    }
}

/// "Some answers need fixing" with one line per problem.
pub fn problem_list(problems: &[ValidationError]) -> String {
    let mut text = String::from("Some answers need fixing:\n");
    for problem in problems {
        text.push_str(&format!("• {}\n", escape(&truncate(&problem.message, 300))));
    }
    text
}

/// A record in full, for `show` commands and confirmations.
pub fn record_details(stored: &StoredRecord) -> String {
    let mut lines = vec![format!(
        "**{}**: {}",
        stored.reference,
        escape(&stored.record.title())
    )];
    let field = |label: &str, value: String| {
        format!(
            "**{label}:** {}",
            escape(&truncate(&value, MAX_VALUE_SHOWN))
        )
    };
    match &stored.record {
        Record::Incident(r) => {
            lines.push(field("Status", r.status.label().to_owned()));
            lines.push(field("AI system", r.ai_system.to_string()));
            lines.push(field("Kind", r.kind.label().to_owned()));
            lines.push(field("Severity", r.severity.label().to_owned()));
            lines.push(field("What happened", r.what_happened.to_string()));
            lines.push(field("Occurred", r.occurred_at.to_string()));
            lines.push(field("Recorded", r.recorded_at.to_string()));
            lines.push(field(
                "Reported by",
                r.reporter
                    .as_ref()
                    .map_or_else(|| "anonymous".to_owned(), |a| a.display_name.clone()),
            ));
            if let Some(assessment) = &r.assessment {
                let criteria: Vec<&str> = assessment.criteria.iter().map(|c| c.label()).collect();
                lines.push(field("Serious-incident assessment", criteria.join("; ")));
            }
            lines.extend(r.deadlines.iter().map(deadline_line));
        }
        Record::HumanOverride(r) => {
            lines.push(field("AI system", r.ai_system.to_string()));
            lines.push(field("Case", r.case_reference.to_string()));
            lines.push(field("AI output", r.ai_output.to_string()));
            lines.push(field("Action", r.action.label().to_owned()));
            lines.push(field("Final decision", r.final_decision.to_string()));
            lines.push(field(
                "Reason",
                format!("{}: {}", r.reason_category.label(), r.reason),
            ));
            lines.push(field("Overseer", r.overseer.display_name.clone()));
            lines.push(field(
                "Affected person informed",
                r.affected_person_informed.label().to_owned(),
            ));
            if let Some(incident) = r.linked_incident {
                lines.push(field("Linked incident", incident.to_string()));
            }
        }
        Record::AiSystem(r) => {
            lines.push(field("Purpose", r.purpose.to_string()));
            lines.push(field("Owner", r.owner.display_name.clone()));
            lines.push(field("Life cycle", r.lifecycle_stage.label().to_owned()));
            lines.push(field("Our role", r.organisation_role.label().to_owned()));
            lines.push(field("Risk class", r.risk_class.label().to_owned()));
            lines.push(field("Autonomy", r.autonomy_level.label().to_owned()));
            if let Some(point) = &r.human_oversight_point {
                lines.push(field("Human oversight", point.to_string()));
            }
        }
        Record::Attestation(r) => {
            lines.push(field("Status", r.status.label().to_owned()));
            lines.push(field(
                "Statement",
                format!("{} (version {})", r.statement.text, r.statement.version),
            ));
            if let Some(due) = r.due_at {
                lines.push(field("Due", due.to_string()));
            }
        }
        Record::Concern(r) => {
            lines.push(field("Status", r.status.label().to_owned()));
            lines.push(field("Concern", r.concern.to_string()));
            lines.push(field(
                "Raised by",
                r.reporter
                    .as_ref()
                    .map_or_else(|| "anonymous".to_owned(), |a| a.display_name.clone()),
            ));
        }
        other => {
            if let Some(status) = other.status() {
                lines.push(field("Status", status.to_owned()));
            }
        }
    }
    fit(lines.join("\n"))
}

pub fn deadline_line(deadline: &aimsbot_workflows::ai_act::ReportingDeadline) -> String {
    let when = if deadline.days == 0 {
        format!("immediately (by {})", discord_time(deadline.due_at))
    } else {
        format!(
            "within {} days, by {}",
            deadline.days,
            discord_time(deadline.due_at)
        )
    };
    format!("⏰ **{}**: {} — {when}", deadline.article, deadline.summary)
}

/// Discord's timestamp markup: every reader sees it in their own time zone.
pub fn discord_time(at: aimsbot_workflows::Timestamp) -> String {
    format!("<t:{}:F>", at.as_datetime().timestamp())
}

/// A record's timeline, one line per event, newest last.
pub fn timeline(events: &[LedgerEvent]) -> String {
    let mut text = String::from("**Timeline**\n");
    for event in events {
        let note = event
            .payload
            .get("note")
            .and_then(|n| n.as_str())
            .map(|n| format!(": {}", escape(&truncate(n, 200))))
            .unwrap_or_default();
        let reason = event
            .payload
            .get("reason")
            .and_then(|n| n.as_str())
            .map(|n| format!(" (reason: {})", escape(&truncate(n, 200))))
            .unwrap_or_default();
        text.push_str(&format!(
            "{} · {} by {}{note}{reason}\n",
            discord_time(event.recorded_at),
            event.kind.as_str().replace('_', " "),
            escape(&event.actor.display_name)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_cannot_format_or_mention() {
        assert_eq!(
            escape("@everyone <@&42> **x**"),
            "\\@everyone \\<\\@&42\\> \\*\\*x\\*\\*"
        );
    }

    #[test]
    fn allowed_mentions_ping_nobody() {
        let json = serde_json::to_value(no_mentions()).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"parse": [], "users": [], "roles": []})
        );
    }
}
