//! `/incident report` end to end through the real serenity client: slash command, modal,
//! selects, summary, confirm; the record and its ledger event in the database; the serious
//! incident notice in the compliance channel; mentions that ping nobody.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{
    COMPLIANCE_CHANNEL, Harness, callback, id_ending, modal_submit_from_message, prompt_message,
};
use aimsbot_workflows::ai_act::{DATES_OF_APPLICATION, MemberState, RiskScope};
use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::{EventKind, GuildId, RecordKind};
use common::{
    INCIDENT_FORM, click, guild, incident_summary, modal_id, pick, records, report_command, shown,
};
use serde_json::json;

fn alice() -> Invoker {
    Invoker::in_default_guild("alice")
}

async fn a_reported_incident_is_recorded_with_its_clocks_and_posted(h: Harness) {
    let alice = alice();
    let modal = h
        .interact(report_command(&alice, Some("Loan scorer")))
        .await;
    assert_eq!(modal["type"], callback::MODAL, "{modal:#}");
    let form_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let inputs: Vec<&str> = modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["components"][0]["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        inputs,
        [
            "ai_system",
            "title",
            "what_happened",
            "occurred_at",
            "aware_at"
        ]
    );
    assert_eq!(
        modal["data"]["components"][0]["components"][0]["value"], "Loan scorer",
        "the command option prefills the form"
    );

    let description =
        "Since the update it refused everyone over 60. @everyone <@&1100000000000000301> look!";
    let prompt = h
        .interact(fixtures::modal_submit(
            &alice,
            &form_id,
            &[
                ("ai_system", "Loan scorer"),
                ("title", "Refused every applicant over 60"),
                ("what_happened", description),
                ("occurred_at", "2 hours ago"),
                ("aware_at", "1 hour ago"),
            ],
        ))
        .await;
    assert_eq!(prompt["type"], callback::MESSAGE, "{prompt:#}");
    assert_eq!(prompt["data"]["flags"], 64, "ephemeral to the reporter");
    assert!(
        prompt["data"]["content"]
            .as_str()
            .unwrap()
            .contains("What kind of event"),
        "{prompt:#}"
    );

    let prompt = pick(&h, &alice, &prompt, "kind", &["incident"]).await;
    assert_eq!(prompt["type"], callback::UPDATE_MESSAGE);
    let prompt = pick(&h, &alice, &prompt, "severity", &["critical"]).await;
    let prompt = pick(
        &h,
        &alice,
        &prompt,
        "harm_categories",
        &["health", "fundamental_rights"],
    )
    .await;
    let prompt = pick(&h, &alice, &prompt, "serious", &["fundamental_rights"]).await;
    // What only a serious incident needs: one more form.
    let follow_up = pick(&h, &alice, &prompt, "organisation_role", &["both"]).await;
    assert_eq!(follow_up["type"], callback::MODAL, "{follow_up:#}");
    let summary = h
        .interact(modal_submit_from_message(
            &alice,
            &modal_id(&follow_up),
            &[
                ("affected_parties", "Applicants aged 60+"),
                ("causal_link_at", ""),
                ("member_states", "DE"),
            ],
        ))
        .await;
    let content = summary["data"]["content"].as_str().unwrap();
    assert!(
        content.contains("Nothing is recorded until you confirm"),
        "{content}"
    );
    assert!(
        content.contains("\\@everyone"),
        "typed text is escaped when echoed: {content}"
    );
    assert_eq!(
        summary["data"]["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": []}),
        "pings nobody"
    );

    let messages_before = h.fake.messages_in(&COMPLIANCE_CHANNEL.to_string()).len();
    let done = h
        .interact(fixtures::component_click(
            &alice,
            &id_ending(&summary, ":confirm"),
            prompt_message(&alice),
        ))
        .await;
    let content = done["data"]["content"].as_str().unwrap();
    assert!(content.contains("Recorded as **INC-"), "{content}");
    assert!(
        content.contains("**Art. 73(2)**") && !content.contains("**Art. 26(5)**"),
        "the provider's duty; as its own provider it has nobody to inform: {content}"
    );
    assert!(
        content.contains("Internal targets, not legal deadlines")
            && content.contains("from 2 December 2027"),
        "aware before Annex III applies, and not classified: {content}"
    );
    assert_eq!(
        done["data"]["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": []})
    );

    let guild = GuildId::new(fixtures::DEFAULT_GUILD_ID.to_string()).unwrap();
    let incidents = h
        .store()
        .records(&RecordQuery {
            guild: Some(guild.clone()),
            kind: Some(RecordKind::Incident),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(incidents.len(), 1);
    let stored = &incidents[0];
    assert!(
        content.contains(&stored.reference.to_string()),
        "the confirmation shows the reference"
    );
    let Record::Incident(incident) = &stored.record else {
        panic!()
    };
    assert_eq!(
        incident.what_happened.as_str(),
        description,
        "stored verbatim"
    );
    assert_eq!(
        incident.reporter.as_ref().unwrap().platform_user_id,
        alice.user_id.to_string()
    );
    assert_eq!(incident.severity.as_str(), "critical");
    assert_eq!(
        incident.aware_at,
        incident.occurred_at.plus(chrono::Duration::hours(1)),
        "awareness as stated, not when Confirm was pressed"
    );
    assert_eq!(incident.member_states, [MemberState::DE]);
    let clocks = incident.clocks(RiskScope::Unclassified, DATES_OF_APPLICATION);
    assert_eq!(clocks.deadlines.len(), 1);
    assert_eq!(clocks.deadlines[0].article, "Art. 73(2)");
    assert_eq!(
        clocks.deadlines[0].due_at,
        incident.aware_at.plus(chrono::Duration::days(15))
    );
    let events = h
        .store()
        .record_events(&guild, &stored.reference)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Created);
    assert_eq!(events[0].actor.display_name, "alice");

    let posted = h
        .wait_for_messages(COMPLIANCE_CHANNEL, messages_before + 1)
        .await;
    let notice = posted.last().unwrap();
    let text = notice["content"].as_str().unwrap();
    assert!(
        text.contains(&stored.reference.to_string())
            && text.contains("Assessed as a serious incident")
            && text.contains("Art. 73(2)"),
        "{text}"
    );
    assert_eq!(
        notice["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": []})
    );
    h.stop().await;
}

