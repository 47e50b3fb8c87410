//! Who may do what, checked by the bot on every command: members are refused what needs the
//! compliance role (with a message naming it), compliance can see everything and request
//! attestations from everyone holding a role, and no server sees another server's records.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker, opt};
use aimsbot_tests::harness::{
    Backend, COMPLIANCE_ROLE, Harness, callback, component_ids, guild_with_members,
};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::AttestationStatus;
use aimsbot_workflows::{Actor, EventKind, RecordKind};
use common::{guild, guild_of, records, report_incident, shown, subcommand};
use serde_json::{Value, json};

/// A Discord role whose holders are asked to attest (it grants nothing in aimsbot).
const TRAINED_ROLE: u64 = 1_100_000_000_000_000_310;
const CARLA: u64 = 1_100_000_000_000_000_501;
const DAN: u64 = 1_100_000_000_000_000_502;
const ERIN: u64 = 1_100_000_000_000_000_503;
const FRANK: u64 = 1_100_000_000_000_000_504;
const HELPER_BOT: u64 = 1_100_000_000_000_000_505;
/// Another server, which the bot has never seen.
const OTHER_GUILD: u64 = 1_100_000_000_000_000_900;
const OTHER_CHANNEL: u64 = 1_100_000_000_000_000_901;

/// `scope` is a poise choice: sent as the index of the choice (`mine` 0, `all` 1).
const SCOPE_ALL: i64 = 1;

fn member(user_id: u64, name: &str, roles: &[u64]) -> Invoker {
    Invoker::new(
        fixtures::DEFAULT_GUILD_ID,
        fixtures::DEFAULT_CHANNEL_ID,
        user_id,
        name,
    )
    .with_roles(roles)
}

fn carla() -> Invoker {
    member(CARLA, "carla", &[COMPLIANCE_ROLE])
}

fn frank() -> Invoker {
    member(FRANK, "frank", &[])
}

/// The guild: carla (compliance), dan and erin (trained), frank (no role), and a bot that holds
/// the trained role but cannot attest anything.
async fn bot(backend: Backend) -> Option<Harness> {
    let mut guild = guild_with_members(&[
        (CARLA, "carla", &[COMPLIANCE_ROLE]),
        (DAN, "dan", &[TRAINED_ROLE]),
        (ERIN, "erin", &[TRAINED_ROLE, COMPLIANCE_ROLE]),
        (FRANK, "frank", &[]),
    ]);
    let mut helper = fixtures::member(HELPER_BOT, "helper", &[TRAINED_ROLE]);
    helper["user"] = fixtures::bot_user(HELPER_BOT, "helper");
    guild["members"].as_array_mut().unwrap().push(helper);
    Harness::start_with(backend, "", guild).await
}

fn list_all(invoker: &Invoker) -> Value {
    subcommand(
        invoker,
        "incident",
        "list",
        json!([opt::integer("scope", SCOPE_ALL)]),
    )
}

fn attest_request(invoker: &Invoker) -> Value {
    subcommand(
        invoker,
        "attest",
        "request",
        json!([
            opt::role("role", TRAINED_ROLE),
            opt::string("statement", "I completed the AI literacy training"),
            opt::string("version", "2026-11"),
            opt::integer("valid_for_days", 365),
        ]),
    )
}

fn members_read(h: &Harness) -> usize {
    h.fake
        .calls()
        .iter()
        .filter(|c| {
            c.is(
                "GET",
                &format!("/guilds/{}/members", fixtures::DEFAULT_GUILD_ID),
            )
        })
        .count()
}

async fn a_member_is_refused_what_needs_the_compliance_role(h: Harness) {
    let frank = frank();
    let refusal = h.interact(list_all(&frank)).await;
    assert_eq!(refusal["type"], callback::MESSAGE, "{refusal:#}");
    assert_eq!(refusal["data"]["flags"], 64, "only frank sees it");
    let text = shown(&refusal);
    assert!(
        text.contains("You need the compliance or auditor role to see everyone's records"),
        "{text}"
    );
    assert!(text.contains("your aimsbot roles: member"), "{text}");

    let refusal = h.interact(attest_request(&frank)).await;
    assert_eq!(refusal["type"], callback::MESSAGE, "{refusal:#}");
    let text = shown(&refusal);
    assert!(
        text.contains("You need the compliance role to request attestations"),
        "{text}"
    );
    assert!(
        records(&h, &guild(), RecordKind::Attestation)
            .await
            .is_empty()
    );
    assert_eq!(members_read(&h), 0, "the refused request read no members");
    assert!(
        h.fake
            .messages_in(&fixtures::dm_channel_id(DAN).to_string())
            .is_empty(),
        "and sent nobody anything"
    );

    // What a member may see, they see.
    let own = h
        .interact(subcommand(&frank, "incident", "list", json!([])))
        .await;
    assert!(shown(&own).contains("Your incidents"), "{own:#}");
    h.stop().await;
}

