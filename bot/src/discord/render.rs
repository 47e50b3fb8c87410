//! How aimsbot's answers look in Discord: typed text escaped so it cannot format or mention,
//! mentions switched off on every message, records and prompts laid out within Discord's
//! limits (2,000 characters a message, 45 a label, 100 a placeholder, 25 options a menu).
//! The sentences themselves are in [`super::text`].

use aimsbot_workflows::ai_act::{Clocks, MemberState};
use aimsbot_workflows::flow::{
    Choice, Field, FlowKind, InputKind, MAX_CHOICES_PER_SCREEN, Problem, Prompt,
};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::services::Timeline;
use aimsbot_workflows::{GuildId, LedgerEvent, Reference, StoredRecord, Timestamp};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateInputText,
    CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle,
};

use super::component_id::{AttestationButton, ComponentId, PromptAction};
use super::text;

/// Discord's limit on a message's content.
pub const MAX_CONTENT: usize = 2000;
/// How much of one free-text answer a summary shows.
const MAX_VALUE_SHOWN: usize = 300;
/// Discord's limit on a modal text input.
const MAX_INPUT: usize = 4000;

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

/// Discord's timestamp markup: every reader sees it in their own time zone.
pub fn discord_time(at: Timestamp) -> String {
    format!("<t:{}:F>", at.as_datetime().timestamp())
}

fn button(id: ComponentId, label: &str, style: ButtonStyle) -> CreateButton {
    CreateButton::new(id.to_string()).label(label).style(style)
}

fn action(session: &str, action: PromptAction) -> ComponentId {
    ComponentId::Action {
        session: session.to_owned(),
        action,
    }
}

/// A question's select menu, with what was picked shown as selected.
fn select_menu(session: &str, choice: &Choice) -> CreateSelectMenu {
    let step = choice.step;
    let options = step.kind.options();
    let menu_options = options
        .iter()
        .map(|(value, label)| {
            CreateSelectMenuOption::new(truncate(label, 99), *value)
                .default_selection(choice.chosen.iter().any(|c| c == value))
        })
        .collect();
    let id = ComponentId::Pick {
        session: session.to_owned(),
        key: step.key.to_owned(),
    };
    let mut menu = CreateSelectMenu::new(
        id.to_string(),
        CreateSelectMenuKind::String {
            options: menu_options,
        },
    )
    .placeholder(truncate(step.label, 99));
    if let InputKind::MultiChoice { min, .. } = step.kind {
        menu = menu
            .min_values(u8::try_from(min).unwrap_or(1))
            .max_values(u8::try_from(options.len()).unwrap_or(25));
    }
    menu
}

/// The labels of what was picked for a question.
fn chosen_labels(choice: &Choice) -> Vec<&'static str> {
    choice
        .chosen
        .iter()
        .filter_map(|value| {
            choice
                .step
                .kind
                .options()
                .iter()
                .find(|(v, _)| v == value)
                .map(|(_, label)| *label)
        })
        .collect()
}

/// A form as a modal, prefilled with what was typed before (cut to what each input accepts,
/// as Discord refuses longer prefills).
pub fn modal(session: &str, title: &str, fields: &[Field], zone: &str) -> CreateModal {
    let rows = fields
        .iter()
        .map(|field| {
            let step = field.step;
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
            let max = max.min(MAX_INPUT);
            let mut input = CreateInputText::new(style, step.label, step.key)
                .required(field.required)
                .max_length(u16::try_from(max).unwrap_or(4000));
            let placeholder = step.placeholder.replace("{zone}", zone);
            if !placeholder.is_empty() {
                input = input.placeholder(truncate(&placeholder, 99));
            }
            if let Some(text) = field.prefill.as_deref().filter(|t| !t.is_empty()) {
                input = input.value(text.chars().take(max).collect::<String>());
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    let id = ComponentId::Form {
        session: session.to_owned(),
    };
    CreateModal::new(id.to_string(), truncate(title, 44)).components(rows)
}

/// A message's text and its components.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub content: String,
    pub components: Vec<CreateActionRow>,
}

impl Shown {
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            content: fit(content.into()),
            components: Vec::new(),
        }
    }
}

