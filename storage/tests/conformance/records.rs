//! Records: created with a reference, read back whole, changed only through events, isolated
//! per guild, written once per idempotency key.

use aimsbot_storage::testing::IndexedLookup;
use aimsbot_workflows::ai_act::MemberState;
use aimsbot_workflows::ports::{
    EvidenceQuery, NameSearch, NewRecord, RecordChange, RecordQuery, StoreError,
};
use aimsbot_workflows::records::incident::IncidentStatus;
use aimsbot_workflows::records::{Change, FieldChanges, Incident, Record};
use aimsbot_workflows::testing::{ai_system, fixed_now, incident, person};
use aimsbot_workflows::text::Narrative;
use aimsbot_workflows::{EventKind, GuildId, RecordKind, Timestamp};
use serde_json::json;

use crate::support::{TestDb, anonymous_concern};

fn guild(id: &str) -> GuildId {
    GuildId::new(id).unwrap()
}

fn new_incident(guild_id: &str, text: &str) -> NewRecord {
    let alice = person(3000, "alice");
    NewRecord {
        guild: guild(guild_id),
        actor: alice.clone(),
        at: fixed_now(),
        record: incident(alice, text, fixed_now()),
        idempotency_key: None,
        owed: Vec::new(),
    }
}

async fn a_created_record_reads_back_with_its_reference_and_event(db: TestDb) {
    let store = db.store();
    let committed = store
        .create(new_incident("2000", "It refused everyone over 60"))
        .await
        .unwrap();
    assert_eq!(committed.record.reference.to_string(), "INC-2026-0001");
    assert!(!committed.replayed);
    assert_eq!(committed.event.seq, 1);
    assert_eq!(committed.event.kind, EventKind::Created);

    let read = store
        .record(&guild("2000"), &committed.record.reference)
        .await
        .unwrap()
        .expect("the record is stored");
    assert_eq!(read, committed.record);
    let Record::Incident(incident) = &read.record else {
        panic!("not an incident: {read:?}")
    };
    assert_eq!(
        incident.what_happened.as_str(),
        "It refused everyone over 60"
    );
    assert_eq!(incident.recorded_at, fixed_now());
    assert_eq!(
        incident.member_states,
        [MemberState::DE],
        "the facts the clocks follow are stored: {incident:?}"
    );

    let head = store.ledger_head().await.unwrap();
    assert_eq!(head.seq, 1);
    assert_eq!(head.hash, committed.event.hash);
}

