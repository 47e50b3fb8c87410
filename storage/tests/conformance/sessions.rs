//! Guided-prompt sessions: opened once per id, read back whole, saved only by whoever read the
//! latest version, completed once, and deleted without trace when discarded or expired.

use aimsbot_workflows::flow::{Answer, FlowKind, Session, SessionOwner, SessionStatus};
use aimsbot_workflows::ports::{NewRecord, SessionEnd, StoreError};
use aimsbot_workflows::testing::{fixed_now, incident, person};
use aimsbot_workflows::{Actor, GuildId, Timestamp};

use crate::support::{TestDb, anonymous_concern};

fn guild() -> GuildId {
    GuildId::new("2000").unwrap()
}

fn new_session(id: &str) -> Session {
    Session::new(
        id,
        FlowKind::IncidentReport,
        guild(),
        SessionOwner::Person(person(3000, "alice")),
        fixed_now(),
        chrono::Duration::hours(24),
    )
    .with_draft("title", "Refused applicants over 60 — \"quoted\" ✓")
    .with_context("source_link", "https://discord.com/channels/2000/4000/8000")
}

/// A confidential concern's draft: its owner known only by a keyed hash.
fn anonymous_session(id: &str, draft: &str) -> Session {
    Session::new(
        id,
        FlowKind::Concern,
        guild(),
        SessionOwner::Keyed {
            keyed: "9f".repeat(32),
        },
        fixed_now(),
        chrono::Duration::hours(24),
    )
    .with_draft("concern", draft)
}

fn incident_from(reporter: &Actor, key: Option<&str>) -> NewRecord {
    NewRecord {
        guild: guild(),
        actor: reporter.clone(),
        at: fixed_now(),
        record: incident(reporter.clone(), "confirmed", fixed_now()),
        idempotency_key: key.map(str::to_owned),
        owed: Vec::new(),
    }
}

fn anonymous_concern_record() -> NewRecord {
    NewRecord {
        guild: guild(),
        actor: Actor::anonymous(),
        at: fixed_now(),
        record: anonymous_concern("Age bias in screening", "ABCD-EFGH-JKLM"),
        idempotency_key: None,
        owed: Vec::new(),
    }
}

async fn a_session_opens_once_and_reads_back_whole(db: TestDb) {
    let sessions = db.sessions();
    let opened = sessions.open_session(new_session("5001")).await.unwrap();
    assert_eq!(opened.version, 0);
    let mut replayed = new_session("5001");
    replayed.drafts.clear();
    let again = sessions.open_session(replayed).await.unwrap();
    assert_eq!(again, opened, "a replayed start gets the first session");
    assert_eq!(sessions.session("5001").await.unwrap(), Some(opened));
    assert_eq!(sessions.session("9999").await.unwrap(), None);
}

async fn a_stale_save_is_refused(db: TestDb) {
    let sessions = db.sessions();
    let mut first = sessions.open_session(new_session("5002")).await.unwrap();
    let mut second = first.clone();
    first
        .answers
        .insert("kind".into(), Answer::One("incident".into()));
    let saved = sessions.save_session(first).await.unwrap();
    assert_eq!(saved.version, 1);
    second
        .answers
        .insert("kind".into(), Answer::One("hazard".into()));
    let err = sessions.save_session(second).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let stored = sessions.session("5002").await.unwrap().unwrap();
    assert_eq!(
        stored.answers.get("kind"),
        Some(&Answer::One("incident".into()))
    );
    assert_eq!(stored.version, 1);

    let mut done = stored;
    done.status = SessionStatus::Completed;
    done.owner = SessionOwner::Keyed {
        keyed: "ab".repeat(32),
    };
    let done = sessions.save_session(done).await.unwrap();
    assert_eq!(sessions.session("5002").await.unwrap(), Some(done));
}

