//! Exactly-once recording when Discord or the process misbehaves: a bot restarted in the middle
//! of a guided prompt continues from the components of the prompt shown before the restart; a
//! gateway event delivered twice and a double click on Confirm record one incident; a replayed
//! slash command finds its session again instead of starting over.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{COMPLIANCE_CHANNEL, Harness, callback, id_ending, prompt_message};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::{EventKind, RecordKind};
use common::{
    INCIDENT_FORM, SERIOUS_PICKS, answer_follow_up, callback_statuses, events, fill, guild,
    incident_summary, modal_id, pairs, pick, records, reference_in, report_command, shown,
    wait_until,
};
use serde_json::Value;

/// Compliance-channel notices about `reference`.
fn notices_about(h: &Harness, reference: &str) -> usize {
    h.fake
        .messages_in(&COMPLIANCE_CHANNEL.to_string())
        .iter()
        .filter(|m| m["content"].as_str().is_some_and(|t| t.contains(reference)))
        .count()
}

fn confirm_click(invoker: &Invoker, summary: &Value) -> Value {
    fixtures::component_click(
        invoker,
        &id_ending(summary, ":confirm"),
        prompt_message(invoker),
    )
}

async fn a_restart_in_the_middle_of_a_report_continues_from_the_old_prompt(mut h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let modal = h.interact(report_command(&alice, None)).await;
    // Restarted while the person is typing in the form.
    h.restart_bot().await;
    let prompt = h
        .interact(fixtures::modal_submit(
            &alice,
            &modal_id(&modal),
            &pairs(&fill(&modal, INCIDENT_FORM)),
        ))
        .await;
    assert!(shown(&prompt).contains("What kind of event"), "{prompt:#}");
    let prompt = pick(&h, &alice, &prompt, "kind", &["near_miss"]).await;
    let before_restart = pick(&h, &alice, &prompt, "severity", &["high"]).await;
    assert!(
        shown(&before_restart).contains("What was harmed"),
        "{before_restart:#}"
    );

    // A crash or a deploy: a new process on the same database and the same Discord.
    h.stop_bot().await;
    h.start_bot().await;

    // The person goes on clicking the message they still see.
    let mut prompt = pick(&h, &alice, &before_restart, "harm_categories", &["health"]).await;
    assert_eq!(prompt["type"], callback::UPDATE_MESSAGE, "{prompt:#}");
    for (key, values) in [
        // A near miss led to no harm, so it cannot be serious (Art. 3(49)).
        ("serious", &["not_serious"][..]),
        ("organisation_role", &["deployer"]),
    ] {
        prompt = pick(&h, &alice, &prompt, key, values).await;
    }
    let summary = prompt;
    let text = shown(&summary);
    assert!(
        text.contains("Near miss") && text.contains("High") && text.contains("Loan scorer"),
        "answers given before the restart are kept: {text}"
    );

    h.stop_bot().await;
    h.start_bot().await;

    let done = h.interact(confirm_click(&alice, &summary)).await;
    let text = shown(&done);
    assert!(text.contains("Recorded as INC-"), "{text}");
    let incidents = records(&h, &guild(), RecordKind::Incident).await;
    assert_eq!(incidents.len(), 1, "exactly one incident");
    let stored = &incidents[0];
    assert!(text.contains(&stored.reference.to_string()), "{text}");
    let Record::Incident(incident) = &stored.record else {
        panic!("{stored:?}")
    };
    assert_eq!(incident.kind.as_str(), "near_miss");
    assert_eq!(incident.severity.as_str(), "high");
    assert_eq!(incident.title.as_str(), "Refused every applicant over 60");
    assert_eq!(events(&h, &stored.reference).await.len(), 1);
    h.stop().await;
}

async fn a_confirm_delivered_twice_records_one_incident(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let summary = incident_summary(&h, &alice, INCIDENT_FORM, SERIOUS_PICKS).await;
    let confirm = confirm_click(&alice, &summary);
    let id = confirm["id"].as_str().unwrap().to_owned();

    let done = h.interact(confirm.clone()).await;
    let reference = reference_in(&shown(&done), RecordKind::Incident);
    h.wait_for_messages(COMPLIANCE_CHANNEL, 1).await;

    // The gateway delivers the very same INTERACTION_CREATE again (a resumed session replays it).
    h.fake.dispatch("INTERACTION_CREATE", confirm).await;
    wait_until(&h, "the replay is answered", || {
        h.fake.interaction_callbacks(&id).len() >= 2
    })
    .await;
    let statuses = callback_statuses(&h, &id);
    assert_eq!(statuses[0], (204, None), "the first answer is accepted");
    assert!(
        statuses[1..].iter().all(|s| *s == (400, Some(40060))),
        "Discord refuses any second answer to one interaction: {statuses:?}"
    );

    let incidents = records(&h, &guild(), RecordKind::Incident).await;
    assert_eq!(incidents.len(), 1, "one incident: {incidents:#?}");
    assert_eq!(incidents[0].reference, reference);
    let events = events(&h, &reference).await;
    assert_eq!(events.len(), 1, "one ledger event: {events:#?}");
    assert_eq!(events[0].kind, EventKind::Created);
    assert_eq!(h.store().ledger_rows(0, 100).await.unwrap().len(), 1);
    assert_eq!(
        notices_about(&h, &reference.to_string()),
        1,
        "the compliance team is told once"
    );
    h.stop().await;
}

