//! The serious-incident lifecycle end to end (EU AI Act Art. 3(49), 73, 26(5)): the reporter's
//! first assessment, the compliance role's confirmation or revision with its reason in the
//! ledger, the clocks that follow it from the stated awareness time, the compliance channel
//! told, and the initial and complete reports that stop the clocks and show in the timeline.
//!
//! The bot runs on a clock in November 2028, after the high-risk dates of application, so the
//! deadlines are the law's; an AI system that is not in the inventory is treated as high-risk.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use aimsbot_tests::fixtures::{Invoker, opt};
use aimsbot_tests::harness::{COMPLIANCE_CHANNEL, COMPLIANCE_ROLE, Harness};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::incident::{Incident, IncidentStatus};
use aimsbot_workflows::time::ManualClock;
use aimsbot_workflows::{RecordKind, Reference, Timestamp};
use chrono::Duration;
use common::{click, incident_summary, record, reference_in, shown, subcommand};
use serde_json::Value;

/// The index poise gives each `/incident reported` stage.
const INITIAL_REPORT: i64 = 2;
const COMPLETE_REPORT: i64 = 3;

/// Typed in the prompt's zone (Europe/Berlin, UTC+1 in November).
const FORM: &[(&str, &str)] = &[
    ("ai_system", "Triage assistant"),
    ("title", "Patient sent home by the triage assistant"),
    (
        "what_happened",
        "The assistant rated chest pain as non-urgent and the patient was sent home.",
    ),
    ("occurred_at", "2028-11-17 09:00"),
    ("aware_at", "2028-11-18 08:30"),
];

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `<t:UNIX:F>`: how the bot writes an instant so that everyone reads it in their own zone.
fn discord_time(at: Timestamp) -> String {
    format!("<t:{}:F>", at.as_datetime().timestamp())
}

async fn on_clock(mut h: Harness, now: &str) -> (Harness, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(now)));
    h.stop_bot().await;
    h.use_clock(clock.clone());
    h.start_bot().await;
    (h, clock)
}

async fn incident(h: &Harness, reference: &Reference) -> Incident {
    let Record::Incident(incident) = record(h, reference).await.record else {
        panic!("{reference} is not an incident")
    };
    incident
}

/// Reports an incident with `form` and `picks` and confirms it: its reference and the reply.
async fn report(
    h: &Harness,
    reporter: &Invoker,
    form: &[(&str, &str)],
    picks: &[(&str, &[&str])],
) -> (Reference, String) {
    let summary = incident_summary(h, reporter, form, picks).await;
    let done = shown(&click(h, reporter, &summary, ":confirm").await);
    (reference_in(&done, RecordKind::Incident), done)
}

/// `/incident SUB reference:REF …options`, as shown to `invoker`.
async fn on_incident(
    h: &Harness,
    invoker: &Invoker,
    sub: &str,
    reference: &Reference,
    options: &[Value],
) -> String {
    let mut all = vec![opt::string("reference", &reference.to_string())];
    all.extend_from_slice(options);
    shown(
        &h.interact(subcommand(invoker, "incident", sub, Value::Array(all)))
            .await,
    )
}

async fn a_not_serious_report_confirmed_serious_by_compliance_runs_from_awareness_until_reported(
    h: Harness,
) {
    let (h, clock) = on_clock(h, "2028-11-20T10:00:00Z").await;
    let alice = Invoker::in_default_guild("alice");
    let carla = Invoker::in_default_guild("carla").with_roles(&[COMPLIANCE_ROLE]);

    // Alice judges it not serious: no deadline, nothing more asked.
    let picks: &[(&str, &[&str])] = &[
        ("kind", &["incident"]),
        ("severity", &["high"]),
        ("harm_categories", &["health"]),
        ("serious", &["not_serious"]),
        ("organisation_role", &["provider"]),
    ];
    let (reference, done) = report(&h, &alice, FORM, picks).await;
    assert!(!done.contains("Art. 73"), "{done}");
    let aware = at("2028-11-18T07:30:00Z");
    assert_eq!(incident(&h, &reference).await.aware_at, aware);
    let new_incident = h.wait_for_messages(COMPLIANCE_CHANNEL, 1).await;
    assert!(shown(new_incident.last().unwrap()).contains(&reference.to_string()));

    // A member cannot make the legal judgement.
    let refused = on_incident(
        &h,
        &alice,
        "assess",
        &reference,
        &[
            opt::string("serious", "death"),
            opt::string("reason", "I think so"),
        ],
    )
    .await;
    assert!(refused.contains("compliance"), "{refused}");

    // Two days later compliance learns the patient died, and revises the assessment.
    clock.advance(Duration::days(2));
    let assessed = on_incident(
        &h,
        &carla,
        "assess",
        &reference,
        &[
            opt::string("serious", "death"),
            opt::string("reason", "The hospital confirmed the patient died at home."),
            opt::string("causal_link", "2028-11-19 15:00"),
        ],
    )
    .await;
    let ten_days = aware.plus(Duration::days(10));
    let death_line = format!(
        "Art. 73(4): report the death of a person to the market surveillance authority — \
         immediately: the causal link was established or suspected on {}, and at the latest \
         within 10 days, by {}.",
        discord_time(at("2028-11-19T14:00:00Z")),
        discord_time(ten_days)
    );
    assert!(
        assessed.contains("revised by compliance") && assessed.contains("Death of a person"),
        "{assessed}"
    );
    assert!(
        assessed.contains(&format!("{death_line} ⌛ open")),
        "counted from awareness, not from the assessment: {assessed}"
    );
    assert!(assessed.contains("Reporting deadlines"), "{assessed}");
    assert!(!assessed.contains("Internal targets"), "{assessed}");
    let stored = incident(&h, &reference).await;
    let assessment = stored.assessment.as_ref().unwrap();
    assert_eq!(
        assessment.decided_by.platform_user_id,
        carla.user_id.to_string()
    );
    assert_eq!(assessment.stage.as_str(), "revised");

    // The compliance channel is told.
    let notices = h.wait_for_messages(COMPLIANCE_CHANNEL, 2).await;
    let notice = shown(notices.last().unwrap());
    assert!(
        notice.contains(&reference.to_string())
            && notice.contains("revised by compliance by carla")
            && notice.contains(&death_line),
        "{notice}"
    );

    // The initial report stops the clock; the complete one follows.
    let reported = on_incident(
        &h,
        &carla,
        "reported",
        &reference,
        &[
            opt::integer("stage", INITIAL_REPORT),
            opt::string("when", "2028-11-22 10:00"),
            opt::string("authority", "Bundesnetzagentur"),
            opt::string("member_states", "de"),
            opt::string("report_reference", "BNetzA-2028-117"),
        ],
    )
    .await;
    assert!(
        reported.contains(&format!(
            "{death_line} ✅ met on {}",
            discord_time(at("2028-11-22T09:00:00Z"))
        )),
        "{reported}"
    );
    assert_eq!(
        incident(&h, &reference).await.status,
        IncidentStatus::Reported
    );
    let missing = on_incident(
        &h,
        &carla,
        "reported",
        &reference,
        &[
            opt::integer("stage", COMPLETE_REPORT),
            opt::string("authority", "Bundesnetzagentur"),
        ],
    )
    .await;
    assert!(
        missing.contains("member_states") && missing.contains("is required"),
        "{missing}"
    );
    on_incident(
        &h,
        &carla,
        "reported",
        &reference,
        &[
            opt::integer("stage", COMPLETE_REPORT),
            opt::string("authority", "Bundesnetzagentur"),
            opt::string("member_states", "DE"),
            opt::string("report_reference", "BNetzA-2028-117-final"),
        ],
    )
    .await;

    let details = on_incident(&h, &carla, "show", &reference, &[]).await;
    for expected in [
        "serious-incident assessment revised by compliance: Death of a person",
        "(reason: The hospital confirmed the patient died at home.)",
        "initial report: ",
        "to Bundesnetzagentur (DE), reference BNetzA-2028-117",
        "complete report: ",
        "reference BNetzA-2028-117-final",
        "status reported",
    ] {
        assert!(details.contains(expected), "{expected} in {details}");
    }
    h.stop().await;
}