async fn completing_stores_the_record_and_closes_the_session_once(db: TestDb) {
    let sessions = db.sessions();
    let session = sessions.open_session(new_session("5003")).await.unwrap();
    let alice = person(3000, "alice");
    let (closed, committed) = sessions
        .complete_session(
            session.clone(),
            incident_from(&alice, Some("session:5003")),
            SessionEnd::Keep,
        )
        .await
        .unwrap();
    assert!(!committed.replayed);
    let closed = closed.expect("a kept session is returned");
    assert_eq!(closed.status, SessionStatus::Completed);
    assert_eq!(closed.result, Some(committed.record.reference));
    assert_eq!(closed.version, session.version + 1);
    assert_eq!(
        sessions.session("5003").await.unwrap(),
        Some(closed.clone())
    );

    let (kept, again) = sessions
        .complete_session(
            session,
            incident_from(&alice, Some("session:5003")),
            SessionEnd::Keep,
        )
        .await
        .unwrap();
    assert!(again.replayed, "a second confirm returns the first record");
    assert_eq!(again.record.reference, committed.record.reference);
    assert_eq!(kept, Some(closed), "and the session as it stands");
    assert_eq!(db.store().ledger_head().await.unwrap().seq, 1);
}

async fn completing_a_session_saved_since_it_was_read_is_a_conflict_and_writes_nothing(db: TestDb) {
    let sessions = db.sessions();
    let read = sessions.open_session(new_session("5004")).await.unwrap();
    let saved = sessions.save_session(read.clone()).await.unwrap();
    let alice = person(3000, "alice");
    for end in [SessionEnd::Keep, SessionEnd::Discard] {
        let err = sessions
            .complete_session(read.clone(), incident_from(&alice, None), end)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{end:?}: {err:?}");
    }
    assert_eq!(db.store().ledger_head().await.unwrap().seq, 0);
    assert_eq!(sessions.session("5004").await.unwrap(), Some(saved.clone()));

    // A session that is no longer open cannot complete either, even at its current version.
    let cancelled = sessions
        .save_session(Session {
            status: SessionStatus::Cancelled,
            ..saved
        })
        .await
        .unwrap();
    let err = sessions
        .complete_session(cancelled, incident_from(&alice, None), SessionEnd::Keep)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(db.store().ledger_head().await.unwrap().seq, 0);
    let created = db
        .store()
        .create(incident_from(&alice, None))
        .await
        .unwrap();
    assert_eq!(
        created.record.reference.to_string(),
        "INC-2026-0001",
        "the refused completions used no number"
    );
}

async fn completing_with_discard_deletes_the_session_with_the_write(db: TestDb) {
    let sessions = db.sessions();
    let session = sessions
        .open_session(anonymous_session("5005", "they rank older people lower"))
        .await
        .unwrap();
    let (kept, committed) = sessions
        .complete_session(session, anonymous_concern_record(), SessionEnd::Discard)
        .await
        .unwrap();
    assert_eq!(kept, None);
    assert!(!committed.replayed);
    assert_eq!(sessions.session("5005").await.unwrap(), None);
    assert!(
        db.store()
            .record(&guild(), &committed.record.reference)
            .await
            .unwrap()
            .is_some()
    );
}

async fn racing_completions_of_one_session_record_once(db: TestDb) {
    let sessions = db.sessions();
    let session = sessions
        .open_session(anonymous_session("5006", "double click"))
        .await
        .unwrap();
    let mut racers = Vec::new();
    for _ in 0..6 {
        let (sessions, session) = (db.sessions(), session.clone());
        racers.push(tokio::spawn(async move {
            sessions
                .complete_session(session, anonymous_concern_record(), SessionEnd::Discard)
                .await
        }));
    }
    let mut recorded = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok((None, committed)) => {
                assert!(!committed.replayed);
                recorded += 1;
            }
            Ok(other) => panic!("a discarded session is not returned: {other:?}"),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(recorded, 1, "one completion wins, the others conflict");
    assert_eq!(db.store().ledger_head().await.unwrap().seq, 1);
    assert_eq!(sessions.session("5006").await.unwrap(), None);
}

