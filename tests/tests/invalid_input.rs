//! What a person sees when an answer is refused: a message naming the field and the problem,
//! nothing recorded, and a "Fix answers" button that opens the form again with everything they
//! typed (cut to what each input accepts, since Discord refuses longer prefills).

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{
    Backend, Harness, callback, component_ids, guild_with_members, modal_submit_from_message,
};
use aimsbot_workflows::RecordKind;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::incident::AiSystemRef;
use common::{
    INCIDENT_FORM, SERIOUS_PICKS, answer_follow_up, click, fill, guild, modal_id, modal_input,
    modal_inputs, pairs, pick, records, report_command, shown,
};
use serde_json::Value;

/// The incident form with some answers replaced.
/// The first form's answers of [`INCIDENT_FORM`], with `changes`.
fn form_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    INCIDENT_FORM
        .iter()
        .filter(|(key, _)| FIRST_FORM.contains(key))
        .map(|(key, value)| {
            let changed = changes.iter().find(|(k, _)| k == key);
            (*key, changed.map_or(*value, |(_, v)| *v))
        })
        .collect()
}

const FIRST_FORM: &[&str] = &[
    "ai_system",
    "title",
    "what_happened",
    "occurred_at",
    "aware_at",
];

/// Opens `/incident report [system]` and submits its form with `form`; returns the answer.
async fn submit_report(
    h: &Harness,
    alice: &Invoker,
    system: Option<&str>,
    form: &[(&str, &str)],
) -> Value {
    let modal = h.interact(report_command(alice, system)).await;
    h.interact(fixtures::modal_submit(
        alice,
        &modal_id(&modal),
        &pairs(&fill(&modal, form)),
    ))
    .await
}

/// The refusal says what is wrong, keeps what was typed, records nothing, and offers the form
/// again. Returns the "Fix answers" modal.
async fn refused_then_fix(h: &Harness, alice: &Invoker, refusal: &Value, problem: &str) -> Value {
    assert_eq!(refusal["type"], callback::MESSAGE, "{refusal:#}");
    assert_eq!(refusal["data"]["flags"], 64, "ephemeral to the reporter");
    let text = shown(refusal);
    assert!(text.contains("Some answers need fixing"), "{text}");
    assert!(text.contains(problem), "expected {problem:?} in {text}");
    assert!(
        text.contains("Nothing was recorded yet; what you typed is kept."),
        "{text}"
    );
    let buttons: Vec<&str> = refusal["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["Fix answers", "Cancel"]);
    assert!(
        records(h, &guild(), RecordKind::Incident).await.is_empty(),
        "nothing recorded"
    );
    let modal = click(h, alice, refusal, ":next").await;
    assert_eq!(modal["type"], callback::MODAL, "{modal:#}");
    modal
}

/// The other inputs of the form are prefilled exactly as typed.
fn assert_prefilled_except(modal: &Value, typed: &[(&str, &str)], except: &[&str]) {
    let inputs = modal_inputs(modal);
    let keys: Vec<&str> = inputs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, FIRST_FORM);
    for (key, value) in typed.iter().filter(|(k, _)| !except.contains(k)) {
        if let Some((_, prefilled)) = inputs.iter().find(|(k, _)| k == key) {
            assert_eq!(prefilled, value, "{key} is prefilled as typed");
        }
    }
}

