//! The engine through whole flows: happy paths, every refusal, conditions, edits, expiry.

use std::sync::LazyLock;

use super::definitions::all;
use super::keys::{context, values::ANONYMOUS};
use super::*;
use crate::ai_act::{DATES_OF_APPLICATION, HighRiskKind, MemberState, RiskScope};
use crate::records::Record;
use crate::records::human_override::{OutputTookEffect, OverseerAuthority};
use crate::records::incident::IncidentStatus;
use crate::testing::person;
use crate::{Actor, GuildId, Platform, RecordKind, Timestamp};

static ALICE: LazyLock<Actor> = LazyLock::new(|| person(3000, "alice"));

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
        actor: &ALICE,
        inventory,
        inventory_is_partial: false,
        require_registered_system: false,
    }
}

fn session(kind: FlowKind) -> Session {
    Session::new(
        "5001",
        kind,
        GuildId::new("2000").unwrap(),
        SessionOwner::Person(ALICE.clone()),
        now(),
        chrono::Duration::hours(24),
    )
    .with_context(context::FOLLOW_UP_HANDLE, "K7QM-2XPD-9WRT")
}

/// The keys a form asks, in order.
fn form_keys(prompt: &Prompt) -> Vec<&'static str> {
    match prompt {
        Prompt::Form { fields } => fields.iter().map(|f| f.step.key).collect(),
        other => panic!("expected a form, got {other:?}"),
    }
}

/// What a form shows in one field before anything is typed.
fn prefill<'p>(prompt: &'p Prompt, key: &str) -> Option<&'p str> {
    match prompt {
        Prompt::Form { fields } => fields
            .iter()
            .find(|f| f.step.key == key)
            .and_then(|f| f.prefill.as_deref()),
        other => panic!("expected a form, got {other:?}"),
    }
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
    ("aware_at", "2026-11-28 10:00"),
];

