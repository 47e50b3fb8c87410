//! Keeps `config.example.toml` in sync with the key table: it must load cleanly, list every
//! key exactly once at its default value, and name each key's environment variable.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use aimsbot_config::{ENV_PREFIX, Settings, load_from_sources};

const EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../config.example.toml"
));

/// `section.key` for every key in a TOML document.
fn keys_of(toml_text: &str) -> BTreeSet<String> {
    let table: toml::Table = toml_text.parse().unwrap();
    let mut keys = BTreeSet::new();
    for (section, value) in &table {
        let entries = value.as_table().unwrap();
        for key in entries.keys() {
            keys.insert(format!("{section}.{key}"));
        }
    }
    keys
}

/// The key table, as printed by the effective-config renderer that walks it.
fn table_keys() -> BTreeSet<String> {
    keys_of(&Settings::default().to_redacted_toml())
}

#[test]
fn example_loads_without_problems() {
    if let Err(errors) = load_from_sources(Some(("config.example.toml", EXAMPLE)), &[]) {
        panic!("config.example.toml has problems:\n{errors}");
    }
}

#[test]
fn example_lists_exactly_the_known_keys() {
    let documented = keys_of(EXAMPLE);
    let known = table_keys();
    let undocumented: Vec<_> = known.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&known).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "missing from config.example.toml: {undocumented:?}; not keys: {unknown:?}"
    );
}

#[test]
fn example_values_are_the_defaults() {
    let loaded = load_from_sources(Some(("config.example.toml", EXAMPLE)), &[]).unwrap();
    assert_eq!(
        loaded.to_redacted_toml(),
        Settings::default().to_redacted_toml()
    );
}

#[test]
fn example_names_every_env_var() {
    let env_lines: BTreeSet<&str> = EXAMPLE
        .lines()
        .filter_map(|line| line.trim().strip_prefix("# env: "))
        .collect();
    let expected: BTreeSet<String> = table_keys()
        .iter()
        .map(|key| {
            let (section, key) = key.split_once('.').unwrap();
            format!(
                "{ENV_PREFIX}{}__{}",
                section.to_ascii_uppercase(),
                key.to_ascii_uppercase()
            )
        })
        .collect();
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(env_lines, expected);
}
