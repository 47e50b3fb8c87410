//! The outbox: messages owed by a write are committed with it, once; workers claim each job
//! one at a time under a lease whose claim is the fencing token; failures are retried, then
//! dead-lettered until requeued; every attempt is kept.

use std::collections::BTreeSet;

use aimsbot_workflows::outbox::{
    Attempt, AttemptResult, Job, JobQuery, JobStatus, Message, NewJob, NextStep, OutboxCounts,
    OwedMessage,
};
use aimsbot_workflows::ports::{NewRecord, RecordChange, StoreError};
use aimsbot_workflows::records::Change;
use aimsbot_workflows::testing::{ai_system, fixed_now, incident, person};
use aimsbot_workflows::text::Narrative;
use aimsbot_workflows::{GuildId, Record, Timestamp};

use aimsbot_storage::testing::IndexedLookup;

use crate::support::TestDb;

fn guild() -> GuildId {
    GuildId::new("2000").unwrap()
}

fn at(seconds: i64) -> Timestamp {
    fixed_now().plus(chrono::Duration::seconds(seconds))
}

fn lease() -> chrono::Duration {
    chrono::Duration::minutes(5)
}

/// `count` notices about made-up records, due at `run_at`.
fn notices(count: u32, run_at: Timestamp) -> Vec<NewJob> {
    (1..=count)
        .map(|n| {
            NewJob::compliance_notice(
                &guild(),
                format!("INC-2026-{n:04}").parse().unwrap(),
                run_at,
            )
        })
        .collect()
}

fn attempt(job: &Job, result: AttemptResult, detail: &str, finished_at: Timestamp) -> Attempt {
    Attempt {
        job_id: job.id,
        number: job.attempts,
        worker: job.lease.worker.clone(),
        started_at: finished_at,
        finished_at,
        result,
        detail: detail.to_owned(),
    }
}

fn sent(job: &Job, finished_at: Timestamp) -> Attempt {
    attempt(job, AttemptResult::Sent, "message 4242", finished_at)
}

async fn all_jobs(db: &TestDb) -> Vec<aimsbot_workflows::outbox::JobSummary> {
    db.outbox()
        .jobs(&JobQuery {
            status: None,
            limit: 10_000,
        })
        .await
        .unwrap()
}

async fn owed_messages_are_committed_with_their_record_once(db: TestDb) {
    let (store, outbox) = (db.store(), db.outbox());
    let alice = person(3000, "alice");
    let new = NewRecord {
        guild: guild(),
        actor: alice.clone(),
        at: fixed_now(),
        record: incident(alice.clone(), "refused everyone over 60", fixed_now()),
        idempotency_key: Some("interaction-1".into()),
        owed: vec![
            OwedMessage::ComplianceNotice,
            OwedMessage::AttestationRequest {
                person: person(3001, "bob"),
            },
        ],
    };
    let created = store.create(new.clone()).await.unwrap();
    let reference = created.record.reference;
    let jobs = all_jobs(&db).await;
    let keys: BTreeSet<&str> = jobs.iter().map(|j| j.dedupe_key.as_str()).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "attestation-request:2000:INC-2026-0001",
            "compliance-notice:2000:INC-2026-0001"
        ]),
        "one job per owed message, keyed by the new reference"
    );
    for job in &jobs {
        assert_eq!(job.reference, Some(reference));
        assert_eq!(job.guild, guild());
        assert_eq!(job.status, JobStatus::Queued);
        assert_eq!((job.attempts, job.failures), (0, 0));
        assert_eq!(job.run_at, fixed_now());
    }
    let claimed = outbox.claim("w", fixed_now(), lease(), 10).await.unwrap();
    let messages: BTreeSet<String> = claimed
        .iter()
        .map(|j| j.message.kind().to_owned())
        .collect();
    assert_eq!(
        messages,
        BTreeSet::from(["attestation_request".into(), "compliance_notice".into()])
    );
    assert!(claimed.iter().any(|j| j.message
        == Message::AttestationRequest {
            reference,
            person: person(3001, "bob")
        }));
    for job in &claimed {
        outbox.release(job).await.unwrap();
    }

    let replayed = store.create(new).await.unwrap();
    assert!(replayed.replayed);
    assert_eq!(all_jobs(&db).await.len(), 2, "a replay owes nothing again");

    let mut refused = ai_system("Scorer", alice.clone());
    if let Record::AiSystem(system) = &mut refused {
        system.human_oversight_point = None; // high-risk without an oversight point
    }
    let err = store
        .create(NewRecord {
            guild: guild(),
            actor: alice.clone(),
            at: fixed_now(),
            record: refused,
            idempotency_key: None,
            owed: vec![OwedMessage::ComplianceNotice],
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        all_jobs(&db).await.len(),
        2,
        "a refused record owes nothing"
    );

    let reminder = NewJob::compliance_notice(&guild(), reference, at(60));
    let changed = store
        .change(RecordChange {
            guild: guild(),
            reference,
            actor: alice,
            at: at(60),
            change: Change::Note {
                note: Narrative::new("escalated").unwrap(),
            },
            idempotency_key: None,
            owed: vec![
                reminder.clone(),
                NewJob {
                    dedupe_key: "escalation:INC-2026-0001".into(),
                    ..reminder.clone()
                },
            ],
        })
        .await
        .unwrap();
    assert!(!changed.replayed);
    assert_eq!(
        all_jobs(&db).await.len(),
        3,
        "a change owes its messages too, skipping a dedupe key that exists"
    );

    let mut more = notices(2, at(0));
    more.push(reminder);
    assert_eq!(
        outbox.enqueue(more).await.unwrap(),
        1,
        "enqueue skips existing dedupe keys"
    );
    assert_eq!(outbox.enqueue(Vec::new()).await.unwrap(), 0);
    assert_eq!(
        outbox.counts().await.unwrap(),
        OutboxCounts {
            queued: 4,
            ..OutboxCounts::default()
        }
    );
}