async fn a_blank_title_is_refused_and_the_form_comes_back_prefilled(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let typed = form_with(&[("title", "   ")]);
    let refusal = submit_report(&h, &alice, None, &typed).await;
    let modal = refused_then_fix(
        &h,
        &alice,
        &refusal,
        "Short title: is required and cannot be empty",
    )
    .await;
    assert_prefilled_except(&modal, &typed, &["title"]);
    assert!(
        modal_input(&modal, "title")["value"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .is_empty(),
        "{modal:#}"
    );
    assert_eq!(modal_input(&modal, "title")["required"], true);

    // Fixed, the report goes on to the first question.
    let fixed = form_with(&[("title", "Refused every applicant over 60")]);
    let next = h
        .interact(modal_submit_from_message(&alice, &modal_id(&modal), &fixed))
        .await;
    assert_eq!(next["type"], callback::UPDATE_MESSAGE, "{next:#}");
    assert!(shown(&next).contains("What kind of event"), "{next:#}");
    h.stop().await;
}

async fn an_overlong_title_is_refused_with_its_length_and_cut_in_the_prefill(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    // Discord's client stops at the input's max length; a modified client does not.
    let title: String = "A title far too long for any list. "
        .chars()
        .cycle()
        .take(5000)
        .collect();
    let what_happened: String = "0123456789".repeat(500);
    let system: String = "Loan-scorer-".repeat(25);
    let typed = form_with(&[
        ("ai_system", &system),
        ("title", &title),
        ("what_happened", &what_happened),
    ]);
    let refusal = submit_report(&h, &alice, None, &typed).await;
    let text = shown(&refusal);
    assert!(
        text.contains("What happened?: must be at most 4000 characters (got 5000)"),
        "every refused answer is listed: {text}"
    );
    assert!(
        text.contains("AI system: must be at most 200 characters (got 300)"),
        "each names its field: {text}"
    );
    let modal = refused_then_fix(
        &h,
        &alice,
        &refusal,
        "Short title: must be at most 200 characters (got 5000)",
    )
    .await;
    assert_prefilled_except(&modal, &typed, &["ai_system", "title", "what_happened"]);
    let system_input = modal_input(&modal, "ai_system");
    assert_eq!(system_input["max_length"], 200);
    assert_eq!(system_input["value"].as_str().unwrap(), &system[..200]);
    let title_input = modal_input(&modal, "title");
    assert_eq!(title_input["max_length"], 200);
    assert_eq!(
        title_input["value"].as_str().unwrap(),
        title.chars().take(200).collect::<String>(),
        "cut to the input's limit"
    );
    let narrative = modal_input(&modal, "what_happened");
    assert_eq!(narrative["max_length"], 4000);
    assert_eq!(narrative["value"].as_str().unwrap(), &what_happened[..4000]);
    h.stop().await;
}

async fn a_time_in_the_future_is_refused(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let typed = form_with(&[("occurred_at", "2099-01-01 10:00")]);
    let refusal = submit_report(&h, &alice, None, &typed).await;
    let modal = refused_then_fix(
        &h,
        &alice,
        &refusal,
        "`2099-01-01 10:00` is in the future (2099-01-01 10:00 CET); give a time that has already passed",
    )
    .await;
    assert_prefilled_except(&modal, &typed, &[]);
    h.stop().await;
}

async fn every_refusal_keeps_the_valid_answers_and_the_flow_completes(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let refusal = submit_report(
        &h,
        &alice,
        None,
        &form_with(&[("occurred_at", "sometime last week")]),
    )
    .await;
    let modal = refused_then_fix(
        &h,
        &alice,
        &refusal,
        "`sometime last week` is not a date and time I understand; write it like 2026-11-28 14:30 (Europe/Berlin time)",
    )
    .await;
    let mut prompt = h
        .interact(modal_submit_from_message(
            &alice,
            &modal_id(&modal),
            &form_with(&[("occurred_at", "yesterday 09:00")]),
        ))
        .await;
    for (key, values) in SERIOUS_PICKS {
        prompt = pick(&h, &alice, &prompt, key, values).await;
    }
    let prompt = answer_follow_up(&h, &alice, prompt, INCIDENT_FORM).await;
    let done = click(&h, &alice, &prompt, ":confirm").await;
    assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
    let incidents = records(&h, &guild(), RecordKind::Incident).await;
    assert_eq!(incidents.len(), 1);
    let Record::Incident(incident) = &incidents[0].record else {
        panic!()
    };
    assert_eq!(incident.title.as_str(), "Refused every applicant over 60");
    assert_eq!(
        incident.affected_parties.as_ref().map(|a| a.as_str()),
        Some("Applicants aged 60+")
    );
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_blank_title_is_refused_and_the_form_comes_back_prefilled,
    an_overlong_title_is_refused_with_its_length_and_cut_in_the_prefill,
    a_time_in_the_future_is_refused,
    every_refusal_keeps_the_valid_answers_and_the_flow_completes,
);

/// With `require_registered_ai_system = true`, only systems in the inventory are accepted.
mod registered_only {
    use super::*;

    async fn bot(backend: Backend) -> Option<Harness> {
        Harness::start_with(
            backend,
            "require_registered_ai_system = true",
            guild_with_members(&[]),
        )
        .await
    }

    async fn an_unknown_ai_system_is_refused_with_the_registered_ones(h: Harness) {
        let alice = Invoker::in_default_guild("alice");
        let system = common::register_system(&h, "Credit scorer", &alice).await;
        let typed = INCIDENT_FORM.to_vec();
        let refusal = submit_report(&h, &alice, Some("Loan scorer"), &typed).await;
        let text = shown(&refusal);
        assert!(
            text.contains("Registered: Credit scorer.")
                && text.contains("Register it with /aisystem register first"),
            "{text}"
        );
        let modal = refused_then_fix(
            &h,
            &alice,
            &refusal,
            "`Loan scorer` is not in this server's AI system inventory, and only registered systems are accepted here",
        )
        .await;
        assert_prefilled_except(&modal, &typed, &[]);

        // The registered name, in any case, is accepted and stored as the system's reference.
        let fixed = form_with(&[("ai_system", "credit SCORER")]);
        let mut prompt = h
            .interact(modal_submit_from_message(&alice, &modal_id(&modal), &fixed))
            .await;
        assert!(shown(&prompt).contains("What kind of event"), "{prompt:#}");
        for (key, values) in SERIOUS_PICKS {
            prompt = pick(&h, &alice, &prompt, key, values).await;
        }
        let prompt = answer_follow_up(&h, &alice, prompt, INCIDENT_FORM).await;
        assert!(
            shown(&prompt).contains(&format!("Credit scorer ({system})")),
            "{prompt:#}"
        );
        assert!(
            component_ids(&prompt)
                .iter()
                .any(|id| id.ends_with(":confirm"))
        );
        let done = click(&h, &alice, &prompt, ":confirm").await;
        assert!(shown(&done).contains("Recorded as INC-"), "{done:#}");
        let incidents = records(&h, &guild(), RecordKind::Incident).await;
        let Record::Incident(incident) = &incidents[0].record else {
            panic!()
        };
        assert_eq!(incident.ai_system, AiSystemRef::Registered(system));
        h.stop().await;
    }

    aimsbot_tests::on_both_backends!(
        harness = bot;
        an_unknown_ai_system_is_refused_with_the_registered_ones
    );
}
