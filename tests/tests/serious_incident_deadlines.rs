//! EU AI Act reporting clocks end to end for a death (Art. 73(4): 10 days) reported by an
//! organisation that is both provider and deployer (Art. 26(5): inform the provider
//! immediately): due dates in calendar days from awareness, stored, shown to the reporter, posted
//! to the compliance channel and shown by `/incident show`.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{Invoker, opt};
use aimsbot_tests::harness::{COMPLIANCE_CHANNEL, COMPLIANCE_ROLE, Harness};
use aimsbot_workflows::ai_act::Recipient;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::incident::Incident;
use aimsbot_workflows::{RecordKind, Timestamp};
use chrono::{Duration, DurationRound, Utc};
use common::{click, incident_summary, record, reference_in, shown, subcommand};
use serde_json::json;

/// The picks for a death, for an organisation that is provider and deployer; `aware` is
/// `when_it_happened` or `now`.
fn death_picks(aware: &'static [&'static str]) -> [(&'static str, &'static [&'static str]); 6] {
    [
        ("kind", &["incident"]),
        ("severity", &["critical"]),
        ("harm_categories", &["health"]),
        ("serious", &["death"]),
        ("organisation_role", &["both"]),
        ("aware", aware),
    ]
}

/// `<t:UNIX:F>`: how the bot writes an instant so that everyone reads it in their own zone.
fn discord_time(at: Timestamp) -> String {
    format!("<t:{}:F>", at.as_datetime().timestamp())
}

/// Reports a death that happened at `occurred` (typed as the bot suggests, `2026-11-28T13:30Z`)
/// and returns the stored incident and the confirmation text.
async fn report_death(
    h: &Harness,
    alice: &Invoker,
    occurred: &str,
    aware: &'static [&'static str],
) -> (aimsbot_workflows::Reference, Incident, String) {
    let form = [
        ("ai_system", "Triage assistant"),
        ("title", "Patient sent home by the triage assistant died"),
        (
            "what_happened",
            "The assistant rated chest pain as non-urgent; the patient died at home.",
        ),
        ("occurred_at", occurred),
        ("affected_parties", "One patient"),
    ];
    let summary = incident_summary(h, alice, &form, &death_picks(aware)).await;
    let done = click(h, alice, &summary, ":confirm").await;
    let text = shown(&done);
    let reference = reference_in(&text, RecordKind::Incident);
    let Record::Incident(incident) = record(h, &reference).await.record else {
        panic!()
    };
    (reference, incident, text)
}

async fn a_death_known_since_it_happened_is_due_ten_days_after_it(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    // Three days ago, to the minute: the clocks have been running since then.
    let occurred = (Utc::now() - Duration::days(3))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    let typed = occurred.format("%Y-%m-%dT%H:%MZ").to_string();
    let (reference, incident, text) = report_death(&h, &alice, &typed, &["when_it_happened"]).await;

    let aware = Timestamp::from_datetime(occurred);
    assert_eq!(incident.occurred_at, aware, "typed {typed}");
    assert_eq!(incident.aware_at, aware, "aware since it happened");
    let deadlines: Vec<(&str, Recipient, i64, Timestamp)> = incident
        .deadlines
        .iter()
        .map(|d| (d.article.as_str(), d.recipient, d.days, d.due_at))
        .collect();
    let ten_days_on = aware.plus(Duration::days(10));
    assert_eq!(
        deadlines,
        [
            ("Art. 26(5)", Recipient::Provider, 0, aware),
            (
                "Art. 73(4)",
                Recipient::MarketSurveillanceAuthority,
                10,
                ten_days_on
            ),
        ],
        "the death clock replaces the general 15 days of Art. 73(2)"
    );
    let after_report = ten_days_on.as_datetime() - incident.recorded_at.as_datetime();
    assert!(
        after_report <= Duration::days(7)
            && after_report > Duration::days(7) - Duration::minutes(2),
        "counted from awareness three days ago, not from the report: due {after_report} after it"
    );

    let expected = [
        format!(
            "Art. 26(5): inform the provider immediately (then the importer or distributor and the market surveillance authority) — immediately (by {})",
            discord_time(aware)
        ),
        format!(
            "Art. 73(4): report the death of a person to the market surveillance authority — within 10 days, by {}",
            discord_time(ten_days_on)
        ),
    ];
    assert!(
        text.contains("You assessed this as a serious incident"),
        "the reporter's assessment, not a legal finding: {text}"
    );
    for line in &expected {
        assert!(text.contains(line.as_str()), "{line} in {text}");
    }
    assert!(!text.contains("Art. 73(2)"), "{text}");

    let notices = h.wait_for_messages(COMPLIANCE_CHANNEL, 1).await;
    let notice = shown(notices.last().unwrap());
    assert!(notice.contains(&reference.to_string()), "{notice}");
    for line in &expected {
        assert!(notice.contains(line.as_str()), "{line} in {notice}");
    }

    let carla = Invoker::in_default_guild("carla").with_roles(&[COMPLIANCE_ROLE]);
    let shown_later = h
        .interact(subcommand(
            &carla,
            "incident",
            "show",
            json!([opt::string("reference", &reference.to_string())]),
        ))
        .await;
    let details = shown(&shown_later);
    assert!(
        details.contains("Serious-incident assessment: Death of a person"),
        "{details}"
    );
    for line in &expected {
        assert!(details.contains(line.as_str()), "{line} in {details}");
    }
    h.stop().await;
}

async fn a_death_learnt_of_only_now_is_due_ten_days_from_the_report(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let (_, incident, text) = report_death(&h, &alice, "2 days ago", &["now"]).await;
    assert_eq!(incident.aware_at, incident.recorded_at, "aware as reported");
    assert!(incident.occurred_at < incident.aware_at);
    let due: Vec<(&str, Timestamp)> = incident
        .deadlines
        .iter()
        .map(|d| (d.article.as_str(), d.due_at))
        .collect();
    assert_eq!(
        due,
        [
            ("Art. 26(5)", incident.aware_at),
            ("Art. 73(4)", incident.aware_at.plus(Duration::days(10))),
        ]
    );
    assert!(
        text.contains(&format!(
            "within 10 days, by {}",
            discord_time(incident.aware_at.plus(Duration::days(10)))
        )),
        "{text}"
    );
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_death_known_since_it_happened_is_due_ten_days_after_it,
    a_death_learnt_of_only_now_is_due_ten_days_from_the_report,
);
