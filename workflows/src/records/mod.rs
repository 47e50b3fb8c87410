//! The record kinds, and how a record is projected from its ledger events.
//!
//! A `created` event carries the record's full body; `amended` and `status_changed` carry the
//! new values of the fields they change; `note_added` changes nothing but the timeline. Fields
//! that are facts of recording (an incident's `recorded_at`, its reporter) can never change.

pub mod accepted_outputs;
pub mod ai_system;
pub mod attestation;
pub mod campaign;
pub mod concern;
pub mod corrective_action;
pub mod human_override;
pub mod incident;
pub mod review;

use serde_json::{Map, Value, json};

use crate::ledger::EventKind;
use crate::text::Narrative;
use crate::{Actor, GuildId, RecordKind, Reference, Timestamp, ValidationError};

pub use accepted_outputs::AcceptedOutputs;
pub use ai_system::AiSystem;
pub use attestation::Attestation;
pub use campaign::Campaign;
pub use concern::Concern;
pub use corrective_action::CorrectiveAction;
pub use human_override::HumanOverride;
pub use incident::Incident;
pub use review::Review;

/// A record of any kind.
// Records are read and written one at a time, never held in bulk by variant: boxing the
// incident would buy nothing but indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    AiSystem(AiSystem),
    Incident(Incident),
    HumanOverride(HumanOverride),
    Attestation(Attestation),
    Campaign(Campaign),
    Review(Review),
    CorrectiveAction(CorrectiveAction),
    Concern(Concern),
    AcceptedOutputs(AcceptedOutputs),
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::AiSystem(_) => RecordKind::AiSystem,
            Record::Incident(_) => RecordKind::Incident,
            Record::HumanOverride(_) => RecordKind::HumanOverride,
            Record::Attestation(_) => RecordKind::Attestation,
            Record::Campaign(_) => RecordKind::Campaign,
            Record::Review(_) => RecordKind::Review,
            Record::CorrectiveAction(_) => RecordKind::CorrectiveAction,
            Record::Concern(_) => RecordKind::Concern,
            Record::AcceptedOutputs(_) => RecordKind::AcceptedOutputs,
        }
    }

    /// The record's body as JSON (its kind is carried by its reference).
    pub fn to_json(&self) -> Value {
        let body = match self {
            Record::AiSystem(r) => serde_json::to_value(r),
            Record::Incident(r) => serde_json::to_value(r),
            Record::HumanOverride(r) => serde_json::to_value(r),
            Record::Attestation(r) => serde_json::to_value(r),
            Record::Campaign(r) => serde_json::to_value(r),
            Record::Review(r) => serde_json::to_value(r),
            Record::CorrectiveAction(r) => serde_json::to_value(r),
            Record::Concern(r) => serde_json::to_value(r),
            Record::AcceptedOutputs(r) => serde_json::to_value(r),
        };
        // Records are plain data with string keys and finite numbers: serialising cannot fail.
        body.unwrap_or(Value::Null)
    }

    /// Reads a body back, enforcing every field's limits and the record's own rules.
    pub fn from_json(kind: RecordKind, body: Value) -> Result<Self, ValidationError> {
        fn parse<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, ValidationError> {
            serde_json::from_value(body).map_err(|e| ValidationError::new("record", e.to_string()))
        }
        let record = match kind {
            RecordKind::AiSystem => Record::AiSystem(parse(body)?),
            RecordKind::Incident => Record::Incident(parse(body)?),
            RecordKind::HumanOverride => Record::HumanOverride(parse(body)?),
            RecordKind::Attestation => Record::Attestation(parse(body)?),
            RecordKind::Campaign => Record::Campaign(parse(body)?),
            RecordKind::Review => Record::Review(parse(body)?),
            RecordKind::CorrectiveAction => Record::CorrectiveAction(parse(body)?),
            RecordKind::Concern => Record::Concern(parse(body)?),
            RecordKind::AcceptedOutputs => Record::AcceptedOutputs(parse(body)?),
        };
        record.validate()?;
        Ok(record)
    }

    /// The rules that involve more than one field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self {
            Record::AiSystem(r) => r.validate(),
            Record::Attestation(r) => r.validate(),
            Record::Campaign(r) => r.validate(),
            Record::Review(r) => r.validate(),
            Record::CorrectiveAction(r) => r.validate(),
            Record::Concern(r) => r.validate(),
            Record::AcceptedOutputs(r) => r.validate(),
            Record::Incident(r) => r.validate(),
            Record::HumanOverride(_) => Ok(()),
        }
    }

    /// The line lists show.
    pub fn title(&self) -> String {
        match self {
            Record::AiSystem(r) => r.name.to_string(),
            Record::Incident(r) => r.title.to_string(),
            Record::HumanOverride(r) => format!("{} on {}", r.action.label(), r.case_reference),
            Record::Attestation(r) => format!("statement {}", r.statement.version),
            Record::Campaign(r) => r.name.to_string(),
            Record::Review(r) => r.title.to_string(),
            Record::CorrectiveAction(r) => truncate(r.action.as_str(), 200),
            Record::Concern(r) => r.title.to_string(),
            Record::AcceptedOutputs(r) => {
                format!("{} outputs accepted on {}", r.accepted, r.ai_system)
            }
        }
    }

    /// The lifecycle status, for kinds that have one.
    pub fn status(&self) -> Option<&'static str> {
        match self {
            Record::Incident(r) => Some(r.status.as_str()),
            Record::Attestation(r) => Some(r.status.as_str()),
            Record::Review(r) => Some(r.status.as_str()),
            Record::CorrectiveAction(r) => Some(r.status.as_str()),
            Record::AiSystem(r) => Some(r.lifecycle_stage.as_str()),
            Record::Concern(r) => Some(r.status.as_str()),
            Record::HumanOverride(_) | Record::Campaign(_) | Record::AcceptedOutputs(_) => None,
        }
    }

    /// The person a member's "my records" view is about: the reporter, overseer, attesting
    /// person or owner. `None` for anonymous reports.
    pub fn person(&self) -> Option<&Actor> {
        match self {
            Record::AiSystem(r) => Some(&r.owner),
            Record::Incident(r) => r.reporter.as_ref(),
            Record::HumanOverride(r) => Some(&r.overseer),
            Record::Attestation(r) => Some(&r.person),
            Record::Campaign(r) => Some(&r.owner),
            Record::Review(r) => Some(&r.owner),
            Record::CorrectiveAction(r) => Some(&r.owner),
            Record::Concern(r) => r.reporter.as_ref(),
            Record::AcceptedOutputs(r) => Some(&r.reviewer),
        }
    }

    /// The AI system the record concerns, as stored text (a reference or a typed name).
    pub fn ai_system(&self) -> Option<String> {
        let system = match self {
            Record::Incident(r) => &r.ai_system,
            Record::HumanOverride(r) => &r.ai_system,
            Record::AcceptedOutputs(r) => &r.ai_system,
            Record::Concern(Concern {
                ai_system: Some(system),
                ..
            }) => system,
            _ => return None,
        };
        Some(system.stored_name())
    }

    /// Fields set when the record is made that no later event may change.
    fn immutable_fields(kind: RecordKind) -> &'static [&'static str] {
        match kind {
            RecordKind::Incident => &["recorded_at", "reporter"],
            RecordKind::HumanOverride => &["overseer", "source"],
            RecordKind::Attestation => &["person", "statement", "requested_by"],
            RecordKind::Concern => &["reporter", "follow_up_handle_sha256"],
            _ => &[],
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// New values of a record's fields, by field name. Applying checks that each field exists, may
/// change, and that the record stays valid; nothing is written otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldChanges(Map<String, Value>);

impl FieldChanges {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `field` to `value` (as the record stores it).
    #[must_use]
    pub fn set(mut self, field: &str, value: impl serde::Serialize) -> Self {
        // Domain values are plain data with string keys: serialising cannot fail.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.0.insert(field.to_owned(), value);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An answer to an attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationAnswer {
    Attested,
    Declined { reason: Narrative },
}

/// A change to make to a record; each becomes one ledger event.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A correction of what was recorded, with the reason (never an UPDATE of history).
    Amend {
        reason: Narrative,
        changes: FieldChanges,
    },
    /// A lifecycle step: the status (and any fields that go with it) and an optional note.
    Status {
        changes: FieldChanges,
        note: Option<Narrative>,
    },
    /// A timeline entry.
    Note { note: Narrative },
}

impl Change {
    /// An incident moves to `status`, with an optional note for its timeline.
    pub fn incident_status(status: incident::IncidentStatus, note: Option<Narrative>) -> Self {
        Change::Status {
            changes: FieldChanges::new().set(incident::IncidentStatus::FIELD, status),
            note,
        }
    }

    /// A concern moves to `status`, with an optional note for its timeline.
    pub fn concern_status(status: concern::ConcernStatus, note: Option<Narrative>) -> Self {
        Change::Status {
            changes: FieldChanges::new().set(concern::ConcernStatus::FIELD, status),
            note,
        }
    }

    /// A person answers an attestation at `at`.
    pub fn attestation_answered(answer: AttestationAnswer, at: Timestamp) -> Self {
        use attestation::AttestationStatus;
        let changes = match answer {
            AttestationAnswer::Attested => {
                FieldChanges::new().set(AttestationStatus::FIELD, AttestationStatus::Attested)
            }
            AttestationAnswer::Declined { reason } => FieldChanges::new()
                .set(AttestationStatus::FIELD, AttestationStatus::Declined)
                .set("declined_reason", reason),
        };
        Change::Status {
            changes: changes.set("answered_at", at),
            note: None,
        }
    }

    pub fn note(note: Narrative) -> Self {
        Change::Note { note }
    }

    pub fn event_kind(&self) -> EventKind {
        match self {
            Change::Amend { .. } => EventKind::Amended,
            Change::Status { .. } => EventKind::StatusChanged,
            Change::Note { .. } => EventKind::NoteAdded,
        }
    }

    /// The event's payload, as hashed: `{"reason", "changes"}`, `{"changes", "note"}` or
    /// `{"note"}`.
    pub fn payload(&self) -> Value {
        match self {
            Change::Amend { reason, changes } => json!({"reason": reason, "changes": changes.0}),
            Change::Status { changes, note } => json!({"changes": changes.0, "note": note}),
            Change::Note { note } => json!({"note": note}),
        }
    }
}

/// Applies one event to the record it concerns (`None` before `created`), giving the new
/// projection. Storage calls this inside the transaction that appends the event, so a change
/// that would make the record invalid is refused before anything is written.
pub fn apply(
    kind: RecordKind,
    current: Option<&Record>,
    event: EventKind,
    payload: &Value,
) -> Result<Record, ValidationError> {
    match (event, current) {
        (EventKind::Created, None) => Record::from_json(kind, payload.clone()),
        (EventKind::Created, Some(_)) => Err(ValidationError::new(
            "event",
            "the record already exists; it cannot be created twice",
        )),
        (_, None) => Err(ValidationError::new(
            "reference",
            "no such record: a change needs an existing record",
        )),
        (EventKind::NoteAdded, Some(record)) => Ok(record.clone()),
        (EventKind::Amended | EventKind::StatusChanged, Some(record)) => {
            if event == EventKind::Amended
                && payload
                    .get("reason")
                    .and_then(Value::as_str)
                    .is_none_or(|r| r.trim().is_empty())
            {
                return Err(ValidationError::new(
                    "reason",
                    "an amendment needs a reason: say why the record is corrected",
                ));
            }
            let Some(changes) = payload.get("changes").and_then(Value::as_object) else {
                return Err(ValidationError::new(
                    "changes",
                    "must be an object of field: new value",
                ));
            };
            let mut body = record.to_json();
            let Some(fields) = body.as_object_mut() else {
                return Err(ValidationError::new(
                    "record",
                    "stored body is not an object",
                ));
            };
            for (field, value) in changes {
                if Record::immutable_fields(kind).contains(&field.as_str()) {
                    return Err(ValidationError::new(
                        field.clone(),
                        "is fixed when the record is made and cannot be changed",
                    ));
                }
                if !fields.contains_key(field) {
                    return Err(ValidationError::new(
                        field.clone(),
                        format!("is not a field of a {} record", kind.as_str()),
                    ));
                }
                fields.insert(field.clone(), value.clone());
            }
            Record::from_json(kind, body)
        }
    }
}

/// A record as stored, with where it sits in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub guild: GuildId,
    pub reference: Reference,
    pub record: Record,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The ledger `seq` of the last event applied.
    pub last_seq: u64,
}
