//! What both backends' outboxes share besides SQL and rows: the checks and conversions around
//! a claim.

use aimsbot_workflows::outbox::{Attempt, Job};
use aimsbot_workflows::ports::StoreError;
use aimsbot_workflows::{Clock, SystemClock, Timestamp, ValidationError};

use crate::rows::ClaimedJobRow;

/// When a job handed to `enqueue` was inserted. The port gives no time (a job's domain time is
/// its `run_at`); this is bookkeeping, from this machine's clock.
pub(crate) fn enqueued_at() -> Timestamp {
    SystemClock.now()
}

/// An attempt is recorded against the job it was made for.
pub(crate) fn check_attempt_of(job: &Job, attempt: &Attempt) -> Result<(), StoreError> {
    if attempt.job_id == job.id {
        Ok(())
    } else {
        Err(StoreError::Invalid(ValidationError::new(
            "attempt.job_id",
            format!(
                "is {}, but the attempt is recorded for job {}",
                attempt.job_id, job.id
            ),
        )))
    }
}

/// The jobs a claim returned, oldest first. A job this binary cannot read (a message kind
/// written by a newer version, or a damaged row) is left out and logged: it stays claimed
/// until its lease expires, and must not keep every other job from being delivered.
pub(crate) fn claimed_jobs(rows: Vec<ClaimedJobRow>) -> Vec<Job> {
    let mut jobs: Vec<Job> = rows
        .into_iter()
        .filter_map(|row| {
            let id = row.id;
            row.into_job()
                .inspect_err(|e| tracing::warn!(job = id, "claimed a job that cannot be read: {e}"))
                .ok()
        })
        .collect();
    // `UPDATE … RETURNING` returns rows in no particular order.
    jobs.sort_by_key(|job| (job.run_at, job.id));
    jobs
}
