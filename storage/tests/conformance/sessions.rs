//! Guided-prompt sessions: opened once per id, read back whole, saved only by whoever read the
//! latest version.

use aimsbot_workflows::GuildId;
use aimsbot_workflows::flow::{Answer, FlowKind, Session, SessionStatus};
use aimsbot_workflows::ports::StoreError;
use aimsbot_workflows::testing::{fixed_now, person};

use crate::support::TestDb;

fn new_session(id: &str) -> Session {
    Session::new(
        id,
        FlowKind::IncidentReport,
        GuildId::new("2000").unwrap(),
        person(3000, "alice"),
        fixed_now(),
        chrono::Duration::hours(24),
    )
    .with_draft("title", "Refused applicants over 60 — \"quoted\" ✓")
    .with_context("source_link", "https://discord.com/channels/2000/4000/8000")
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
    done.owner = aimsbot_workflows::Actor::anonymous();
    let done = sessions.save_session(done).await.unwrap();
    assert_eq!(sessions.session("5002").await.unwrap(), Some(done));
}

async fn completing_stores_the_record_and_closes_the_session_once(db: TestDb) {
    let sessions = db.sessions();
    let session = sessions.open_session(new_session("5003")).await.unwrap();
    let alice = person(3000, "alice");
    let new = || aimsbot_workflows::ports::NewRecord {
        guild: GuildId::new("2000").unwrap(),
        actor: alice.clone(),
        at: fixed_now(),
        record: aimsbot_workflows::testing::incident(alice.clone(), "confirmed", fixed_now()),
        idempotency_key: Some("session:5003".into()),
    };
    let (closed, committed) = sessions
        .complete_session(session.clone(), new())
        .await
        .unwrap();
    assert!(!committed.replayed);
    assert_eq!(closed.status, SessionStatus::Completed);
    assert_eq!(closed.result, Some(committed.record.reference));
    assert_eq!(sessions.session("5003").await.unwrap(), Some(closed));

    let (_, again) = sessions.complete_session(session, new()).await.unwrap();
    assert!(again.replayed, "a second confirm returns the first record");
    assert_eq!(again.record.reference, committed.record.reference);
    assert_eq!(db.store().ledger_head().await.unwrap().seq, 1);
}

crate::on_both_backends!(
    a_session_opens_once_and_reads_back_whole,
    a_stale_save_is_refused,
    completing_stores_the_record_and_closes_the_session_once,
);