const WORKERS: usize = 4;
const JOBS_PER_WORKER: u32 = 500;

async fn concurrent_workers_claim_and_finish_every_job_exactly_once(db: TestDb) {
    let total = JOBS_PER_WORKER * WORKERS as u32;
    assert_eq!(
        db.outbox().enqueue(notices(total, at(0))).await.unwrap(),
        u64::from(total)
    );
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let outbox = db.outbox();
        workers.push(tokio::spawn(async move {
            let name = format!("worker-{worker}");
            let mut finished = Vec::new();
            loop {
                // Leases outlast the test: no job is claimed twice unless the claim is wrong.
                let jobs = outbox.claim(&name, at(1), lease(), 8).await.unwrap();
                if jobs.is_empty() {
                    return finished;
                }
                for job in jobs {
                    assert_eq!(job.lease.worker, name);
                    assert_eq!(job.attempts, 1, "job {} claimed again", job.id);
                    let done = outbox
                        .finish(&job, sent(&job, at(2)), NextStep::Done)
                        .await
                        .unwrap();
                    assert!(done, "{name} lost job {} while its lease held", job.id);
                    finished.push(job.id);
                }
            }
        }));
    }
    let mut seen = BTreeSet::new();
    for worker in workers {
        for id in worker.await.unwrap() {
            assert!(seen.insert(id), "job {id} was claimed by two workers");
        }
    }
    assert_eq!(seen.len(), total as usize);
    assert_eq!(
        db.outbox().counts().await.unwrap(),
        OutboxCounts {
            done: u64::from(total),
            ..OutboxCounts::default()
        },
        "nothing left queued or running"
    );
    for job in all_jobs(&db).await {
        assert_eq!(job.status, JobStatus::Done);
        assert_eq!(job.attempts, 1);
        assert_eq!(job.finished_at, Some(at(2)));
    }
    let sample = *seen.iter().nth(seen.len() / 2).unwrap();
    assert_eq!(db.outbox().attempts(sample).await.unwrap().len(), 1);
}

