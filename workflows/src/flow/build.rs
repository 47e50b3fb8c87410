//! Turning a confirmed session into the record (or change) it stands for. Every value is
//! checked again through the records' own constructors.

use super::engine::{Completion, FlowContext};
use super::keys::{self, context, values};
use super::model::{Answer, FlowKind};
use super::session::Session;
use crate::ai_act::MemberState;
use crate::records::ai_system::AiSystem;
use crate::records::concern::{Concern, ConcernStatus, handle_sha256};
use crate::records::human_override::{Confidence, HumanOverride, OverrideSource};
use crate::records::incident::{AiSystemRef, Incident, IncidentReport, SeriousAssessment};
use crate::records::{AttestationAnswer, Change, Record};
use crate::text::{Label, Narrative, Title};
use crate::{Reference, Timestamp, ValidationError};

/// A session's answers, read as the record fields they become.
struct Answers<'s>(&'s Session);

impl Answers<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.answer(key)
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

    /// The values of a multi-choice step, without `skip` (its "none of these" answer).
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

    fn title(&self, key: &str) -> Result<Title, ValidationError> {
        Title::for_field(key, self.required(key)?)
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

    fn required_ai_system(&self, key: &str) -> Result<AiSystemRef, ValidationError> {
        self.ai_system(key)?
            .ok_or_else(|| ValidationError::new(key, "has not been answered"))
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
    let actor = ctx.actor.clone();
    Ok(match session.flow {
        FlowKind::IncidentReport => {
            let occurred_at: Timestamp = a.parsed(keys::OCCURRED_AT)?;
            let criteria = a.many(keys::SERIOUS, "")?;
            let assessment = SeriousAssessment::new(criteria, actor.clone(), ctx.now)?;
            let member_states = a
                .text(keys::MEMBER_STATES)
                .map(MemberState::parse_list)
                .transpose()?
                .unwrap_or_default();
            let report = IncidentReport {
                reporter: Some(actor),
                ai_system: a.required_ai_system(keys::AI_SYSTEM)?,
                title: a.title(keys::TITLE)?,
                what_happened: a.narrative(keys::WHAT_HAPPENED)?,
                occurred_at,
                aware_at: a.parsed(keys::AWARE_AT)?,
                causal_link_at: a.text(keys::CAUSAL_LINK_AT).map(str::parse).transpose()?,
                member_states,
                kind: a.parsed(keys::INCIDENT_KIND)?,
                severity: a.parsed(keys::SEVERITY)?,
                harm_categories: a.many(keys::HARM_CATEGORIES, values::NO_HARM)?,
                affected_parties: a.optional_narrative(keys::AFFECTED_PARTIES)?,
                organisation_role: a.parsed(keys::ORGANISATION_ROLE)?,
                assessment: Some(assessment),
                source_link: a
                    .context(context::SOURCE_LINK)
                    .map(|l| Label::for_field(context::SOURCE_LINK, l))
                    .transpose()?,
            };
            Completion::Create(Record::Incident(Incident::new(report, ctx.now)?))
        }
        FlowKind::HumanOverride => {
            let record = HumanOverride {
                ai_system: a.required_ai_system(keys::AI_SYSTEM)?,
                case_reference: Label::for_field(
                    keys::CASE_REFERENCE,
                    a.required(keys::CASE_REFERENCE)?,
                )?,
                ai_output: a.narrative(keys::AI_OUTPUT)?,
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
                action: a.parsed(keys::OVERRIDE_ACTION)?,
                final_decision: a.narrative(keys::FINAL_DECISION)?,
                reason_category: a.parsed(keys::REASON_CATEGORY)?,
                reason: a.narrative(keys::REASON)?,
                overseer: actor,
                overseer_authority: a
                    .context(context::MANDATE)
                    .map(|t| Label::for_field(context::MANDATE, t))
                    .transpose()?,
                affected_person_informed: a.parsed(keys::AFFECTED_PERSON_INFORMED)?,
                linked_incident: a
                    .context(context::LINKED_INCIDENT)
                    .map(str::parse)
                    .transpose()?,
                source: OverrideSource::Chat,
                decided_at: ctx.now,
                intervened_at: Some(a.parsed(keys::INTERVENED_AT)?),
                authority: Some(a.parsed(keys::OVERSEER_AUTHORITY)?),
                output_took_effect: Some(a.parsed(keys::OUTPUT_TOOK_EFFECT)?),
                system_version: a.optional_label(keys::SYSTEM_VERSION)?,
                log_reference: a.optional_label(keys::LOG_REFERENCE)?,
                affected_person_told: a.optional_narrative(keys::AFFECTED_PERSON_TOLD)?,
                // Set from the overseer's attestations when the record is stored.
                overseer_training: None,
            };
            record.validate(ctx.now)?;
            Completion::Create(Record::HumanOverride(record))
        }
        FlowKind::Concern => {
            let anonymous = a.required(keys::ANONYMITY)? == values::ANONYMOUS;
            let follow_up_handle_sha256 = if anonymous {
                let handle = a.context(context::FOLLOW_UP_HANDLE).ok_or_else(|| {
                    ValidationError::new("follow_up_handle", "no follow-up handle was provided")
                })?;
                Some(handle_sha256(handle))
            } else {
                None
            };
            let record = Concern {
                reporter: (!anonymous).then_some(actor),
                follow_up_handle_sha256,
                ai_system: a.ai_system(keys::AI_SYSTEM)?,
                title: a.title(keys::TITLE)?,
                concern: a.narrative(keys::CONCERN)?,
                status: ConcernStatus::Open,
            };
            record.validate()?;
            Completion::Create(Record::Concern(record))
        }
        FlowKind::AiSystemRegistration => {
            let data_categories = match session.answers.get(keys::DATA_CATEGORIES) {
                Some(Answer::Many(chosen)) => chosen
                    .iter()
                    .filter(|v| *v != values::NO_DATA)
                    .map(|v| Label::for_field(keys::DATA_CATEGORIES, v.as_str()))
                    .collect::<Result<_, _>>()?,
                _ => {
                    return Err(ValidationError::new(
                        keys::DATA_CATEGORIES,
                        "has not been answered",
                    ));
                }
            };
            let record = AiSystem {
                name: a.title(keys::NAME)?,
                purpose: a.narrative(keys::PURPOSE)?,
                owner: actor,
                business_unit: None,
                lifecycle_stage: a.parsed(keys::LIFECYCLE_STAGE)?,
                organisation_role: a.parsed(keys::ORGANISATION_ROLE)?,
                vendor: a.optional_label(keys::VENDOR)?,
                model: a.optional_label(keys::MODEL)?,
                data_categories,
                risk_class: a.parsed(keys::RISK_CLASS)?,
                autonomy_level: a.parsed(keys::AUTONOMY_LEVEL)?,
                human_oversight_point: a.optional_narrative(keys::HUMAN_OVERSIGHT_POINT)?,
            };
            record.validate()?;
            Completion::Create(Record::AiSystem(record))
        }
        FlowKind::AttestationAnswer => {
            let reference: Reference = a
                .context(context::ATTESTATION)
                .ok_or_else(|| {
                    ValidationError::new(context::ATTESTATION, "no attestation is being answered")
                })?
                .parse()?;
            let answer = match a.required(keys::ANSWER)? {
                values::NOT_YET => return Ok(Completion::Nothing),
                values::ATTEST => AttestationAnswer::Attested,
                values::DECLINE => AttestationAnswer::Declined {
                    reason: a.narrative(keys::DECLINED_REASON)?,
                },
                other => {
                    return Err(ValidationError::new(
                        keys::ANSWER,
                        format!("`{other}` is not an answer"),
                    ));
                }
            };
            Completion::Update {
                reference,
                change: Change::attestation_answered(answer, ctx.now),
            }
        }
    })
}
