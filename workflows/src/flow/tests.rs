//! The engine through whole flows: happy paths, every refusal, conditions, edits, expiry.

use super::definitions::{ANONYMOUS, all};
use super::*;
use crate::records::incident::IncidentStatus;
use crate::testing::person;
use crate::{Platform, RecordKind};

fn now() -> Timestamp {
    "2026-11-28T10:00:00Z".parse().unwrap()
}

fn inventory() -> Vec<InventoryEntry> {
    vec![InventoryEntry {
        reference: "AIS-2026-0001".parse().unwrap(),
        name: "Credit scorer".into(),
    }]
}

fn ctx(inventory: &[InventoryEntry]) -> FlowContext<'_> {
    FlowContext {
        now: now(),
        time_zone: "Europe/Berlin".parse().unwrap(),
        inventory,
        require_registered_system: false,
        follow_up_handle: Some("K7QM-2XPD-9WRT".into()),
    }
}

fn session(kind: FlowKind) -> Session {
    Session::new(
        "5001",
        kind,
        GuildId::new("2000").unwrap(),
        person(3000, "alice"),
        now(),
        chrono::Duration::hours(24),
    )
}

fn answers(pairs: &[(&str, &str)]) -> Input {
    Input::Answers(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), vec![(*v).to_owned()]))
            .collect(),
    )
}

fn pick(key: &str, values: &[&str]) -> Input {
    Input::Answers(vec![(
        key.to_owned(),
        values.iter().map(|v| (*v).to_owned()).collect(),
    )])
}

const INCIDENT_FORM: &[(&str, &str)] = &[
    ("ai_system", "credit scorer"),
    ("title", "Refused every applicant over 60"),
    (
        "what_happened",
        "Since the 09:00 model update, @everyone <@&42> over 60 was refused.",
    ),
    ("occurred_at", "2026-11-28 09:15"),
    ("affected_parties", ""),
];

fn expect_choose(outcome: Outcome, key: &str) {
    match outcome {
        Outcome::Next(Prompt::Choose { step, .. }) => assert_eq!(step.key, key),
        other => panic!("expected the {key} question, got {other:?}"),
    }
}

#[test]
fn every_flow_fits_discord_limits() {
    for flow in all() {
        assert!(flow.title.chars().count() <= 45, "{}", flow.title);
        let mut keys = std::collections::BTreeSet::new();
        for step in flow.steps {
            assert!(
                keys.insert(step.key),
                "{}: duplicate key {}",
                flow.title,
                step.key
            );
            assert!(
                step.label.chars().count() <= 45,
                "label too long: {}",
                step.label
            );
            assert!(
                step.placeholder.chars().count() <= 100,
                "placeholder too long: {}",
                step.placeholder
            );
            if let InputKind::Choice(options) | InputKind::MultiChoice { options, .. } = step.kind {
                assert!(!options.is_empty() && options.len() <= 25, "{}", step.key);
                for (value, label) in options {
                    assert!(
                        value.len() <= 100 && label.chars().count() <= 100,
                        "{value}"
                    );
                }
            }
        }
        for page in pages(flow) {
            assert!(
                page.len() <= MAX_FORM_INPUTS,
                "{}: a form of {}",
                flow.title,
                page.len()
            );
        }
    }
}

#[test]
fn an_incident_report_runs_from_form_to_record_with_deadlines() {
    let inventory = inventory();
    let ctx = ctx(&inventory);
    let mut s = session(FlowKind::IncidentReport);
    match current_prompt(&s, &ctx) {
        Prompt::Form { steps, .. } => assert_eq!(steps.len(), 5),
        other => panic!("{other:?}"),
    }
    expect_choose(advance(&mut s, answers(INCIDENT_FORM), &ctx), "kind");
    expect_choose(
        advance(&mut s, pick("kind", &["incident"]), &ctx),
        "severity",
    );
    expect_choose(
        advance(&mut s, pick("severity", &["high"]), &ctx),
        "harm_categories",
    );
    expect_choose(
        advance(
            &mut s,
            pick("harm_categories", &["fundamental_rights", "health"]),
            &ctx,
        ),
        "serious",
    );
    expect_choose(
        advance(&mut s, pick("serious", &["fundamental_rights"]), &ctx),
        "organisation_role",
    );
    expect_choose(
        advance(&mut s, pick("organisation_role", &["provider"]), &ctx),
        "aware",
    );
    let Outcome::Next(Prompt::Summary { lines }) =
        advance(&mut s, pick("aware", &["when_it_happened"]), &ctx)
    else {
        panic!("expected the summary")
    };
    assert!(
        lines.contains(&("AI system", "Credit scorer (AIS-2026-0001)".to_owned())),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            "When did it happen?",
            "2026-11-28 09:15 (Europe/Berlin CET)".to_owned()
        )),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            "What was harmed or put at risk?",
            "Health, Fundamental rights".to_owned()
        )),
        "{lines:?}"
    );

    let Outcome::Done(Completion::Create(Record::Incident(incident))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!("expected an incident")
    };
    assert_eq!(s.status, SessionStatus::Completed);
    assert_eq!(
        incident.ai_system,
        crate::records::incident::AiSystemRef::Registered("AIS-2026-0001".parse().unwrap())
    );
    assert_eq!(
        incident.occurred_at.to_canonical(),
        "2026-11-28T08:15:00.000000Z"
    );
    assert_eq!(incident.aware_at, incident.occurred_at);
    assert!(
        incident.what_happened.as_str().contains("@everyone <@&42>"),
        "stored verbatim"
    );
    assert_eq!(incident.status, IncidentStatus::Open);
    assert_eq!(incident.deadlines.len(), 1);
    assert_eq!(incident.deadlines[0].article, "Art. 73(2)");
    assert_eq!(
        incident.deadlines[0].due_at.to_canonical(),
        "2026-12-13T08:15:00.000000Z"
    );
    assert!(
        matches!(advance(&mut s, Input::Confirm, &ctx), Outcome::Closed(_)),
        "confirming twice does nothing"
    );
}

