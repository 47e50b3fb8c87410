//! The guided flows besides `/incident report`, each to the end: what the person is asked and
//! told, the record with the right fields, and its ledger events.
//! `/override log`, `/attest pending` with its buttons and decline modal, `/concern raise`
//! anonymously in a DM with its follow-up handle, `/aisystem register` and the autocomplete it
//! feeds, and the "Report as AI incident" message context menu.

#![allow(clippy::unwrap_used)]

mod common;

use aimsbot_tests::fixtures::{self, Invoker, opt};
use aimsbot_tests::harness::{
    COMPLIANCE_CHANNEL, COMPLIANCE_ROLE, Harness, OWNER_ROLE, callback, component_ids,
    modal_submit_from_message,
};
use aimsbot_workflows::ports::{NewRecord, RecordChange};
use aimsbot_workflows::records::attestation::{Attestation, AttestationStatus, Statement};
use aimsbot_workflows::records::concern::handle_sha256;
use aimsbot_workflows::records::human_override::TrainingCheck;
use aimsbot_workflows::records::incident::AiSystemRef;
use aimsbot_workflows::records::{AttestationAnswer, Change, FieldChanges, Record};
use aimsbot_workflows::text::{Label, Narrative};
use aimsbot_workflows::{Actor, Clock, EventKind, Platform, RecordKind, Reference, SystemClock};
use common::{
    INCIDENT_FORM, SERIOUS_PICKS, answer_follow_up, click, events, fill, guild, modal_id,
    modal_input, modal_inputs, pairs, pick, record, reference_in, report_command, report_incident,
    shown, subcommand,
};
use serde_json::{Value, json};

/// A message the bot posted (a DM), shaped like a callback so the component helpers read it.
fn as_prompt(message: &Value) -> Value {
    json!({"data": message})
}

