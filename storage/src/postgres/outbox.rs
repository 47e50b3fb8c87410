//! The [`Outbox`] port on PostgreSQL: the job table. A claim is one statement that locks the
//! rows it takes with `FOR UPDATE SKIP LOCKED`, so workers on every replica share the due jobs
//! without waiting for each other or taking the same one; every change to a claimed job is
//! fenced by the claim (`locked_by` and the `attempts` it set), so a worker whose lease expired
//! and was claimed again changes nothing.

use aimsbot_workflows::Timestamp;
use aimsbot_workflows::outbox::{
    Attempt, Job, JobQuery, JobSummary, NewJob, NextStep, OutboxCounts,
};
use aimsbot_workflows::ports::{Outbox, StoreError};
use async_trait::async_trait;

use super::PostgresStore;
use crate::outbox::{check_attempt_of, claimed_jobs, enqueued_at};
use crate::rows::{
    AttemptRow, ClaimedJobRow, JobOutcome, JobSummaryRow, NewJobRow, StatusCountRow, json_array,
    outbox_counts,
};

/// Inserts the jobs of `$1` (a JSON array of [`NewJobRow`]) whose dedupe keys are new.
const ENQUEUE: &str = "
INSERT INTO jobs (guild_id, kind, dedupe_key, payload, status, run_at, attempts, failures, created_at)
SELECT guild_id, kind, dedupe_key, payload, 'queued', run_at, 0, 0, created_at
FROM json_populate_recordset(NULL::jobs, $1::json)
ON CONFLICT (dedupe_key) DO NOTHING";

/// Claims for worker `$1`, until `$2`, up to `$4` jobs due at `$3`: queued and due, or running
/// under a lease that has expired. Oldest first; `attempts` counts the claim and is its token.
pub(crate) const CLAIM: &str = "
WITH next AS (
    SELECT id FROM jobs
    WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)
    ORDER BY run_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED)
UPDATE jobs AS j
SET status = 'running', locked_by = $1, locked_until = $2, attempts = j.attempts + 1
FROM next
WHERE j.id = next.id
RETURNING j.id, j.guild_id, j.dedupe_key, j.payload, j.created_at, j.run_at, j.attempts,
          j.failures, j.locked_by, j.locked_until";

/// Applies outcome `$5` ([`JobOutcome`] as JSON) to job `$2` and records attempt `$1`
/// ([`AttemptRow`] as JSON), both only while the claim holds: still running, locked by worker
/// `$3` with token `$4`. One statement, so one transaction. Returns the job's id when it did.
const FINISH: &str = "
WITH finished AS (
    UPDATE jobs AS j
    SET status = outcome.status, run_at = coalesce(outcome.run_at, j.run_at),
        failures = j.failures + outcome.failures_added, finished_at = outcome.finished_at,
        last_error = coalesce(outcome.last_error, j.last_error),
        locked_by = NULL, locked_until = NULL
    FROM json_to_record($5::json)
         AS outcome(status text, run_at text, failures_added bigint, finished_at text, last_error text)
    WHERE j.id = $2 AND j.status = 'running' AND j.locked_by = $3 AND j.attempts = $4
    RETURNING j.id)
INSERT INTO job_attempts (job_id, number, worker, started_at, finished_at, result, detail)
SELECT a.job_id, a.number, a.worker, a.started_at, a.finished_at, a.result, a.detail
FROM json_populate_record(NULL::job_attempts, $1::json) AS a, finished
RETURNING job_id";

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
impl Outbox for PostgresStore {
    async fn enqueue(&self, jobs: Vec<NewJob>) -> Result<u64, StoreError> {
        let now = enqueued_at();
        let rows = jobs
            .iter()
            .map(|job| NewJobRow::of(job, now))
            .collect::<Result<Vec<_>, _>>()?;
        let added = sqlx::query(ENQUEUE)
            .bind(json_array(&rows)?)
            .execute(&self.pool)
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
            .fetch_all(&self.pool)
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
        let finished = finish
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        Ok(finished.is_some())
    }

    async fn release(&self, job: &Job) -> Result<(), StoreError> {
        sqlx::query(RELEASE)
            .bind(job.id)
            .bind(&job.lease.worker)
            .bind(i64::from(job.attempts))
            .execute(&self.pool)
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
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(JobSummaryRow::into_summary).collect()
    }

    async fn attempts(&self, job_id: i64) -> Result<Vec<Attempt>, StoreError> {
        let rows: Vec<AttemptRow> = sqlx::query_as(ATTEMPTS)
            .bind(job_id)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        rows.into_iter().map(AttemptRow::into_attempt).collect()
    }

    async fn counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows: Vec<StatusCountRow> = sqlx::query_as(COUNTS)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        outbox_counts(rows)
    }

    async fn requeue(&self, job_id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let requeued = sqlx::query(REQUEUE)
            .bind(job_id)
            .bind(now.to_canonical())
            .execute(&self.pool)
            .await
            .map_err(StoreError::backend)?;
        Ok(requeued.rows_affected() > 0)
    }
}