#[test]
fn the_awareness_question_is_asked_only_for_serious_incidents() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    for (key, value) in [
        ("kind", "near_miss"),
        ("severity", "low"),
        ("harm_categories", "none"),
        ("serious", "not_serious"),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let Outcome::Next(Prompt::Summary { .. }) =
        advance(&mut s, pick("organisation_role", &["deployer"]), &ctx)
    else {
        panic!("no awareness question for a non-serious incident")
    };
    let Outcome::Done(Completion::Create(Record::Incident(incident))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert!(incident.deadlines.is_empty());
    assert!(incident.harm_categories.is_empty());
    assert_eq!(
        incident.ai_system,
        crate::records::incident::AiSystemRef::Unregistered(
            crate::text::Label::new("credit scorer").unwrap()
        )
    );
}

#[test]
fn refused_answers_say_why_and_keep_everything_typed() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    let long_title = "t".repeat(5000);
    let outcome = advance(
        &mut s,
        answers(&[
            ("ai_system", "chatbot"),
            ("title", &long_title),
            ("what_happened", "  "),
            ("occurred_at", "2026-12-24 18:00"),
            ("affected_parties", "customers"),
        ]),
        &ctx,
    );
    let Outcome::Invalid { problems, retry } = outcome else {
        panic!("{outcome:?}")
    };
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 3, "{messages:?}");
    assert!(
        messages[0].starts_with("title:")
            && messages[0].contains("at most 200 characters (got 5000)"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("\"What happened?\" is required"),
        "{messages:?}"
    );
    assert!(messages[2].contains("in the future"), "{messages:?}");
    let Prompt::Form { prefill, .. } = retry else {
        panic!("the form again")
    };
    assert_eq!(
        prefill.get("title"),
        Some(&long_title),
        "what was typed is kept, even when refused"
    );
    assert_eq!(
        prefill.get("affected_parties").map(String::as_str),
        Some("customers")
    );
    assert_eq!(
        s.answers.get("ai_system"),
        Some(&Answer::One("chatbot".into())),
        "valid answers are kept"
    );
}

#[test]
fn an_unknown_ai_system_is_refused_when_registration_is_required() {
    let inventory = inventory();
    let mut ctx = ctx(&inventory);
    ctx.require_registered_system = true;
    let mut s = session(FlowKind::IncidentReport);
    let mut form = INCIDENT_FORM.to_vec();
    form[0] = ("ai_system", "Mystery model");
    let Outcome::Invalid { problems, .. } = advance(&mut s, answers(&form), &ctx) else {
        panic!()
    };
    assert_eq!(problems[0].field, "ai_system");
    assert!(
        problems[0]
            .message
            .contains("not in this server's AI system inventory")
            && problems[0].message.contains("Credit scorer"),
        "{}",
        problems[0]
    );
    let Outcome::Invalid { problems, .. } =
        advance(&mut s, answers(&[("ai_system", "AIS-2026-0042")]), &ctx)
    else {
        panic!()
    };
    assert!(
        problems[0].message.contains("no AI system AIS-2026-0042"),
        "{}",
        problems[0]
    );
}

#[test]
fn picked_answers_must_be_offered_and_exclusive_ones_stand_alone() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    let Outcome::Invalid { problems, .. } = advance(&mut s, pick("kind", &["catastrophe"]), &ctx)
    else {
        panic!()
    };
    assert!(
        problems[0]
            .message
            .contains("not one of the answers offered")
    );
    for (key, value) in [
        ("kind", "incident"),
        ("severity", "low"),
        ("harm_categories", "other"),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let Outcome::Invalid { problems, .. } =
        advance(&mut s, pick("serious", &["death", "not_serious"]), &ctx)
    else {
        panic!()
    };
    assert!(
        problems[0].message.contains("cannot be combined"),
        "{}",
        problems[0]
    );
}