async fn an_override_is_logged_with_its_incident_confidence_and_authority(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let incident = report_incident(&h, &alice).await;
    let bob = Invoker::in_default_guild("bob");

    let unknown = h
        .interact(subcommand(
            &bob,
            "override",
            "log",
            json!([opt::string("incident", "INC-2026-0999")]),
        ))
        .await;
    assert!(
        shown(&unknown).contains("INC-2026-0999 was not found in this server"),
        "{unknown:#}"
    );

    // Bob attested his oversight training, and later training for another system: the
    // override on the loan scorer cites the one that covers it.
    let bob_actor = Actor::discord(bob.user_id, bob.username.clone());
    let change = |reference, change| RecordChange {
        guild: guild(),
        reference,
        actor: bob_actor.clone(),
        at: SystemClock.now(),
        change,
        idempotency_key: None,
        owed: Vec::new(),
    };
    let attested = || Change::attestation_answered(AttestationAnswer::Attested, SystemClock.now());
    let training = attestation_for(&h, &bob, "I completed the credit oversight training").await;
    h.store()
        .change(change(training, attested()))
        .await
        .unwrap();
    let chatbot = attestation_for(&h, &bob, "I completed the support chatbot training").await;
    let for_the_chatbot = Change::Amend {
        reason: Narrative::new("The training covers the support chatbot only").unwrap(),
        changes: FieldChanges::new().set(
            "ai_system",
            AiSystemRef::Unregistered(Label::new("Support chatbot").unwrap()),
        ),
    };
    h.store()
        .change(change(chatbot, for_the_chatbot))
        .await
        .unwrap();
    h.store().change(change(chatbot, attested())).await.unwrap();
    let modal = h
        .interact(subcommand(
            &bob,
            "override",
            "log",
            json!([
                opt::string("system", "Loan scorer"),
                opt::string("incident", &incident.to_string()),
                opt::number("confidence", 0.87),
                opt::string("authority", "assigned"),
                opt::string("mandate", "Credit officer, four-eyes rule"),
            ]),
        ))
        .await;
    let inputs = modal_inputs(&modal);
    let keys: Vec<&str> = inputs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "ai_system",
            "case_reference",
            "ai_output",
            "final_decision",
            "reason"
        ]
    );
    assert_eq!(inputs[0].1, "Loan scorer", "the option prefills the form");

    let mut prompt = h
        .interact(fixtures::modal_submit(
            &bob,
            &modal_id(&modal),
            &[
                ("ai_system", "Loan scorer"),
                ("case_reference", "loan application 2026-8812"),
                ("ai_output", "Refuse: score 412, below threshold 450"),
                ("final_decision", "Approved after checking income documents"),
                ("reason", "The model ignored the co-applicant's income"),
            ],
        ))
        .await;
    for (key, values) in [
        ("action", &["override"][..]),
        ("reason_category", &["missing_context"]),
        ("output_took_effect", &["yes"]),
        ("affected_person_informed", &["yes"]),
    ] {
        prompt = pick(&h, &bob, &prompt, key, values).await;
    }
    // The authority was answered by the option; the time, version, log and how the person
    // was told come on one more form.
    let keys: Vec<String> = modal_inputs(&prompt).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "intervened_at",
            "system_version",
            "log_reference",
            "affected_person_told"
        ]
    );
    let prompt = h
        .interact(modal_submit_from_message(
            &bob,
            &modal_id(&prompt),
            &[
                ("intervened_at", "now"),
                ("system_version", "scorer 4.2.1"),
                ("log_reference", "trace 7f3a9c"),
                ("affected_person_told", "By phone, then by letter"),
            ],
        ))
        .await;
    let done = click(&h, &bob, &prompt, ":confirm").await;
    let text = shown(&done);
    assert!(text.contains("Recorded as OVR-"), "{text}");
    let reference = reference_in(&text, RecordKind::HumanOverride);

    let stored = record(&h, &reference).await;
    let Record::HumanOverride(logged) = &stored.record else {
        panic!("{stored:?}")
    };
    assert_eq!(logged.linked_incident, Some(incident));
    assert_eq!(logged.ai_confidence.map(|c| c.value()), Some(0.87));
    assert_eq!(
        logged.overseer_authority.as_ref().map(Label::as_str),
        Some("Credit officer, four-eyes rule")
    );
    assert_eq!(
        logged.ai_system,
        AiSystemRef::Unregistered(Label::new("Loan scorer").unwrap())
    );
    assert_eq!(logged.case_reference.as_str(), "loan application 2026-8812");
    assert_eq!(
        logged.ai_output.as_str(),
        "Refuse: score 412, below threshold 450"
    );
    assert_eq!(
        logged.final_decision.as_str(),
        "Approved after checking income documents"
    );
    assert_eq!(
        logged.reason.as_str(),
        "The model ignored the co-applicant's income"
    );
    assert_eq!(logged.action.as_str(), "override");
    assert_eq!(logged.reason_category.as_str(), "missing_context");
    assert_eq!(logged.affected_person_informed.as_str(), "yes");
    assert_eq!(
        logged.affected_person_told.as_ref().map(|t| t.as_str()),
        Some("By phone, then by letter")
    );
    assert_eq!(logged.authority.map(|a| a.as_str()), Some("assigned"));
    assert_eq!(logged.output_took_effect.map(|o| o.as_str()), Some("yes"));
    assert_eq!(
        logged.log_reference.as_ref().map(Label::as_str),
        Some("trace 7f3a9c")
    );
    // Training attested before the intervention counts (one attested after it would not).
    let intervened = logged.intervened_at.unwrap();
    assert!(
        intervened <= logged.decided_at,
        "the intervention as typed, before it was logged"
    );
    assert_eq!(
        logged.overseer_training,
        Some(TrainingCheck::Current {
            attestation: training,
            expires_at: None
        }),
        "bob's attested training, cited"
    );
    assert_eq!(logged.source.as_str(), "chat");
    assert_eq!(logged.overseer.platform_user_id, bob.user_id.to_string());
    let events = events(&h, &reference).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Created);
    assert_eq!(events[0].actor.platform_user_id, bob.user_id.to_string());

    // Bob let 99 other outputs stand today: one override in a hundred reviewed.
    let tally = |count: i64| {
        subcommand(
            &bob,
            "override",
            "accepted",
            json!([
                opt::string("system", "Loan scorer"),
                opt::integer("count", count),
            ]),
        )
    };
    let tallied = h.interact(tally(99)).await;
    assert!(
        shown(&tallied)
            .contains("99 outputs of Loan scorer (not in the inventory) reviewed and accepted"),
        "{tallied:#}"
    );
    // Counting today again would count the same outputs twice.
    let again = h.interact(tally(5)).await;
    assert!(
        shown(&again)
            .contains("you already counted outputs of this system for an overlapping period"),
        "{again:#}"
    );
    let rate = h
        .interact(subcommand(
            &bob,
            "override",
            "rate",
            json!([opt::string("system", "Loan scorer")]),
        ))
        .await;
    let text = shown(&rate);
    assert!(
        text.contains("1 override logged, 99 outputs reviewed and accepted")
            && text.contains("Override rate: 1.0 % (1 of 100 reviewed outputs)"),
        "{text}"
    );
    h.stop().await;
}

