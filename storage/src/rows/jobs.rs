//! Rows of `jobs` and `job_attempts`: messages owed, their claims and every attempt to deliver
//! them.

use aimsbot_workflows::outbox::{
    Attempt, AttemptResult, Job, JobStatus, JobSummary, Lease, Message, NewJob, NextStep,
    OutboxCounts,
};
use aimsbot_workflows::ports::StoreError;
use aimsbot_workflows::{GuildId, Timestamp, ValidationError};
use serde::Serialize;

use super::{corrupt, timestamp, unsigned};

/// A job to insert. Its status (`queued`) and counters (zero) are written by the SQL itself.
#[derive(Debug, Serialize)]
pub(crate) struct NewJobRow {
    pub guild_id: String,
    pub kind: &'static str,
    pub dedupe_key: String,
    /// The JSON of the [`Message`].
    pub payload: String,
    pub run_at: String,
    pub created_at: String,
}

impl NewJobRow {
    pub(crate) fn of(job: &NewJob, created_at: Timestamp) -> Result<Self, StoreError> {
        Ok(Self {
            guild_id: job.guild.to_string(),
            kind: job.message.kind(),
            dedupe_key: job.dedupe_key.clone(),
            payload: serde_json::to_string(&job.message).map_err(StoreError::backend)?,
            run_at: job.run_at.to_canonical(),
            created_at: created_at.to_canonical(),
        })
    }
}

fn message(id: i64, payload: &str) -> Result<Message, StoreError> {
    serde_json::from_str(payload).map_err(|e| corrupt(format!("job {id}: payload: {e}")))
}

fn guild(id: i64, guild_id: String) -> Result<GuildId, StoreError> {
    GuildId::new(guild_id).map_err(|e| corrupt(format!("job {id}: {e}")))
}

/// A job as a claim returns it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ClaimedJobRow {
    pub id: i64,
    pub guild_id: String,
    pub dedupe_key: String,
    pub payload: String,
    pub created_at: String,
    pub run_at: String,
    pub attempts: i64,
    pub failures: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<String>,
}

impl ClaimedJobRow {
    pub(crate) fn into_job(self) -> Result<Job, StoreError> {
        let (Some(worker), Some(until)) = (self.locked_by, self.locked_until) else {
            return Err(corrupt(format!("job {}: claimed without a lease", self.id)));
        };
        Ok(Job {
            id: self.id,
            guild: guild(self.id, self.guild_id)?,
            dedupe_key: self.dedupe_key,
            message: message(self.id, &self.payload)?,
            created_at: timestamp("jobs.created_at", &self.created_at)?,
            run_at: timestamp("jobs.run_at", &self.run_at)?,
            attempts: unsigned("jobs.attempts", self.attempts)?,
            failures: unsigned("jobs.failures", self.failures)?,
            lease: Lease {
                worker,
                until: timestamp("jobs.locked_until", &until)?,
            },
        })
    }
}

/// A job as listed.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JobSummaryRow {
    pub id: i64,
    pub guild_id: String,
    pub dedupe_key: String,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub failures: i64,
    pub created_at: String,
    pub run_at: String,
    pub finished_at: Option<String>,
    pub last_error: Option<String>,
}

impl JobSummaryRow {
    pub(crate) fn into_summary(self) -> Result<JobSummary, StoreError> {
        let status: JobStatus = self
            .status
            .parse()
            .map_err(|e: ValidationError| corrupt(format!("job {}: {e}", self.id)))?;
        Ok(JobSummary {
            id: self.id,
            guild: guild(self.id, self.guild_id)?,
            dedupe_key: self.dedupe_key,
            kind: self.kind,
            // A kind this binary does not know (written by a newer one) is still listed.
            reference: message(self.id, &self.payload).ok().map(|m| m.reference()),
            status,
            attempts: unsigned("jobs.attempts", self.attempts)?,
            failures: unsigned("jobs.failures", self.failures)?,
            created_at: timestamp("jobs.created_at", &self.created_at)?,
            run_at: timestamp("jobs.run_at", &self.run_at)?,
            finished_at: self
                .finished_at
                .map(|at| timestamp("jobs.finished_at", &at))
                .transpose()?,
            last_error: self.last_error,
        })
    }
}

/// A `job_attempts` row, written and read.
#[derive(Debug, sqlx::FromRow, Serialize)]
pub(crate) struct AttemptRow {
    pub job_id: i64,
    pub number: i64,
    pub worker: String,
    pub started_at: String,
    pub finished_at: String,
    pub result: String,
    pub detail: String,
}

