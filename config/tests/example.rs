//! Keeps `config.example.toml` in sync with the key table: it must load cleanly, list every
//! key of the fixed sections exactly once at its default value, and name each key's
//! environment variable. Per-guild tables have no defaults, so the example documents one as
//! a commented-out block; that block must load once uncommented and list every guild key
//! with its variable.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use aimsbot_config::{ENV_PREFIX, Settings, load_from_sources};

const EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../config.example.toml"
));

/// `section.key` for every key in a TOML document, `guilds.<id>.key` in a guild table.
fn keys_of(toml_text: &str) -> BTreeSet<String> {
    let table: toml::Table = toml_text.parse().unwrap();
    let mut keys = BTreeSet::new();
    for (section, value) in &table {
        for (key, value) in value.as_table().unwrap() {
            match value.as_table() {
                Some(guild) if section == "guilds" => {
                    keys.extend(guild.keys().map(|k| format!("{section}.{key}.{k}")));
                }
                _ => {
                    keys.insert(format!("{section}.{key}"));
                }
            }
        }
    }
    keys
}

/// The environment variable for a dotted key path.
fn env_var(path: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        path.replace('.', "__").to_ascii_uppercase()
    )
}

/// The `# env: NAME` lines of a TOML document.
fn env_lines(toml_text: &str) -> BTreeSet<&str> {
    toml_text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("# env: "))
        .collect()
}

/// The commented-out `[guilds.<id>]` block, uncommented: from its header to the first line
/// that is not a comment.
fn guild_block() -> String {
    let lines: Vec<&str> = EXAMPLE
        .lines()
        .skip_while(|line| !line.starts_with("# [guilds."))
        .take_while(|line| line.starts_with('#'))
        .map(|line| {
            line.strip_prefix("# ")
                .unwrap_or(line.trim_start_matches('#'))
        })
        .collect();
    assert!(
        !lines.is_empty(),
        "config.example.toml has no # [guilds.<id>] block"
    );
    lines.join("\n") + "\n"
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
    // The guild block's lines read `# # env: ...`, so only the fixed keys' lines are seen.
    let expected: BTreeSet<String> = table_keys().iter().map(|key| env_var(key)).collect();
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(env_lines(EXAMPLE), expected);
}

#[test]
fn example_guild_block_lists_every_guild_key_with_its_env_var() {
    let block = guild_block();
    let loaded = match load_from_sources(Some(("example guild block", &block)), &[]) {
        Ok(settings) => settings,
        Err(errors) => panic!("the [guilds.<id>] block has problems:\n{errors}\n{block}"),
    };
    assert_eq!(loaded.guilds.len(), 1, "{block}");
    // The printer walks the guild key table, so its keys are the known guild keys.
    let printed = loaded.to_redacted_toml();
    let known: BTreeSet<String> = keys_of(&printed)
        .into_iter()
        .filter(|key| key.starts_with("guilds."))
        .collect();
    assert!(!known.is_empty(), "{printed}");
    assert_eq!(keys_of(&block), known);
    let expected: BTreeSet<String> = known.iter().map(|key| env_var(key)).collect();
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(env_lines(&block), expected);
}
