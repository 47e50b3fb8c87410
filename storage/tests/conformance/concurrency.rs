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

crate::on_both_backends!(concurrent_writers_leave_a_gapless_valid_chain);
