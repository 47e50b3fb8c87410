//! The pure part of every record write: checking the request, sealing its ledger event after
//! the head that was read under the write lock, projecting the record, and turning all of it
//! into the rows the write statement expands. No I/O here: each backend reads what a write
//! depends on, calls this, and sends the rows in its own way.

use aimsbot_workflows::flow::{Session, SessionStatus};
use aimsbot_workflows::ledger::{EventKind, NewEvent};
use aimsbot_workflows::outbox::NewJob;
use aimsbot_workflows::ports::{Committed, NewRecord, RecordChange, SessionEnd, StoreError};
use aimsbot_workflows::records::{self, Record, StoredRecord};
use aimsbot_workflows::{ChainHead, Reference, ValidationError};

use crate::rows::{
    EventRow, IdempotencyKeyRow, NewJobRow, RecordWriteRow, SessionWriteRow, json_array,
};

/// Idempotency keys are bounded so that a client cannot make us store megabytes per write.
pub(crate) const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

/// Checks a new record before any lock is taken: a refused record costs no one else time.
pub(crate) fn validate_new(new: &NewRecord) -> Result<Record, StoreError> {
    check_idempotency_key(new.idempotency_key.as_deref())?;
    Ok(records::apply(
        new.record.kind(),
        None,
        EventKind::Created,
        &new.record.to_json(),
    )?)
}

pub(crate) fn check_idempotency_key(key: Option<&str>) -> Result<(), StoreError> {
    match key {
        Some(key) if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN => {
            Err(StoreError::Invalid(ValidationError::new(
                "idempotency_key",
                format!("must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} bytes"),
            )))
        }
        _ => Ok(()),
    }
}

/// A write placed after the ledger head: what it commits, and what else it writes.
#[derive(Debug)]
pub(crate) struct Sealed {
    pub committed: Committed,
    idempotency_key: Option<String>,
    owed: Vec<NewJob>,
}

/// Seals the `created` event of a new record numbered `reference`, after `head`; the messages
/// the record owes become jobs now that its reference is known.
pub(crate) fn seal_creation(
    new: NewRecord,
    record: Record,
    reference: Reference,
    head: &ChainHead,
) -> Sealed {
    let owed = new
        .owed
        .into_iter()
        .map(|message| message.job(&new.guild, reference, new.at))
        .collect();
    let event = NewEvent {
        guild: new.guild.clone(),
        record_ref: reference,
        kind: EventKind::Created,
        actor: new.actor,
        recorded_at: new.at,
        payload: record.to_json(),
    }
    .seal(head);
    Sealed {
        committed: Committed {
            record: StoredRecord {
                guild: new.guild,
                reference,
                record,
                created_at: new.at,
                updated_at: new.at,
                last_seq: event.seq,
            },
            event,
            replayed: false,
        },
        idempotency_key: new.idempotency_key,
        owed,
    }
}

/// Applies a change to the record as stored and seals its event after `head`; refused (and
/// nothing written) when the change would make the record invalid.
pub(crate) fn seal_change(
    change: RecordChange,
    current: StoredRecord,
    head: &ChainHead,
) -> Result<Sealed, StoreError> {
    let event_kind = change.change.event_kind();
    let payload = change.change.payload();
    let record = records::apply(
        change.reference.kind(),
        Some(&current.record),
        event_kind,
        &payload,
    )?;
    let event = NewEvent {
        guild: change.guild,
        record_ref: change.reference,
        kind: event_kind,
        actor: change.actor,
        recorded_at: change.at,
        payload,
    }
    .seal(head);
    Ok(Sealed {
        committed: Committed {
            record: StoredRecord {
                record,
                updated_at: change.at,
                last_seq: event.seq,
                ..current
            },
            event,
            replayed: false,
        },
        idempotency_key: change.idempotency_key,
        owed: change.owed,
    })
}

/// What a write does to the guided-prompt session that produced it.
#[derive(Debug)]
pub(crate) enum SessionClosing {
    /// The write completes no session.
    None,
    /// Saved completed, with the record's reference; its version bumped by the write.
    Keep(Session),
    /// Deleted, by id.
    Discard(String),
}

impl SessionClosing {
    pub(crate) fn of(completing: Option<(Session, SessionEnd)>, reference: Reference) -> Self {
        match completing {
            None => SessionClosing::None,
            Some((session, SessionEnd::Keep)) => SessionClosing::Keep(Session {
                status: SessionStatus::Completed,
                result: Some(reference),
                ..session
            }),
            Some((session, SessionEnd::Discard)) => SessionClosing::Discard(session.id),
        }
    }

    pub(crate) fn discards(&self) -> bool {
        matches!(self, SessionClosing::Discard(_))
    }

    /// The session kept, as stored once the write has committed.
    pub(crate) fn into_kept(self) -> Option<Session> {
        match self {
            SessionClosing::Keep(session) => Some(Session {
                version: session.version + 1,
                ..session
            }),
            SessionClosing::None | SessionClosing::Discard(_) => None,
        }
    }
}

/// The rows of one write, each table's as a JSON array (`[]` when the write has none), in the
/// order the write statements take them.
#[derive(Debug)]
pub(crate) struct WriteRows {
    pub events: String,
    pub records: String,
    pub idempotency_keys: String,
    pub jobs: String,
    pub sessions_kept: String,
    pub sessions_discarded: String,
}

impl Sealed {
    pub(crate) fn rows(&self, closing: &SessionClosing) -> Result<WriteRows, StoreError> {
        let Committed { record, event, .. } = &self.committed;
        let event_row = EventRow::of(event);
        let keys: Vec<IdempotencyKeyRow> = self
            .idempotency_key
            .iter()
            .map(|key| IdempotencyKeyRow {
                key: key.clone(),
                guild_id: record.guild.to_string(),
                reference: record.reference.to_string(),
                seq: event_row.seq,
                created_at: event.recorded_at.to_canonical(),
            })
            .collect();
        let jobs = self
            .owed
            .iter()
            .map(|job| NewJobRow::of(job, event.recorded_at))
            .collect::<Result<Vec<_>, _>>()?;
        let (kept, discarded) = match closing {
            SessionClosing::None => (Vec::new(), Vec::new()),
            SessionClosing::Keep(session) => (vec![SessionWriteRow::of(session)?], Vec::new()),
            SessionClosing::Discard(id) => (Vec::new(), vec![id.as_str()]),
        };
        Ok(WriteRows {
            events: json_array(&[event_row])?,
            records: json_array(&[RecordWriteRow::of(record)])?,
            idempotency_keys: json_array(&keys)?,
            jobs: json_array(&jobs)?,
            sessions_kept: json_array(&kept)?,
            sessions_discarded: json_array(&discarded)?,
        })
    }
}
