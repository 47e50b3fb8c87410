//! The [`Outbox`] port on SQLite: the job table. A claim is one `UPDATE … RETURNING`, which
//! takes the write lock before it reads, so two workers can never claim the same job; every
//! change to a claimed job is fenced by the claim (`locked_by` and the `attempts` it set), so a
//! worker whose lease expired and was claimed again changes nothing.

use aimsbot_workflows::Timestamp;
use aimsbot_workflows::outbox::{
    Attempt, Job, JobQuery, JobSummary, NewJob, NextStep, OutboxCounts,
};
use aimsbot_workflows::ports::{Outbox, StoreError};
use async_trait::async_trait;

use super::SqliteStore;
use super::writer::Writer;
use crate::outbox::{check_attempt_of, claimed_jobs, enqueued_at};
use crate::rows::{
    AttemptRow, ClaimedJobRow, JobOutcome, JobSummaryRow, NewJobRow, StatusCountRow, json_array,
    outbox_counts,
};

/// Inserts the jobs of `$1` (a JSON array of [`NewJobRow`]) whose dedupe keys are new.
const ENQUEUE: &str = "
INSERT INTO jobs (guild_id, kind, dedupe_key, payload, status, run_at, attempts, failures, created_at)
SELECT j.value ->> 'guild_id', j.value ->> 'kind', j.value ->> 'dedupe_key', j.value ->> 'payload',
       'queued', j.value ->> 'run_at', 0, 0, j.value ->> 'created_at'
FROM jsonb_each($1) AS j WHERE true
ON CONFLICT (dedupe_key) DO NOTHING";

/// Claims for worker `$1`, until `$2`, up to `$4` jobs due at `$3`: queued and due, or running
/// under a lease that has expired. Oldest first; `attempts` counts the claim and is its token.
pub(crate) const CLAIM: &str = "
UPDATE jobs
SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM jobs
    WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)
    ORDER BY run_at, id
    LIMIT $4)
RETURNING id, guild_id, dedupe_key, payload, created_at, run_at, attempts, failures,
          locked_by, locked_until";

/// Records attempt `$1` ([`AttemptRow`] as JSON) and applies outcome `$5` ([`JobOutcome`] as
/// JSON) to job `$2`, both only while the claim holds: still running, locked by worker `$3`
/// with token `$4`. Returns the job's id when it did.
const FINISH: &str = "
BEGIN IMMEDIATE;
INSERT INTO job_attempts (job_id, number, worker, started_at, finished_at, result, detail)
SELECT $1 ->> 'job_id', $1 ->> 'number', $1 ->> 'worker', $1 ->> 'started_at',
       $1 ->> 'finished_at', $1 ->> 'result', $1 ->> 'detail'
FROM jobs
WHERE id = $2 AND status = 'running' AND locked_by = $3 AND attempts = $4;
UPDATE jobs
SET status = $5 ->> 'status', run_at = coalesce($5 ->> 'run_at', run_at),
    failures = failures + ($5 ->> 'failures_added'), finished_at = $5 ->> 'finished_at',
    last_error = coalesce($5 ->> 'last_error', last_error), locked_by = NULL, locked_until = NULL
WHERE id = $2 AND status = 'running' AND locked_by = $3 AND attempts = $4
RETURNING id;
COMMIT;";

/// Gives job `$1` back while worker `$2`'s claim with token `$3` holds. Its `run_at` was due
/// when it was claimed, so it is due again at once; the claim that sent nothing is uncounted.
const RELEASE: &str = "
UPDATE jobs
SET status = 'queued', attempts = attempts - 1, locked_by = NULL, locked_until = NULL
WHERE id = $1 AND status = 'running' AND locked_by = $2 AND attempts = $3";

const JOBS: &str = "
SELECT id, guild_id, dedupe_key, kind, payload, status, attempts, failures, created_at, run_at,
       finished_at, last_error
FROM jobs
ORDER BY id DESC
LIMIT $1";

const JOBS_WITH_STATUS: &str = "
SELECT id, guild_id, dedupe_key, kind, payload, status, attempts, failures, created_at, run_at,
       finished_at, last_error
