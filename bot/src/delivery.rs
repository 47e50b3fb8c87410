//! The delivery worker: claims due jobs from the outbox with a lease, hands each to the
//! [`Sender`], and records how it went. It wakes when this process commits a message, and
//! otherwise every `scheduler.tick_interval`, so jobs committed by another process (several
//! replicas on one PostgreSQL) are picked up too; the claim gives each job to one worker.
//!
//! A worker that dies keeps nothing: its leases expire and another worker claims the jobs.
//! A worker that stops gives back the jobs it claimed but did not send.

use std::sync::Arc;
use std::time::Duration;

use aimsbot_workflows::Clock;
use aimsbot_workflows::outbox::{NextStep, SendOutcome};
use aimsbot_workflows::ports::OutboxWaker;
use aimsbot_workflows::services::Services;
use aimsbot_workflows::services::delivery::Due;
use async_trait::async_trait;
use tokio::sync::{Notify, watch};

use crate::state::Readiness;

/// Jobs claimed at once.
const BATCH: u32 = 20;
/// One attempt may take this long before it counts as a timeout (worth retrying).
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends one owed message through a chat platform.
#[async_trait]
pub trait Sender: Send + Sync + std::fmt::Debug {
    async fn send(&self, due: &Due) -> SendOutcome;
}

/// Wakes the worker of this process when a write owed a message.
#[derive(Debug, Default)]
pub struct Wake(Notify);

impl OutboxWaker for Wake {
    fn wake(&self) {
        self.0.notify_one();
    }
}

/// The worker's settings.
#[derive(Debug, Clone)]
pub struct Worker {
    /// Names this worker in leases and attempts (host and process id).
    pub name: String,
    pub poll_interval: Duration,
    /// How long a claim holds a job (`scheduler.job_lease`). A job not sent while a quarter
    /// of its lease is left is given back rather than sent late.
    pub lease: chrono::Duration,
}

impl Worker {
    /// A name that tells workers of several processes apart.
    pub fn name_for_this_process() -> String {
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "aimsbot".to_owned());
        format!("{host}:{}", std::process::id())
    }
}

/// Delivers until `stop` turns true.
pub async fn run(
    worker: Worker,
    services: Services,
    sender: Arc<dyn Sender>,
    clock: Arc<dyn Clock>,
    wake: Arc<Wake>,
    readiness: Arc<Readiness>,
    mut stop: watch::Receiver<bool>,
) {
    tracing::info!(worker = %worker.name, "delivery worker started");
    loop {
        readiness.delivery_beat();
        if *stop.borrow() {
            break;
        }
        let claimed = match services
            .delivery
            .claim(&worker.name, worker.lease, BATCH)
            .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!("claiming outbox jobs failed: {e}");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                () = wake.0.notified() => {}
                () = tokio::time::sleep(worker.poll_interval) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        let mut jobs = claimed.into_iter();
        while let Some(due) = jobs.next() {
            let late = clock.now().plus(worker.lease / 4) > due.job.lease.until;
            if *stop.borrow() || late {
                give_back(&services, std::iter::once(due).chain(jobs.by_ref())).await;
                break;
            }
            deliver(&services, sender.as_ref(), clock.as_ref(), &due).await;
            readiness.delivery_beat();
        }
    }
    tracing::info!(worker = %worker.name, "delivery worker stopped");
}

/// One attempt at one job, recorded.
async fn deliver(services: &Services, sender: &dyn Sender, clock: &dyn Clock, due: &Due) {
    let job = &due.job;
    let started = clock.now();
    let outcome = match tokio::time::timeout(SEND_TIMEOUT, sender.send(due)).await {
        Ok(outcome) => outcome,
        Err(_) => SendOutcome::Transient {
            reason: format!("no answer within {SEND_TIMEOUT:?}"),
        },
    };
    let reason = match &outcome {
        SendOutcome::Rejected { reason } | SendOutcome::Transient { reason } => reason.clone(),
        SendOutcome::RateLimited { retry_after } => {
            format!("rate limited for {} ms", retry_after.num_milliseconds())
        }
        SendOutcome::Sent { .. } => String::new(),
    };
    match services.delivery.finish(job, started, outcome).await {
        Ok(finished) if !finished.recorded => tracing::warn!(
            job = job.id,
            "another worker took over this job (its lease ran out); this attempt was not recorded"
        ),
        Ok(finished) => match finished.next {
            NextStep::Done => {
                tracing::debug!(job = job.id, kind = job.message.kind(), "delivered");
                if let Some(e) = finished.delivery_not_noted {
                    tracing::warn!(
                        job = job.id,
                        reference = %job.message.reference(),
                        "delivered, but the delivery time could not be noted on the attestation: {e}"
                    );
                }
            }
            NextStep::RetryAt(at) => {
                tracing::info!(job = job.id, %at, reason, "delivery failed; will retry")
            }
            NextStep::Dead => tracing::warn!(
                job = job.id,
                kind = job.message.kind(),
                reference = %job.message.reference(),
                guild = %job.guild,
                reason,
                "message given up as a dead letter: `aimsbot outbox list --status dead` lists it, \
                 `aimsbot outbox retry ID` sends it again"
            ),
        },
        Err(e) => tracing::error!(
            job = job.id,
            "recording a delivery attempt failed (the job is retried when its lease ends): {e}"
        ),
    }
}

async fn give_back(services: &Services, jobs: impl Iterator<Item = Due>) {
    for due in jobs {
        if let Err(e) = services.delivery.release(&due.job).await {
            tracing::debug!(
                job = due.job.id,
                "could not give a job back (its lease will end): {e}"
            );
        }
    }
}
