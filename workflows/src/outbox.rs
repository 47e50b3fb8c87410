//! Messages owed because of a write: a notice to a guild's compliance channel, a direct
//! message asking someone to attest. Each is a job committed in the same transaction as the
//! write that owes it, and delivered later by a worker that claims it with a lease, so a crash
//! at any moment loses no message and a job is claimed by one worker at a time.
//!
//! This module says what is owed and how failures are retried; how a message is rendered and
//! sent belongs to the chat adapter. The job table is also the one the scheduler's reminders
//! and escalations use: every job has a dedupe key (creating it twice does nothing), a time to
//! run at, attempts, and a lease.

use serde::{Deserialize, Serialize};

use crate::{Actor, GuildId, Reference, Timestamp, choice_enum};

/// What a job delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// A new incident or concern, posted to the guild's compliance channel.
    ComplianceNotice { reference: Reference },
    /// A person is asked, by direct message, to answer an attestation.
    AttestationRequest { reference: Reference, person: Actor },
    /// The compliance role confirmed or revised an incident's serious-incident assessment;
    /// the compliance channel is told, with the deadlines that now follow.
    AssessmentNotice { reference: Reference },
}

impl Message {
    /// The stored kind (`compliance_notice`, `attestation_request`).
    pub fn kind(&self) -> &'static str {
        match self {
            Message::ComplianceNotice { .. } => "compliance_notice",
            Message::AttestationRequest { .. } => "attestation_request",
            Message::AssessmentNotice { .. } => "assessment_notice",
        }
    }

    /// The record the message is about.
    pub fn reference(&self) -> Reference {
        match self {
            Message::ComplianceNotice { reference }
            | Message::AttestationRequest { reference, .. }
            | Message::AssessmentNotice { reference } => *reference,
        }
    }
}

/// A job to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub guild: GuildId,
    /// Unique over all jobs: a second job with the same key is not created.
    pub dedupe_key: String,
    pub run_at: Timestamp,
    pub message: Message,
}

impl NewJob {
    /// The compliance team is told about a new record.
    pub fn compliance_notice(guild: &GuildId, reference: Reference, now: Timestamp) -> Self {
        Self {
            guild: guild.clone(),
            dedupe_key: format!("compliance-notice:{guild}:{reference}"),
            run_at: now,
            message: Message::ComplianceNotice { reference },
        }
    }

    /// The compliance channel is told of a new assessment of incident `reference`, made in
    /// answer to request `request_key` (so a replayed request owes nothing twice).
    pub fn assessment_notice(
        guild: &GuildId,
        reference: Reference,
        request_key: &str,
        now: Timestamp,
    ) -> Self {
        Self {
            guild: guild.clone(),
            dedupe_key: format!("assessment-notice:{guild}:{reference}:{request_key}"),
            run_at: now,
            message: Message::AssessmentNotice { reference },
        }
    }

    /// `person` is asked to answer attestation `reference`.
    pub fn attestation_request(
        guild: &GuildId,
        reference: Reference,
        person: Actor,
        now: Timestamp,
    ) -> Self {
        Self {
            guild: guild.clone(),
            dedupe_key: format!("attestation-request:{guild}:{reference}"),
            run_at: now,
            message: Message::AttestationRequest { reference, person },
        }
    }
}

/// A message a new record owes, before storage has allocated its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwedMessage {
    ComplianceNotice,
    AttestationRequest { person: Actor },
}

impl OwedMessage {
    /// The job, once the record's reference is known.
    pub fn job(self, guild: &GuildId, reference: Reference, now: Timestamp) -> NewJob {
        match self {
            OwedMessage::ComplianceNotice => NewJob::compliance_notice(guild, reference, now),
            OwedMessage::AttestationRequest { person } => {
                NewJob::attestation_request(guild, reference, person, now)
            }
        }
    }
}