async fn compliance_sees_everyones_incidents_and_requests_attestations(h: Harness) {
    let dan = member(DAN, "dan", &[TRAINED_ROLE]);
    let incident = report_incident(&h, &dan).await;

    let listed = h.interact(list_all(&carla())).await;
    let text = shown(&listed);
    assert!(text.contains("Incidents in this server"), "{text}");
    assert!(
        text.contains(&format!("{incident} Refused every applicant over 60")),
        "{text}"
    );

    let request = attest_request(&carla());
    let reply = h.interact(request.clone()).await;
    assert_eq!(
        reply["deferred"], true,
        "reading members may take longer than Discord's 3 seconds: {reply:#}"
    );
    assert_eq!(reply["data"]["flags"], 64, "ephemeral");
    let text = shown(&reply);
    assert!(
        text.contains("Requested from 2 people holding")
            && text.contains("Each gets a direct message from me shortly"),
        "{text}"
    );

    let attestations = records(&h, &guild(), RecordKind::Attestation).await;
    assert_eq!(attestations.len(), 2, "{attestations:#?}");
    let mut asked: Vec<String> = Vec::new();
    for stored in &attestations {
        let Record::Attestation(attestation) = &stored.record else {
            panic!()
        };
        assert_eq!(attestation.status, AttestationStatus::Pending);
        assert_eq!(
            attestation.statement.text.as_str(),
            "I completed the AI literacy training"
        );
        assert_eq!(attestation.statement.version.as_str(), "2026-11");
        assert!(
            attestation
                .requested_by
                .same_person(&Actor::discord(CARLA, "carla"))
        );
        assert!(text.contains(&stored.reference.to_string()), "{text}");
        let events = h
            .store()
            .record_events(&guild(), &stored.reference)
            .await
            .unwrap();
        assert_eq!(events[0].kind, EventKind::Created);
        assert_eq!(events[0].actor.platform_user_id, CARLA.to_string());
        assert!(
            events[1..]
                .iter()
                .all(|e| e.actor.display_name == "aimsbot delivery"),
            "later, at most the delivery: {events:#?}"
        );
        asked.push(attestation.person.platform_user_id.clone());

        // Each person gets their own attestation by DM, with buttons to answer it.
        let person: u64 = attestation.person.platform_user_id.parse().unwrap();
        let dms = h
            .wait_for_messages(fixtures::dm_channel_id(person), 1)
            .await;
        assert_eq!(dms.len(), 1, "{dms:#?}");
        let dm = &dms[0];
        let dm_text = shown(dm);
        assert!(
            dm_text.contains("Please attest this statement"),
            "{dm_text}"
        );
        assert!(dm_text.contains(&stored.reference.to_string()), "{dm_text}");
        assert!(
            dm_text.contains("I completed the AI literacy training"),
            "{dm_text}"
        );
        let buttons = component_ids(&json!({"data": dm}));
        let prefix = format!(
            "aims:att:{}:{}",
            fixtures::DEFAULT_GUILD_ID,
            stored.reference
        );
        assert_eq!(
            buttons,
            [
                format!("{prefix}:attest"),
                format!("{prefix}:not_yet"),
                format!("{prefix}:decline")
            ]
        );
    }
    asked.sort();
    assert_eq!(
        asked,
        [DAN.to_string(), ERIN.to_string()],
        "only holders of the role"
    );

    // Dan answers in his DM, outside the server: the button says which server and attestation.
    let dan_dm = Invoker::dm(DAN, "dan");
    let dm = h.wait_for_messages(fixtures::dm_channel_id(DAN), 1).await;
    let dans = common::reference_in(&shown(&dm[0]), RecordKind::Attestation);
    // The worker records the delivery right after Discord took the message.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let Record::Attestation(waiting) = common::record(&h, &dans).await.record else {
            panic!()
        };
        if waiting.delivered_at.is_some() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the delivery was never recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let answered = common::click(&h, &dan_dm, &json!({"data": dm[0]}), ":attest").await;
    assert_eq!(answered["type"], callback::UPDATE_MESSAGE, "{answered:#}");
    assert!(
        shown(&answered).contains(&format!("{dans} attested. Thank you.")),
        "{answered:#}"
    );
    let stored = common::record(&h, &dans).await;
    let Record::Attestation(attestation) = &stored.record else {
        panic!()
    };
    assert_eq!(attestation.status, AttestationStatus::Attested);
    // Who was asked and why, when the request reached him, and how long it stays current.
    assert!(
        attestation
            .audience
            .as_ref()
            .is_some_and(|a| a.as_str().starts_with("holders of the role ")),
        "{attestation:?}"
    );
    let delivered = attestation.delivered_at.expect("the delivery is recorded");
    let answered_at = attestation.answered_at.unwrap();
    assert!(delivered <= answered_at, "{attestation:?}");
    assert_eq!(
        attestation.expires(),
        Some(answered_at.plus(chrono::Duration::days(365)))
    );
    let events = common::events(&h, &dans).await;
    assert!(
        events
            .iter()
            .any(|e| e.actor.display_name == "aimsbot delivery"),
        "the delivery is a ledger event of its own: {events:#?}"
    );

    // Dan adds evidence of his competence; the details show person, answer and time.
    let evidence = h
        .interact(subcommand(
            &dan,
            "attest",
            "evidence",
            json!([
                opt::string("reference", &dans.to_string()),
                opt::string("evidence", "AI literacy course passed, 92%"),
            ]),
        ))
        .await;
    let details = shown(&evidence);
    for expected in [
        "Person: dan",
        "Answer: Attested",
        "Answered:",
        "Evidence of competence: AI literacy course passed, 92%",
        "Request delivered:",
        "Current until:",
    ] {
        assert!(details.contains(expected), "{expected} in {details}");
    }
    for nobody in [CARLA, FRANK, HELPER_BOT] {
        assert!(
            h.fake
                .messages_in(&fixtures::dm_channel_id(nobody).to_string())
                .is_empty(),
            "{nobody} holds no such role, or is a bot"
        );
    }
    h.stop().await;
}

