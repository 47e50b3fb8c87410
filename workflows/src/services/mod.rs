//! The use cases every channel calls: Discord today, the scheduler, the HTTP API and a second
//! chat platform next. Each takes who is asking and what they asked, applies the rules (who
//! may see or change what, what a request creates, which messages are owed), reaches storage
//! through the ports, and returns a typed result for the adapter to render. Nothing here
//! knows how a result is shown.
//!
//! - [`prompts`]: start, continue and confirm guided prompts; reap expired ones.
//! - [`incidents`], [`overrides`], [`attestations`], [`concerns`], [`ai_systems`]: the record
//!   kinds people work with.
//! - [`delivery`]: the outbox's jobs, claimed, retried and listed.
//! - [`controls`]: which ISO/IEC 42001 and AI Act controls the records evidence in a period.

pub mod ai_systems;
pub mod attestations;
pub mod concerns;
pub mod controls;
pub mod delivery;
pub mod incidents;
pub mod overrides;
pub mod prompts;

use std::sync::Arc;

use crate::access::{Permission, Refusal, Roles};
use crate::ai_act::{Clocks, DATES_OF_APPLICATION, RiskScope};
use crate::flow::Problem;
use crate::keyed::KeyedHasher;
use crate::ledger::LedgerEvent;
use crate::outbox::RetryPolicy;
use crate::ports::{
    Directory, DirectoryError, Outbox, OutboxWaker, SessionStore, Store, StoreError,
};
use crate::records::attestation::AttestationStatus;
use crate::records::human_override::TrainingCheck;
use crate::records::incident::AiSystemRef;
use crate::tenancy::{Tenant, Tenants};
use crate::text::Label;
use crate::{Actor, Clock, GuildId, Record, Reference, StoredRecord, ValidationError};

/// The rules that come from configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    /// How long a guided prompt stays open.
    pub session_ttl: chrono::Duration,
    /// Interprets typed times without an offset.
    pub time_zone: chrono_tz::Tz,
    /// Refuse AI systems that are not in the inventory.
    pub require_registered_ai_system: bool,
    pub retry: RetryPolicy,
}

/// What the use cases reach the world through.
#[derive(Debug)]
pub struct Deps {
    pub store: Arc<dyn Store>,
    pub sessions: Arc<dyn SessionStore>,
    pub outbox: Arc<dyn Outbox>,
    pub directory: Arc<dyn Directory>,
    pub waker: Arc<dyn OutboxWaker>,
    pub clock: Arc<dyn Clock>,
    pub tenants: Tenants,
    pub policy: Policy,
    /// Keyed hashes for anonymous drafts (the secret lives outside the database).
    pub keyed: KeyedHasher,
}

/// Every use case, sharing one set of dependencies.
#[derive(Debug, Clone)]
pub struct Services {
    pub prompts: prompts::Prompts,
    pub incidents: incidents::Incidents,
    pub overrides: overrides::Overrides,
    pub attestations: attestations::Attestations,
    pub concerns: concerns::Concerns,
    pub ai_systems: ai_systems::AiSystems,
    pub delivery: delivery::Delivery,
    pub controls: controls::Controls,
    deps: Arc<Deps>,
}

impl Services {
    pub fn new(deps: Deps) -> Self {
        let deps = Arc::new(deps);
        Self {
            prompts: prompts::Prompts::new(deps.clone()),
            incidents: incidents::Incidents::new(deps.clone()),
            overrides: overrides::Overrides::new(deps.clone()),
            attestations: attestations::Attestations::new(deps.clone()),
            concerns: concerns::Concerns::new(deps.clone()),
            ai_systems: ai_systems::AiSystems::new(deps.clone()),
            delivery: delivery::Delivery::new(deps.clone()),
            controls: controls::Controls::new(deps.clone()),
            deps,
        }
    }

    /// The served guilds.
    pub fn tenants(&self) -> &Tenants {
        &self.deps.tenants
    }

    /// Whether storage answers, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.deps.store.ping().await
    }
}

/// Who is asking, and where: a guild (tenant), a person, and the aimsbot roles their chat
/// roles grant there.
#[derive(Debug, Clone)]
pub struct Caller {
    pub guild: GuildId,
    pub actor: Actor,
    pub roles: Roles,
}

impl Caller {
    pub fn require(&self, permission: Permission) -> Result<(), ServiceError> {
        Ok(self.roles.require(permission)?)
    }
}

/// Why a use case did not do what was asked. Adapters render each variant in their own words;
/// `Display` is for logs.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The guild is not one aimsbot is configured to serve: nothing was read or written.
    #[error("guild {0} is not served")]
    NotServed(GuildId),
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// What was asked for does not exist in this guild (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(Reference),
    /// No concern has the follow-up handle given.
    #[error("unknown follow-up handle")]
    UnknownHandle,
    /// A value was refused; nothing was written.
    #[error("invalid: {0}")]
    Invalid(#[from] ValidationError),
    /// Several answers were refused; nothing was written.
    #[error("invalid answers: {0:?}")]
    Problems(Vec<Problem>),
    /// A prompt (`None`) or a record (an attestation requested from another person) that
    /// belongs to someone else.
    #[error("belongs to someone else")]
    NotYours { reference: Option<Reference> },
    /// The member directory could not answer.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// Storage failed: nothing was recorded by this request (the detail is for logs).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// Failures that are not the caller's doing, to be logged.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            ServiceError::Directory(_)
                | ServiceError::Store(StoreError::Backend(_) | StoreError::Incompatible(_))
        )
    }
}