fn expect_choose(outcome: Outcome, key: &str) {
    match outcome {
        Outcome::Next(Prompt::Choose { choices, .. }) => assert!(
            choices
                .iter()
                .any(|c| c.step.key == key && c.chosen.is_empty()),
            "{key} not asked among {choices:?}"
        ),
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
        for page in engine::pages(&session(flow.kind)) {
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
fn an_incident_report_runs_from_form_to_record_with_its_clocks() {
    let inventory = inventory();
    let ctx = ctx(&inventory);
    let mut s = session(FlowKind::IncidentReport);
    assert_eq!(form_keys(&current_prompt(&s, &ctx)).len(), 5);
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
    // What only a serious incident needs comes on one more form; the Member States only for
    // an infringement of fundamental rights.
    let follow_up = advance(&mut s, pick("organisation_role", &["provider"]), &ctx);
    let Outcome::Next(prompt) = follow_up else {
        panic!("expected the serious-incident form, got {follow_up:?}")
    };
    assert_eq!(
        form_keys(&prompt),
        ["affected_parties", "causal_link_at", "member_states"]
    );
    let refused = advance(&mut s, answers(&[("member_states", "DE, UK")]), &ctx);
    let Outcome::Invalid { problems, .. } = refused else {
        panic!("UK is not a Member State: {refused:?}")
    };
    assert!(problems[0].to_string().contains("`UK`"), "{problems:?}");
    let outcome = advance(
        &mut s,
        answers(&[
            ("affected_parties", "Applicants aged 60 and over"),
            ("causal_link_at", "2026-11-28 10:30"),
            ("member_states", "fr, DE"),
        ]),
        &ctx,
    );
    let Outcome::Next(Prompt::Summary { lines }) = outcome else {
        panic!("expected the summary, got {outcome:?}")
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
    assert_eq!(
        incident.aware_at.to_canonical(),
        "2026-11-28T09:00:00.000000Z"
    );
    assert_eq!(
        incident.causal_link_at.map(|t| t.to_canonical()).as_deref(),
        Some("2026-11-28T09:30:00.000000Z")
    );
    assert_eq!(incident.member_states, [MemberState::FR, MemberState::DE]);
    assert!(
        incident.what_happened.as_str().contains("@everyone <@&42>"),
        "stored verbatim"
    );
    assert_eq!(incident.status, IncidentStatus::Open);
    // Aware in 2026, before Annex III applies: the same day count, as an internal target.
    let clocks = incident.clocks(
        RiskScope::HighRisk(HighRiskKind::AnnexIii),
        DATES_OF_APPLICATION,
    );
    // Two Member States: treated as widespread, so two days.
    assert_eq!(clocks.deadlines.len(), 1);
    assert_eq!(clocks.deadlines[0].article, "Art. 73(3)");
    assert_eq!(
        clocks.deadlines[0].due_at.to_canonical(),
        "2026-11-30T09:00:00.000000Z",
        "from awareness, not from when it happened or was confirmed"
    );
    assert!(
        clocks
            .internal_because
            .is_some_and(|why| why.contains("2 December 2027")),
        "not yet a legal deadline"
    );
    assert!(
        matches!(advance(&mut s, Input::Confirm, &ctx), Outcome::Closed(_)),
        "confirming twice does nothing"
    );
}

#[test]
fn the_serious_incident_form_is_asked_only_for_serious_incidents() {
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
        panic!("no serious-incident form for a non-serious incident")
    };
    let Outcome::Done(Completion::Create(Record::Incident(incident))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert!(
        incident
            .clocks(RiskScope::Unclassified, DATES_OF_APPLICATION)
            .deadlines
            .is_empty()
    );
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
            ("aware_at", "2026-11-28 10:00"),
        ]),
        &ctx,
    );
    let Outcome::Invalid { problems, retry } = outcome else {
        panic!("{outcome:?}")
    };
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 3, "{messages:?}");
    assert_eq!(
        problems.iter().map(|p| p.question).collect::<Vec<_>>(),
        [
            Some("Short title"),
            Some("What happened?"),
            Some("When did it happen?")
        ],
        "each problem names its question"
    );
    assert!(
        messages[0].contains("at most 200 characters (got 5000)"),
        "{messages:?}"
    );
    assert!(messages[1].contains("is required"), "{messages:?}");
    assert!(messages[2].contains("in the future"), "{messages:?}");
    assert_eq!(
        prefill(&retry, "title"),
        Some(long_title.as_str()),
        "what was typed is kept, even when refused"
    );
    assert_eq!(prefill(&retry, "aware_at"), Some("2026-11-28 10:00"));
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
    assert_eq!(problems[0].key, "ai_system");
    assert_eq!(problems[0].question, Some("AI system"));
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
    let Outcome::Next(form) = advance(&mut s, Input::Edit, &ctx) else {
        panic!()
    };
    assert_eq!(form_keys(&form).len(), 5);
    assert_eq!(
        prefill(&form, "title"),
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
    let outcome = advance(&mut s, answers(INCIDENT_FORM), &ctx);
    assert_eq!(outcome, Outcome::Closed(Closed::Expired(s.expires_at)));
    assert!(s.drafts.is_empty());
}

#[test]
fn an_anonymous_concern_stores_no_identity() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::Concern);
    let Outcome::Next(form) = advance(&mut s, pick("anonymity", &[ANONYMOUS]), &ctx) else {
        panic!()
    };
    assert_eq!(form_keys(&form), ["title", "concern", "ai_system"]);
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
        ("output_took_effect", "no"),
        ("authority", "assigned"),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    // Told the affected person: when and how is asked, with the time of the intervention.
    let Outcome::Next(prompt) = advance(&mut s, pick("affected_person_informed", &["yes"]), &ctx)
    else {
        panic!()
    };
    assert_eq!(
        form_keys(&prompt),
        [
            "intervened_at",
            "system_version",
            "log_reference",
            "affected_person_told"
        ]
    );
    advance(
        &mut s,
        answers(&[
            ("intervened_at", "2026-11-28 08:00"),
            ("system_version", "4.2.1"),
            ("log_reference", ""),
            ("affected_person_told", "By phone the same day"),
        ]),
        &ctx,
    );
    let Outcome::Done(Completion::Create(Record::HumanOverride(record))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!()
    };
    assert_eq!(
        record.intervened_at.map(|t| t.to_canonical()).as_deref(),
        Some("2026-11-28T07:00:00.000000Z"),
        "the time of the intervention, not of logging"
    );
    assert_eq!(record.authority, Some(OverseerAuthority::Assigned));
    assert_eq!(record.output_took_effect, Some(OutputTookEffect::No));
    assert_eq!(
        record.system_version.as_ref().map(|v| v.as_str()),
        Some("4.2.1")
    );
    assert_eq!(record.log_reference, None);
    assert_eq!(
        record.linked_incident.map(|r| r.to_string()).as_deref(),
        Some("INC-2026-0003")
    );
    assert_eq!(record.ai_confidence.map(|c| c.value()), Some(0.91));
    assert_eq!(record.overseer.platform, Platform::Discord);

    let mut a =
        session(FlowKind::AttestationAnswer).with_context(context::ATTESTATION, "ATT-2026-0001");
    let Outcome::Next(form) = advance(&mut a, pick("answer", &["decline"]), &ctx) else {
        panic!()
    };
    assert_eq!(form_keys(&form), ["declined_reason"]);
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
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    for (key, value) in [
        ("kind", "incident"),
        ("severity", "high"),
        ("harm_categories", "health"),
        ("serious", "serious_health_harm"),
        ("organisation_role", "provider"),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let long = "a".repeat(4001);
    let Outcome::Invalid { problems, retry } = advance(
        &mut s,
        answers(&[("affected_parties", &long), ("causal_link_at", "")]),
        &ctx,
    ) else {
        panic!()
    };
    assert_eq!(problems[0].key, "affected_parties");
    assert!(form_keys(&retry).contains(&"affected_parties"));
    assert!(matches!(
        advance(&mut s, answers(&[("affected_parties", "")]), &ctx),
        Outcome::Next(Prompt::Summary { .. })
    ));
}