async fn an_expired_lease_is_claimed_again_and_fences_out_the_first_worker(db: TestDb) {
    let outbox = db.outbox();
    outbox.enqueue(notices(1, at(0))).await.unwrap();
    let first = outbox
        .claim("slow", at(0), chrono::Duration::seconds(30), 10)
        .await
        .unwrap();
    let [first] = first.as_slice() else {
        panic!("{first:?}")
    };
    assert_eq!(first.attempts, 1);
    assert_eq!(first.lease.until, at(30));
    assert!(
        outbox
            .claim("other", at(29), lease(), 10)
            .await
            .unwrap()
            .is_empty(),
        "not while the lease holds"
    );
    assert!(
        outbox
            .claim("other", at(30), lease(), 10)
            .await
            .unwrap()
            .is_empty(),
        "a lease holds until its last instant"
    );

    let second = outbox.claim("fast", at(31), lease(), 10).await.unwrap();
    let [second] = second.as_slice() else {
        panic!("{second:?}")
    };
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempts, 2, "the claim counter is the fencing token");
    assert_eq!(second.lease.worker, "fast");

    let before = all_jobs(&db).await;
    assert!(
        !outbox
            .finish(first, sent(first, at(40)), NextStep::Done)
            .await
            .unwrap(),
        "the first worker's finish is refused"
    );
    outbox.release(first).await.unwrap();
    assert_eq!(all_jobs(&db).await, before, "and changes nothing");
    assert!(outbox.attempts(first.id).await.unwrap().is_empty());

    // The same worker claiming again holds a new token: its old claim is still refused.
    let stale_token = Job {
        attempts: 1,
        ..second.clone()
    };
    assert!(
        !outbox
            .finish(&stale_token, sent(&stale_token, at(41)), NextStep::Done)
            .await
            .unwrap()
    );
    assert!(
        outbox
            .finish(second, sent(second, at(42)), NextStep::Done)
            .await
            .unwrap()
    );
    let attempts = outbox.attempts(second.id).await.unwrap();
    assert_eq!(attempts, vec![sent(second, at(42))]);
}

async fn a_released_job_is_due_again_and_its_claim_uncounted(db: TestDb) {
    let outbox = db.outbox();
    outbox.enqueue(notices(1, at(0))).await.unwrap();
    let claimed = outbox.claim("stopping", at(5), lease(), 1).await.unwrap();
    outbox.release(&claimed[0]).await.unwrap();
    let [job] = all_jobs(&db).await.try_into().unwrap();
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.attempts, 0);
    let again = outbox.claim("next", at(5), lease(), 1).await.unwrap();
    assert_eq!(again.len(), 1, "due at once");
    assert_eq!(again[0].attempts, 1);
}

