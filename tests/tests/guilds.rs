//! Only the servers named in the configuration are served: an interaction from any other is
//! refused with a clear message and writes nothing, the bot leaves a server it is added to that
//! is not listed, and a reply promises the compliance team a notice only where that server has
//! a compliance channel configured.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker};
use aimsbot_tests::harness::{
    Backend, COMPLIANCE_CHANNEL, Harness, callback, guild_with_members, prompt_message,
};
use aimsbot_workflows::RecordKind;
use common::{
    INCIDENT_FORM, SERIOUS_PICKS, guild_of, incident_summary, records, report_command,
    report_serious_incident, shown, subcommand,
};
use serde_json::json;

/// A server aimsbot was never configured for.
const STRANGER_GUILD: u64 = 1_100_000_000_000_000_950;
const STRANGER_CHANNEL: u64 = 1_100_000_000_000_000_951;

async fn an_interaction_from_a_server_that_is_not_configured_is_refused_and_stores_nothing(
    h: Harness,
) {
    let mallory = Invoker::new(
        STRANGER_GUILD,
        STRANGER_CHANNEL,
        fixtures::next_id(),
        "mallory",
    );
    let command = report_command(&mallory, Some("Loan scorer"));
    let session = command["id"].as_str().unwrap().to_owned();
    let answer = h.interact(command).await;
    assert_eq!(
        answer["type"],
        callback::MESSAGE,
        "no form is opened: {answer:#}"
    );
    let text = shown(&answer);
    assert!(
        text.contains("aimsbot does not serve this server")
            && text.contains(&STRANGER_GUILD.to_string())
            && text.contains("nothing was read or recorded"),
        "{text}"
    );
    assert_eq!(answer["data"]["flags"], 64, "ephemeral");
    assert!(h.sessions().session(&session).await.unwrap().is_none());

    // A click on a prompt of this server's, sent from the other server, is refused too.
    let alice = Invoker::in_default_guild("alice");
    let summary = incident_summary(&h, &alice, INCIDENT_FORM, SERIOUS_PICKS).await;
    let confirm_id = aimsbot_tests::harness::id_ending(&summary, ":confirm");
    let from_stranger = h
        .interact(fixtures::component_click(
            &mallory,
            &confirm_id,
            prompt_message(&mallory),
        ))
        .await;
    assert!(
        shown(&from_stranger).contains("aimsbot does not serve this server"),
        "{from_stranger:#}"
    );
    for command in [
        subcommand(&mallory, "concern", "raise", json!([])),
        subcommand(&mallory, "attest", "pending", json!([])),
        subcommand(&mallory, "aisystem", "list", json!([])),
    ] {
        let answer = h.interact(command).await;
        assert!(
            shown(&answer).contains("aimsbot does not serve this server"),
            "{answer:#}"
        );
    }
    assert!(
        records(&h, &guild_of(STRANGER_GUILD), RecordKind::Incident)
            .await
            .is_empty()
    );
    assert!(
        records(&h, &common::guild(), RecordKind::Incident)
            .await
            .is_empty()
    );
    assert!(
        h.store().ledger_rows(0, 10).await.unwrap().is_empty(),
        "nothing written"
    );
    let jobs = h.jobs(None, 10).await;
    assert!(jobs.is_empty(), "no message owed: {jobs:#?}");
    assert!(
        h.fake
            .messages_in(&fixtures::dm_channel_id(mallory.user_id).to_string())
            .is_empty(),
        "no direct message"
    );
    h.stop().await;
}

async fn the_bot_leaves_a_server_it_is_not_configured_for(h: Harness) {
    // Discord sent the stranger server with the others when the bot connected.
    h.fake
        .wait_for(
            "DELETE",
            &format!("/users/@me/guilds/{STRANGER_GUILD}"),
            aimsbot_tests::harness::TIMEOUT,
        )
        .await
        .unwrap();
    assert_eq!(h.fake.left_guilds(), [STRANGER_GUILD.to_string()]);
    h.stop().await;
}

/// The fake knows a second server, which aimsbot is not configured for.
async fn with_a_stranger(backend: Backend) -> Option<Harness> {
    let stranger = fixtures::guild_create(
        STRANGER_GUILD,
        Vec::new(),
        vec![fixtures::text_channel(STRANGER_CHANNEL, "general")],
    );
    Harness::start_with_guilds(backend, "", vec![guild_with_members(&[]), stranger]).await
}

mod stranger {
    use super::*;

    aimsbot_tests::on_both_backends!(
        harness = with_a_stranger;
        the_bot_leaves_a_server_it_is_not_configured_for,
    );
}

aimsbot_tests::on_both_backends!(
    an_interaction_from_a_server_that_is_not_configured_is_refused_and_stores_nothing,
);

/// The default server served with a table of its own that names no compliance channel.
async fn no_compliance_channel(backend: Backend) -> Option<Harness> {
    let table = format!("[guilds.{}]\n", fixtures::DEFAULT_GUILD_ID);
    Harness::start_with(backend, &table, guild_with_members(&[])).await
}

async fn without_a_compliance_channel_nobody_is_promised_a_notice(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let (text, reference) = report_serious_incident(&h, &alice).await;
    assert!(
        text.contains("No compliance channel is configured for this server")
            && text.contains(&format!("tell your compliance team about {reference}")),
        "{text}"
    );
    assert!(!text.contains("will be notified"), "{text}");
    let jobs = h.jobs(None, 10).await;
    assert!(jobs.is_empty(), "no notice owed: {jobs:#?}");
    assert!(
        h.fake
            .messages_in(&COMPLIANCE_CHANNEL.to_string())
            .is_empty()
    );
    h.stop().await;
}

mod unannounced {
    use super::*;

    aimsbot_tests::on_both_backends!(
        harness = no_compliance_channel;
        without_a_compliance_channel_nobody_is_promised_a_notice,
    );
}