/// Asks `person` to attest a statement, as `/attest request` would, straight in the store.
async fn attestation_for(h: &Harness, person: &Invoker, statement: &str) -> Reference {
    let compliance = Actor::discord(fixtures::next_id(), "carla");
    h.store()
        .create(NewRecord {
            guild: guild(),
            actor: compliance.clone(),
            at: SystemClock.now(),
            record: Record::Attestation(Attestation {
                person: Actor::discord(person.user_id, person.username.clone()),
                campaign: None,
                statement: Statement::new(
                    Narrative::new(statement).unwrap(),
                    Label::new("2026-11").unwrap(),
                ),
                status: AttestationStatus::Pending,
                requested_by: compliance,
                due_at: None,
                answered_at: None,
                declined_reason: None,
                expires_at: None,
                ai_system: None,
                audience: None,
                valid_for_days: None,
                delivered_at: None,
                evidence: None,
            }),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap()
        .record
        .reference
}

fn attestation(stored: &aimsbot_workflows::StoredRecord) -> &Attestation {
    let Record::Attestation(attestation) = &stored.record else {
        panic!("{stored:?}")
    };
    attestation
}

/// `/attest pending` for `invoker`: the list with a row of buttons per attestation.
async fn pending(h: &Harness, invoker: &Invoker) -> Value {
    h.interact(subcommand(invoker, "attest", "pending", json!([])))
        .await
}

async fn an_attestation_is_attested_from_the_pending_list(h: Harness) {
    let bob = Invoker::in_default_guild("bob");
    let training = attestation_for(&h, &bob, "I completed the AI literacy training").await;
    let policy = attestation_for(&h, &bob, "I read the AI use policy").await;

    let list = pending(&h, &bob).await;
    assert_eq!(list["type"], callback::MESSAGE, "{list:#}");
    let text = shown(&list);
    assert!(
        text.contains("You have 2 attestation(s) to answer"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{training} (version 2026-11)"))
            && text.contains("I completed the AI literacy training")
            && text.contains(&policy.to_string()),
        "{text}"
    );
    let prefix =
        |reference: Reference| format!("aims:att:{}:{reference}", fixtures::DEFAULT_GUILD_ID);
    let ids = component_ids(&list);
    assert!(
        ids.contains(&format!("{}:attest", prefix(training))),
        "{ids:?}"
    );

    let answered = click(&h, &bob, &list, &format!("{training}:attest")).await;
    assert_eq!(answered["type"], callback::UPDATE_MESSAGE, "{answered:#}");
    assert!(
        shown(&answered).contains(&format!("{training} attested. Thank you.")),
        "{answered:#}"
    );
    let stored = record(&h, &training).await;
    let attested = attestation(&stored);
    assert_eq!(attested.status, AttestationStatus::Attested);
    assert!(attested.answered_at.is_some());
    assert_eq!(attested.declined_reason, None);
    let events = events(&h, &training).await;
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::Created, EventKind::StatusChanged]
    );
    assert_eq!(events[1].actor.platform_user_id, bob.user_id.to_string());
    assert_eq!(
        attestation(&record(&h, &policy).await).status,
        AttestationStatus::Pending,
        "only the one answered"
    );

    // Someone else cannot answer bob's attestation; bob cannot answer it twice.
    let mallory = Invoker::in_default_guild("mallory");
    let refused = click(&h, &mallory, &list, &format!("{policy}:attest")).await;
    assert!(
        shown(&refused).contains(&format!("{policy} belongs to someone else")),
        "{refused:#}"
    );
    let again = click(&h, &bob, &list, &format!("{training}:attest")).await;
    assert!(
        shown(&again).contains(&format!("{training} was already answered: Attested")),
        "{again:#}"
    );
    assert_eq!(events_len(&h, &training).await, 2, "nothing recorded twice");

    let list = pending(&h, &bob).await;
    let text = shown(&list);
    assert!(
        text.contains("You have 1 attestation(s) to answer"),
        "{text}"
    );
    assert!(!text.contains(&training.to_string()), "{text}");
    h.stop().await;
}

async fn events_len(h: &Harness, reference: &Reference) -> usize {
    events(h, reference).await.len()
}

async fn an_attestation_is_declined_with_a_reason_from_its_modal(h: Harness) {
    let bob = Invoker::in_default_guild("bob");
    let policy = attestation_for(&h, &bob, "I read the AI use policy").await;
    let list = pending(&h, &bob).await;

    let modal = click(&h, &bob, &list, &format!("{policy}:decline")).await;
    assert_eq!(modal["type"], callback::MODAL, "{modal:#}");
    let modal_custom_id = modal_id(&modal);
    assert_eq!(
        modal_custom_id,
        format!("aims:att:{}:{policy}:reason", fixtures::DEFAULT_GUILD_ID)
    );
    assert_eq!(
        modal_inputs(&modal),
        [("declined_reason".to_owned(), String::new())]
    );
    assert_eq!(
        attestation(&record(&h, &policy).await).status,
        AttestationStatus::Pending,
        "opening the form records nothing"
    );

    // A blank reason is refused, with a way to try again.
    let blank = h
        .interact(modal_submit_from_message(
            &bob,
            &modal_custom_id,
            &[("declined_reason", "  ")],
        ))
        .await;
    let text = shown(&blank);
    assert!(
        text.contains("Why do you decline?: is required and cannot be empty"),
        "{text}"
    );
    assert!(
        component_ids(&blank).contains(&format!(
            "aims:att:{}:{policy}:decline",
            fixtures::DEFAULT_GUILD_ID
        )),
        "{blank:#}"
    );
    assert_eq!(events_len(&h, &policy).await, 1);

    let reason = "The policy contradicts our team's approved process.";
    let declined = h
        .interact(modal_submit_from_message(
            &bob,
            &modal_custom_id,
            &[("declined_reason", reason)],
        ))
        .await;
    assert!(
        shown(&declined).contains(&format!("{policy} declined. Thank you.")),
        "{declined:#}"
    );
    let stored = record(&h, &policy).await;
    let answer = attestation(&stored);
    assert_eq!(answer.status, AttestationStatus::Declined);
    assert_eq!(
        answer.declined_reason.as_ref().map(Narrative::as_str),
        Some(reason)
    );
    assert!(answer.answered_at.is_some());
    let events = events(&h, &policy).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].kind, EventKind::StatusChanged);
    assert_eq!(events[1].actor.platform_user_id, bob.user_id.to_string());
    assert_eq!(events[1].payload["changes"]["declined_reason"], reason);

    let list = pending(&h, &bob).await;
    assert!(
        shown(&list).contains("You have nothing to attest"),
        "{list:#}"
    );
    h.stop().await;
}