async fn an_incident_of_one_server_is_not_found_from_another(h: Harness) {
    let dan = member(DAN, "dan", &[TRAINED_ROLE]);
    let incident = report_incident(&h, &dan).await;
    let show = |invoker: &Invoker| {
        subcommand(
            invoker,
            "incident",
            "show",
            json!([opt::string("reference", &incident.to_string())]),
        )
    };

    // Compliance of the same server sees it.
    let shown_here = h.interact(show(&carla())).await;
    assert!(
        shown(&shown_here).contains("Refused every applicant over 60"),
        "{shown_here:#}"
    );

    // Compliance of another server, and dan himself acting there, do not.
    let olga = Invoker::new(OTHER_GUILD, OTHER_CHANNEL, fixtures::next_id(), "olga")
        .with_roles(&[COMPLIANCE_ROLE]);
    let dan_elsewhere = Invoker::new(OTHER_GUILD, OTHER_CHANNEL, DAN, "dan");
    for invoker in [&olga, &dan_elsewhere] {
        let answer = h.interact(show(invoker)).await;
        let text = shown(&answer);
        assert!(
            text.contains(&format!("{incident} was not found in this server")),
            "{text}"
        );
        assert!(!text.contains("Refused every applicant"), "{text}");
    }
    let listed = h.interact(list_all(&olga)).await;
    let text = shown(&listed);
    assert!(
        text.contains("Incidents in this server") && text.contains("None."),
        "{text}"
    );
    assert!(
        records(&h, &guild_of(OTHER_GUILD), RecordKind::Incident)
            .await
            .is_empty()
    );
    h.stop().await;
}

mod one_server {
    use super::*;

    aimsbot_tests::on_both_backends!(
        harness = bot;
        a_member_is_refused_what_needs_the_compliance_role,
        compliance_sees_everyones_incidents_and_requests_attestations,
    );
}

/// The default server and a second one, each served with its own roles.
async fn two_servers(backend: Backend) -> Option<Harness> {
    let second = format!("[guilds.{OTHER_GUILD}]\ncompliance = [\"{COMPLIANCE_ROLE}\"]\n");
    let mut guild = guild_with_members(&[(DAN, "dan", &[TRAINED_ROLE])]);
    guild["name"] = json!("first server");
    Harness::start_with(backend, &second, guild).await
}

mod two_servers {
    use super::*;

    aimsbot_tests::on_both_backends!(
        harness = two_servers;
        an_incident_of_one_server_is_not_found_from_another,
    );
}
