//! Helpers the end-to-end test files share: driving a guided prompt (modal, picks, confirm),
//! reading what a person sees, and looking records up in the database.

#![allow(dead_code, clippy::unwrap_used)] // each test file uses some of these

use aimsbot_tests::fixtures::{self, Invoker, opt};
use aimsbot_tests::harness::{
    Harness, TIMEOUT, callback, id_ending, modal_submit_from_message, prompt_message,
};
use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::{GuildId, LedgerEvent, RecordKind, Reference, StoredRecord};
use serde_json::{Value, json};

/// The default guild as a tenant id.
pub fn guild() -> GuildId {
    guild_of(fixtures::DEFAULT_GUILD_ID)
}

pub fn guild_of(id: u64) -> GuildId {
    GuildId::new(id.to_string()).unwrap()
}

/// Text as a person reads it in Discord: markdown escapes in typed text (`\(`, `\-`) shown
/// without the backslash, bold and code markers (`**`, `` ` ``) not shown at all.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' | '`' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The message content of an interaction callback (or a posted message), as people read it.
pub fn shown(body: &Value) -> String {
    let content = body["data"]["content"]
        .as_str()
        .or_else(|| body["content"].as_str())
        .unwrap_or_else(|| panic!("no content in {body:#}"));
    visible(content)
}

/// `/incident report [system]`.
pub fn report_command(invoker: &Invoker, system: Option<&str>) -> Value {
    let options = match system {
        Some(system) => json!([opt::string("system", system)]),
        None => json!([]),
    };
    fixtures::slash_command(
        invoker,
        "incident",
        json!([opt::subcommand("report", options)]),
    )
}

/// `/<command> <subcommand> options…`.
pub fn subcommand(invoker: &Invoker, command: &str, sub: &str, options: Value) -> Value {
    fixtures::slash_command(invoker, command, json!([opt::subcommand(sub, options)]))
}

/// Picks `values` on the prompt `prompt` shows (a select menu, or the buttons of a choice with
/// up to three options) and returns the bot's next callback.
pub async fn pick(
    h: &Harness,
    invoker: &Invoker,
    prompt: &Value,
    key: &str,
    values: &[&str],
) -> Value {
    let suffix = format!(":pick:{key}");
    let interaction = match prompt["data"]["components"][0]["components"][0]["type"].as_u64() {
        Some(3) => fixtures::select(
            invoker,
            &id_ending(prompt, &suffix),
            values,
            prompt_message(invoker),
        ),
        _ => fixtures::component_click(
            invoker,
            &id_ending(prompt, &format!("{suffix}:{}", values[0])),
            prompt_message(invoker),
        ),
    };
    h.interact(interaction).await
}

/// Clicks the component whose id ends with `suffix` on `prompt`.
pub async fn click(h: &Harness, invoker: &Invoker, prompt: &Value, suffix: &str) -> Value {
    h.interact(fixtures::component_click(
        invoker,
        &id_ending(prompt, suffix),
        prompt_message(invoker),
    ))
    .await
}