/// The follow-up handle in the confirmation of an anonymous concern.
fn handle_in(text: &str) -> String {
    let start = text
        .find("Your follow-up handle is ")
        .unwrap_or_else(|| panic!("no handle in {text}"))
        + "Your follow-up handle is ".len();
    text[start..start + 14].to_owned()
}

async fn an_anonymous_concern_stores_nobody_and_its_handle_works(h: Harness) {
    let carol = Invoker::in_default_guild("carol-q7x");
    let carol_id = carol.user_id.to_string();
    let raise = subcommand(&carol, "concern", "raise", json!([]));
    let session_id = raise["id"].as_str().unwrap().to_owned();
    let answer = h.interact(raise).await;
    assert_eq!(answer["data"]["flags"], 64, "{answer:#}");
    assert!(
        shown(&answer).contains("I've sent you a direct message to continue privately"),
        "{answer:#}"
    );

    // The flow goes on in carol's DM.
    let dm = Invoker::dm(carol.user_id, &carol.username);
    let dms = h.wait_for_messages(dm.channel_id, 1).await;
    let first = as_prompt(&dms[0]);
    assert!(
        shown(&first).contains("Report with your name, or anonymously?"),
        "{first:#}"
    );
    let modal = pick(&h, &dm, &first, "anonymity", &["anonymous"]).await;
    let keys: Vec<String> = modal_inputs(&modal).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["title", "concern", "ai_system"]);
    let summary = h
        .interact(modal_submit_from_message(
            &dm,
            &modal_id(&modal),
            &[
                ("title", "Screening tool seems to reject older applicants"),
                (
                    "concern",
                    "Every applicant over 55 I saw this month was screened out.",
                ),
                ("ai_system", ""),
            ],
        ))
        .await;
    assert!(
        shown(&summary).contains("Nothing is recorded until you confirm"),
        "{summary:#}"
    );
    let done = click(&h, &dm, &summary, ":confirm").await;
    let text = shown(&done);
    assert!(text.contains("Recorded as CON-"), "{text}");
    assert!(text.contains("recorded anonymously"), "{text}");
    let reference = reference_in(&text, RecordKind::Concern);
    let handle = handle_in(&text);

    // Nothing identifies carol: not the record, not its ledger event, not the session.
    let stored = record(&h, &reference).await;
    let Record::Concern(concern) = &stored.record else {
        panic!("{stored:?}")
    };
    assert_eq!(concern.reporter, None);
    assert_eq!(
        concern.follow_up_handle_sha256.as_deref(),
        Some(handle_sha256(&handle).as_str())
    );
    let body = stored.record.to_json().to_string();
    assert!(
        !body.contains(&carol_id) && !body.contains("carol"),
        "{body}"
    );
    let created = events(&h, &reference).await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor.platform, Platform::Anonymous);
    assert_eq!(created[0].actor.platform_user_id, "");
    for row in h.store().ledger_rows(0, 100).await.unwrap() {
        let row = format!("{row:?}");
        assert!(!row.contains(&carol_id) && !row.contains("carol"), "{row}");
    }
    assert!(
        h.sessions().session(&session_id).await.unwrap().is_none(),
        "the draft was not kept under the interaction's id"
    );
    let draft = aimsbot_tests::harness::id_ending(&first, ":cancel");
    let draft = draft.split(':').nth(1).unwrap();
    assert!(
        h.sessions().session(draft).await.unwrap().is_none(),
        "nothing of the confirmed anonymous draft survives"
    );
    let notices = h.wait_for_messages(COMPLIANCE_CHANNEL, 1).await;
    let notice = shown(notices.last().unwrap());
    assert!(
        notice.contains(&reference.to_string()) && notice.contains("(anonymous)"),
        "{notice}"
    );
    assert!(!notice.contains("carol"), "{notice}");

    // The handle, retyped as people do, shows the concern and adds to it.
    let retyped = handle.to_lowercase().replace('-', " ");
    let status = h
        .interact(subcommand(
            &dm,
            "concern",
            "status",
            json!([opt::string("handle", &retyped)]),
        ))
        .await;
    let text = shown(&status);
    assert!(
        text.contains(&format!(
            "{reference}: Screening tool seems to reject older applicants"
        )) && text.contains("Raised by: anonymous"),
        "{text}"
    );
    let added = h
        .interact(subcommand(
            &dm,
            "concern",
            "follow-up",
            json!([
                opt::string("handle", &handle),
                opt::string("message", "It happened again today."),
            ]),
        ))
        .await;
    assert!(
        shown(&added).contains(&format!("Added to {reference}, still anonymously")),
        "{added:#}"
    );

    // Compliance answers; carol reads the answer with her handle.
    let carla = Invoker::in_default_guild("carla").with_roles(&[COMPLIANCE_ROLE]);
    let responded = h
        .interact(subcommand(
            &carla,
            "concern",
            "respond",
            json!([
                opt::string("reference", &reference.to_string()),
                opt::string("message", "Thank you, we are looking into it."),
            ]),
        ))
        .await;
    assert!(
        shown(&responded).contains(&format!("Your answer was added to {reference}")),
        "{responded:#}"
    );
    let status = h
        .interact(subcommand(
            &dm,
            "concern",
            "status",
            json!([opt::string("handle", &handle)]),
        ))
        .await;
    let text = shown(&status);
    assert!(
        text.contains("note added by anonymous: It happened again today.")
            && text.contains("note added by carla: Thank you, we are looking into it."),
        "{text}"
    );
    let events = events(&h, &reference).await;
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [
            EventKind::Created,
            EventKind::NoteAdded,
            EventKind::NoteAdded
        ]
    );
    assert!(events[1].actor.is_anonymous());
    assert!(
        !format!("{:?}", events[1]).contains(&carol_id),
        "{:?}",
        events[1]
    );

    let wrong = h
        .interact(subcommand(
            &dm,
            "concern",
            "status",
            json!([opt::string("handle", "AAAA-BBBB-CCCC")]),
        ))
        .await;
    assert!(
        shown(&wrong).contains("No concern has that follow-up handle"),
        "{wrong:#}"
    );
    h.stop().await;
}