impl AttemptRow {
    pub(crate) fn of(attempt: &Attempt) -> Self {
        Self {
            job_id: attempt.job_id,
            number: i64::from(attempt.number),
            worker: attempt.worker.clone(),
            started_at: attempt.started_at.to_canonical(),
            finished_at: attempt.finished_at.to_canonical(),
            result: attempt.result.as_str().to_owned(),
            detail: attempt.detail.clone(),
        }
    }

    pub(crate) fn into_attempt(self) -> Result<Attempt, StoreError> {
        let result: AttemptResult = self.result.parse().map_err(|e: ValidationError| {
            corrupt(format!("job {} attempt {}: {e}", self.job_id, self.number))
        })?;
        Ok(Attempt {
            job_id: self.job_id,
            number: unsigned("job_attempts.number", self.number)?,
            worker: self.worker,
            started_at: timestamp("job_attempts.started_at", &self.started_at)?,
            finished_at: timestamp("job_attempts.finished_at", &self.finished_at)?,
            result,
            detail: self.detail,
        })
    }
}

/// What a finished attempt does to its job, as the `finish` statement applies it. `None`
/// fields keep the column as it is.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub(crate) struct JobOutcome {
    pub status: &'static str,
    pub run_at: Option<String>,
    pub failures_added: i64,
    pub finished_at: Option<String>,
    pub last_error: Option<String>,
}

impl JobOutcome {
    pub(crate) fn after(attempt: &Attempt, next: NextStep) -> Self {
        let finished_at = Some(attempt.finished_at.to_canonical());
        let (status, run_at, finished_at) = match next {
            NextStep::Done => (JobStatus::Done, None, finished_at),
            NextStep::RetryAt(at) => (JobStatus::Queued, Some(at.to_canonical()), None),
            NextStep::Dead => (JobStatus::Dead, None, finished_at),
        };
        Self {
            status: status.as_str(),
            run_at,
            // Rate limits are not failures, and a give-up is counted by its own result.
            failures_added: i64::from(attempt.result == AttemptResult::Failed),
            finished_at,
            // A delivery's detail (where it went) is not an error: the last error stays.
            last_error: (attempt.result != AttemptResult::Sent).then(|| attempt.detail.clone()),
        }
    }
}

/// How many jobs have one status.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct StatusCountRow {
    pub status: String,
    pub count: i64,
}

pub(crate) fn outbox_counts(rows: Vec<StatusCountRow>) -> Result<OutboxCounts, StoreError> {
    let mut counts = OutboxCounts::default();
    for row in rows {
        let count = unsigned("jobs count", row.count)?;
        let status: JobStatus = row
            .status
            .parse()
            .map_err(|e: ValidationError| corrupt(format!("jobs.status: {e}")))?;
        match status {
            JobStatus::Queued => counts.queued = count,
            JobStatus::Running => counts.running = count,
            JobStatus::Done => counts.done = count,
            JobStatus::Dead => counts.dead = count,
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(result: AttemptResult, detail: &str) -> Attempt {
        let at: Timestamp = "2026-12-01T10:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        Attempt {
            job_id: 7,
            number: 2,
            worker: "w".into(),
            started_at: at,
            finished_at: at,
            result,
            detail: detail.into(),
        }
    }

    #[test]
    fn only_a_failure_counts_and_only_an_error_is_kept_as_last_error() {
        let sent = JobOutcome::after(&attempt(AttemptResult::Sent, "message 42"), NextStep::Done);
        assert_eq!(sent.status, "done");
        assert_eq!((sent.failures_added, sent.last_error), (0, None));
        assert!(sent.finished_at.is_some());

        let later: Timestamp = "2026-12-01T10:05:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let failed = JobOutcome::after(
            &attempt(AttemptResult::Failed, "502 Bad Gateway"),
            NextStep::RetryAt(later),
        );
        assert_eq!(
            failed,
            JobOutcome {
                status: "queued",
                run_at: Some(later.to_canonical()),
                failures_added: 1,
                finished_at: None,
                last_error: Some("502 Bad Gateway".into()),
            }
        );
        let limited = JobOutcome::after(
            &attempt(AttemptResult::RateLimited, "retry after 1.5 s"),
            NextStep::RetryAt(later),
        );
        assert_eq!(limited.failures_added, 0);
        let dead = JobOutcome::after(&attempt(AttemptResult::Rejected, "403"), NextStep::Dead);
        assert_eq!((dead.status, dead.failures_added), ("dead", 0));
        assert!(dead.finished_at.is_some());
    }
}