/// A record with its timeline, oldest event first.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub record: StoredRecord,
    pub events: Vec<LedgerEvent>,
    /// An incident's reporting clocks, as its current facts give them.
    pub clocks: Option<Clocks>,
}

impl Deps {
    /// The tenant, or a refusal when the guild is not served.
    pub(crate) fn tenant(&self, guild: &GuildId) -> Result<&Tenant, ServiceError> {
        self.tenants
            .get(guild)
            .ok_or_else(|| ServiceError::NotServed(guild.clone()))
    }

    /// A record of the guild, or `NotFound`.
    pub(crate) async fn load(
        &self,
        guild: &GuildId,
        reference: Reference,
    ) -> Result<StoredRecord, ServiceError> {
        self.store
            .record(guild, &reference)
            .await?
            .ok_or(ServiceError::NotFound(reference))
    }

    pub(crate) async fn timeline(&self, record: StoredRecord) -> Result<Timeline, ServiceError> {
        let events = self
            .store
            .record_events(&record.guild, &record.reference)
            .await?;
        let clocks = self.clocks(&record).await?;
        Ok(Timeline {
            record,
            events,
            clocks,
        })
    }

    /// A system as typed: an inventory reference, or a name (refused when the deployment
    /// requires registered systems).
    pub(crate) async fn ai_system(
        &self,
        guild: &GuildId,
        typed: &str,
    ) -> Result<AiSystemRef, ServiceError> {
        if let Ok(reference) = typed.trim().parse::<Reference>() {
            let stored = self.load(guild, reference).await?;
            if !matches!(stored.record, Record::AiSystem(_)) {
                return Err(ServiceError::NotFound(reference));
            }
            return Ok(AiSystemRef::Registered(reference));
        }
        if self.policy.require_registered_ai_system {
            return Err(ValidationError::new(
                "system",
                format!(
                    "`{}` is not an AI system reference (AIS-…), and only registered systems \
                     are accepted here; see /aisystem list",
                    typed.trim()
                ),
            )
            .into());
        }
        Ok(AiSystemRef::Unregistered(Label::for_field(
            "system",
            typed.trim(),
        )?))
    }

    /// Whether `person`'s training for `system` was current at `at` (when they intervened),
    /// from their attestations in the guild that cover that system or no system in particular
    /// and were given by then: the latest that had not expired, else the latest expired one.
    pub(crate) async fn training_check(
        &self,
        guild: &GuildId,
        person: &Actor,
        system: &AiSystemRef,
        at: crate::Timestamp,
    ) -> Result<TrainingCheck, ServiceError> {
        let attestations = self
            .store
            .records(&crate::ports::RecordQuery {
                guild: Some(guild.clone()),
                kind: Some(crate::RecordKind::Attestation),
                status: Some(AttestationStatus::Attested.as_str()),
                person: Some(person.clone()),
                ai_system: None,
                limit: 100,
            })
            .await?;
        let mut latest_expired = None;
        // Newest first: the first current one is the one to cite.
        for stored in attestations {
            let Record::Attestation(attestation) = &stored.record else {
                continue;
            };
            if attestation.ai_system.as_ref().is_some_and(|s| s != system)
                || attestation.answered_at.is_none_or(|answered| answered > at)
            {
                continue;
            }
            match attestation.expires() {
                Some(expired) if expired <= at => {
                    latest_expired.get_or_insert(TrainingCheck::Expired {
                        attestation: stored.reference,
                        expired_at: expired,
                    });
                }
                expires_at => {
                    return Ok(TrainingCheck::Current {
                        attestation: stored.reference,
                        expires_at,
                    });
                }
            }
        }
        Ok(latest_expired.unwrap_or(TrainingCheck::NoneAttested))
    }

    /// An incident's reporting clocks, derived now from its current facts and its AI system's
    /// risk class in the inventory (`None` for other records).
    pub(crate) async fn clocks(
        &self,
        stored: &StoredRecord,
    ) -> Result<Option<Clocks>, ServiceError> {
        let Record::Incident(incident) = &stored.record else {
            return Ok(None);
        };
        let scope = match &incident.ai_system {
            AiSystemRef::Registered(system) => {
                match self.store.record(&stored.guild, system).await? {
                    Some(StoredRecord {
                        record: Record::AiSystem(system),
                        ..
                    }) => system.risk_class.scope(),
                    _ => RiskScope::Unclassified,
                }
            }
            AiSystemRef::Unregistered(_) => RiskScope::Unclassified,
        };
        Ok(Some(incident.clocks(scope, DATES_OF_APPLICATION)))
    }
}

/// The idempotency key of a write made in answer to one request (a chat interaction).
pub(crate) fn request_key(request_id: &str) -> String {
    format!("interaction:{request_id}")
}