/// A question or the summary as a message (forms are modals, or a button that opens one),
/// with `problems` listed first.
pub fn prompt_message(
    session: &str,
    flow: FlowKind,
    prompt: &Prompt,
    problems: &[Problem],
    follow_up_handle: Option<&str>,
) -> Shown {
    let flow = aimsbot_workflows::flow::flow(flow);
    let mut content = format!("**{}**\n", escape(flow.title));
    if !problems.is_empty() {
        content.push_str(&text::problem_list(problems));
    }
    let cancel = button(
        action(session, PromptAction::Cancel),
        text::CANCEL_BUTTON,
        ButtonStyle::Danger,
    );
    let components = match prompt {
        Prompt::Choose {
            choices,
            number,
            total,
        } => {
            if *total > 1 {
                content.push_str(&text::screen(*number, *total));
            }
            match choices.as_slice() {
                // One question of up to three answers: a button each.
                [Choice { step, .. }] if matches!(step.kind, InputKind::Choice(options) if options.len() <= 3) =>
                {
                    content.push_str(&text::question(step.label));
                    let mut buttons: Vec<CreateButton> = step
                        .kind
                        .options()
                        .iter()
                        .map(|(value, label)| {
                            let id = ComponentId::PickValue {
                                session: session.to_owned(),
                                key: step.key.to_owned(),
                                value: (*value).to_owned(),
                            };
                            button(id, label, ButtonStyle::Primary)
                        })
                        .collect();
                    buttons.push(cancel);
                    vec![CreateActionRow::Buttons(buttons)]
                }
                // Otherwise a select menu per question, on one screen.
                _ => {
                    content.push_str(text::CHOOSE_EACH);
                    let mut rows: Vec<CreateActionRow> = choices
                        .iter()
                        .map(|choice| {
                            content.push_str(&text::choice_line(
                                choice.step.label,
                                &chosen_labels(choice),
                                matches!(choice.step.kind, InputKind::MultiChoice { .. }),
                            ));
                            CreateActionRow::SelectMenu(select_menu(session, choice))
                        })
                        .collect();
                    // Five menus fill the message; with fewer, the last row holds Cancel.
                    if rows.len() < MAX_CHOICES_PER_SCREEN {
                        rows.push(CreateActionRow::Buttons(vec![cancel]));
                    }
                    rows
                }
            }
        }
        Prompt::Summary { lines } => {
            content.push_str(text::SUMMARY_INTRO);
            for (label, value) in lines {
                content.push_str(&format!(
                    "**{label}:** {}\n",
                    escape(&truncate(value, MAX_VALUE_SHOWN))
                ));
            }
            if let Some(handle) = follow_up_handle {
                content.push_str(&text::handle_before_confirm(handle));
            }
            let mut buttons = vec![
                button(
                    action(session, PromptAction::Confirm),
                    text::CONFIRM_BUTTON,
                    ButtonStyle::Success,
                ),
                button(
                    action(session, PromptAction::Edit),
                    text::EDIT_BUTTON,
                    ButtonStyle::Secondary,
                ),
            ];
            if flow.has_choices() {
                buttons.push(button(
                    action(session, PromptAction::ChangeChoices),
                    text::CHANGE_CHOICES_BUTTON,
                    ButtonStyle::Secondary,
                ));
            }
            buttons.push(cancel);
            vec![CreateActionRow::Buttons(buttons)]
        }
        Prompt::Form { .. } => {
            let label = if problems.is_empty() {
                content.push_str(text::MORE_TO_TYPE);
                text::CONTINUE_BUTTON
            } else {
                content.push_str(text::FIX_TYPED);
                text::FIX_BUTTON
            };
            vec![CreateActionRow::Buttons(vec![
                button(
                    action(session, PromptAction::Next),
                    label,
                    ButtonStyle::Primary,
                ),
                cancel,
            ])]
        }
    };
    Shown {
        content: fit(content),
        components,
    }
}

