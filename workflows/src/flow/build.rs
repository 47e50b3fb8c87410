//! Turning a confirmed session into the record (or change) it stands for. Every value is
//! checked again through the records' own constructors.

use serde_json::{Map, json};

use super::definitions::{ANONYMOUS, ANSWER_ATTEST, ANSWER_DECLINE, ANSWER_NOT_YET, AWARE_NOW};
use super::{Answer, Completion, FlowContext, FlowKind, Session};
use crate::records::ai_system::AiSystem;
use crate::records::attestation::AttestationStatus;
use crate::records::concern::{Concern, ConcernStatus, handle_sha256};
use crate::records::human_override::{Confidence, HumanOverride, OverrideSource};
use crate::records::incident::{AiSystemRef, Incident, IncidentReport, SeriousAssessment};
use crate::records::{Change, Record};
use crate::text::{Label, Narrative, Title};
use crate::{Reference, Timestamp, ValidationError};

/// Context keys a flow may start with.
pub mod context {
    /// A link to the chat message an incident report started from.
    pub const SOURCE_LINK: &str = "source_link";
    /// An incident an override is linked to (`INC-…`).
    pub const LINKED_INCIDENT: &str = "linked_incident";
    /// The AI's confidence in an overridden output, 0 to 1.
    pub const CONFIDENCE: &str = "confidence";
    /// The overseer's authority to intervene.
    pub const AUTHORITY: &str = "authority";
    /// The attestation being answered (`ATT-…`).
    pub const ATTESTATION: &str = "attestation";
}

struct Answers<'s>(&'s Session);

impl Answers<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        match self.0.answers.get(key) {
            Some(Answer::One(value)) => Some(value),
            _ => None,
        }
    }

    fn required(&self, key: &str) -> Result<&str, ValidationError> {
        self.text(key)
            .ok_or_else(|| ValidationError::new(key, "has not been answered"))
    }

    fn parsed<T: std::str::FromStr<Err = ValidationError>>(
        &self,
        key: &str,
    ) -> Result<T, ValidationError> {
        self.required(key)?.parse()
    }

    fn many<T: std::str::FromStr<Err = ValidationError>>(
        &self,
        key: &str,
        skip: &str,
    ) -> Result<Vec<T>, ValidationError> {
        match self.0.answers.get(key) {
            Some(Answer::Many(values)) => values
                .iter()
                .filter(|v| *v != skip)
                .map(|v| v.parse())
                .collect(),
            _ => Err(ValidationError::new(key, "has not been answered")),
        }
    }

    fn narrative(&self, key: &str) -> Result<Narrative, ValidationError> {
        Narrative::for_field(key, self.required(key)?)
    }

    fn optional_narrative(&self, key: &str) -> Result<Option<Narrative>, ValidationError> {
        self.text(key)
            .map(|t| Narrative::for_field(key, t))
            .transpose()
    }

    fn optional_label(&self, key: &str) -> Result<Option<Label>, ValidationError> {
        self.text(key).map(|t| Label::for_field(key, t)).transpose()
    }

    fn ai_system(&self, key: &str) -> Result<Option<AiSystemRef>, ValidationError> {
        self.text(key)
            .map(|value| match value.parse::<Reference>() {
                Ok(reference) => Ok(AiSystemRef::Registered(reference)),
                Err(_) => Label::for_field(key, value).map(AiSystemRef::Unregistered),
            })
            .transpose()
    }

    fn context(&self, key: &str) -> Option<&str> {
        self.0.context.get(key).map(String::as_str)
    }
}

