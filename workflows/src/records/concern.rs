//! A confidential concern (ISO/IEC 42001 A.3.3): anyone can raise one, named or anonymously.
//! An anonymous concern stores no identity at all; its reporter follows up with a handle whose
//! SHA-256 alone is kept.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::records::incident::AiSystemRef;
use crate::text::{Narrative, Title};
use crate::{Actor, ValidationError, choice_enum};

choice_enum!(
    /// Where the concern stands.
    ConcernStatus, field = "status" {
        Open => ("open", "Open"),
        Acknowledged => ("acknowledged", "Acknowledged"),
        Investigating => ("investigating", "Being investigated"),
        Closed => ("closed", "Closed"),
    }
);

/// A concern record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concern {
    /// `None` when raised anonymously.
    pub reporter: Option<Actor>,
    /// SHA-256 (hex) of the follow-up handle given to an anonymous reporter.
    pub follow_up_handle_sha256: Option<String>,
    pub ai_system: Option<AiSystemRef>,
    pub title: Title,
    pub concern: Narrative,
    pub status: ConcernStatus,
}

impl Concern {
    pub fn validate(&self) -> Result<(), ValidationError> {
        match (&self.reporter, &self.follow_up_handle_sha256) {
            (Some(reporter), _) if reporter.is_anonymous() => Err(ValidationError::new(
                "reporter",
                "an anonymous concern has no reporter at all",
            )),
            (None, None) => Err(ValidationError::new(
                "follow_up_handle",
                "an anonymous concern needs a follow-up handle",
            )),
            (Some(_), Some(_)) => Err(ValidationError::new(
                "follow_up_handle",
                "only anonymous concerns have a follow-up handle",
            )),
            _ => Ok(()),
        }
    }

    /// Whether `handle` is this concern's follow-up handle.
    pub fn handle_matches(&self, handle: &str) -> bool {
        self.follow_up_handle_sha256
            .as_deref()
            .is_some_and(|stored| stored == handle_sha256(handle))
    }
}

/// The stored form of a follow-up handle. Handles are compared case-insensitively, without
/// spaces or dashes, because people retype them.
pub fn handle_sha256(handle: &str) -> String {
    let normalised: String = handle
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}