async fn a_registered_ai_system_is_offered_when_reporting(h: Harness) {
    let member = Invoker::in_default_guild("mia");
    let refused = h
        .interact(subcommand(&member, "aisystem", "register", json!([])))
        .await;
    assert!(
        shown(&refused).contains("You need the owner or compliance role to register AI systems"),
        "{refused:#}"
    );

    let olivia = Invoker::in_default_guild("olivia").with_roles(&[OWNER_ROLE]);
    let modal = h
        .interact(subcommand(&olivia, "aisystem", "register", json!([])))
        .await;
    let keys: Vec<String> = modal_inputs(&modal).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["name", "purpose", "vendor", "model"]);
    let mut prompt = h
        .interact(fixtures::modal_submit(
            &olivia,
            &modal_id(&modal),
            &[
                ("name", "Credit scorer"),
                ("purpose", "Scores consumer loan applications"),
                ("vendor", "Acme Models"),
                ("model", ""),
            ],
        ))
        .await;
    for (key, values) in [
        ("lifecycle_stage", &["operation"][..]),
        ("organisation_role", &["deployer"]),
        ("risk_class", &["high_risk_annex_iii"]),
        ("autonomy_level", &["human_in_the_loop"]),
        ("data_categories", &["personal", "financial"]),
    ] {
        prompt = pick(&h, &olivia, &prompt, key, values).await;
    }
    // A high-risk system is asked where a person can intervene, as a required question
    // (EU AI Act Art. 14), once its risk class is known: not refused at Confirm.
    let oversight = prompt;
    assert_eq!(oversight["type"], callback::MODAL, "{oversight:#}");
    let input = modal_input(&oversight, "human_oversight_point");
    assert_eq!(input["label"], "Where can a person intervene?");
    assert_eq!(input["required"], true, "{input:#}");
    let blank = h
        .interact(modal_submit_from_message(
            &olivia,
            &modal_id(&oversight),
            &[("human_oversight_point", " ")],
        ))
        .await;
    assert!(
        shown(&blank).contains("Where can a person intervene?: is required and cannot be empty"),
        "the problem names its question: {blank:#}"
    );
    let reopened = click(&h, &olivia, &blank, ":next").await;
    let summary = h
        .interact(modal_submit_from_message(
            &olivia,
            &modal_id(&reopened),
            &[(
                "human_oversight_point",
                "A credit officer reviews every refusal",
            )],
        ))
        .await;
    assert!(
        shown(&summary).contains("Nothing is recorded until you confirm"),
        "{summary:#}"
    );
    let done = click(&h, &olivia, &summary, ":confirm").await;
    let text = shown(&done);
    assert!(text.contains("Recorded as AIS-"), "{text}");
    let system = reference_in(&text, RecordKind::AiSystem);
    let stored = record(&h, &system).await;
    let Record::AiSystem(registered) = &stored.record else {
        panic!("{stored:?}")
    };
    assert_eq!(registered.name.as_str(), "Credit scorer");
    assert_eq!(
        registered.purpose.as_str(),
        "Scores consumer loan applications"
    );
    assert_eq!(
        registered.vendor.as_ref().map(Label::as_str),
        Some("Acme Models")
    );
    assert_eq!(registered.model, None, "left blank");
    assert_eq!(registered.lifecycle_stage.as_str(), "operation");
    assert_eq!(registered.organisation_role.as_str(), "deployer");
    assert_eq!(registered.risk_class.as_str(), "high_risk_annex_iii");
    assert_eq!(registered.autonomy_level.as_str(), "human_in_the_loop");
    let categories: Vec<&str> = registered
        .data_categories
        .iter()
        .map(Label::as_str)
        .collect();
    assert_eq!(categories, ["personal", "financial"]);
    assert_eq!(
        registered
            .human_oversight_point
            .as_ref()
            .map(Narrative::as_str),
        Some("A credit officer reviews every refusal")
    );
    assert_eq!(
        registered.owner.platform_user_id,
        olivia.user_id.to_string()
    );
    let created = events(&h, &system).await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].actor.platform_user_id,
        olivia.user_id.to_string()
    );

    // Reporting an incident, the system option suggests it by name.
    let alice = Invoker::in_default_guild("alice");
    let complete = |partial: &str| {
        fixtures::autocomplete(
            &alice,
            "incident",
            json!([opt::subcommand(
                "report",
                json!([opt::focused("system", partial)])
            )]),
        )
    };
    let suggested = h.interact(complete("cred")).await;
    assert_eq!(suggested["type"], 8, "{suggested:#}");
    assert_eq!(
        suggested["data"]["choices"],
        json!([{"name": format!("Credit scorer ({system})"), "value": system.to_string()}])
    );
    let none = h.interact(complete("chatbot")).await;
    assert_eq!(none["data"]["choices"], json!([]), "{none:#}");

    // The suggestion's value is the reference, which the report resolves.
    let modal = h
        .interact(report_command(&alice, Some(&system.to_string())))
        .await;
    assert_eq!(modal_inputs(&modal)[0].1, system.to_string());
    let mut form = INCIDENT_FORM.to_vec();
    let system_text = system.to_string();
    form[0] = ("ai_system", &system_text);
    let mut prompt = h
        .interact(fixtures::modal_submit(
            &alice,
            &modal_id(&modal),
            &pairs(&fill(&modal, &form)),
        ))
        .await;
    for (key, values) in SERIOUS_PICKS {
        prompt = pick(&h, &alice, &prompt, key, values).await;
    }
    let prompt = answer_follow_up(&h, &alice, prompt, &form).await;
    assert!(
        shown(&prompt).contains(&format!("AI system: Credit scorer ({system})")),
        "{prompt:#}"
    );
    let done = click(&h, &alice, &prompt, ":confirm").await;
    let incident = reference_in(&shown(&done), RecordKind::Incident);
    let Record::Incident(reported) = record(&h, &incident).await.record else {
        panic!()
    };
    assert_eq!(reported.ai_system, AiSystemRef::Registered(system));
    h.stop().await;
}