async fn failures_retry_then_dead_letter_until_requeued(db: TestDb) {
    let outbox = db.outbox();
    // A job due later is not claimed before it is due.
    outbox.enqueue(notices(1, at(60))).await.unwrap();
    assert!(
        outbox
            .claim("w", at(59), lease(), 10)
            .await
            .unwrap()
            .is_empty()
    );

    let [job] =
        <[Job; 1]>::try_from(outbox.claim("w", at(60), lease(), 10).await.unwrap()).unwrap();
    let failed = attempt(&job, AttemptResult::Failed, "502 Bad Gateway", at(61));
    assert!(
        outbox
            .finish(&job, failed.clone(), NextStep::RetryAt(at(120)))
            .await
            .unwrap()
    );
    let [summary] = all_jobs(&db).await.try_into().unwrap();
    assert_eq!(summary.status, JobStatus::Queued);
    assert_eq!((summary.attempts, summary.failures), (1, 1));
    assert_eq!(summary.run_at, at(120));
    assert_eq!(summary.last_error.as_deref(), Some("502 Bad Gateway"));
    assert!(
        outbox
            .claim("w", at(119), lease(), 10)
            .await
            .unwrap()
            .is_empty()
    );

    let [job] =
        <[Job; 1]>::try_from(outbox.claim("w", at(120), lease(), 10).await.unwrap()).unwrap();
    assert_eq!((job.attempts, job.failures), (2, 1));
    let limited = attempt(
        &job,
        AttemptResult::RateLimited,
        "retry after 1500 ms",
        at(121),
    );
    outbox
        .finish(&job, limited.clone(), NextStep::RetryAt(at(123)))
        .await
        .unwrap();
    let [job] =
        <[Job; 1]>::try_from(outbox.claim("w", at(123), lease(), 10).await.unwrap()).unwrap();
    assert_eq!(
        (job.attempts, job.failures),
        (3, 1),
        "a rate limit is no failure"
    );
    let rejected = attempt(
        &job,
        AttemptResult::Rejected,
        "403 Cannot send messages",
        at(124),
    );
    outbox
        .finish(&job, rejected.clone(), NextStep::Dead)
        .await
        .unwrap();
    let [summary] = <[_; 1]>::try_from(
        outbox
            .jobs(&JobQuery {
                status: Some(JobStatus::Dead),
                limit: 10,
            })
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(summary.id, job.id);
    assert_eq!(summary.finished_at, Some(at(124)));
    assert_eq!(
        summary.last_error.as_deref(),
        Some("403 Cannot send messages")
    );
    assert_eq!(
        outbox.counts().await.unwrap(),
        OutboxCounts {
            dead: 1,
            ..OutboxCounts::default()
        }
    );
    assert!(
        outbox
            .claim("w", at(999), lease(), 10)
            .await
            .unwrap()
            .is_empty(),
        "a dead letter is never claimed"
    );

    assert!(outbox.requeue(job.id, at(200)).await.unwrap());
    assert!(
        !outbox.requeue(job.id, at(200)).await.unwrap(),
        "only a dead letter is requeued"
    );
    assert!(!outbox.requeue(job.id + 1000, at(200)).await.unwrap());
    let [summary] = all_jobs(&db).await.try_into().unwrap();
    assert_eq!(summary.status, JobStatus::Queued);
    assert_eq!((summary.failures, summary.run_at), (0, at(200)));
    assert_eq!(summary.finished_at, None);

    let [job] =
        <[Job; 1]>::try_from(outbox.claim("w", at(200), lease(), 10).await.unwrap()).unwrap();
    let delivered = sent(&job, at(201));
    outbox
        .finish(&job, delivered.clone(), NextStep::Done)
        .await
        .unwrap();
    let [summary] = all_jobs(&db).await.try_into().unwrap();
    assert_eq!(summary.status, JobStatus::Done);
    assert_eq!(summary.attempts, 4);
    assert_eq!(
        summary.last_error.as_deref(),
        Some("403 Cannot send messages"),
        "a delivery keeps the last error for the record"
    );
    assert_eq!(
        outbox.attempts(job.id).await.unwrap(),
        vec![failed, limited, rejected, delivered],
        "every attempt, oldest first"
    );
    assert_eq!(
        outbox.counts().await.unwrap(),
        OutboxCounts {
            done: 1,
            ..OutboxCounts::default()
        }
    );
}

async fn jobs_are_listed_newest_first_and_by_status(db: TestDb) {
    let outbox = db.outbox();
    outbox.enqueue(notices(3, at(0))).await.unwrap();
    let listed: Vec<i64> = all_jobs(&db).await.iter().map(|j| j.id).collect();
    let mut newest_first = listed.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(listed, newest_first);
    outbox.claim("w", at(0), lease(), 1).await.unwrap();
    let running = outbox
        .jobs(&JobQuery {
            status: Some(JobStatus::Running),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(
        running[0].id,
        *listed.last().unwrap(),
        "oldest claimed first"
    );
    assert_eq!(
        outbox
            .jobs(&JobQuery {
                status: None,
                limit: 2,
            })
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn a_claim_reads_only_the_due_jobs_indexes(db: TestDb) {
    let outbox = db.outbox();
    outbox.enqueue(notices(300, at(0))).await.unwrap();
    // Mostly delivered jobs, as a long-running outbox has.
    for job in outbox.claim("w", at(0), lease(), 280).await.unwrap() {
        outbox
            .finish(&job, sent(&job, at(1)), NextStep::Done)
            .await
            .unwrap();
    }
    outbox.claim("w", at(0), lease(), 5).await.unwrap();
    if db.db.backend() == aimsbot_storage::Backend::Postgres {
        db.execute("ANALYZE jobs").await;
    }
    let plan = db.query_plan(IndexedLookup::ClaimDueJobs).await;
    match db.db.backend() {
        aimsbot_storage::Backend::Sqlite => {
            for index in ["jobs_queued", "jobs_running"] {
                assert!(
                    plan.contains(index),
                    "the claim does not use {index}:\n{plan}"
                );
            }
            for read in ["SCAN jobs", "jobs_by_status"] {
                assert!(
                    !plan.contains(read),
                    "the claim reads more than due jobs:\n{plan}"
                );
            }
        }
        aimsbot_storage::Backend::Postgres => {
            // The planner picks among the indexes by their statistics; each read it makes
            // must be limited to queued or running jobs.
            assert!(!plan.contains("Seq Scan on jobs"), "{plan}");
            for read in plan.lines().filter(|l| l.contains("Index Cond")) {
                assert!(
                    read.contains("status =") || read.contains("id = next.id"),
                    "the claim reads more than due jobs:\n{plan}"
                );
            }
        }
    }
}

crate::on_both_backends!(
    a_claim_reads_only_the_due_jobs_indexes,
    owed_messages_are_committed_with_their_record_once,
    concurrent_workers_claim_and_finish_every_job_exactly_once,
    an_expired_lease_is_claimed_again_and_fences_out_the_first_worker,
    a_released_job_is_due_again_and_its_claim_uncounted,
    failures_retry_then_dead_letter_until_requeued,
    jobs_are_listed_newest_first_and_by_status,
);
