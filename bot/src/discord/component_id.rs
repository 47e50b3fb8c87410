//! The `custom_id` of every button, select menu and modal aimsbot shows: one type renders and
//! parses them, so what a component carries is named in one place. The text forms are stable:
//! a button shown before an upgrade still works after it.
//!
//! - `aims:<session>:form`: a prompt's form (modal);
//! - `aims:<session>:pick:<key>`: a select menu answering question `key`;
//! - `aims:<session>:pick:<key>:<value>`: a button answering `key` with `value`;
//! - `aims:<session>:<action>`: next, edit, choices, confirm, cancel;
//! - `aims:att:<guild>:<reference>:<answer>`: an attestation's buttons (attest, not_yet,
//!   decline) and its decline-reason modal (reason). No session: the attestation itself is
//!   the state.

use std::fmt;
use std::str::FromStr;

use aimsbot_workflows::{GuildId, Reference};

const PREFIX: &str = "aims";
const ATTESTATION: &str = "att";
const PICK: &str = "pick";
const FORM: &str = "form";

/// What a prompt's button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptAction {
    /// Show the next question (a form that could not be opened at once).
    Next,
    /// Reopen the first form, prefilled.
    Edit,
    /// Ask the picked questions again.
    ChangeChoices,
    Confirm,
    Cancel,
}

impl PromptAction {
    const ALL: [PromptAction; 5] = [
        PromptAction::Next,
        PromptAction::Edit,
        PromptAction::ChangeChoices,
        PromptAction::Confirm,
        PromptAction::Cancel,
    ];

    fn as_str(self) -> &'static str {
        match self {
            PromptAction::Next => "next",
            PromptAction::Edit => "edit",
            PromptAction::ChangeChoices => "choices",
            PromptAction::Confirm => "confirm",
            PromptAction::Cancel => "cancel",
        }
    }
}

/// An attestation's button, or its decline-reason modal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttestationButton {
    Attest,
    NotYet,
    Decline,
    /// The modal that asks why someone declines.
    Reason,
}

impl AttestationButton {
    const ALL: [AttestationButton; 4] = [
        AttestationButton::Attest,
        AttestationButton::NotYet,
        AttestationButton::Decline,
        AttestationButton::Reason,
    ];

    fn as_str(self) -> &'static str {
        match self {
            AttestationButton::Attest => "attest",
            AttestationButton::NotYet => "not_yet",
            AttestationButton::Decline => "decline",
            AttestationButton::Reason => "reason",
        }
    }
}

/// What a component carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentId {
    Form {
        session: String,
    },
    Pick {
        session: String,
        key: String,
    },
    PickValue {
        session: String,
        key: String,
        value: String,
    },
    Action {
        session: String,
        action: PromptAction,
    },
    Attestation {
        guild: GuildId,
        reference: Reference,
        button: AttestationButton,
    },
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComponentId::Form { session } => write!(f, "{PREFIX}:{session}:{FORM}"),
            ComponentId::Pick { session, key } => write!(f, "{PREFIX}:{session}:{PICK}:{key}"),
            ComponentId::PickValue {
                session,
                key,
                value,
            } => write!(f, "{PREFIX}:{session}:{PICK}:{key}:{value}"),
            ComponentId::Action { session, action } => {
                write!(f, "{PREFIX}:{session}:{}", action.as_str())
            }
            ComponentId::Attestation {
                guild,
                reference,
                button,
            } => write!(
                f,
                "{PREFIX}:{ATTESTATION}:{guild}:{reference}:{}",
                button.as_str()
            ),
        }
    }
}

/// A `custom_id` that is not one of aimsbot's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an aimsbot component id")]
pub struct NotOurs(String);

impl FromStr for ComponentId {
    type Err = NotOurs;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let not_ours = || NotOurs(s.to_owned());
        let parts: Vec<&str> = s.split(':').collect();
        let session = |id: &str| id.to_owned();
        Ok(match parts.as_slice() {
            [PREFIX, ATTESTATION, guild, reference, button] => ComponentId::Attestation {
                guild: GuildId::new(*guild).map_err(|_| not_ours())?,
                reference: reference.parse().map_err(|_| not_ours())?,
                button: AttestationButton::ALL
                    .into_iter()
                    .find(|b| b.as_str() == *button)
                    .ok_or_else(not_ours)?,
            },
            [PREFIX, id, FORM] => ComponentId::Form {
                session: session(id),
            },
            [PREFIX, id, PICK, key] => ComponentId::Pick {
                session: session(id),
                key: (*key).to_owned(),
            },
            [PREFIX, id, PICK, key, value] => ComponentId::PickValue {
                session: session(id),
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            },
            [PREFIX, id, action] => ComponentId::Action {
                session: session(id),
                action: PromptAction::ALL
                    .into_iter()
                    .find(|a| a.as_str() == *action)
                    .ok_or_else(not_ours)?,
            },
            _ => return Err(not_ours()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips_and_keeps_its_published_form() {
        let guild = GuildId::new("2000").unwrap_or_else(|e| panic!("{e}"));
        let reference: Reference = "ATT-2026-0007".parse().unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            (
                ComponentId::Form {
                    session: "5001".into(),
                },
                "aims:5001:form",
            ),
            (
                ComponentId::Pick {
                    session: "5001".into(),
                    key: "harm_categories".into(),
                },
                "aims:5001:pick:harm_categories",
            ),
            (
                ComponentId::PickValue {
                    session: "5001".into(),
                    key: "aware".into(),
                    value: "now".into(),
                },
                "aims:5001:pick:aware:now",
            ),
            (
                ComponentId::Action {
                    session: "0123456789abcdef0123456789abcdef".into(),
                    action: PromptAction::ChangeChoices,
                },
                "aims:0123456789abcdef0123456789abcdef:choices",
            ),
            (
                ComponentId::Attestation {
                    guild,
                    reference,
                    button: AttestationButton::NotYet,
                },
                "aims:att:2000:ATT-2026-0007:not_yet",
            ),
        ];
        for (id, text) in cases {
            assert_eq!(id.to_string(), text);
            assert_eq!(text.parse::<ComponentId>(), Ok(id));
            assert!(text.len() <= 100, "Discord's custom_id limit");
        }
    }

    #[test]
    fn ids_of_others_are_not_ours() {
        for other in [
            "btn_yes",
            "aims:5001:launch",
            "aims:att:2000:nonsense:attest",
            "aims:att:2000:ATT-2026-0007:maybe",
            "poise:123",
        ] {
            assert!(other.parse::<ComponentId>().is_err(), "{other}");
        }
    }
}
