//! Many writers at once: the chain stays gapless and valid, and references stay gapless.

use std::collections::BTreeSet;

use aimsbot_workflows::GuildId;
use aimsbot_workflows::ports::NewRecord;
use aimsbot_workflows::testing::{fixed_now, incident, person};
use aimsbot_workflows::verification::verify_ledger;

use crate::support::TestDb;

const WRITERS: u64 = 8;
const EVENTS_PER_WRITER: u64 = 500;

async fn concurrent_writers_leave_a_gapless_valid_chain(db: TestDb) {
    let guild = GuildId::new("2000").unwrap();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = db.store();
        let guild = guild.clone();
        tasks.push(tokio::spawn(async move {
            let actor = person(3000 + writer, &format!("writer {writer}"));
            let mut references = Vec::new();
            for i in 0..EVENTS_PER_WRITER {
                let committed = store
                    .create(NewRecord {
                        guild: guild.clone(),
                        actor: actor.clone(),
                        at: fixed_now(),
                        record: incident(
                            actor.clone(),
                            &format!("writer {writer} event {i}"),
                            fixed_now(),
                        ),
                        idempotency_key: None,
                        owed: Vec::new(),
                    })
                    .await
                    .unwrap_or_else(|e| panic!("writer {writer} event {i}: {e}"));
                references.push(committed.record.reference.number());
            }
            references
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        for number in task.await.unwrap() {
            assert!(
                numbers.insert(number),
                "reference number {number} was given out twice"
            );
        }
    }
    let total = WRITERS * EVENTS_PER_WRITER;
    let expected: BTreeSet<u32> = (1..=u32::try_from(total).unwrap()).collect();
    assert_eq!(
        numbers, expected,
        "references INC-2026-0001..{total} without gaps"
    );

    let verified = verify_ledger(db.store().as_ref()).await.unwrap();
    assert_eq!(verified.events, total);
    let rows = db
        .store()
        .ledger_rows(0, u32::try_from(total).unwrap())
        .await
        .unwrap();
    let seqs: Vec<u64> = rows.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
}

/// Writers changing different fields of one record at once: every change is applied to the
/// record as the previous change left it (none is lost), and one idempotency key raced by
/// many writers writes once.
async fn concurrent_changes_to_one_record_lose_nothing(db: TestDb) {
    use aimsbot_workflows::ports::RecordChange;
    use aimsbot_workflows::records::{Change, FieldChanges, Record};
    use aimsbot_workflows::text::Narrative;

    let guild = GuildId::new("2000").unwrap();
    let alice = person(3000, "alice");
    let created = db
        .store()
        .create(NewRecord {
            guild: guild.clone(),
            actor: alice.clone(),
            at: fixed_now(),
            record: incident(alice.clone(), "start", fixed_now()),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    let reference = created.record.reference;
    let fields = ["title", "what_happened", "affected_parties"];
    let mut tasks = Vec::new();
    for field in fields {
        for round in 0..20 {
            let store = db.store();
            let (guild, actor) = (guild.clone(), alice.clone());
            tasks.push(tokio::spawn(async move {
                let value = format!("{field} {round}");
                store
                    .change(RecordChange {
                        guild,
                        reference,
                        actor,
                        at: fixed_now(),
                        change: Change::Amend {
                            reason: Narrative::new("concurrency test").unwrap(),
                            changes: FieldChanges::new().set(field, value),
                        },
                        idempotency_key: None,
                        owed: Vec::new(),
                    })
                    .await
                    .unwrap()
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Replaying the record's events one by one must give exactly what is stored.
    let events = db.store().record_events(&guild, &reference).await.unwrap();
    assert_eq!(events.len(), 61);
    let mut folded = None;
    for event in &events {
        folded = Some(
            aimsbot_workflows::records::apply(
                reference.kind(),
                folded.as_ref(),
                event.kind,
                &event.payload,
            )
            .unwrap(),
        );
    }
    let stored = db
        .store()
        .record(&guild, &reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(&stored.record), folded.as_ref());
    assert_eq!(stored.last_seq, events.last().unwrap().seq);
    let Record::Incident(incident) = &stored.record else {
        unreachable!()
    };
    for field in fields {
        let value = match field {
            "title" => incident.title.to_string(),
            "what_happened" => incident.what_happened.to_string(),
            _ => incident.affected_parties.as_ref().unwrap().to_string(),
        };
        assert!(
            value.starts_with(field),
            "{field} kept its last change: {value}"
        );
    }

    let mut racers = Vec::new();
    for _ in 0..8 {
        let store = db.store();
        let (guild, actor) = (guild.clone(), alice.clone());
        racers.push(tokio::spawn(async move {
            store
                .change(RecordChange {
                    guild,
                    reference,
                    actor,
                    at: fixed_now(),
                    change: Change::Note {
                        note: Narrative::new("double click").unwrap(),
                    },
                    idempotency_key: Some("racing-key".into()),
                    owed: Vec::new(),
                })
                .await
                .unwrap()
        }));
    }
    let mut seqs = BTreeSet::new();
    for racer in racers {
        seqs.insert(racer.await.unwrap().event.seq);
    }
    assert_eq!(seqs.len(), 1, "one event for one key: {seqs:?}");
    assert_eq!(
        db.store()
            .record_events(&guild, &reference)
            .await
            .unwrap()
            .len(),
        62
    );
}

crate::on_both_backends!(
    concurrent_writers_leave_a_gapless_valid_chain,
    concurrent_changes_to_one_record_lose_nothing,
);