pub(super) fn complete(
    session: &Session,
    ctx: &FlowContext<'_>,
) -> Result<Completion, ValidationError> {
    let a = Answers(session);
    let owner = session.owner.clone();
    Ok(match session.flow {
        FlowKind::IncidentReport => {
            let occurred_at: Timestamp = a.parsed("occurred_at")?;
            let criteria = a.many("serious", "")?;
            let assessment = SeriousAssessment::new(criteria, owner.clone(), ctx.now)?;
            let aware_at = match a.text("aware") {
                Some(AWARE_NOW) | None => ctx.now,
                Some(_) => occurred_at,
            };
            let report = IncidentReport {
                reporter: Some(owner),
                ai_system: a
                    .ai_system("ai_system")?
                    .ok_or_else(|| ValidationError::new("ai_system", "has not been answered"))?,
                title: Title::for_field("title", a.required("title")?)?,
                what_happened: a.narrative("what_happened")?,
                occurred_at,
                aware_at,
                kind: a.parsed("kind")?,
                severity: a.parsed("severity")?,
                harm_categories: a.many("harm_categories", "none")?,
                affected_parties: a.optional_narrative("affected_parties")?,
                organisation_role: a.parsed("organisation_role")?,
                assessment: Some(assessment),
                source_link: a
                    .context(context::SOURCE_LINK)
                    .map(|l| Label::for_field("source_link", l))
                    .transpose()?,
            };
            Completion::Create(Record::Incident(Incident::new(report, ctx.now)?))
        }
        FlowKind::HumanOverride => {
            let record = HumanOverride {
                ai_system: a
                    .ai_system("ai_system")?
                    .ok_or_else(|| ValidationError::new("ai_system", "has not been answered"))?,
                case_reference: Label::for_field("case_reference", a.required("case_reference")?)?,
                ai_output: a.narrative("ai_output")?,
                ai_confidence: a
                    .context(context::CONFIDENCE)
                    .map(|c| {
                        c.parse::<f64>()
                            .map_err(|_| {
                                ValidationError::new(
                                    "ai_confidence",
                                    format!("`{c}` is not a number from 0 to 1"),
                                )
                            })
                            .and_then(Confidence::new)
                    })
                    .transpose()?,
                action: a.parsed("action")?,
                final_decision: a.narrative("final_decision")?,
                reason_category: a.parsed("reason_category")?,
                reason: a.narrative("reason")?,
                overseer: owner,
                overseer_authority: a
                    .context(context::AUTHORITY)
                    .map(|t| Label::for_field("authority", t))
                    .transpose()?,
                affected_person_informed: a.parsed("affected_person_informed")?,
                linked_incident: a
                    .context(context::LINKED_INCIDENT)
                    .map(str::parse)
                    .transpose()?,
                source: OverrideSource::Chat,
                decided_at: ctx.now,
            };
            record.validate(ctx.now)?;
            Completion::Create(Record::HumanOverride(record))
        }
        FlowKind::Concern => {
            let anonymous = a.required("anonymity")? == ANONYMOUS;
            let handle = ctx.follow_up_handle.as_deref();
            let record = Concern {
                reporter: (!anonymous).then_some(owner),
                follow_up_handle_sha256: if anonymous {
                    Some(handle_sha256(handle.ok_or_else(|| {
                        ValidationError::new("follow_up_handle", "no follow-up handle was provided")
                    })?))
                } else {
                    None
                },
                ai_system: a.ai_system("ai_system")?,
                title: Title::for_field("title", a.required("title")?)?,
                concern: a.narrative("concern")?,
                status: ConcernStatus::Open,
            };
            record.validate()?;
            Completion::Create(Record::Concern(record))
        }
        FlowKind::AiSystemRegistration => {
            let record = AiSystem {
                name: Title::for_field("name", a.required("name")?)?,
                purpose: a.narrative("purpose")?,
                owner,
                business_unit: None,
                lifecycle_stage: a.parsed("lifecycle_stage")?,
                organisation_role: a.parsed("organisation_role")?,
                vendor: a.optional_label("vendor")?,
                model: a.optional_label("model")?,
                data_categories: match session.answers.get("data_categories") {
                    Some(Answer::Many(values)) => values
                        .iter()
                        .filter(|v| *v != "none")
                        .map(|v| Label::for_field("data_categories", v.as_str()))
                        .collect::<Result<_, _>>()?,
                    _ => {
                        return Err(ValidationError::new(
                            "data_categories",
                            "has not been answered",
                        ));
                    }
                },
                risk_class: a.parsed("risk_class")?,
                autonomy_level: a.parsed("autonomy_level")?,
                human_oversight_point: a.optional_narrative("human_oversight_point")?,
            };
            record.validate()?;
            Completion::Create(Record::AiSystem(record))
        }
        FlowKind::AttestationAnswer => {
            let reference: Reference = a
                .context(context::ATTESTATION)
                .ok_or_else(|| {
                    ValidationError::new("attestation", "no attestation is being answered")
                })?
                .parse()?;
            let mut changes = Map::new();
            match a.required("answer")? {
                ANSWER_NOT_YET => return Ok(Completion::Nothing),
                ANSWER_ATTEST => {
                    changes.insert("status".into(), json!(AttestationStatus::Attested));
                }
                ANSWER_DECLINE => {
                    changes.insert("status".into(), json!(AttestationStatus::Declined));
                    changes.insert(
                        "declined_reason".into(),
                        json!(a.narrative("declined_reason")?),
                    );
                }
                other => {
                    return Err(ValidationError::new(
                        "answer",
                        format!("`{other}` is not an answer"),
                    ));
                }
            }
            changes.insert("answered_at".into(), json!(ctx.now));
            Completion::Update {
                reference,
                change: Change::Status {
                    changes,
                    note: None,
                },
            }
        }
    })
}