FROM jobs
WHERE status = $1
ORDER BY id DESC
LIMIT $2";

const ATTEMPTS: &str = "
SELECT job_id, number, worker, started_at, finished_at, result, detail
FROM job_attempts
WHERE job_id = $1
ORDER BY number";

const COUNTS: &str = "SELECT status, COUNT(*) AS count FROM jobs GROUP BY status";

/// A dead letter (`$1`) back in the queue, due at `$2`, its failures forgiven.
const REQUEUE: &str = "
UPDATE jobs
SET status = 'queued', run_at = $2, failures = 0, finished_at = NULL
WHERE id = $1 AND status = 'dead'";

#[async_trait]
impl Outbox for SqliteStore {
    async fn enqueue(&self, jobs: Vec<NewJob>) -> Result<u64, StoreError> {
        let now = enqueued_at();
        let rows = jobs
            .iter()
            .map(|job| NewJobRow::of(job, now))
            .collect::<Result<Vec<_>, _>>()?;
        let added = sqlx::query(ENQUEUE)
            .bind(json_array(&rows)?)
            .execute(&self.writer)
            .await
            .map_err(StoreError::backend)?;
        Ok(added.rows_affected())
    }

    async fn claim(
        &self,
        worker: &str,
        now: Timestamp,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<ClaimedJobRow> = sqlx::query_as(CLAIM)
            .bind(worker)
            .bind(now.plus(lease).to_canonical())
            .bind(now.to_canonical())
            .bind(i64::from(limit.max(1)))
            .fetch_all(&self.writer)
            .await
            .map_err(StoreError::backend)?;
        Ok(claimed_jobs(rows))
    }

    async fn finish(
        &self,
        job: &Job,
        attempt: Attempt,
        next: NextStep,
    ) -> Result<bool, StoreError> {
        check_attempt_of(job, &attempt)?;
        let finish = sqlx::query(FINISH)
            .bind(serde_json::to_string(&AttemptRow::of(&attempt)).map_err(StoreError::backend)?)
            .bind(job.id)
            .bind(job.lease.worker.clone())
            .bind(i64::from(job.attempts))
            .bind(
                serde_json::to_string(&JobOutcome::after(&attempt, next))
                    .map_err(StoreError::backend)?,
            );
        let mut writer = Writer::acquire(&self.writer).await?;
        let finished = writer.transaction(finish).await?;
        Ok(!finished.is_empty())
    }

    async fn release(&self, job: &Job) -> Result<(), StoreError> {
        sqlx::query(RELEASE)
            .bind(job.id)
            .bind(&job.lease.worker)
            .bind(i64::from(job.attempts))
            .execute(&self.writer)
            .await
            .map(|_| ())
            .map_err(StoreError::backend)
    }

    async fn jobs(&self, query: &JobQuery) -> Result<Vec<JobSummary>, StoreError> {
        let limit = i64::from(query.limit.max(1));
        let list = match query.status {
            None => sqlx::query_as(JOBS).bind(limit),
            Some(status) => sqlx::query_as(JOBS_WITH_STATUS)
                .bind(status.as_str())
                .bind(limit),
        };
        let rows: Vec<JobSummaryRow> = list
            .fetch_all(&self.reader)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(JobSummaryRow::into_summary).collect()
    }

    async fn attempts(&self, job_id: i64) -> Result<Vec<Attempt>, StoreError> {
        let rows: Vec<AttemptRow> = sqlx::query_as(ATTEMPTS)
            .bind(job_id)
            .fetch_all(&self.reader)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(AttemptRow::into_attempt).collect()
    }

    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows: Vec<StatusCountRow> = sqlx::query_as(COUNTS)
            .fetch_all(&self.reader)
            .await
            .map_err(StoreError::backend)?;
        outbox_counts(rows)
    }

    async fn requeue(&self, job_id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let requeued = sqlx::query(REQUEUE)
            .bind(job_id)
            .bind(now.to_canonical())
            .execute(&self.writer)
            .await
            .map_err(StoreError::backend)?;
        Ok(requeued.rows_affected() > 0)
    }
}