/// The buttons that answer one attestation.
pub fn attestation_buttons(guild: &GuildId, reference: Reference) -> CreateActionRow {
    let id = |button: AttestationButton| ComponentId::Attestation {
        guild: guild.clone(),
        reference,
        button,
    };
    CreateActionRow::Buttons(vec![
        button(
            id(AttestationButton::Attest),
            &text::attest_button(reference),
            ButtonStyle::Success,
        ),
        button(
            id(AttestationButton::NotYet),
            text::NOT_YET_BUTTON,
            ButtonStyle::Secondary,
        ),
        button(
            id(AttestationButton::Decline),
            text::DECLINE_BUTTON,
            ButtonStyle::Danger,
        ),
    ])
}

/// The modal that asks why someone declines an attestation.
pub fn decline_modal(guild: &GuildId, reference: Reference) -> CreateModal {
    let input = CreateInputText::new(
        InputTextStyle::Paragraph,
        text::DECLINE_QUESTION,
        aimsbot_workflows::flow::keys::DECLINED_REASON,
    )
    .placeholder(text::DECLINE_PLACEHOLDER)
    .max_length(4000);
    let id = ComponentId::Attestation {
        guild: guild.clone(),
        reference,
        button: AttestationButton::Reason,
    };
    CreateModal::new(id.to_string(), text::decline_title(reference))
        .components(vec![CreateActionRow::InputText(input)])
}

/// A button that asks again for a reason to decline.
pub fn decline_again(guild: &GuildId, reference: Reference) -> CreateActionRow {
    let id = ComponentId::Attestation {
        guild: guild.clone(),
        reference,
        button: AttestationButton::Decline,
    };
    CreateActionRow::Buttons(vec![button(
        id,
        text::DECLINE_WITH_REASON_BUTTON,
        ButtonStyle::Danger,
    )])
}

/// One attestation as a line: reference, version, due date, the statement quoted.
pub fn attestation_line(stored: &StoredRecord) -> String {
    let Record::Attestation(a) = &stored.record else {
        return String::new();
    };
    let due = a.due_at.map(text::due).unwrap_or_default();
    format!(
        "**{}** (version {}{due}):\n> {}",
        stored.reference,
        escape(a.statement.version.as_str()),
        escape(&truncate(a.statement.text.as_str(), 300)).replace('\n', "\n> ")
    )
}

/// Records of one kind, one line each, or `empty`.
pub fn list_lines(records: &[StoredRecord], empty: &str) -> String {
    if records.is_empty() {
        return empty.to_owned();
    }
    let mut out = String::new();
    for record in records {
        let status = record
            .record
            .status()
            .map(|s| format!(" · {}", s.replace('_', " ")))
            .unwrap_or_default();
        out.push_str(&format!(
            "**{}** {}{status}\n",
            record.reference,
            escape(&truncate(&record.record.title(), 120))
        ));
    }
    out
}