choice_enum!(
    /// Where a job stands.
    JobStatus, field = "status" {
        Queued => ("queued", "Queued"),
        Running => ("running", "Being sent"),
        Done => ("done", "Delivered"),
        Dead => ("dead", "Dead letter"),
    }
);

/// A worker's hold on a claimed job. It expires, so a worker that dies gives its jobs back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub worker: String,
    pub until: Timestamp,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub guild: GuildId,
    pub dedupe_key: String,
    pub message: Message,
    pub created_at: Timestamp,
    pub run_at: Timestamp,
    /// Claims so far, this one included: also the fencing token of this claim.
    pub attempts: u32,
    /// Attempts that failed in a way that counts towards giving up (not rate limits).
    pub failures: u32,
    pub lease: Lease,
}

/// A job as listed (`aimsbot outbox`, `/readyz`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    pub id: i64,
    pub guild: GuildId,
    pub dedupe_key: String,
    pub kind: String,
    pub reference: Option<Reference>,
    pub status: JobStatus,
    pub attempts: u32,
    pub failures: u32,
    pub created_at: Timestamp,
    pub run_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// Which jobs to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub status: Option<JobStatus>,
    pub limit: u32,
}

/// How many jobs stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
}

/// What one attempt to send came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Delivered; the detail says where (a message id) for the record.
    Sent { detail: String },
    /// The platform asked us to wait this long; not a failure.
    RateLimited { retry_after: chrono::Duration },
    /// Worth trying again (a 5xx, a timeout, a lost connection).
    Transient { reason: String },
    /// Will never succeed (a user who does not accept direct messages, an unknown channel,
    /// no channel configured): retrying would only count against the platform's limit on
    /// invalid requests.
    Rejected { reason: String },
}

choice_enum!(
    /// How an attempt ended, as recorded.
    AttemptResult, field = "result" {
        Sent => ("sent", "Sent"),
        RateLimited => ("rate_limited", "Rate limited"),
        Failed => ("failed", "Failed, will retry"),
        GaveUp => ("gave_up", "Failed, gave up"),
        Rejected => ("rejected", "Rejected"),
    }
);

/// One attempt, as recorded with its job: evidence of every delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub job_id: i64,
    pub number: u32,
    pub worker: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub result: AttemptResult,
    pub detail: String,
}

/// What happens to a job after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Done,
    RetryAt(Timestamp),
    /// Given up: a dead letter, listed and counted until someone requeues it.
    Dead,
}

/// When to try again, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay after the first failure; it doubles with each further failure.
    pub first_delay: chrono::Duration,
    pub max_delay: chrono::Duration,
    /// Failures (not rate limits) before giving up.
    pub max_failures: u32,
    /// Attempts of any kind before giving up, so a job that is rate limited forever ends too.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: chrono::Duration::seconds(2),
            max_delay: chrono::Duration::minutes(15),
            max_failures: 8,
            max_attempts: 50,
        }
    }
}

impl RetryPolicy {
    /// The next step after `outcome` for `job`, and how the attempt is recorded.
    pub fn after(
        &self,
        job: &Job,
        outcome: &SendOutcome,
        now: Timestamp,
    ) -> (NextStep, AttemptResult) {
        let out_of_attempts = job.attempts >= self.max_attempts;
        match outcome {
            SendOutcome::Sent { .. } => (NextStep::Done, AttemptResult::Sent),
            SendOutcome::Rejected { .. } => (NextStep::Dead, AttemptResult::Rejected),
            SendOutcome::RateLimited { .. } | SendOutcome::Transient { .. } if out_of_attempts => {
                (NextStep::Dead, AttemptResult::GaveUp)
            }
            SendOutcome::RateLimited { retry_after } => (
                NextStep::RetryAt(now.plus(*retry_after)),
                AttemptResult::RateLimited,
            ),
            SendOutcome::Transient { .. } => {
                let failures = job.failures + 1;
                if failures >= self.max_failures {
                    (NextStep::Dead, AttemptResult::GaveUp)
                } else {
                    (
                        NextStep::RetryAt(now.plus(self.delay(job.id, failures))),
                        AttemptResult::Failed,
                    )
                }
            }
        }
    }