#[test]
fn a_high_risk_system_is_asked_where_a_person_can_intervene_as_a_required_question() {
    let ctx = ctx(&[]);
    let register = |risk_class: &str| {
        let mut s = session(FlowKind::AiSystemRegistration);
        advance(
            &mut s,
            answers(&[
                ("name", "Credit scorer"),
                ("purpose", "Scores loan applications"),
                ("vendor", ""),
                ("model", ""),
            ]),
            &ctx,
        );
        for (key, value) in [
            ("lifecycle_stage", "operation"),
            ("organisation_role", "deployer"),
            ("risk_class", risk_class),
            ("autonomy_level", "human_in_the_loop"),
        ] {
            advance(&mut s, pick(key, &[value]), &ctx);
        }
        let Outcome::Next(Prompt::Form { fields }) =
            advance(&mut s, pick("data_categories", &["financial"]), &ctx)
        else {
            panic!("the oversight question comes after the risk class")
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].step.key, "human_oversight_point");
        (s, fields[0].required)
    };

    let (mut high, required) = register("high_risk_annex_iii");
    assert!(required, "asked as required for a high-risk system");
    let Outcome::Invalid { problems, .. } =
        advance(&mut high, answers(&[("human_oversight_point", " ")]), &ctx)
    else {
        panic!("a blank answer is refused when it applies, not at Confirm")
    };
    assert_eq!(problems[0].question, Some("Where can a person intervene?"));
    advance(
        &mut high,
        answers(&[(
            "human_oversight_point",
            "A credit officer approves every refusal",
        )]),
        &ctx,
    );
    assert!(matches!(
        advance(&mut high, Input::Confirm, &ctx),
        Outcome::Done(Completion::Create(Record::AiSystem(_)))
    ));

    let (mut minimal, required) = register("minimal");
    assert!(!required, "optional otherwise");
    let Outcome::Next(Prompt::Summary { .. }) = advance(
        &mut minimal,
        answers(&[("human_oversight_point", "")]),
        &ctx,
    ) else {
        panic!("left blank, the summary follows")
    };
    assert!(matches!(
        advance(&mut minimal, Input::Confirm, &ctx),
        Outcome::Done(Completion::Create(Record::AiSystem(_)))
    ));
}

#[test]
fn a_near_miss_assessed_serious_is_refused_naming_both_answers_and_asked_again() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    for (key, value) in [
        ("kind", "near_miss"),
        ("severity", "high"),
        ("harm_categories", "health"),
        ("serious", "death"),
        ("organisation_role", "provider"),
        ("affected_parties", ""),
        ("causal_link_at", ""),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let Outcome::Invalid { problems, retry } = advance(&mut s, Input::Confirm, &ctx) else {
        panic!("a near miss cannot be a serious incident")
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = problems[0].to_string();
    assert!(
        problem.starts_with("Serious incident? (EU AI Act Art. 3(49))"),
        "{problem}"
    );
    assert!(
        problem.contains("Death of a person") && problem.contains("Near miss"),
        "names both answers: {problem}"
    );
    assert!(
        matches!(&retry, Prompt::Choose { choices, .. }
            if choices.iter().any(|c| c.step.key == "serious" && c.chosen.is_empty())
                && choices.iter().any(|c| c.step.key == "kind" && c.chosen == ["near_miss"])),
        "the assessment is asked again: {retry:?}"
    );

    // Answering it again, consistently, records the near miss.
    let Outcome::Next(Prompt::Summary { .. }) =
        advance(&mut s, pick("serious", &["not_serious"]), &ctx)
    else {
        panic!("expected the summary")
    };
    let Outcome::Done(Completion::Create(Record::Incident(incident))) =
        advance(&mut s, Input::Confirm, &ctx)
    else {
        panic!("expected the near miss to be recorded")
    };
    assert!(!incident.is_serious());
}

#[test]
fn an_event_that_harmed_nothing_cannot_be_serious() {
    let ctx = ctx(&[]);
    let mut s = session(FlowKind::IncidentReport);
    advance(&mut s, answers(INCIDENT_FORM), &ctx);
    for (key, value) in [
        ("kind", "incident"),
        ("severity", "low"),
        ("harm_categories", "none"),
        ("serious", "property_or_environment"),
        ("organisation_role", "deployer"),
        ("affected_parties", ""),
        ("causal_link_at", ""),
    ] {
        advance(&mut s, pick(key, &[value]), &ctx);
    }
    let Outcome::Invalid { problems, .. } = advance(&mut s, Input::Confirm, &ctx) else {
        panic!("no harm cannot be a serious incident")
    };
    let problem = problems[0].to_string();
    assert!(
        problem.contains("Serious harm to property or the environment")
            && problem.contains("No harm"),
        "{problem}"
    );
}
