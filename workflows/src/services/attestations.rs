//! Attestations (ISO/IEC 42001 7.2, 7.3; EU AI Act Art. 4): request them from everyone holding
//! a chat role (a record and a direct message owed for each person), list what someone still
//! has to answer, and record their answer once.

use std::sync::Arc;

use crate::access::Permission;
use crate::flow::datetime;
use crate::outbox::OwedMessage;
use crate::ports::{NewRecord, RecordChange, RecordQuery, StoreError};
use crate::records::attestation::{Attestation, AttestationStatus, Statement};
use crate::records::{AttestationAnswer, Change, FieldChanges, Record};
use crate::text::{Label, Narrative};
use crate::{Actor, GuildId, RecordKind, Reference, StoredRecord, ValidationError};

use super::{Caller, Deps, ServiceError};

/// The idempotency key of asking `person` to attest `statement` in `guild`: a hash, so it stays
/// short whatever the version's length.
fn request_key(guild: &GuildId, statement: &Statement, person: &Actor) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        guild.as_str(),
        &statement.text_sha256,
        statement.version.as_str(),
        person.platform.as_str(),
        &person.platform_user_id,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    format!("attest-request:{}", hex::encode(hash.finalize()))
}

/// A request for everyone holding a chat role to attest a statement.
#[derive(Debug, Clone)]
pub struct AttestationRequest {
    /// The chat platform's id of the role whose holders are asked.
    pub role: String,
    pub statement: String,
    pub version: String,
    /// When it is due, as typed (`2026-12-31`, `2026-12-31 17:00`).
    pub due: Option<String>,
    /// Who is asked, as people read it (the role's name), kept with each attestation.
    pub audience: String,
    /// How long an attestation stays current once given.
    pub valid_for_days: Option<u16>,
    /// The AI system the training covers, as typed (a reference or a name); none for
    /// training in general.
    pub system: Option<String>,
}

/// What a request did.
#[derive(Debug)]
pub struct Requested {
    /// How many people hold the role.
    pub people: usize,
    /// One attestation per person asked, in the order they were listed.
    pub attestations: Vec<Reference>,
    /// How many of them this request created, each with its direct message owed; the rest
    /// had been asked to attest this statement and version before and are not asked again.
    pub created: usize,
    /// Storing failed after `attestations`: those people were asked, the others not. The
    /// same request again asks only the others. The error is for the logs.
    pub interrupted: Option<StoreError>,
}

/// A person's answer, as given by a button or a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Attest,
    NotYet,
    /// Declining needs a reason; `None` asks for it.
    Decline {
        reason: Option<String>,
    },
}

/// What came of an answer.
#[derive(Debug, Clone)]
pub enum Answered {
    /// Recorded now.
    Recorded {
        reference: Reference,
        status: AttestationStatus,
    },
    /// It had been answered before (another device, a double click): nothing changed.
    AlreadyAnswered {
        reference: Reference,
        status: AttestationStatus,
    },
    /// "Not yet": it stays pending.
    StillPending { reference: Reference },
    /// Declining without a reason: ask for one.
    NeedsReason { reference: Reference },
}

/// At most this many pending attestations are listed.
const PENDING_LIMIT: u32 = 100;

#[derive(Debug, Clone)]
pub struct Attestations {
    deps: Arc<Deps>,
}

impl Attestations {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// What the caller still has to attest, oldest first.
    pub async fn pending(&self, caller: &Caller) -> Result<Vec<StoredRecord>, ServiceError> {
        self.deps.tenant(&caller.guild)?;
        caller.require(Permission::AnswerAttestation)?;
        let mut records = self
            .deps
            .store
            .records(&RecordQuery {
                guild: Some(caller.guild.clone()),
                kind: Some(RecordKind::Attestation),
                status: Some(AttestationStatus::Pending.as_str()),
                person: Some(caller.actor.clone()),
                ai_system: None,
                limit: PENDING_LIMIT,
            })
            .await?;
        records.reverse();
        Ok(records)
    }

