//! Delivering what the outbox holds: claim due jobs with a lease, hand each to the sender with
//! the record it is about, and record how the attempt ended: delivered, retried later with
//! backoff, or given up as a dead letter that stays listed until someone requeues it.

use std::sync::Arc;

use crate::Actor;
use crate::ai_act::Clocks;
use crate::outbox::{
    Attempt, Job, JobQuery, JobSummary, Message, NextStep, OutboxCounts, SendOutcome,
};
use crate::ports::RecordChange;
use crate::records::attestation::AttestationStatus;
use crate::records::{Change, FieldChanges, Record};
use crate::tenancy::Tenant;
use crate::{StoredRecord, Timestamp};

use super::{Deps, ServiceError};

/// A claimed job with what the sender needs to render it.
#[derive(Debug, Clone)]
pub struct Due {
    pub job: Job,
    /// The record the message is about (`None` if it cannot be found).
    pub record: Option<StoredRecord>,
    /// An incident's reporting clocks, as its current facts give them.
    pub clocks: Option<Clocks>,
    /// The job's guild as served now (`None` if no longer served).
    pub tenant: Option<Tenant>,
}

/// How an attempt ended, once recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub next: NextStep,
    /// `false` when the lease had been lost to another worker: nothing was recorded.
    pub recorded: bool,
    /// A delivered attestation request whose delivery time could not be noted on the
    /// attestation (the message itself was delivered and recorded as such).
    /// The error, as logs show it.
    pub delivery_not_noted: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Delivery {
    deps: Arc<Deps>,
}

impl Delivery {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Claims up to `limit` due jobs for `worker`, each held for `lease`.
    pub async fn claim(
        &self,
        worker: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Due>, ServiceError> {
        let deps = &self.deps;
        let jobs = deps
            .outbox
            .claim(worker, deps.clock.now(), lease, limit)
            .await?;
        let mut due = Vec::with_capacity(jobs.len());
        for job in jobs {
            let record = deps
                .store
                .record(&job.guild, &job.message.reference())
                .await?;
            let tenant = deps.tenants.get(&job.guild).cloned();
            let clocks = match &record {
                Some(record) => deps.clocks(record).await?,
                None => None,
            };
            due.push(Due {
                job,
                record,
                clocks,
                tenant,
            });
        }
        Ok(due)
    }

    /// Records how an attempt that started at `started_at` ended, and what follows.
    pub async fn finish(
        &self,
        job: &Job,
        started_at: Timestamp,
        outcome: SendOutcome,
    ) -> Result<Finished, ServiceError> {
        let deps = &self.deps;
        let now = deps.clock.now();
        let (next, result) = deps.policy.retry.after(job, &outcome, now);
        let detail = match outcome {
            SendOutcome::Sent { detail } => detail,
            SendOutcome::RateLimited { retry_after } => {
                format!(
                    "rate limited: retry after {} ms",
                    retry_after.num_milliseconds()
                )
            }
            SendOutcome::Transient { reason } | SendOutcome::Rejected { reason } => reason,
        };
        let attempt = Attempt {
            job_id: job.id,
            number: job.attempts,
            worker: job.lease.worker.clone(),
            started_at,
            finished_at: now,
            result,
            detail,
        };
        let recorded = deps.outbox.finish(job, attempt, next).await?;
        let delivery_not_noted = if recorded && next == NextStep::Done {
            self.delivered(job, now).await.err().map(|e| e.to_string())
        } else {
            None
        };
        Ok(Finished {
            next,
            recorded,
            delivery_not_noted,
        })
    }

    /// Notes on an attestation still waiting for its answer when the request reached the
    /// person: who was asked is evidence, and so is when they could see it.
    async fn delivered(&self, job: &Job, at: Timestamp) -> Result<(), ServiceError> {
        let Message::AttestationRequest { reference, .. } = &job.message else {
            return Ok(());
        };
        let Some(stored) = self.deps.store.record(&job.guild, reference).await? else {
            return Ok(());
        };
        let Record::Attestation(attestation) = &stored.record else {
            return Ok(());
        };
        if attestation.status != AttestationStatus::Pending || attestation.delivered_at.is_some() {
            return Ok(());
        }
        self.deps
            .store
            .change(RecordChange {
                guild: job.guild.clone(),
                reference: *reference,
                actor: Actor::system("delivery"),
                at,
                change: Change::Status {
                    changes: FieldChanges::new().set("delivered_at", at),
                    note: None,
                },
                idempotency_key: Some(format!("attestation-delivered:{}:{reference}", job.guild)),
                owed: Vec::new(),
            })
            .await?;
        Ok(())
    }

    /// Gives a claimed job back unsent (the worker is stopping).
    pub async fn release(&self, job: &Job) -> Result<(), ServiceError> {
        Ok(self.deps.outbox.release(job).await?)
    }

    pub async fn jobs(&self, query: &JobQuery) -> Result<Vec<JobSummary>, ServiceError> {
        Ok(self.deps.outbox.jobs(query).await?)
    }

    pub async fn attempts(&self, job_id: i64) -> Result<Vec<Attempt>, ServiceError> {
        Ok(self.deps.outbox.attempts(job_id).await?)
    }

    pub async fn counts(&self) -> Result<OutboxCounts, ServiceError> {
        Ok(self.deps.outbox.counts().await?)
    }

    /// Puts a dead letter back in the queue. `false` when the job is not dead.
    pub async fn requeue(&self, job_id: i64) -> Result<bool, ServiceError> {
        let now = self.deps.clock.now();
        Ok(self.deps.outbox.requeue(job_id, now).await?)
    }
}