async fn references_count_per_guild_kind_and_year(db: TestDb) {
    let store = db.store();
    let alice = person(3000, "alice");
    let mut refs = Vec::new();
    for (guild_id, record) in [
        ("2000", incident(alice.clone(), "a", fixed_now())),
        ("2000", incident(alice.clone(), "b", fixed_now())),
        ("2000", ai_system("Credit scorer", alice.clone())),
        ("2001", incident(alice.clone(), "c", fixed_now())),
    ] {
        let committed = store
            .create(NewRecord {
                guild: guild(guild_id),
                actor: alice.clone(),
                at: fixed_now(),
                record,
                idempotency_key: None,
                owed: Vec::new(),
            })
            .await
            .unwrap();
        refs.push(committed.record.reference.to_string());
    }
    let next_year = "2027-01-01T00:00:00Z".parse().unwrap();
    let committed = store
        .create(NewRecord {
            guild: guild("2000"),
            actor: alice.clone(),
            at: next_year,
            record: incident(alice, "d", next_year),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    refs.push(committed.record.reference.to_string());
    assert_eq!(
        refs,
        [
            "INC-2026-0001",
            "INC-2026-0002",
            "AIS-2026-0001",
            "INC-2026-0001",
            "INC-2027-0001"
        ]
    );
}

async fn a_refused_record_writes_nothing_and_uses_no_number(db: TestDb) {
    let store = db.store();
    let mut bad = new_incident("2000", "x");
    let Record::Incident(incident) = &mut bad.record else {
        unreachable!()
    };
    // A body that bypassed the constructor: the store re-validates it.
    let mut body = serde_json::to_value(&*incident).unwrap();
    body["title"] = json!("t".repeat(5000));
    assert!(serde_json::from_value::<Incident>(body).is_err());
    let mut refused = ai_system("Scorer", person(1, "o"));
    if let Record::AiSystem(system) = &mut refused {
        system.human_oversight_point = None; // high-risk without an oversight point
    }
    let err = store
        .create(NewRecord {
            guild: guild("2000"),
            actor: person(1, "o"),
            at: fixed_now(),
            record: refused,
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap_err();
    let StoreError::Invalid(problem) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert_eq!(problem.field, "human_oversight_point");
    assert_eq!(store.ledger_head().await.unwrap().seq, 0);
    let ok = store.create(new_incident("2000", "fine")).await.unwrap();
    assert_eq!(ok.record.reference.to_string(), "INC-2026-0001");
    let ok = store
        .create(NewRecord {
            guild: guild("2000"),
            actor: person(1, "o"),
            at: fixed_now(),
            record: ai_system("Scorer", person(1, "o")),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        ok.record.reference.to_string(),
        "AIS-2026-0001",
        "the refused record used no number"
    );
}

async fn the_same_idempotency_key_records_once(db: TestDb) {
    let store = db.store();
    let mut first = new_incident("2000", "replayed gateway event");
    first.idempotency_key = Some("discord-interaction-5001".into());
    let a = store.create(first.clone()).await.unwrap();
    let b = store.create(first).await.unwrap();
    assert!(!a.replayed);
    assert!(b.replayed);
    assert_eq!(a.record.reference, b.record.reference);
    assert_eq!(a.event.hash, b.event.hash);
    assert_eq!(store.ledger_head().await.unwrap().seq, 1);
    let all = store
        .records(&RecordQuery {
            limit: 100,
            ..RecordQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

async fn changes_are_events_and_facts_of_recording_never_change(db: TestDb) {
    let store = db.store();
    let created = store
        .create(new_incident("2000", "first account"))
        .await
        .unwrap();
    let reference = created.record.reference;
    let compliance = person(4000, "carol");
    let change = |change: Change| RecordChange {
        guild: guild("2000"),
        reference,
        actor: compliance.clone(),
        at: fixed_now().plus(chrono::Duration::minutes(5)),
        change,
        idempotency_key: None,
        owed: Vec::new(),
    };

    let triaged = store
        .change(change(Change::Status {
            changes: FieldChanges::new().set("status", IncidentStatus::Triaged),
            note: Some(Narrative::new("Assigned to the credit team").unwrap()),
        }))
        .await
        .unwrap();
    let Record::Incident(incident) = &triaged.record.record else {
        unreachable!()
    };
    assert_eq!(incident.status, IncidentStatus::Triaged);
    for (status, found) in [("triaged", 1), ("open", 0)] {
        let listed = store
            .records(&RecordQuery {
                guild: Some(guild("2000")),
                kind: Some(RecordKind::Incident),
                status: Some(status),
                limit: 10,
                ..RecordQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), found, "listed as {status}");
    }

    store
        .change(change(Change::Amend {
            reason: Narrative::new("The reporter mistyped the age band").unwrap(),
            changes: FieldChanges::new().set("what_happened", "corrected"),
        }))
        .await
        .unwrap();

    let err = store
        .change(change(Change::Amend {
            reason: Narrative::new("typo").unwrap(),
            changes: FieldChanges::new().set("recorded_at", "2020-01-01T00:00:00.000000Z"),
        }))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("recorded_at"), "{err}");

    let err = store
        .change(change(Change::Amend {
            reason: Narrative::new("typo").unwrap(),
            changes: FieldChanges::new().set("severity", "apocalyptic"),
        }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

    store
        .change(change(Change::Note {
            note: Narrative::new("Vendor contacted").unwrap(),
        }))
        .await
        .unwrap();
    let timeline: Vec<_> = store
        .record_events(&guild("2000"), &reference)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        timeline,
        [
            EventKind::Created,
            EventKind::StatusChanged,
            EventKind::Amended,
            EventKind::NoteAdded
        ]
    );
    let stored = store
        .record(&guild("2000"), &reference)
        .await
        .unwrap()
        .unwrap();
    let Record::Incident(incident) = &stored.record else {
        unreachable!()
    };
    assert_eq!(incident.what_happened.as_str(), "corrected");
    assert_eq!(incident.recorded_at, fixed_now());
    assert_eq!(stored.last_seq, 4);
}

async fn a_change_to_a_missing_record_is_not_found(db: TestDb) {
    let err = db
        .store()
        .change(RecordChange {
            guild: guild("2000"),
            reference: "INC-2026-0099".parse().unwrap(),
            actor: person(1, "a"),
            at: fixed_now(),
            change: Change::Note {
                note: Narrative::new("n").unwrap(),
            },
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref r) if r == "INC-2026-0099"),
        "{err:?}"
    );
}

async fn guilds_are_isolated_and_lists_filter(db: TestDb) {
    let store = db.store();
    let a = store.create(new_incident("2000", "guild a")).await.unwrap();
    store.create(new_incident("2001", "guild b")).await.unwrap();
    let bob = person(5000, "bob");
    store
        .create(NewRecord {
            guild: guild("2000"),
            actor: bob.clone(),
            at: fixed_now(),
            record: incident(bob.clone(), "bob's", fixed_now()),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    store
        .create(NewRecord {
            guild: guild("2000"),
            actor: bob.clone(),
            at: fixed_now(),
            record: ai_system("Chatbot", bob.clone()),
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();

    assert!(
        store
            .record(&guild("2001"), &a.record.reference)
            .await
            .unwrap()
            .map(|r| r.guild)
            == Some(guild("2001"))
    );
    assert!(
        store
            .record(&guild("9999"), &a.record.reference)
            .await
            .unwrap()
            .is_none()
    );

    let query = |q: RecordQuery| {
        let store = store.clone();
        async move {
            let mut refs: Vec<String> = store
                .records(&RecordQuery { limit: 50, ..q })
                .await
                .unwrap()
                .into_iter()
                .map(|r| format!("{}:{}", r.guild, r.reference))
                .collect();
            refs.sort();
            refs
        }
    };
    assert_eq!(
        query(RecordQuery {
            guild: Some(guild("2000")),
            kind: Some(RecordKind::Incident),
            ..Default::default()
        })
        .await,
        ["2000:INC-2026-0001", "2000:INC-2026-0002"]
    );
    assert_eq!(
        query(RecordQuery {
            guild: Some(guild("2000")),
            person: Some(bob),
            ..Default::default()
        })
        .await,
        ["2000:AIS-2026-0001", "2000:INC-2026-0002"]
    );
    assert_eq!(
        query(RecordQuery {
            guild: Some(guild("2000")),
            status: Some("closed"),
            ..Default::default()
        })
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        query(RecordQuery {
            guild: Some(guild("2000")),
            status: Some("open"),
            kind: Some(RecordKind::Incident),
            ..Default::default()
        })
        .await
        .len(),
        2
    );
}

async fn create(db: &TestDb, guild_id: &str, record: Record) -> String {
    let owner = person(3000, "alice");
    db.store()
        .create(NewRecord {
            guild: guild(guild_id),
            actor: owner,
            at: fixed_now(),
            record,
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap()
        .record
        .reference
        .to_string()
}

async fn named(db: &TestDb, guild_id: &str, kind: RecordKind, search: NameSearch) -> Vec<String> {
    db.store()
        .records_named(&guild(guild_id), kind, &search, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.reference, r.record.title()))
        .collect()
}

async fn records_are_found_by_title_or_reference_ignoring_case(db: TestDb) {
    let alice = person(3000, "alice");
    for (guild_id, name) in [
        ("2000", "Credit Scorer"),      // AIS-2026-0001
        ("2000", "credit scoring v2"),  // AIS-2026-0002
        ("2000", "Chatbot"),            // AIS-2026-0003
        ("2000", "Überwachungskamera"), // AIS-2026-0004
        ("2001", "Credit scorer"),      // another guild's AIS-2026-0001
    ] {
        create(&db, guild_id, ai_system(name, alice.clone())).await;
    }
    // An incident titled like a system: another kind.
    create(&db, "2000", incident(alice.clone(), "x", fixed_now())).await;
    let exactly = |text: &str| NameSearch::Exactly(text.into());
    let starting = |text: &str| NameSearch::StartingWith(text.into());
    let systems = RecordKind::AiSystem;

    assert_eq!(
        named(&db, "2000", systems, exactly("CREDIT scorer")).await,
        ["AIS-2026-0001 Credit Scorer"],
        "the whole title, in any case, in this guild only"
    );
    assert_eq!(
        named(&db, "2000", systems, exactly("credit")).await,
        Vec::<String>::new(),
        "a part is not the whole"
    );
    assert_eq!(
        named(&db, "2000", systems, exactly("ais-2026-0003")).await,
        ["AIS-2026-0003 Chatbot"],
        "or the reference"
    );
    assert_eq!(
        named(&db, "2000", systems, starting("CRED")).await,
        [
            "AIS-2026-0001 Credit Scorer",
            "AIS-2026-0002 credit scoring v2"
        ],
        "by title"
    );
    assert_eq!(
        named(&db, "2000", systems, starting("über")).await,
        ["AIS-2026-0004 Überwachungskamera"],
        "beyond ASCII"
    );
    assert_eq!(
        named(&db, "2000", systems, starting("ais-2026-000")).await,
        [
            "AIS-2026-0003 Chatbot",
            "AIS-2026-0001 Credit Scorer",
            "AIS-2026-0002 credit scoring v2",
            "AIS-2026-0004 Überwachungskamera",
        ],
        "references by prefix, ordered by title"
    );
    assert_eq!(
        named(&db, "2000", RecordKind::Incident, starting("loan")).await,
        ["INC-2026-0001 Loan model refused every applicant over 60"]
    );
    assert_eq!(
        named(&db, "2000", systems, starting("loan")).await,
        Vec::<String>::new(),
        "of the kind asked for"
    );
    let two = db
        .store()
        .records_named(&guild("2000"), systems, &starting("c"), 2)
        .await
        .unwrap();
    assert_eq!(two.len(), 2, "at most the limit");

    // A renamed system is found by its new name only.
    let chatbot = "AIS-2026-0003".parse().unwrap();
    db.store()
        .change(RecordChange {
            guild: guild("2000"),
            reference: chatbot,
            actor: alice,
            at: fixed_now(),
            change: Change::Amend {
                reason: Narrative::new("renamed by the vendor").unwrap(),
                changes: FieldChanges::new().set("name", "Support Assistant"),
            },
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    assert!(
        named(&db, "2000", systems, exactly("chatbot"))
            .await
            .is_empty()
    );
    assert_eq!(
        named(&db, "2000", systems, starting("support")).await,
        ["AIS-2026-0003 Support Assistant"]
    );
}

async fn a_concern_is_found_by_its_follow_up_handle(db: TestDb) {
    use aimsbot_workflows::records::concern::handle_sha256;
    let reference = create(&db, "2000", anonymous_concern("Age bias", "ABCD-EFGH")).await;
    create(&db, "2000", anonymous_concern("Other", "WXYZ-2345")).await;
    let found = db
        .store()
        .concern_by_handle(&handle_sha256("abcd efgh"))
        .await
        .unwrap()
        .expect("found by its handle, however it is retyped");
    assert_eq!(found.reference.to_string(), reference);
    assert_eq!(found.record.title(), "Age bias");
    assert_eq!(
        db.store()
            .concern_by_handle(&handle_sha256("NOPE-NOPE"))
            .await
            .unwrap(),
        None
    );
}

/// Whether a line of a plan constrains the index it reads by the looked-up column, not only
/// by guild and kind (which would read a whole guild's records of that kind).
fn by_looked_up_column(line: &str) -> bool {
    let constraint = line.split_once('(').map_or("", |(_, rest)| rest);
    ["search_title", "reference", "follow_up_key"]
        .iter()
        .any(|column| constraint.contains(column))
}

async fn name_and_handle_lookups_use_an_index(db: TestDb) {
    // Enough rows for PostgreSQL's planner to tell indexes apart by their statistics, as it
    // would in production; SQLite has none (nothing runs ANALYZE) and must plan right anyway.
    let alice = person(3000, "alice");
    for n in 0..40 {
        let guild_id = if n % 2 == 0 { "2000" } else { "2001" };
        create(
            &db,
            guild_id,
            ai_system(&format!("System {n}"), alice.clone()),
        )
        .await;
    }
    create(&db, "2000", anonymous_concern("Age bias", "ABCD-EFGH")).await;
    if db.db.backend() == aimsbot_storage::Backend::Postgres {
        db.execute("ANALYZE records").await;
    }
    for lookup in [
        IndexedLookup::RecordsNamedExactly,
        IndexedLookup::RecordsNamedStartingWith,
        IndexedLookup::ConcernByHandle,
    ] {
        let plan = db.query_plan(lookup).await;
        let reads: Vec<&str> = match db.db.backend() {
            aimsbot_storage::Backend::Sqlite => {
                plan.lines().filter(|l| l.contains("records")).collect()
            }
            aimsbot_storage::Backend::Postgres => {
                assert!(
                    !plan.contains("Seq Scan"),
                    "{lookup:?} scans records:\n{plan}"
                );
                plan.lines().filter(|l| l.contains("Index Cond")).collect()
            }
        };
        assert!(!reads.is_empty(), "{lookup:?}:\n{plan}");
        for read in reads {
            assert!(
                read.contains("INDEX") || read.contains("Index Cond"),
                "{lookup:?} reads records without an index:\n{plan}"
            );
            assert!(
                by_looked_up_column(read),
                "{lookup:?} reads a whole guild's records:\n{plan}"
            );
        }
    }
}

/// The fields of an incident that hold a report to the authority.
const REPORTS: &[&str] = &["initial_report", "complete_report"];

/// Evidence is counted by kind, period, guild, review kind and a field that must be set.
async fn evidence_is_counted_by_period_guild_and_field(db: TestDb) {
    let store = db.store();
    let reference = store
        .create(new_incident("2000", "counted"))
        .await
        .unwrap()
        .record
        .reference;
    store
        .create(new_incident("2001", "elsewhere"))
        .await
        .unwrap();
    let day = chrono::Duration::days(1);
    let query = |guild: Option<&str>, requires: &[&'static str], from: Timestamp| EvidenceQuery {
        guild: guild.map(|g| GuildId::new(g).unwrap()),
        kind: RecordKind::Incident,
        review_kinds: Vec::new(),
        requires: requires.to_vec(),
        ai_system: None,
        from,
        to: from.plus(day),
    };
    let count = |q: EvidenceQuery| {
        let store = store.clone();
        async move { store.count_evidence(&q).await.unwrap() }
    };
    let made = fixed_now().plus(chrono::Duration::hours(-1));
    assert_eq!(count(query(None, &[], made)).await, 2, "every guild");
    assert_eq!(count(query(Some("2000"), &[], made)).await, 1);
    assert_eq!(
        count(query(Some("2000"), &[], made.plus(day))).await,
        0,
        "made before the period"
    );
    assert_eq!(
        count(query(Some("2000"), REPORTS, made)).await,
        0,
        "not reported yet"
    );
    assert_eq!(count(query(Some("2000"), &["assessment"], made)).await, 1);
    let about = |system: &str| EvidenceQuery {
        ai_system: Some(system.to_owned()),
        ..query(Some("2000"), &[], made)
    };
    assert_eq!(count(about("credit scorer")).await, 1, "by its AI system");
    assert_eq!(count(about("chatbot")).await, 0);
    for (system, found) in [("credit scorer", 1), ("chatbot", 0)] {
        let listed = store
            .records(&RecordQuery {
                guild: Some(guild("2000")),
                kind: Some(RecordKind::Incident),
                ai_system: Some(system.to_owned()),
                limit: 10,
                ..RecordQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), found, "listed about {system}");
    }
    let reviews = EvidenceQuery {
        kind: RecordKind::Review,
        review_kinds: vec!["management_review"],
        ..query(None, &[], made)
    };
    assert_eq!(count(reviews).await, 0);

    store
        .change(RecordChange {
            guild: guild("2000"),
            reference,
            actor: person(4000, "carol"),
            at: fixed_now(),
            change: Change::Status {
                changes: FieldChanges::new().set(
                    "initial_report",
                    json!({"at": fixed_now(), "authority": "BNetzA", "member_states": ["DE"], "reference": "R-1"}),
                ),
                note: None,
            },
            idempotency_key: None,
            owed: Vec::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        count(query(Some("2000"), REPORTS, made)).await,
        1,
        "reported"
    );
}

crate::on_both_backends!(
    evidence_is_counted_by_period_guild_and_field,
    records_are_found_by_title_or_reference_ignoring_case,
    a_concern_is_found_by_its_follow_up_handle,
    name_and_handle_lookups_use_an_index,
    a_created_record_reads_back_with_its_reference_and_event,
    references_count_per_guild_kind_and_year,
    a_refused_record_writes_nothing_and_uses_no_number,
    the_same_idempotency_key_records_once,
    changes_are_events_and_facts_of_recording_never_change,
    a_change_to_a_missing_record_is_not_found,
    guilds_are_isolated_and_lists_filter,
);
