//! The compiled control mapping (`controls.rs`) against the research catalogue it comes from
//! (`data/iso42001-catalogue.yaml`): the same ids and titles, and the same pairings of evidence
//! and ISO/IEC 42001 clause or control, except rows that say why they were added.

use std::collections::BTreeSet;

use aimsbot_workflows::controls::{CONTROLS, LINKS, Source};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Catalogue {
    clauses_requiring_documented_information: Vec<Entry>,
    clauses_other: Vec<Entry>,
    annex_a_controls: Vec<Entry>,
    eu_ai_act: AiAct,
}

#[derive(Debug, Deserialize)]
struct Entry {
    id: String,
    title: String,
    #[serde(default)]
    evidence_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct AiAct {
    evidence_links: std::collections::BTreeMap<String, Vec<String>>,
}

fn catalogue() -> Catalogue {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/iso42001-catalogue.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn iso_entries(catalogue: &Catalogue) -> Vec<(&Entry, Source)> {
    let clauses = catalogue
        .clauses_requiring_documented_information
        .iter()
        .chain(&catalogue.clauses_other)
        .map(|e| (e, Source::Clause));
    clauses
        .chain(
            catalogue
                .annex_a_controls
                .iter()
                .map(|e| (e, Source::AnnexA)),
        )
        .collect()
}

#[test]
fn every_iso_clause_and_control_has_the_catalogues_id_and_title() {
    let catalogue = catalogue();
    let expected: BTreeSet<(String, Source, String)> = iso_entries(&catalogue)
        .into_iter()
        .map(|(e, source)| (e.id.clone(), source, e.title.clone()))
        .collect();
    let compiled: BTreeSet<(String, Source, String)> = CONTROLS
        .iter()
        .filter(|c| c.source != Source::AiAct)
        .map(|c| (c.id.to_owned(), c.source, c.title.to_owned()))
        .collect();
    assert_eq!(compiled, expected);
    assert_eq!(
        CONTROLS
            .iter()
            .filter(|c| c.source == Source::AnnexA)
            .count(),
        38,
        "ISO/IEC 42001 Annex A has 38 controls"
    );
}

#[test]
fn the_iso_pairings_are_the_catalogues_and_additions_say_why() {
    let catalogue = catalogue();
    let expected: BTreeSet<(String, String)> = iso_entries(&catalogue)
        .into_iter()
        .flat_map(|(e, _)| {
            e.evidence_types
                .iter()
                .map(|t| (t.clone(), e.id.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let iso = |id: &str| !id.starts_with("Art.");
    let compiled: BTreeSet<(String, String)> = LINKS
        .iter()
        .filter(|l| iso(l.control) && l.added_because.is_none())
        .map(|l| (l.evidence.as_str().to_owned(), l.control.to_owned()))
        .collect();
    assert_eq!(compiled, expected);
    for link in LINKS.iter().filter(|l| l.added_because.is_some()) {
        assert!(
            !expected.contains(&(link.evidence.as_str().to_owned(), link.control.to_owned())),
            "{link:?} is in the catalogue: it needs no reason"
        );
    }
}

#[test]
fn every_ai_act_pairing_is_one_the_catalogue_names() {
    let catalogue = catalogue();
    for link in LINKS.iter().filter(|l| l.control.starts_with("Art.")) {
        let named = catalogue
            .eu_ai_act
            .evidence_links
            .get(link.evidence.as_str())
            .is_some_and(|articles| {
                articles.iter().any(|a| {
                    a.starts_with(link.control)
                        && !a[link.control.len()..].starts_with(char::is_numeric)
                })
            });
        assert!(named || link.added_because.is_some(), "{link:?}");
    }
}
