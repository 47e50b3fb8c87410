//! An anonymous concern stores nothing that identifies its reporter: not while it is drafted
//! (only a keyed hash says the same person continues), and nothing of a draft survives its
//! confirmation, cancellation or expiry, not even its id (which would say when it started).
//! Checked where it matters: in the bytes of the SQLite files, write-ahead log included.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use aimsbot_tests::fixtures::{Invoker, opt};
use aimsbot_tests::harness::{Backend, Harness, TIMEOUT, id_ending, modal_submit_from_message};
use aimsbot_workflows::time::ManualClock;
use aimsbot_workflows::{Clock, RecordKind, SystemClock};
use common::{click, modal_id, pick, reference_in, shown, subcommand};
use serde_json::{Value, json};

/// The first prompt a `/concern raise` sent by direct message, as a callback-shaped value.
async fn first_dm_prompt(h: &Harness, reporter: &Invoker) -> Value {
    let dm = Invoker::dm(reporter.user_id, &reporter.username);
    let messages = h.wait_for_messages(dm.channel_id, 1).await;
    json!({ "data": messages.last().unwrap() })
}

/// Raises a concern, chooses anonymity and types it; returns the summary to confirm, the
/// reporter in their direct messages, and the session id the prompt carries.
async fn draft_anonymous_concern(
    h: &Harness,
    reporter: &Invoker,
    title: &str,
) -> (Value, Invoker, String, String) {
    let raise = subcommand(reporter, "concern", "raise", json!([]));
    let raise_id = raise["id"].as_str().unwrap().to_owned();
    let answer = h.interact(raise).await;
    assert!(
        shown(&answer).contains("sent you a direct message"),
        "{answer:#}"
    );
    let dm = Invoker::dm(reporter.user_id, &reporter.username);
    let first = first_dm_prompt(h, reporter).await;
    let anonymity = id_ending(&first, ":pick:anonymity:anonymous");
    let session = anonymity.split(':').nth(1).unwrap().to_owned();
    assert!(
        !session.contains(&raise_id),
        "the draft's id does not carry the interaction that started it"
    );
    let modal = pick(h, &dm, &first, "anonymity", &["anonymous"]).await;
    let summary = h
        .interact(modal_submit_from_message(
            &dm,
            &modal_id(&modal),
            &[
                ("title", title),
                ("concern", "Every applicant over 55 I saw was screened out."),
                ("ai_system", ""),
            ],
        ))
        .await;
    let text = shown(&summary);
    assert!(
        text.contains("Nothing is recorded until you confirm")
            && text.contains("your follow-up handle is"),
        "the handle is shown before anything is stored: {text}"
    );
    assert!(
        text.contains("What aimsbot keeps") && text.contains("What Discord keeps"),
        "the reporter is told what is kept, and by whom: {text}"
    );
    (summary, dm, session, raise_id)
}

/// Every file of the SQLite database, as bytes.
fn database_files(url: &str) -> Vec<(String, Vec<u8>)> {
    let path = url.trim_start_matches("sqlite://");
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .filter_map(|suffix| {
            let file = format!("{path}{suffix}");
            std::fs::read(&file).ok().map(|bytes| (file, bytes))
        })
        .collect()
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_of_an_anonymous_reporter_reaches_the_database_files() {
    let mut h = Harness::start(Backend::Sqlite).await.unwrap();
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    h.stop_bot().await;
    h.use_clock(clock.clone());
    h.start_bot().await;

    // Carol confirms her anonymous concern.
    let carol = Invoker::in_default_guild("carol-q7x");
    let (summary, carol_dm, carol_session, carol_raise) =
        draft_anonymous_concern(&h, &carol, "Screening tool rejects older applicants").await;
    let done = click(&h, &carol_dm, &summary, ":confirm").await;
    let reference = reference_in(&shown(&done), RecordKind::Concern);
    assert!(
        shown(&done).contains("recorded **anonymously**")
            || shown(&done).contains("recorded anonymously")
    );

    // Dave drafts one and walks away; it expires and is reaped.
    let dave = Invoker::in_default_guild("dave-k2v");
    let (_, _, dave_session, dave_raise) =
        draft_anonymous_concern(&h, &dave, "ABANDONED-DRAFT-7Q").await;
    assert!(h.sessions().session(&dave_session).await.unwrap().is_some());
    clock.advance(chrono::Duration::hours(25));
    let reaped = tokio::time::timeout(TIMEOUT, async {
        while h.sessions().session(&dave_session).await.unwrap().is_some() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(reaped.is_ok(), "the expired draft is deleted");
    assert!(
        h.sessions()
            .session(&carol_session)
            .await
            .unwrap()
            .is_none(),
        "a confirmed anonymous draft is deleted at once"
    );
    let concern = h
        .store()
        .record(&common::guild(), &reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(concern.record.person(), None);

    // The status command still works with the handle: the record is the evidence.
    let handle_text = shown(&done);
    let handle = handle_text
        .split("Your follow-up handle is ")
        .nth(1)
        .unwrap()
        .get(..14)
        .unwrap()
        .to_owned();
    let status = h
        .interact(subcommand(
            &carol_dm,
            "concern",
            "status",
            json!([opt::string("handle", &handle)]),
        ))
        .await;
    assert!(
        shown(&status).contains(&reference.to_string()),
        "{status:#}"
    );

    h.stop_bot().await;
    let files = database_files(&h.db.url);
    assert!(files.len() >= 2, "the database and its log: {files:?}");
    let secrets = [
        carol.user_id.to_string(),
        "carol-q7x".to_owned(),
        dave.user_id.to_string(),
        "dave-k2v".to_owned(),
        "ABANDONED-DRAFT-7Q".to_owned(),
        carol_raise,
        dave_raise,
        carol_session,
        dave_session,
    ];
    for (file, bytes) in &files {
        for secret in &secrets {
            assert!(
                !holds(bytes, secret),
                "{file} holds `{secret}` ({} bytes)",
                bytes.len()
            );
        }
    }
    // The check can fail: what the database does keep is found.
    assert!(
        files
            .iter()
            .any(|(_, bytes)| holds(bytes, "Screening tool rejects older applicants")),
        "the concern itself is stored"
    );
    h.stop().await;
}
