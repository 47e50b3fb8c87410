//! A training or policy campaign (ISO/IEC 42001 7.2, 7.3; EU AI Act Art. 4): a statement put to
//! an audience by a due date, with reminders, escalation and periodic refresh.

use serde::{Deserialize, Serialize};

use crate::records::attestation::Statement;
use crate::text::Title;
use crate::{Actor, Timestamp, ValidationError};

/// Who a campaign asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone holding one of these chat roles (platform role ids).
    Roles(Vec<String>),
    /// These people.
    People(Vec<Actor>),
}

/// A campaign record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// The training module or policy, e.g. "AI literacy basics".
    pub name: Title,
    pub statement: Statement,
    pub audience: Audience,
    pub due_at: Timestamp,
    /// Days before the due date on which to remind, e.g. [7, 1].
    pub reminder_days_before: Vec<u16>,
    /// Days overdue after which to escalate to the person's escalation contact.
    pub escalate_after_days_overdue: Option<u16>,
    /// How often the attestation must be renewed, in days.
    pub refresh_period_days: Option<u16>,
    pub owner: Actor,
}

impl Campaign {
    pub fn validate(&self) -> Result<(), ValidationError> {
        match &self.audience {
            Audience::Roles(roles) if roles.is_empty() => {
                return Err(ValidationError::new("audience", "name at least one role"));
            }
            Audience::People(people) if people.is_empty() => {
                return Err(ValidationError::new("audience", "name at least one person"));
            }
            _ => {}
        }
        if self.reminder_days_before.len() > 10 {
            return Err(ValidationError::new(
                "reminder_days_before",
                "at most 10 reminder lead times",
            ));
        }
        if self.refresh_period_days == Some(0) {
            return Err(ValidationError::new(
                "refresh_period_days",
                "must be at least 1 day, or left out for no refresh",
            ));
        }
        Ok(())
    }
}