    /// Exponential backoff with jitter: the `failures`-th delay, between 75 % and 125 % of
    /// `first_delay × 2^(failures−1)` (capped). The jitter is derived from the job and the
    /// failure count, so jobs that failed together retry apart, and a test can predict it.
    pub fn delay(&self, job_id: i64, failures: u32) -> chrono::Duration {
        let doublings = failures.saturating_sub(1).min(20);
        let base = self
            .first_delay
            .num_milliseconds()
            .saturating_mul(1_i64 << doublings)
            .min(self.max_delay.num_milliseconds());
        let spread = jitter(job_id, failures); // 0..1000
        let factor = 750 + spread / 2; // 750..1250 per mille
        chrono::Duration::milliseconds(base.saturating_mul(factor) / 1000)
    }
}

/// A number in 0..1000 from a job and a failure count (splitmix64).
fn jitter(job_id: i64, failures: u32) -> i64 {
    let mut x = (job_id as u64) ^ (u64::from(failures) << 48) ^ 0x9E37_79B9_7F4A_7C15;
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x % 1000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempts: u32, failures: u32) -> Job {
        Job {
            id: 42,
            guild: GuildId::new("2000").unwrap_or_else(|e| panic!("{e}")),
            dedupe_key: "k".into(),
            message: Message::ComplianceNotice {
                reference: "INC-2026-0001".parse().unwrap_or_else(|e| panic!("{e}")),
            },
            created_at: now(),
            run_at: now(),
            attempts,
            failures,
            lease: Lease {
                worker: "w".into(),
                until: now(),
            },
        }
    }

    fn now() -> Timestamp {
        "2026-12-01T10:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn failures_back_off_exponentially_with_jitter_and_then_give_up() {
        let policy = RetryPolicy::default();
        let mut previous = chrono::Duration::zero();
        for failures in 1..policy.max_failures {
            let delay = policy.delay(42, failures);
            let nominal = (policy.first_delay * (1 << (failures - 1))).min(policy.max_delay);
            assert!(
                delay >= nominal * 3 / 4 && delay <= nominal * 5 / 4,
                "{failures}: {delay}"
            );
            if nominal < policy.max_delay {
                assert!(delay > previous, "grows: {failures}");
            }
            previous = delay;
        }
        assert_ne!(policy.delay(42, 3), policy.delay(43, 3), "jobs retry apart");
        let transient = SendOutcome::Transient {
            reason: "502".into(),
        };
        assert!(matches!(
            policy.after(&job(1, 0), &transient, now()),
            (NextStep::RetryAt(_), AttemptResult::Failed)
        ));
        assert_eq!(
            policy.after(&job(8, policy.max_failures - 1), &transient, now()),
            (NextStep::Dead, AttemptResult::GaveUp)
        );
    }

    #[test]
    fn a_rate_limit_waits_as_told_and_a_rejection_is_not_retried() {
        let policy = RetryPolicy::default();
        let limited = SendOutcome::RateLimited {
            retry_after: chrono::Duration::milliseconds(1500),
        };
        assert_eq!(
            policy.after(&job(3, 7), &limited, now()),
            (
                NextStep::RetryAt(now().plus(chrono::Duration::milliseconds(1500))),
                AttemptResult::RateLimited
            ),
            "rate limits do not count as failures"
        );
        assert_eq!(
            policy
                .after(&job(policy.max_attempts, 0), &limited, now())
                .0,
            NextStep::Dead,
            "but attempts are bounded"
        );
        let refused = SendOutcome::Rejected {
            reason: "403 Cannot send messages to this user".into(),
        };
        assert_eq!(
            policy.after(&job(1, 0), &refused, now()),
            (NextStep::Dead, AttemptResult::Rejected)
        );
    }
}