async fn a_replayed_slash_command_finds_its_session_again(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let command = report_command(&alice, Some("Loan scorer"));
    let session_id = command["id"].as_str().unwrap().to_owned();
    let modal = h.interact(command.clone()).await;
    let prompt = h
        .interact(fixtures::modal_submit(
            &alice,
            &modal_id(&modal),
            &pairs(&fill(&modal, INCIDENT_FORM)),
        ))
        .await;
    assert!(shown(&prompt).contains("What kind of event"), "{prompt:#}");
    let typed = h.sessions().session(&session_id).await.unwrap().unwrap();
    assert_eq!(
        typed.drafts.get("title").map(String::as_str),
        Some("Refused every applicant over 60")
    );

    h.fake.dispatch("INTERACTION_CREATE", command).await;
    wait_until(&h, "the replayed command is answered", || {
        h.fake.interaction_callbacks(&session_id).len() >= 2
    })
    .await;
    assert_eq!(callback_statuses(&h, &session_id)[1], (400, Some(40060)));

    let after = h.sessions().session(&session_id).await.unwrap().unwrap();
    assert_eq!(
        after, typed,
        "the replay neither reset nor changed the one session"
    );

    // The person carries on where they were.
    let mut prompt = prompt;
    for (key, values) in SERIOUS_PICKS {
        prompt = pick(&h, &alice, &prompt, key, values).await;
    }
    let prompt = answer_follow_up(&h, &alice, prompt, INCIDENT_FORM).await;
    let done = h.interact(confirm_click(&alice, &prompt)).await;
    assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
    assert_eq!(records(&h, &guild(), RecordKind::Incident).await.len(), 1);
    h.stop().await;
}

async fn a_second_click_on_confirm_says_it_was_already_recorded(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let summary = incident_summary(&h, &alice, INCIDENT_FORM, SERIOUS_PICKS).await;
    let first = h.interact(confirm_click(&alice, &summary)).await;
    let reference = reference_in(&shown(&first), RecordKind::Incident);
    h.wait_for_messages(COMPLIANCE_CHANNEL, 1).await;

    // The same button again: a new interaction with its own id.
    let second = h.interact(confirm_click(&alice, &summary)).await;
    assert_eq!(second["type"], callback::UPDATE_MESSAGE, "{second:#}");
    let text = shown(&second);
    assert!(
        text.contains(&format!("already recorded as {reference}")),
        "{text}"
    );
    assert_eq!(
        records(&h, &guild(), RecordKind::Incident).await.len(),
        1,
        "nothing new recorded"
    );
    assert_eq!(events(&h, &reference).await.len(), 1);
    assert_eq!(notices_about(&h, &reference.to_string()), 1);
    h.stop().await;
}

async fn two_confirm_clicks_at_once_record_one_incident(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let summary = incident_summary(&h, &alice, INCIDENT_FORM, SERIOUS_PICKS).await;
    let (a, b) = (
        confirm_click(&alice, &summary),
        confirm_click(&alice, &summary),
    );
    // Both clicks reach the bot before either is answered; serenity handles them in parallel.
    let (answer_a, answer_b) = tokio::join!(h.interact(a), h.interact(b));
    let reference = reference_in(&shown(&answer_a), RecordKind::Incident);
    assert_eq!(
        reference_in(&shown(&answer_b), RecordKind::Incident),
        reference,
        "both clicks name the same incident"
    );
    let incidents = records(&h, &guild(), RecordKind::Incident).await;
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    assert_eq!(events(&h, &reference).await.len(), 1);
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_restart_in_the_middle_of_a_report_continues_from_the_old_prompt,
    a_confirm_delivered_twice_records_one_incident,
    a_replayed_slash_command_finds_its_session_again,
    a_second_click_on_confirm_says_it_was_already_recorded,
    two_confirm_clicks_at_once_record_one_incident,
);
