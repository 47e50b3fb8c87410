//! Messages owed because of a record (a compliance-channel notice, a direct message asking to
//! attest) are rows committed with the record and delivered by a worker that claims them: a
//! crash, 429s, 5xx and a second process sharing the database lose none and send none twice.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use aimsbot_tests::fake_discord::RandomFailures;
use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{Backend, COMPLIANCE_CHANNEL, Harness};
use aimsbot_workflows::outbox::{JobStatus, OwedMessage};
use aimsbot_workflows::ports::{NewRecord, Store};
use aimsbot_workflows::testing::{incident, pending_attestation};
use aimsbot_workflows::{Actor, Clock, Reference, SystemClock};
use common::{guild, report_serious_incident, wait_until, wait_until_within};
use serde_json::Value;

const BOT: &str = env!("CARGO_BIN_EXE_aimsbot-under-test");

fn compliance_channel() -> String {
    COMPLIANCE_CHANNEL.to_string()
}

/// Creates incident `n` straight through the store, owing its compliance notice.
async fn incident_owing_a_notice(store: &dyn Store, n: usize) -> Reference {
    let reporter = Actor::discord(1_100_000_000_000_100_000 + n as u64, "reporter");
    let now = SystemClock.now();
    store
        .create(NewRecord {
            guild: guild(),
            actor: reporter.clone(),
            at: now,
            record: incident(reporter, &format!("account number {n}"), now),
            idempotency_key: None,
            owed: vec![OwedMessage::ComplianceNotice],
        })
        .await
        .unwrap()
        .record
        .reference
}

/// Creates a pending attestation for `person`, owing the direct message that asks them.
async fn attestation_owing_a_dm(h: &Harness, person: u64) -> Reference {
    let person = Actor::discord(person, format!("person {person}"));
    let requester = Actor::discord(1_100_000_000_000_000_999, "carla");
    h.store()
        .create(NewRecord {
            guild: guild(),
            actor: requester.clone(),
            at: SystemClock.now(),
            record: pending_attestation(
                person.clone(),
                requester,
                "I completed the AI literacy training",
            ),
            idempotency_key: None,
            owed: vec![OwedMessage::AttestationRequest { person }],
        })
        .await
        .unwrap()
        .record
        .reference
}

/// Successful message POSTs per nonce in `channel`: a message sent twice shows as 2.
fn sends_per_nonce(h: &Harness, channel: &str) -> BTreeMap<String, usize> {
    let route = format!("/channels/{channel}/messages");
    let mut sends = BTreeMap::new();
    for call in h.fake.calls() {
        if call.method == "POST" && call.route() == route && call.status == 200 {
            let nonce = call
                .body
                .as_ref()
                .map_or(Value::Null, |b| b["nonce"].clone());
            *sends.entry(nonce.to_string()).or_insert(0) += 1;
        }
    }
    sends
}

async fn a_notice_owed_when_the_process_is_killed_arrives_exactly_once(mut h: Harness) {
    // The bot runs as a process of its own, so it can be killed with SIGKILL.
    h.stop_bot().await;
    let process = h.start_process(BOT, "first").await;
    let channel = compliance_channel();
    h.fake
        .fail_next(&format!("/channels/{channel}/messages"), 503, 100_000);

    let alice = Invoker::in_default_guild("alice");
    let (text, reference) = report_serious_incident(&h, &alice).await;
    assert!(
        text.contains("The compliance team will be notified"),
        "the reply promises the notice only because a channel is configured: {text}"
    );
    // Discord keeps failing: the worker tries and retries, nothing is posted.
    wait_until(&h, "the notice was tried", || {
        h.fake.messages_in(&channel).len() >= 2
    })
    .await;
    assert!(h.fake.created_messages_in(&channel).is_empty());

    process.kill();
    h.fake.stop_failing();
    let restarted = h.start_process(BOT, "second").await;
    wait_until_within(&h, Duration::from_secs(40), "the notice arrived", || {
        !h.fake.created_messages_in(&channel).is_empty()
    })
    .await;
    // Give a second send every chance to happen before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let created = h.fake.created_messages_in(&channel);
    assert_eq!(created.len(), 1, "exactly one notice: {created:#?}");
    let notice = created[0]["content"].as_str().unwrap();
    assert!(
        notice.contains(&reference.to_string())
            && notice.contains("Assessed as a serious incident"),
        "{notice}"
    );
    assert!(
        sends_per_nonce(&h, &channel).values().all(|n| *n == 1),
        "sent once: {:?}",
        sends_per_nonce(&h, &channel)
    );
    let done = h.jobs(Some(JobStatus::Done), 10).await;
    assert_eq!(done.len(), 1, "{done:#?}");
    let attempts = h.outbox().attempts(done[0].id).await.unwrap();
    assert!(
        attempts.iter().any(|a| a.worker.starts_with("first:"))
            && attempts.last().unwrap().worker.starts_with("second:"),
        "failed attempts before the kill, the delivery after: {attempts:#?}"
    );
    restarted.kill();
    h.stop().await;
}

