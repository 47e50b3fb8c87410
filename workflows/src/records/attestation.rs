//! A person's answer to a training or policy statement (ISO/IEC 42001 7.2, 7.3, A.3.2; EU AI Act
//! Art. 4 AI literacy). The statement's text is fixed by its SHA-256, so an attestation always
//! says exactly what was attested.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::records::incident::AiSystemRef;
use crate::text::{Label, Narrative};
use crate::{Actor, Reference, Timestamp, ValidationError, choice_enum};

choice_enum!(
    /// Where the attestation stands.
    AttestationStatus, field = "status" {
        Pending => ("pending", "Pending"),
        Attested => ("attested", "Attested"),
        Declined => ("declined", "Declined"),
    }
);

/// The statement put to people: its text, the version its owner gives it, and the SHA-256 of
/// the text (hex), which is what an attestation binds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub text: Narrative,
    pub version: Label,
    pub text_sha256: String,
}

impl Statement {
    pub fn new(text: Narrative, version: Label) -> Self {
        let text_sha256 = hex::encode(Sha256::digest(text.as_str().as_bytes()));
        Self {
            text,
            version,
            text_sha256,
        }
    }

    /// Whether the hash still matches the text.
    pub fn is_intact(&self) -> bool {
        hex::encode(Sha256::digest(self.text.as_str().as_bytes())) == self.text_sha256
    }
}

/// An attestation record: created pending, answered once (a later answer is a new event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub person: Actor,
    pub campaign: Option<Reference>,
    pub statement: Statement,
    pub status: AttestationStatus,
    pub requested_by: Actor,
    pub due_at: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
    pub declined_reason: Option<Narrative>,
    /// When the attestation must be renewed, if set outright (see [`Attestation::expires`]).
    pub expires_at: Option<Timestamp>,
    /// The AI system the training covers; `None` for training in general (AI literacy).
    #[serde(default)]
    pub ai_system: Option<AiSystemRef>,
    /// Who was asked and why: the role or audience the request went to.
    #[serde(default)]
    pub audience: Option<Label>,
    /// How long an attestation stays current once given (then it is asked again).
    #[serde(default)]
    pub valid_for_days: Option<u16>,
    /// When the request reached the person (the direct message was delivered).
    #[serde(default)]
    pub delivered_at: Option<Timestamp>,
    /// Evidence of competence the person gives: a course result, a certificate link
    /// (ISO/IEC 42001 7.2).
    #[serde(default)]
    pub evidence: Option<Label>,
}

impl Attestation {
    /// When a given attestation stops being current: its set expiry, or its answer plus
    /// `valid_for_days`. `None` while pending, or when it does not expire.
    pub fn expires(&self) -> Option<Timestamp> {
        if self.status != AttestationStatus::Attested {
            return None;
        }
        self.expires_at.or_else(|| {
            let days = chrono::Duration::days(i64::from(self.valid_for_days?));
            Some(self.answered_at?.plus(days))
        })
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        if !self.statement.is_intact() {
            return Err(ValidationError::new(
                "statement",
                "the statement text does not match its recorded SHA-256",
            ));
        }
        if self.status == AttestationStatus::Declined && self.declined_reason.is_none() {
            return Err(ValidationError::new(
                "declined_reason",
                "is required when declining: say why",
            ));
        }
        if self.valid_for_days == Some(0) {
            return Err(ValidationError::new(
                "valid_for_days",
                "must be at least 1 day, or left out for an attestation that does not expire",
            ));
        }
        if self.status != AttestationStatus::Pending && self.answered_at.is_none() {
            return Err(ValidationError::new(
                "answered_at",
                "is required once answered",
            ));
        }
        Ok(())
    }
}