async fn a_message_is_reported_from_its_context_menu(h: Harness) {
    let alice = Invoker::in_default_guild("alice");
    let quoted = "The support bot told a customer to double the dose. @everyone see <#1>";
    let target = fixtures::message(
        fixtures::DEFAULT_CHANNEL_ID,
        fixtures::user(fixtures::next_id(), "bob"),
        quoted,
    );
    let message_id = target["id"].as_str().unwrap().to_owned();
    let modal = h
        .interact(fixtures::message_command(
            &alice,
            "Report as AI incident",
            &target,
        ))
        .await;
    let inputs = modal_inputs(&modal);
    assert_eq!(
        inputs[2],
        ("what_happened".to_owned(), quoted.to_owned()),
        "the message text prefills what happened"
    );
    assert_eq!(inputs[0].1, "", "no system was named");

    let mut form = INCIDENT_FORM.to_vec();
    form[0] = ("ai_system", "Support bot");
    form[2] = ("what_happened", quoted);
    let mut prompt = h
        .interact(fixtures::modal_submit(
            &alice,
            &modal_id(&modal),
            &pairs(&fill(&modal, &form)),
        ))
        .await;
    for (key, values) in SERIOUS_PICKS {
        prompt = pick(&h, &alice, &prompt, key, values).await;
    }
    let prompt = answer_follow_up(&h, &alice, prompt, &form).await;
    let done = click(&h, &alice, &prompt, ":confirm").await;
    let incident = reference_in(&shown(&done), RecordKind::Incident);
    let Record::Incident(reported) = record(&h, &incident).await.record else {
        panic!()
    };
    assert_eq!(reported.what_happened.as_str(), quoted);
    assert_eq!(
        reported.source_link.as_ref().map(Label::as_str),
        Some(
            format!(
                "https://discord.com/channels/{}/{}/{message_id}",
                fixtures::DEFAULT_GUILD_ID,
                fixtures::DEFAULT_CHANNEL_ID
            )
            .as_str()
        ),
        "a link to the message in its server"
    );
    h.stop().await;
}