/// The inputs of a modal callback: `(custom_id, prefilled value or "")`, in order.
pub fn modal_inputs(modal: &Value) -> Vec<(String, String)> {
    assert_eq!(modal["type"], callback::MODAL, "not a modal: {modal:#}");
    modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let input = &row["components"][0];
            (
                input["custom_id"].as_str().unwrap().to_owned(),
                input["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// One input of a modal callback.
pub fn modal_input<'a>(modal: &'a Value, custom_id: &str) -> &'a Value {
    modal["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["components"][0])
        .find(|input| input["custom_id"] == custom_id)
        .unwrap_or_else(|| panic!("no input {custom_id} in {modal:#}"))
}

/// The answers for `modal`'s inputs out of `answers` (empty for those not given).
pub fn fill<'a>(modal: &Value, answers: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    modal_inputs(modal)
        .into_iter()
        .map(|(id, _)| {
            let value = answers
                .iter()
                .find(|(key, _)| *key == id)
                .map_or("", |(_, v)| *v);
            (id, value.to_owned())
        })
        .collect()
}

pub fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

pub fn modal_id(modal: &Value) -> String {
    modal["data"]["custom_id"].as_str().unwrap().to_owned()
}

/// The answers a typical incident report types: into its form, and into the serious-incident
/// form when one follows the choices.
pub const INCIDENT_FORM: &[(&str, &str)] = &[
    ("ai_system", "Loan scorer"),
    ("title", "Refused every applicant over 60"),
    (
        "what_happened",
        "Since the update it refused everyone over 60.",
    ),
    ("occurred_at", "2 hours ago"),
    ("aware_at", "1 hour ago"),
    ("affected_parties", "Applicants aged 60+"),
    ("member_states", "DE"),
];

/// Picks of a serious incident (fundamental rights) for a provider and deployer.
pub const SERIOUS_PICKS: &[(&str, &[&str])] = &[
    ("kind", &["incident"]),
    ("severity", &["high"]),
    ("harm_categories", &["fundamental_rights"]),
    ("serious", &["fundamental_rights"]),
    ("organisation_role", &["both"]),
];

/// Runs `/incident report` up to its summary: the command, the form with `form`, then `picks`.
/// Returns the summary callback.
pub async fn incident_summary(
    h: &Harness,
    invoker: &Invoker,
    form: &[(&str, &str)],
    picks: &[(&str, &[&str])],
) -> Value {
    let modal = h.interact(report_command(invoker, None)).await;
    assert_eq!(modal["type"], callback::MODAL, "{modal:#}");
    let mut prompt = h
        .interact(fixtures::modal_submit(
            invoker,
            &modal_id(&modal),
            &pairs(&fill(&modal, form)),
        ))
        .await;
    for (key, values) in picks {
        prompt = pick(h, invoker, &prompt, key, values).await;
    }
    prompt = answer_follow_up(h, invoker, prompt, form).await;
    assert!(
        shown(&prompt).contains("Nothing is recorded until you confirm"),
        "expected the summary: {prompt:#}"
    );
    prompt
}

/// When `prompt` is a form that follows the choices (what only a serious incident needs),
/// submits it with the answers `form` has for it; otherwise returns `prompt`.
pub async fn answer_follow_up(
    h: &Harness,
    invoker: &Invoker,
    prompt: Value,
    form: &[(&str, &str)],
) -> Value {
    if prompt["type"] != callback::MODAL {
        return prompt;
    }
    h.interact(modal_submit_from_message(
        invoker,
        &modal_id(&prompt),
        &pairs(&fill(&prompt, form)),
    ))
    .await
}

/// Reports an incident through the whole flow and returns its reference.
pub async fn report_incident(h: &Harness, invoker: &Invoker) -> Reference {
    report_serious_incident(h, invoker).await.1
}

/// Reports a serious incident through the whole flow; returns the reply as shown and the
/// incident's reference.
pub async fn report_serious_incident(h: &Harness, invoker: &Invoker) -> (String, Reference) {
    let summary = incident_summary(h, invoker, INCIDENT_FORM, SERIOUS_PICKS).await;
    let done = click(h, invoker, &summary, ":confirm").await;
    let text = shown(&done);
    let reference = reference_in(&text, RecordKind::Incident);
    (text, reference)
}

/// The first reference of `kind` in a text (`INC-2026-0001`).
pub fn reference_in(text: &str, kind: RecordKind) -> Reference {
    let prefix = format!("{}-", kind.prefix());
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no {prefix} reference in {text}"));
    let end = text[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map_or(text.len(), |i| start + i);
    text[start..end]
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", &text[start..end]))
}

/// The records of one kind in a guild, newest first.
pub async fn records(h: &Harness, guild: &GuildId, kind: RecordKind) -> Vec<StoredRecord> {
    h.store()
        .records(&RecordQuery {
            guild: Some(guild.clone()),
            kind: Some(kind),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

/// A record of the default guild, which must exist.
pub async fn record(h: &Harness, reference: &Reference) -> StoredRecord {
    h.store()
        .record(&guild(), reference)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{reference} is not stored"))
}

pub async fn events(h: &Harness, reference: &Reference) -> Vec<LedgerEvent> {
    h.store().record_events(&guild(), reference).await.unwrap()
}

/// Waits until `done` holds, looking again after every call the fake records; fails with
/// `what` after the harness timeout.
pub async fn wait_until(h: &Harness, what: &str, done: impl Fn() -> bool) {
    wait_until_within(h, TIMEOUT, what, done).await;
}

/// [`wait_until`], for up to `limit`. `done` should read only what the fake records: it is
/// looked at again only when a call arrives.
pub async fn wait_until_within(
    h: &Harness,
    limit: std::time::Duration,
    what: &str,
    done: impl Fn() -> bool,
) {
    let mut calls = h.fake.subscribe();
    let waited = tokio::time::timeout(limit, async {
        while !done() {
            if calls.recv().await.is_none() {
                return;
            }
        }
    })
    .await;
    assert!(waited.is_ok() && done(), "timed out waiting until {what}");
}

/// Statuses the fake answered each callback for an interaction with, in order, with the error
/// code of refused ones (`(400, Some(40060))`).
pub fn callback_statuses(h: &Harness, interaction_id: &str) -> Vec<(u16, Option<u64>)> {
    let prefix = format!("/interactions/{interaction_id}/");
    h.fake
        .calls()
        .iter()
        .filter(|c| c.method == "POST" && c.route().starts_with(&prefix))
        .map(|c| {
            (
                c.status,
                c.response.as_ref().and_then(|r| r["code"].as_u64()),
            )
        })
        .collect()
}

/// Puts an AI system in the default guild's inventory directly through the store, owned by
/// `owner`, and returns its reference.
pub async fn register_system(h: &Harness, name: &str, owner: &Invoker) -> Reference {
    use aimsbot_workflows::Actor;
    use aimsbot_workflows::ai_act::OrganisationRole;
    use aimsbot_workflows::ports::NewRecord;
    use aimsbot_workflows::records::ai_system::{AutonomyLevel, LifecycleStage, RiskClass};
    use aimsbot_workflows::records::{AiSystem, Record};
    use aimsbot_workflows::text::{Narrative, Title};

    let owner = Actor::discord(owner.user_id, owner.username.clone());
    let committed = h
        .store()
        .create(NewRecord {
            guild: guild(),
            owed: Vec::new(),
            actor: owner.clone(),
            at: aimsbot_workflows::Clock::now(&aimsbot_workflows::SystemClock),
            record: Record::AiSystem(AiSystem {
                name: Title::new(name).unwrap(),
                purpose: Narrative::new("Scores consumer loan applications").unwrap(),
                owner,
                business_unit: None,
                lifecycle_stage: LifecycleStage::Operation,
                organisation_role: OrganisationRole::Deployer,
                vendor: None,
                model: None,
                data_categories: Vec::new(),
                risk_class: RiskClass::Minimal,
                autonomy_level: AutonomyLevel::Assistive,
                human_oversight_point: None,
            }),
            idempotency_key: None,
        })
        .await
        .unwrap();
    committed.record.reference
}
