//! A tally of AI outputs a person reviewed and let stand over a period (EU AI Act Art. 14,
//! 26(2); ISO/IEC 42001 9.1): with the overrides logged for the same system and period, it
//! gives an override rate. One number per system and period keeps it cheap to record.

use serde::{Deserialize, Serialize};

use crate::records::incident::AiSystemRef;
use crate::{Actor, Timestamp, ValidationError};

/// Outputs reviewed and accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedOutputs {
    pub ai_system: AiSystemRef,
    /// The period counted: `[from, to)`.
    pub from: Timestamp,
    pub to: Timestamp,
    pub accepted: u32,
    pub reviewer: Actor,
}

impl AcceptedOutputs {
    /// At most this many in one tally: more is a typing error, not a day's review.
    pub const MAX_ACCEPTED: u32 = 10_000_000;

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.from >= self.to {
            return Err(ValidationError::new(
                "to",
                format!(
                    "the period ends ({}) before it starts ({}); give an end after the start",
                    self.to, self.from
                ),
            ));
        }
        if self.accepted > Self::MAX_ACCEPTED {
            return Err(ValidationError::new(
                "count",
                format!(
                    "{} is more than {} outputs",
                    self.accepted,
                    Self::MAX_ACCEPTED
                ),
            ));
        }
        Ok(())
    }

    /// Whether the tally's period lies within `[from, to)`.
    pub fn within(&self, from: Timestamp, to: Timestamp) -> bool {
        self.from >= from && self.to <= to
    }
}