#[test]
fn edit_reopens_the_form_prefilled_and_change_choices_asks_again() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    advance(&mut s, pick("kind", &["hazard"]), &ctx);
    let Outcome::Next(Prompt::Form { prefill, steps }) = advance(&mut s, Input::Edit, &ctx) else {
        panic!()
    };
    assert_eq!(steps.len(), 5);
    assert_eq!(
        prefill.get("title").map(String::as_str),
        Some("Refused every applicant over 60")
    );
    expect_choose(
        advance(
            &mut s,
            answers(&[("title", "Refused applicants over 60")]),
            &ctx,
        ),
        "severity",
    );
    expect_choose(advance(&mut s, Input::ChangeChoices, &ctx), "kind");
}

#[test]
fn an_expired_session_records_nothing() {
    let inventory = inventory();
    let mut ctx = ctx(&inventory);
    let mut s = session(FlowKind::IncidentReport);
    ctx.now = now().plus(chrono::Duration::hours(25));
    let Outcome::Closed(message) = advance(&mut s, answers(INCIDENT_FORM), &ctx) else {
        panic!()
    };
    assert!(
        message.contains("expired") && message.contains("nothing was recorded"),
        "{message}"
    );
    assert!(s.drafts.is_empty());
}

#[test]
fn an_anonymous_concern_stores_no_identity() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::Concern);
    let Outcome::Next(Prompt::Form { steps, .. }) =
        advance(&mut s, pick("anonymity", &[ANONYMOUS]), &ctx)
    else {
        panic!()
    };
    assert_eq!(
        steps.iter().map(|s| s.key).collect::<Vec<_>>(),
        ["title", "concern", "ai_system"]
    );
    advance(
        &mut s,
        answers(&[
            ("title", "Screening bias"),
            ("concern", "Older applicants rejected"),
            ("ai_system", ""),
        ]),
        &ctx,
    );
    let Outcome::Done(Completion::Create(Record::Concern(concern))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert_eq!(concern.reporter, None);
    assert!(concern.handle_matches("k7qm 2xpd 9wrt"));
    let body = serde_json::to_string(&concern).unwrap();
    assert!(!body.contains("3000") && !body.contains("alice"), "{body}");
}

#[test]
fn an_override_takes_its_context_and_a_declined_attestation_needs_a_reason() {
    let inventory = inventory();
    let ctx = ctx(&inventory);
    let mut s = session(FlowKind::HumanOverride)
        .with_context(context::LINKED_INCIDENT, "INC-2026-0003")
        .with_context(context::CONFIDENCE, "0.91");
    advance(
        &mut s,
        answers(&[
            ("ai_system", "AIS-2026-0001"),
            ("case_reference", "loan 8812"),
            ("ai_output", "Refuse"),
            ("final_decision", "Approve"),
            ("reason", "Income ignored"),
        ]),
        &ctx,
    );
    for (key, value) in [
        ("action", "override"),
        ("reason_category", "missing_context"),
        ("affected_person_informed", "yes"),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let Outcome::Done(Completion::Create(Record::HumanOverride(record))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert_eq!(
        record.linked_incident.map(|r| r.to_string()).as_deref(),
        Some("INC-2026-0003")
    );
    assert_eq!(record.ai_confidence.map(|c| c.value()), Some(0.91));
    assert_eq!(record.overseer.platform, Platform::Discord);

    let mut a =
        session(FlowKind::AttestationAnswer).with_context(context::ATTESTATION, "ATT-2026-0001");
    let Outcome::Next(Prompt::Form { steps, .. }) =
        advance(&mut a, pick("answer", &["decline"]), &ctx)
    else {
        panic!()
    };
    assert_eq!(steps[0].key, "declined_reason");
    let Outcome::Invalid { .. } = advance(&mut a, answers(&[("declined_reason", "")]), &ctx) else {
        panic!()
    };
    advance(
        &mut a,
        answers(&[("declined_reason", "Contradicts our process")]),
        &ctx,
    );
    let Outcome::Done(Completion::Update { reference, change }) =
        advance(&mut a, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert_eq!(reference.kind(), RecordKind::Attestation);
    assert_eq!(change.payload()["changes"]["status"], "declined");
}

#[test]
fn a_refused_optional_answer_is_asked_again() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    let mut form = INCIDENT_FORM.to_vec();
    let long = "a".repeat(4001);
    form[4] = ("affected_parties", &long);
    let Outcome::Invalid { problems, retry } = advance(&mut s, answers(&form), &ctx) else {
        panic!()
    };
    assert_eq!(problems[0].field, "affected_parties");
    let Prompt::Form { steps, .. } = retry else {
        panic!("the form again, not {retry:?}")
    };
    assert!(steps.iter().any(|s| s.key == "affected_parties"));
    expect_choose(
        advance(&mut s, answers(&[("affected_parties", "")]), &ctx),
        "kind",
    );
}