async fn owed_messages_are_all_delivered_once_through_429s_and_5xx(h: Harness) {
    const NOTICES: usize = 250;
    const DMS: usize = 250;
    h.fake.fail_randomly(RandomFailures {
        route_prefixes: vec!["/channels/".into(), "/users/@me/channels".into()],
        rate: 0.2,
        statuses: vec![429, 500, 502, 503],
        seed: 42,
    });
    let mut people = Vec::new();
    for n in 0..NOTICES {
        incident_owing_a_notice(h.store().as_ref(), n).await;
    }
    for n in 0..DMS {
        let person = 1_100_000_000_000_200_000 + n as u64;
        people.push(person);
        attestation_owing_a_dm(&h, person).await;
    }
    let channel = compliance_channel();
    let delivered = || {
        h.fake.created_messages_in(&channel).len()
            + people
                .iter()
                .map(|p| {
                    h.fake
                        .created_messages_in(&fixtures::dm_channel_id(*p).to_string())
                        .len()
                })
                .sum::<usize>()
    };
    wait_until_within(
        &h,
        Duration::from_secs(120),
        "every message was delivered",
        || delivered() >= NOTICES + DMS,
    )
    .await;
    let injected = h.fake.injected_failures();
    assert!(
        injected.get(&429).copied().unwrap_or(0) > 10
            && injected
                .iter()
                .filter(|(s, _)| **s >= 500)
                .map(|(_, n)| n)
                .sum::<usize>()
                > 10,
        "failures were injected: {injected:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(delivered(), NOTICES + DMS, "nothing twice");
    assert_eq!(h.fake.created_messages_in(&channel).len(), NOTICES);
    for person in &people {
        let dm = fixtures::dm_channel_id(*person).to_string();
        assert_eq!(
            h.fake.created_messages_in(&dm).len(),
            1,
            "one request to {person}"
        );
        assert!(sends_per_nonce(&h, &dm).values().all(|n| *n == 1));
    }
    assert!(sends_per_nonce(&h, &channel).values().all(|n| *n == 1));
    let counts = h.outbox().counts().await.unwrap();
    assert_eq!(
        (counts.done, counts.queued, counts.running, counts.dead),
        ((NOTICES + DMS) as u64, 0, 0, 0)
    );
    h.stop().await;
}

async fn a_direct_message_refused_by_discord_ends_as_a_visible_dead_letter(h: Harness) {
    let person = 1_100_000_000_000_300_001;
    let dm = fixtures::dm_channel_id(person).to_string();
    // The person does not accept direct messages from the server's members.
    h.fake
        .fail_next(&format!("/channels/{dm}/messages"), 403, 1);
    let reference = attestation_owing_a_dm(&h, person).await;
    let mut dead = Vec::new();
    for _ in 0..100 {
        dead = h.jobs(Some(JobStatus::Dead), 10).await;
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(dead.len(), 1, "a dead letter");
    assert_eq!(dead[0].reference, Some(reference));
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("403"),
        "{:?}",
        dead[0]
    );
    assert_eq!(
        h.fake.messages_in(&dm).len(),
        1,
        "a refusal is not retried into Discord's invalid-request limit"
    );
    let ready: Value = reqwest::get(format!("http://{}/readyz", h.web_addr()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["outbox"]["dead_letters"], 1, "{ready:#}");
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_notice_owed_when_the_process_is_killed_arrives_exactly_once,
    owed_messages_are_all_delivered_once_through_429s_and_5xx,
    a_direct_message_refused_by_discord_ends_as_a_visible_dead_letter,
);

/// Two `aimsbot run` processes on one PostgreSQL share the outbox: each of 1,000 owed
/// messages is delivered once, and both processes deliver some.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_postgres_deliver_each_message_once() {
    const MESSAGES: usize = 1000;
    let Some(mut h) = Harness::start(Backend::Postgres).await else {
        return;
    };
    h.stop_bot().await;
    let first = h.start_process(BOT, "first").await;
    let second = h.start_process(BOT, "second").await;
    let channel = compliance_channel();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = h.store();
            tokio::spawn(async move {
                for n in (w..MESSAGES).step_by(4) {
                    incident_owing_a_notice(store.as_ref(), n).await;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    wait_until_within(
        &h,
        Duration::from_secs(90),
        "every message was delivered",
        || h.fake.created_messages_in(&channel).len() >= MESSAGES,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let created = h.fake.created_messages_in(&channel);
    assert_eq!(created.len(), MESSAGES);
    let sends = sends_per_nonce(&h, &channel);
    assert_eq!(sends.len(), MESSAGES);
    assert!(sends.values().all(|n| *n == 1), "none sent twice");
    let done = h.jobs(Some(JobStatus::Done), MESSAGES as u32 + 10).await;
    assert_eq!(done.len(), MESSAGES);
    let mut by_worker: BTreeMap<String, usize> = BTreeMap::new();
    for job in done.iter().step_by(10) {
        for attempt in h.outbox().attempts(job.id).await.unwrap() {
            let process = attempt
                .worker
                .split(':')
                .next()
                .unwrap_or_default()
                .to_owned();
            *by_worker.entry(process).or_insert(0) += 1;
        }
    }
    assert!(
        by_worker.contains_key("first") && by_worker.contains_key("second"),
        "both processes delivered: {by_worker:?}"
    );
    first.kill();
    second.kill();
    h.stop().await;
}