async fn a_double_click_on_attest_records_one_answer(h: Harness) {
    let bob = Invoker::in_default_guild("bob");
    let training = attestation_for(&h, &bob, "I completed the AI literacy training").await;
    let list = pending(&h, &bob).await;
    let id = component_ids(&list)
        .into_iter()
        .find(|id| id.ends_with(&format!("{training}:attest")))
        .unwrap();
    let click =
        || fixtures::component_click(&bob, &id, aimsbot_tests::harness::prompt_message(&bob));
    let (first, second) = tokio::join!(h.interact(click()), h.interact(click()));
    for answer in [&first, &second] {
        let text = shown(answer);
        assert!(
            text.contains(&format!("{training} attested"))
                || text.contains(&format!("{training} was already answered: Attested")),
            "{text}"
        );
    }
    let events = events(&h, &training).await;
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::Created, EventKind::StatusChanged],
        "answered once"
    );
    h.stop().await;
}

aimsbot_tests::on_both_backends!(
    a_double_click_on_attest_records_one_answer,
    an_override_is_logged_with_its_incident_confidence_and_authority,
    an_attestation_is_attested_from_the_pending_list,
    an_attestation_is_declined_with_a_reason_from_its_modal,
    an_anonymous_concern_stores_nobody_and_its_handle_works,
    a_registered_ai_system_is_offered_when_reporting,
    a_message_is_reported_from_its_context_menu,
);