    /// Asks everyone holding `request.role` to attest: one record each, with the direct
    /// message that asks them owed in the same transaction. Someone already asked to attest
    /// this statement and version is not asked again (so a replayed or repeated request
    /// creates nothing new).
    pub async fn request(
        &self,
        caller: &Caller,
        request: AttestationRequest,
    ) -> Result<Requested, ServiceError> {
        let deps = &self.deps;
        deps.tenant(&caller.guild)?;
        caller.require(Permission::RequestAttestation)?;
        let now = deps.clock.now();
        let statement = Statement::new(
            Narrative::for_field("statement", request.statement)?,
            Label::for_field("version", request.version)?,
        );
        let due_at = request
            .due
            .map(|d| datetime::parse("due", &d, now, deps.policy.time_zone))
            .transpose()?;
        if due_at.is_some_and(|d| d <= now) {
            return Err(ValidationError::new(
                "due",
                "the due date has already passed; give a date in the future",
            )
            .into());
        }
        let audience =
            Label::for_field("role", format!("holders of the role {}", request.audience))?;
        if request.valid_for_days == Some(0) {
            return Err(ValidationError::new(
                "valid_for_days",
                "must be at least 1 day, or left out for an attestation that does not expire",
            )
            .into());
        }
        let ai_system = match request.system.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(typed) => Some(deps.ai_system(&caller.guild, typed).await?),
            None => None,
        };
        let people = deps
            .directory
            .members_with_role(&caller.guild, &request.role)
            .await?;
        let mut requested = Requested {
            people: people.len(),
            attestations: Vec::with_capacity(people.len()),
            created: 0,
            interrupted: None,
        };
        for person in people {
            // One attestation per person and statement version, however often it is asked:
            // asking again after an interruption asks only those not asked yet.
            let key = request_key(&caller.guild, &statement, &person);
            let committed = deps
                .store
                .create(NewRecord {
                    guild: caller.guild.clone(),
                    actor: caller.actor.clone(),
                    at: now,
                    record: Record::Attestation(Attestation {
                        person: person.clone(),
                        campaign: None,
                        statement: statement.clone(),
                        status: AttestationStatus::Pending,
                        requested_by: caller.actor.clone(),
                        due_at,
                        answered_at: None,
                        declined_reason: None,
                        expires_at: None,
                        ai_system: ai_system.clone(),
                        audience: Some(audience.clone()),
                        valid_for_days: request.valid_for_days,
                        delivered_at: None,
                        evidence: None,
                    }),
                    idempotency_key: Some(key),
                    owed: vec![OwedMessage::AttestationRequest { person }],
                })
                .await;
            let committed = match committed {
                Ok(committed) => committed,
                Err(e) if requested.attestations.is_empty() => return Err(e.into()),
                Err(e) => {
                    requested.interrupted = Some(e);
                    return Ok(requested);
                }
            };
            if !committed.replayed {
                requested.created += 1;
                deps.waker.wake();
            }
            requested.attestations.push(committed.record.reference);
        }
        Ok(requested)
    }

    /// Records `actor`'s answer to attestation `reference` of `guild`, once.
    pub async fn answer(
        &self,
        guild: &GuildId,
        actor: &Actor,
        reference: Reference,
        reply: Reply,
    ) -> Result<Answered, ServiceError> {
        let deps = &self.deps;
        deps.tenant(guild)?;
        let stored = deps.load(guild, reference).await?;
        let Record::Attestation(attestation) = &stored.record else {
            return Err(ServiceError::NotFound(reference));
        };
        if !attestation.person.same_person(actor) {
            return Err(ServiceError::NotYours {
                reference: Some(reference),
            });
        }
        if attestation.status != AttestationStatus::Pending {
            return Ok(Answered::AlreadyAnswered {
                reference,
                status: attestation.status,
            });
        }
        let answer = match reply {
            Reply::NotYet => return Ok(Answered::StillPending { reference }),
            Reply::Attest => AttestationAnswer::Attested,
            Reply::Decline { reason: None } => return Ok(Answered::NeedsReason { reference }),
            Reply::Decline {
                reason: Some(reason),
            } => AttestationAnswer::Declined {
                reason: Narrative::for_field("declined_reason", reason)?,
            },
        };
        let committed = deps
            .store
            .change(RecordChange {
                guild: guild.clone(),
                reference,
                actor: actor.clone(),
                at: deps.clock.now(),
                change: Change::attestation_answered(answer, deps.clock.now()),
                // An attestation is answered once: a double click (or two devices) racing
                // past the pending check gets the first answer back.
                idempotency_key: Some(format!("attestation-answer:{guild}:{reference}")),
                owed: Vec::new(),
            })
            .await?;
        let status = match &committed.record.record {
            Record::Attestation(answered) => answered.status,
            _ => AttestationStatus::Pending,
        };
        Ok(if committed.replayed {
            Answered::AlreadyAnswered { reference, status }
        } else {
            Answered::Recorded { reference, status }
        })
    }

    /// The person adds evidence of competence (a course result, a certificate link) to an
    /// attestation of theirs (ISO/IEC 42001 7.2).
    pub async fn add_evidence(
        &self,
        caller: &Caller,
        request_id: &str,
        reference: Reference,
        evidence: String,
    ) -> Result<StoredRecord, ServiceError> {
        let deps = &self.deps;
        deps.tenant(&caller.guild)?;
        caller.require(Permission::AnswerAttestation)?;
        let evidence = Label::for_field("evidence", evidence)?;
        let stored = deps.load(&caller.guild, reference).await?;
        let Record::Attestation(attestation) = &stored.record else {
            return Err(ServiceError::NotFound(reference));
        };
        if !attestation.person.same_person(&caller.actor) {
            return Err(ServiceError::NotYours {
                reference: Some(reference),
            });
        }
        let committed = deps
            .store
            .change(RecordChange {
                guild: caller.guild.clone(),
                reference,
                actor: caller.actor.clone(),
                at: deps.clock.now(),
                change: Change::Status {
                    changes: FieldChanges::new().set("evidence", evidence),
                    note: None,
                },
                idempotency_key: Some(super::request_key(request_id)),
                owed: Vec::new(),
            })
            .await?;
        Ok(committed.record)
    }
}