/// A record in full, for `show` commands.
pub fn record_details(stored: &StoredRecord, clocks: Option<&Clocks>) -> String {
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
            lines.push(field("Aware", r.aware_at.to_string()));
            if let Some(at) = r.causal_link_at {
                lines.push(field(
                    "Causal link established or suspected",
                    at.to_string(),
                ));
            }
            if !r.member_states.is_empty() {
                lines.push(field(
                    "Member States affected",
                    MemberState::join(&r.member_states),
                ));
            }
            lines.push(field("Our role", r.organisation_role.label().to_owned()));
            lines.push(field("Recorded", r.recorded_at.to_string()));
            lines.push(field(
                "Reported by",
                r.reporter
                    .as_ref()
                    .map_or_else(|| "anonymous".to_owned(), |a| a.display_name.clone()),
            ));
            if let Some(assessment) = &r.assessment {
                lines.push(field(
                    "Serious-incident assessment",
                    format!(
                        "{} ({}, {})",
                        text::criteria(assessment),
                        assessment.stage.label(),
                        assessment.decided_by.display_name
                    ),
                ));
            }
            lines.extend(text::reporting_lines(r));
            if let Some(clocks) = clocks.filter(|_| r.is_serious()) {
                lines.push(text::clock_lines(r, clocks));
            }
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
            if let Some(authority) = r.authority {
                lines.push(field("Authority", authority.label().to_owned()));
            }
            if let Some(mandate) = &r.overseer_authority {
                lines.push(field("Mandate", mandate.to_string()));
            }
            if let Some(training) = &r.overseer_training {
                lines.push(field("Overseer's training", text::training(training)));
            }
            if let Some(at) = r.intervened_at {
                lines.push(field("Intervened", at.to_string()));
            }
            lines.push(field("Logged", r.decided_at.to_string()));
            if let Some(effect) = r.output_took_effect {
                lines.push(field("Output had taken effect", effect.label().to_owned()));
            }
            for (label, value) in [
                ("System version", &r.system_version),
                ("Log reference", &r.log_reference),
            ] {
                if let Some(value) = value {
                    lines.push(field(label, value.to_string()));
                }
            }
            lines.push(field(
                "Affected person informed",
                r.affected_person_informed.label().to_owned(),
            ));
            if let Some(told) = &r.affected_person_told {
                lines.push(field("When and how", told.to_string()));
            }
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
            lines.push(field("Person", r.person.display_name.clone()));
            lines.push(field("Answer", r.status.label().to_owned()));
            if let Some(at) = r.answered_at {
                lines.push(field("Answered", at.to_string()));
            }
            if let Some(reason) = &r.declined_reason {
                lines.push(field("Reason for declining", reason.to_string()));
            }
            lines.push(field(
                "Statement",
                format!("{} (version {})", r.statement.text, r.statement.version),
            ));
            lines.push(field(
                "Covers",
                r.ai_system
                    .as_ref()
                    .map_or_else(|| "AI in general".to_owned(), ToString::to_string),
            ));
            let asked = match &r.audience {
                Some(audience) => {
                    format!("{}, as one of the {audience}", r.requested_by.display_name)
                }
                None => r.requested_by.display_name.clone(),
            };
            lines.push(field("Asked by", asked));
            if let Some(at) = r.delivered_at {
                lines.push(field("Request delivered", at.to_string()));
            }
            if let Some(due) = r.due_at {
                lines.push(field("Due", due.to_string()));
            }
            match (r.expires(), r.valid_for_days) {
                (Some(at), _) => lines.push(field("Current until", at.to_string())),
                (None, Some(days)) => {
                    lines.push(field("Stays current", format!("{days} days once given")));
                }
                (None, None) => {}
            }
            if let Some(evidence) = &r.evidence {
                lines.push(field("Evidence of competence", evidence.to_string()));
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

/// A record's timeline, one line per event, newest last.
pub fn timeline(events: &[LedgerEvent]) -> String {
    let mut out = String::from("**Timeline**\n");
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
        let changed: Vec<String> = event
            .payload
            .get("changes")
            .and_then(|c| c.as_object())
            .map(|changes| {
                changes
                    .iter()
                    .filter_map(|(field, value)| text::change_summary(field, value))
                    .collect()
            })
            .unwrap_or_default();
        let changed = if changed.is_empty() {
            String::new()
        } else {
            format!(" — {}", changed.join("; "))
        };
        out.push_str(&format!(
            "{} · {} by {}{changed}{note}{reason}\n",
            discord_time(event.recorded_at),
            event.kind.as_str().replace('_', " "),
            escape(&event.actor.display_name)
        ));
    }
    out
}

/// A record in full and its timeline.
pub fn with_timeline(timeline: &Timeline) -> String {
    fit(format!(
        "{}\n\n{}",
        record_details(&timeline.record, timeline.clocks.as_ref()),
        self::timeline(&timeline.events)
    ))
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