async fn discarding_deletes_that_session_only(db: TestDb) {
    let sessions = db.sessions();
    sessions
        .open_session(anonymous_session("5007", "abandoned"))
        .await
        .unwrap();
    let other = sessions.open_session(new_session("5008")).await.unwrap();
    assert!(sessions.discard_session("5007").await.unwrap());
    assert!(
        !sessions.discard_session("5007").await.unwrap(),
        "already gone"
    );
    assert_eq!(sessions.session("5007").await.unwrap(), None);
    assert_eq!(sessions.session("5008").await.unwrap(), Some(other));
}

async fn reaping_deletes_the_expired_sessions_only(db: TestDb) {
    let sessions = db.sessions();
    let at = |hours: i64| fixed_now().plus(chrono::Duration::hours(hours));
    for (id, created, ttl) in [("old-1", -48, 24), ("old-2", -30, 24), ("fresh", -1, 24)] {
        let mut session = anonymous_session(id, "draft");
        session.created_at = at(created);
        session.expires_at = at(created + ttl);
        sessions.open_session(session).await.unwrap();
    }
    // Expiring exactly now is not yet expired.
    let mut edge = new_session("edge");
    edge.expires_at = fixed_now();
    sessions.open_session(edge).await.unwrap();

    let now: Timestamp = fixed_now();
    assert_eq!(sessions.reap_sessions(now).await.unwrap(), 2);
    assert_eq!(sessions.session("old-1").await.unwrap(), None);
    assert_eq!(sessions.session("old-2").await.unwrap(), None);
    assert!(sessions.session("fresh").await.unwrap().is_some());
    assert!(sessions.session("edge").await.unwrap().is_some());
    assert_eq!(sessions.reap_sessions(now).await.unwrap(), 0);
}

/// SQLite keeps deleted text in free pages and in the WAL unless told otherwise: a discarded
/// anonymous draft must leave none of its bytes in either file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_discarded_anonymous_draft_leaves_no_bytes_on_disk() {
    let db = crate::support::sqlite().await;
    let path = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let wal = path.with_extension("db-wal");
    let contains = |file: &std::path::Path, marker: &str| {
        let bytes = std::fs::read(file).unwrap_or_default();
        bytes
            .windows(marker.len())
            .any(|window| window == marker.as_bytes())
    };
    let sessions = db.sessions();

    let discarded = "marker-discarded-7f3a9c1e5b";
    sessions
        .open_session(anonymous_session("5101", discarded))
        .await
        .unwrap();
    assert!(
        contains(&wal, discarded),
        "the test can see a draft in the WAL"
    );
    assert!(sessions.discard_session("5101").await.unwrap());

    let completed = "marker-completed-2d8e4b6a0f";
    let session = sessions
        .open_session(anonymous_session("5102", completed))
        .await
        .unwrap();
    sessions
        .complete_session(session, anonymous_concern_record(), SessionEnd::Discard)
        .await
        .unwrap();

    let reaped = "marker-reaped-5c1b9e7d3a";
    let mut expired = anonymous_session("5103", reaped);
    expired.expires_at = fixed_now().plus(chrono::Duration::hours(-1));
    sessions.open_session(expired).await.unwrap();
    assert_eq!(sessions.reap_sessions(fixed_now()).await.unwrap(), 1);

    for marker in [discarded, completed, reaped] {
        for file in [&path, &wal] {
            assert!(
                !contains(file, marker),
                "{marker} is still in {}",
                file.display()
            );
        }
    }
}

crate::on_both_backends!(
    a_session_opens_once_and_reads_back_whole,
    a_stale_save_is_refused,
    completing_stores_the_record_and_closes_the_session_once,
    completing_a_session_saved_since_it_was_read_is_a_conflict_and_writes_nothing,
    completing_with_discard_deletes_the_session_with_the_write,
    racing_completions_of_one_session_record_once,
    discarding_deletes_that_session_only,
    reaping_deletes_the_expired_sessions_only,
);