/// A near miss led to no harm, so it cannot be a serious incident (EU AI Act Art. 3(49)):
/// Confirm refuses it, names both answers, records nothing and asks the assessment again.
async fn a_near_miss_assessed_serious_is_refused_naming_both_answers(h: Harness) {
    let alice = alice();
    let picks: &[(&str, &[&str])] = &[
        ("kind", &["near_miss"]),
        ("severity", &["high"]),
        ("harm_categories", &["health"]),
        ("serious", &["death"]),
        ("organisation_role", &["provider"]),
    ];
    let summary = incident_summary(&h, &alice, INCIDENT_FORM, picks).await;
    let refused = click(&h, &alice, &summary, ":confirm").await;
    let text = shown(&refused);
    assert!(
        text.contains("Death of a person") && text.contains("Near miss"),
        "names both answers: {text}"
    );
    assert!(!text.contains("Recorded as"), "{text}");
    assert!(
        records(&h, &guild(), RecordKind::Incident).await.is_empty(),
        "nothing recorded"
    );

    let summary = pick(&h, &alice, &refused, "serious", &["not_serious"]).await;
    assert!(
        shown(&summary).contains("Nothing is recorded until you confirm"),
        "{summary:#}"
    );
    let done = click(&h, &alice, &summary, ":confirm").await;
    assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
    let incidents = records(&h, &guild(), RecordKind::Incident).await;
    assert_eq!(incidents.len(), 1);
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_reported_incident_is_recorded_with_its_clocks_and_posted,
    a_near_miss_assessed_serious_is_refused_naming_both_answers,
);
