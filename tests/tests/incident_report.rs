//! `/incident report` end to end through the real serenity client: slash command, modal,
//! selects, summary, confirm; the record and its ledger event in the database; the serious
//! incident notice in the compliance channel; mentions that ping nobody.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{
    COMPLIANCE_CHANNEL, Harness, callback, component_ids, id_ending, modal_submit_from_message,
    prompt_message,
};
use aimsbot_workflows::ai_act::{DATES_OF_APPLICATION, MemberState, RiskScope};
use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::{EventKind, GuildId, RecordKind};
use common::{
    INCIDENT_FORM, answer_follow_up, click, fill, guild, incident_summary, modal_id, modal_inputs,
    pairs, pick, records, report_command, shown,
};
use serde_json::{Value, json};

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

/// What a screen is, whatever was picked on it: a form by its inputs, a message by what its
/// components ask or do (`kind`, `confirm`), the prompt's id left out.
fn screen(callback: &Value) -> Vec<String> {
    if callback["type"] == callback::MODAL {
        return modal_inputs(callback).into_iter().map(|(k, _)| k).collect();
    }
    component_ids(callback)
        .into_iter()
        .map(|id| id.splitn(4, ':').nth(3).unwrap_or_default().to_owned())
        .collect()
}

/// Follows one report and returns the screens the reporter acted on, in order: each
/// interaction that brought a new screen (a select picked on the current screen keeps it).
async fn report_screens(
    h: &Harness,
    alice: &Invoker,
    picks: &[(&str, &[&str])],
) -> (Vec<Vec<String>>, Value) {
    let mut acted_on = vec![vec!["/incident report".to_owned()]];
    let mut current = h.interact(report_command(alice, None)).await;
    acted_on.push(screen(&current));
    current = h
        .interact(fixtures::modal_submit(
            alice,
            &modal_id(&current),
            &pairs(&fill(&current, INCIDENT_FORM)),
        ))
        .await;
    let choices = screen(&current);
    acted_on.push(choices.clone());
    for (key, values) in picks {
        let next = pick(h, alice, &current, key, values).await;
        if screen(&next) != choices {
            current = next;
            break;
        }
        current = next;
    }
    if current["type"] == callback::MODAL {
        acted_on.push(screen(&current));
        current = answer_follow_up(h, alice, current, INCIDENT_FORM).await;
    }
    assert!(
        shown(&current).contains("Nothing is recorded until you confirm"),
        "{current:#}"
    );
    acted_on.push(screen(&current));
    let done = click(h, alice, &current, ":confirm").await;
    (acted_on, done)
}

/// Issue 7's count: a report that is not serious is the command, the form, one screen of
/// choices and Confirm; a serious one adds one form for what only it needs.
async fn a_report_takes_four_steps_and_a_serious_one_five(h: Harness) {
    let alice = alice();
    let not_serious: &[(&str, &[&str])] = &[
        ("kind", &["incident"]),
        ("severity", &["low"]),
        ("harm_categories", &["none"]),
        ("serious", &["not_serious"]),
        ("organisation_role", &["deployer"]),
    ];
    let (steps, done) = report_screens(&h, &alice, not_serious).await;
    assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
    assert_eq!(steps.len(), 4, "{steps:#?}");
    assert_eq!(
        steps[2],
        [
            "kind",
            "severity",
            "harm_categories",
            "serious",
            "organisation_role"
        ],
        "every choice on one screen"
    );

    let serious: &[(&str, &[&str])] = &[
        ("kind", &["incident"]),
        ("severity", &["high"]),
        ("harm_categories", &["fundamental_rights"]),
        ("serious", &["fundamental_rights"]),
        ("organisation_role", &["deployer"]),
    ];
    let (steps, done) = report_screens(&h, &alice, serious).await;
    assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
    assert_eq!(steps.len(), 5, "{steps:#?}");
    assert_eq!(
        steps[3],
        ["affected_parties", "causal_link_at", "member_states"],
        "the one more form"
    );
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_report_takes_four_steps_and_a_serious_one_five,
    a_reported_incident_is_recorded_with_its_clocks_and_posted,
    a_near_miss_assessed_serious_is_refused_naming_both_answers,
);