async fn a_deployer_informs_the_provider_and_reports_itself_when_the_provider_cannot_be_reached(
    h: Harness,
) {
    let (h, _clock) = on_clock(h, "2028-11-20T10:00:00Z").await;
    let alice = Invoker::in_default_guild("alice");
    let carla = Invoker::in_default_guild("carla").with_roles(&[COMPLIANCE_ROLE]);
    let mut form = FORM.to_vec();
    form.push(("affected_parties", "One patient"));
    let picks: &[(&str, &[&str])] = &[
        ("kind", &["incident"]),
        ("severity", &["critical"]),
        ("harm_categories", &["health"]),
        ("serious", &["serious_health_harm"]),
        ("organisation_role", &["deployer"]),
    ];
    let (reference, done) = report(&h, &alice, &form, picks).await;
    assert!(
        done.contains("Art. 26(5): inform the provider immediately")
            && !done.contains("Art. 73(2)"),
        "a deployer informs the provider first: {done}"
    );

    let unreachable = on_incident(
        &h,
        &carla,
        "reported",
        &reference,
        &[
            opt::integer("stage", 1),
            opt::string("when", "2028-11-19 12:00"),
        ],
    )
    .await;
    assert!(
        unreachable.contains("Art. 26(5), Art. 73(2):")
            && unreachable.contains("the provider could not be reached"),
        "Art. 73 applies to the deployer: {unreachable}"
    );
    h.stop().await;
}

/// A report filed as a near miss that did harm: compliance corrects the kind with the
/// assessment, in one event; without the correction the assessment is refused.
async fn compliance_corrects_a_near_miss_that_did_harm(h: Harness) {
    let (h, _clock) = on_clock(h, "2028-11-20T10:00:00Z").await;
    let alice = Invoker::in_default_guild("alice");
    let carla = Invoker::in_default_guild("carla").with_roles(&[COMPLIANCE_ROLE]);
    let picks: &[(&str, &[&str])] = &[
        ("kind", &["near_miss"]),
        ("severity", &["high"]),
        ("harm_categories", &["health"]),
        ("serious", &["not_serious"]),
        ("organisation_role", &["provider"]),
    ];
    let (reference, _) = report(&h, &alice, FORM, picks).await;
    let serious = [
        opt::string("serious", "serious_health_harm"),
        opt::string("reason", "The patient was harmed after all."),
    ];
    let refused = on_incident(&h, &carla, "assess", &reference, &serious).await;
    assert!(
        refused.contains("Near miss") && refused.contains("Serious harm to a person's health"),
        "{refused}"
    );
    let mut corrected = serious.to_vec();
    corrected.push(opt::string("kind", "incident"));
    let assessed = on_incident(&h, &carla, "assess", &reference, &corrected).await;
    assert!(assessed.contains("Art. 73(2)"), "{assessed}");
    assert_eq!(incident(&h, &reference).await.kind.as_str(), "incident");
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    compliance_corrects_a_near_miss_that_did_harm,
    a_not_serious_report_confirmed_serious_by_compliance_runs_from_awareness_until_reported,
    a_deployer_informs_the_provider_and_reports_itself_when_the_provider_cannot_be_reached,
);
