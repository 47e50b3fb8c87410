//! The ledger: hashes identical on every backend, verification that names the first bad event
//! whatever is done to the stored rows, and a database that refuses updates and deletes.

use aimsbot_workflows::GuildId;
use aimsbot_workflows::ledger::ChainBreak;
use aimsbot_workflows::ports::{NewRecord, RecordChange};
use aimsbot_workflows::records::Change;
use aimsbot_workflows::testing::{ai_system, fixed_now, incident, person};
use aimsbot_workflows::text::Narrative;
use aimsbot_workflows::verification::{VerifyError, verify_ledger};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::TestDb;

/// Writes a small, fixed history: the same on every backend, so its head hash is too.
async fn write_history(db: &TestDb, events: usize) {
    let store = db.store();
    let guild = GuildId::new("2000").unwrap();
    let alice = person(3000, "alice");
    let at = |i: usize| fixed_now().plus(chrono::Duration::seconds(i as i64));
    let system = store
        .create(NewRecord {
            guild: guild.clone(),
            actor: alice.clone(),
            at: at(0),
            record: ai_system("Credit scorer", alice.clone()),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    for i in 1..events {
        if i % 3 == 0 {
            store
                .change(RecordChange {
                    guild: guild.clone(),
                    reference: system.record.reference,
                    actor: alice.clone(),
                    at: at(i),
                    change: Change::Note {
                        note: Narrative::new(format!("check-in {i} ✓ — \"quoted\"")).unwrap(),
                    },
                    idempotency_key: None,
                    owed: Vec::new(),
                })
                .await
                .unwrap();
        } else {
            store
                .create(NewRecord {
                    guild: guild.clone(),
                    actor: alice.clone(),
                    at: at(i),
                    record: incident(
                        alice.clone(),
                        &format!("event {i}: <@&42> @everyone"),
                        at(i),
                    ),
                    idempotency_key: None,
                    owed: Vec::new(),
                })
                .await
                .unwrap();
        }
    }
}

async fn verify(db: &TestDb) -> Result<u64, ChainBreak> {
    match verify_ledger(db.store().as_ref()).await {
        Ok(v) => Ok(v.events),
        Err(VerifyError::Broken(b)) => Err(b),
        Err(VerifyError::Store(e)) => panic!("storage failed: {e}"),
    }
}

async fn identical_events_hash_identically_on_every_backend(db: TestDb) {
    write_history(&db, 12).await;
    let head = db.store().ledger_head().await.unwrap();
    assert_eq!(head.seq, 12);
    // Pinned: SQLite and PostgreSQL must both reach exactly this head from the same history.
    assert_eq!(head.hash.to_hex(), PINNED_HEAD_OF_TWELVE);
    assert_eq!(verify(&db).await, Ok(12));
}

const PINNED_HEAD_OF_TWELVE: &str =
    "dce061ff04faefe71af84065bb02b87598d2b68e0503a3b7c95d36dfbc35f9df";

async fn an_empty_ledger_verifies(db: TestDb) {
    assert_eq!(verify(&db).await, Ok(0));
}

async fn the_database_refuses_to_update_delete_or_unlink_events(db: TestDb) {
    write_history(&db, 2).await;
    let raw = |sql: &'static str| {
        let db = &db;
        async move {
            match &db.db {
                aimsbot_storage::Database::Sqlite(s) => sqlx::query(sql)
                    .execute(s.write_pool())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                aimsbot_storage::Database::Postgres(s) => sqlx::query(sql)
                    .execute(s.write_pool())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
            }
        }
    };
    let update = raw("UPDATE ledger_events SET payload = '{}' WHERE seq = 1")
        .await
        .unwrap_err();
    assert!(update.contains("append-only"), "{update}");
    let delete = raw("DELETE FROM ledger_events WHERE seq = 2")
        .await
        .unwrap_err();
    assert!(delete.contains("append-only"), "{delete}");
    assert_eq!(verify(&db).await, Ok(2));
}

async fn a_deleted_event_is_named(db: TestDb) {
    write_history(&db, 6).await;
    db.disable_append_only_guards().await;
    db.execute("DELETE FROM records WHERE last_seq = 3; DELETE FROM idempotency_keys; DELETE FROM ledger_events WHERE seq = 3").await;
    let err = verify(&db).await.unwrap_err();
    assert_eq!(err.seq(), Some(4), "{err}");
    assert!(
        matches!(
            err,
            ChainBreak::SequenceGap {
                expected: 3,
                found: 4
            }
        ),
        "{err}"
    );
}

async fn a_cut_off_tail_is_caught(db: TestDb) {
    write_history(&db, 6).await;
    db.disable_append_only_guards().await;
    db.execute("DELETE FROM records WHERE last_seq = 6; DELETE FROM ledger_events WHERE seq = 6")
        .await;
    let err = verify(&db).await.unwrap_err();
    assert!(
        matches!(
            err,
            ChainBreak::HeadMismatch {
                head_seq: 6,
                last_seq: 5,
                ..
            }
        ),
        "{err}"
    );
}

async fn reordered_events_are_named(db: TestDb) {
    write_history(&db, 6).await;
    db.disable_append_only_guards().await;
    // Swap events 2 and 4 by renumbering (foreign keys from records need to point somewhere).
    db.execute(
        "UPDATE records SET last_seq = 1; \
         UPDATE ledger_events SET seq = 1000 WHERE seq = 2; \
         UPDATE ledger_events SET seq = 2 WHERE seq = 4; \
         UPDATE ledger_events SET seq = 4 WHERE seq = 1000;",
    )
    .await;
    let err = verify(&db).await.unwrap_err();
    assert_eq!(err.seq(), Some(2), "{err}");
    assert!(
        matches!(
            err,
            ChainBreak::PrevHashMismatch { .. } | ChainBreak::HashMismatch { .. }
        ),
        "{err}"
    );
}

async fn an_inserted_event_is_named(db: TestDb) {
    write_history(&db, 6).await;
    db.disable_append_only_guards().await;
    // Make room after event 3 and forge an event that claims the old event 3 as its parent.
    db.execute(
        "UPDATE records SET last_seq = 1; \
         UPDATE ledger_events SET seq = seq + 100 WHERE seq > 3; \
         UPDATE ledger_events SET seq = seq - 99 WHERE seq > 100; \
         INSERT INTO ledger_events (seq, guild_id, record_ref, kind, actor, recorded_at, payload, prev_hash, hash) \
         SELECT 4, guild_id, record_ref, 'note_added', actor, recorded_at, '{\"note\":\"forged\"}', hash, hash FROM ledger_events WHERE seq = 3; \
         UPDATE ledger_head SET seq = 7, hash = (SELECT hash FROM ledger_events WHERE seq = 7);",
    )
    .await;
    let err = verify(&db).await.unwrap_err();
    assert_eq!(err.seq(), Some(4), "{err}");
}

/// Property: change any one byte of any event's payload directly in the database, and
/// verification fails naming exactly that event.
fn changing_one_byte_of_any_payload_names_that_event(
    db: Option<TestDb>,
    rt: &tokio::runtime::Runtime,
) {
    let Some(db) = db else { return };
    rt.block_on(write_history(&db, 8));
    rt.block_on(db.disable_append_only_guards());
    let rows = rt.block_on(db.store().ledger_rows(0, 100)).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    runner
        .run(
            &(0..rows.len(), any::<prop::sample::Index>(), any::<u8>()),
            |(victim, at, byte)| {
                let original = rows[victim].payload.clone();
                let mut bytes = original.clone().into_bytes();
                let at = at.index(bytes.len());
                prop_assume!(bytes[at] != byte);
                bytes[at] = byte;
                // Databases store text: a byte that breaks UTF-8 is stored as U+FFFD, still a change.
                let tampered = String::from_utf8_lossy(&bytes).into_owned();
                prop_assume!(tampered != original && !tampered.contains('\0'));
                let seq = rows[victim].seq;
                let set = |payload: &str| {
                    format!(
                        "UPDATE ledger_events SET payload = '{}' WHERE seq = {seq}",
                        payload.replace('\'', "''")
                    )
                };
                rt.block_on(db.execute(&set(&tampered)));
                let result = rt.block_on(verify(&db));
                rt.block_on(db.execute(&set(&original)));
                let err = result.expect_err("tampering must be detected");
                prop_assert_eq!(err.seq(), Some(seq), "{}", err);
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(
        rt.block_on(verify(&db)),
        Ok(8),
        "restored ledger verifies again"
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn sqlite_changing_one_byte_of_any_payload_names_that_event() {
    let rt = runtime();
    let db = rt.block_on(crate::support::sqlite());
    changing_one_byte_of_any_payload_names_that_event(Some(db), &rt);
}

#[test]
fn postgres_changing_one_byte_of_any_payload_names_that_event() {
    let rt = runtime();
    let db = rt.block_on(crate::support::postgres());
    changing_one_byte_of_any_payload_names_that_event(db, &rt);
}

crate::on_both_backends!(
    identical_events_hash_identically_on_every_backend,
    an_empty_ledger_verifies,
    the_database_refuses_to_update_delete_or_unlink_events,
    a_deleted_event_is_named,
    a_cut_off_tail_is_caught,
    reordered_events_are_named,
    an_inserted_event_is_named,
);
