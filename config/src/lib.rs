//! aimsbot's typed settings: a TOML file overlaid by `AIMSBOT_<SECTION>__<KEY>` environment
//! variables (`AIMSBOT_GUILDS__<ID>__<KEY>` for a per-guild table), validated so that every
//! problem is reported at once with the key, where the value came from and what is accepted.
//! Secrets never appear in `Debug` or printed config.

mod database_url;
mod errors;
mod keys;
mod settings;
mod sources;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use figment::value::{Dict, Tag, Value};
use figment::{Figment, Profile, Provider};
use secrecy::SecretString;

pub use database_url::{Backend, DatabaseUrl, DatabaseUrlError};
pub use errors::{ConfigErrors, Problem};
pub use settings::{
    DatabaseSettings, DiscordSettings, GuildSettings, LogFormat, LogSettings, RoleSettings,
    SchedulerSettings, SecuritySettings, Settings, SqliteSynchronous, WebSettings,
};

use keys::{Bad, KeySpec};

/// Prefix of configuration environment variables; only `AIMSBOT_<SECTION>__<KEY>` names
/// are configuration.
pub const ENV_PREFIX: &str = "AIMSBOT_";

/// The config file used when no path is given, relative to the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "aimsbot.toml";

/// Loads the settings from a config file and the process environment.
///
/// With `Some(path)` the file must exist. With `None`, `./aimsbot.toml` is read if it
/// exists; otherwise only defaults and the environment apply.
pub fn load(explicit_path: Option<&Path>) -> Result<Settings, ConfigErrors> {
    let env: Vec<(String, String)> = std::env::vars_os()
        .map(|(name, value)| {
            (
                name.to_string_lossy().into_owned(),
                value.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let path = match explicit_path {
        Some(path) if !path.exists() => {
            problems.push(Problem {
                key: String::new(),
                origin: None,
                message: format!("config file {} does not exist", path.display()),
            });
            None
        }
        Some(path) => Some(path),
        None => Some(Path::new(DEFAULT_CONFIG_FILE)).filter(|p| p.exists()),
    };
    let file = match path {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(error) => {
                problems.push(Problem {
                    key: String::new(),
                    origin: Some(path.display().to_string()),
                    message: format!("cannot read the config file: {error}"),
                });
                None
            }
        },
        None => None,
    };
    let file = file
        .as_ref()
        .map(|(name, text)| (name.as_str(), text.as_str()));
    resolve(file, &env, problems)
}

/// Loads the settings from the given TOML text (with the name problems should call it) and
/// environment pairs only: no config file and no process environment are read, which is
/// what tests want. `discord.token_file` is still read from disk.
pub fn load_from_sources(
    toml_text: Option<(&str, &str)>,
    env: &[(String, String)],
) -> Result<Settings, ConfigErrors> {
    resolve(toml_text, env, Vec::new())
}

fn resolve(
    file: Option<(&str, &str)>,
    env: &[(String, String)],
    mut problems: Vec<Problem>,
) -> Result<Settings, ConfigErrors> {
    let mut figment = Figment::new();
    if let Some((name, text)) = file {
        match sources::file_layer(name, text) {
            Ok(layer) => figment = figment.merge(layer),
            Err(problem) => problems.push(problem),
        }
    }
    let (env_layer, env_problems) = sources::env_layer(env);
    problems.extend(env_problems);
    figment = figment.merge(env_layer);

    let settings = validate(&figment, &mut problems);
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(ConfigErrors { problems })
    }
}

/// Walks the merged values against the key table, applying every good value and recording
/// every bad one; the settings are only handed out when nothing was recorded.
fn validate(figment: &Figment, problems: &mut Vec<Problem>) -> Settings {
    let mut settings = Settings::default();
    let root = match Provider::data(figment) {
        Ok(mut profiles) => profiles.remove(&Profile::Default).unwrap_or_default(),
        Err(error) => {
            problems.push(Problem {
                key: String::new(),
                origin: None,
                message: error.to_string(),
            });
            return settings;
        }
    };
    let mut origins: Origins = BTreeMap::new();
    let mut guild_tables = BTreeMap::new();
    for (section_name, section_value) in &root {
        if section_name == keys::GUILDS {
            check_guilds(
                figment,
                section_value,
                &mut guild_tables,
                &mut origins,
                problems,
            );
            continue;
        }
        let Some(section) = keys::find_section(section_name) else {
            problems.push(unknown_section(figment, section_name, section_value));
            continue;
        };
        let Some(entries) = table(
            figment,
            &[section_name],
            section.keys,
            section_value,
            problems,
        ) else {
            continue;
        };
        check_table(
            figment,
            &[section_name],
            section.keys,
            entries,
            &mut settings,
            &mut origins,
            problems,
        );
    }
    resolve_token_file(&mut settings, &origins, problems);
    resolve_guilds(&mut settings, guild_tables);
    check_served_guilds(&settings, &origins, problems);
    settings
}

/// Where each key's value came from, by dotted path, for problems found after the walk.
type Origins = BTreeMap<String, Option<String>>;

/// The entries of the table at `path`, or a problem saying a table was expected.
fn table<'a, T>(
    figment: &Figment,
    path: &[&str],
    keys: &[KeySpec<T>],
    value: &'a Value,
    problems: &mut Vec<Problem>,
) -> Option<&'a Dict> {
    if let Some(entries) = value.as_dict() {
        return Some(entries);
    }
    let name = path.join(".");
    problems.push(Problem {
        key: name.clone(),
        origin: sources::origin_of(figment, value.tag(), path),
        message: format!(
            "expected a table [{name}] with the keys {}, got {}",
            keys::key_names(keys),
            keys::describe(value, false)
        ),
    });
    None
}

/// Checks the entries of the table at `path` (such as `["web"]` or `["guilds", "123"]`)
/// against its keys, storing good values into `target`.
fn check_table<T>(
    figment: &Figment,
    path: &[&str],
    keys: &[KeySpec<T>],
    entries: &Dict,
    target: &mut T,
    origins: &mut Origins,
    problems: &mut Vec<Problem>,
) {
    let table = path.join(".");
    for (key, value) in entries {
        let key_path = format!("{table}.{key}");
        let value_path: Vec<&str> = path.iter().copied().chain([key.as_str()]).collect();
        let origin = sources::origin_of(figment, value.tag(), &value_path);
        let Some(spec) = keys.iter().find(|spec| spec.key == key) else {
            let names: Vec<&str> = keys.iter().map(|spec| spec.key).collect();
            problems.push(Problem {
                key: key_path,
                origin,
                message: format!(
                    "unknown key{}; the keys of [{table}] are: {}",
                    suggestion(key, &names),
                    keys::key_names(keys)
                ),
            });
            continue;
        };
        if let Err(bad) = (spec.apply)(value, target) {
            let message = match bad {
                Bad::Type => format!(
                    "expected {}, got {}",
                    spec.expected,
                    keys::describe(value, spec.secret)
                ),
                Bad::Invalid(why) => format!("{why}; expected {}", spec.expected),
            };
            problems.push(Problem {
                key: key_path.clone(),
                origin: origin.clone(),
                message,
            });
        }
        origins.insert(key_path, origin);
    }
}

/// Checks the `[guilds.<id>]` tables, collecting each well-named one by id.
fn check_guilds(
    figment: &Figment,
    value: &Value,
    tables: &mut BTreeMap<u64, GuildSettings>,
    origins: &mut Origins,
    problems: &mut Vec<Problem>,
) {
    let Some(guilds) = value.as_dict() else {
        let (path, tag) = first_leaf(&[keys::GUILDS], value);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        problems.push(Problem {
            key: keys::GUILDS.to_owned(),
            origin: sources::origin_of(figment, tag, &path),
            message: format!(
                "expected one table [{}.<id>] per Discord server, with {}, got {}",
                keys::GUILDS,
                keys::GUILD_ID_EXPECTED,
                keys::describe(value, false)
            ),
        });
        return;
    };
    for (name, guild_value) in guilds {
        let path = [keys::GUILDS, name.as_str()];
        let id = keys::guild_table_id(name);
        if id.is_none() {
            let (leaf_path, tag) = first_leaf(&path, guild_value);
            let leaf_path: Vec<&str> = leaf_path.iter().map(String::as_str).collect();
            problems.push(Problem {
                key: path.join("."),
                origin: sources::origin_of(figment, tag, &leaf_path),
                message: format!(
                    "`{name}` is not a Discord server id; expected {}",
                    keys::GUILD_ID_EXPECTED
                ),
            });
        }
        let Some(entries) = table(figment, &path, keys::GUILD_KEYS, guild_value, problems) else {
            continue;
        };
        // A badly named table's keys are still checked, so that its other problems are
        // reported in the same run.
        let mut guild = GuildSettings::empty(id.unwrap_or_default());
        check_table(
            figment,
            &path,
            keys::GUILD_KEYS,
            entries,
            &mut guild,
            origins,
            problems,
        );
        if let Some(id) = id {
            tables.insert(id, guild);
        }
    }
}

/// The served guilds: each configured table as given, then each listed guild without a table
/// with the top-level channel and roles.
fn resolve_guilds(settings: &mut Settings, tables: BTreeMap<u64, GuildSettings>) {
    settings.guild_tables = tables.keys().copied().collect();
    let mut guilds = tables;
    for &id in &settings.discord.guild_ids {
        guilds.entry(id).or_insert_with(|| GuildSettings {
            id,
            compliance_channel_id: settings.discord.compliance_channel_id,
            roles: settings.roles.clone(),
        });
    }
    settings.guilds = guilds.into_values().collect();
}

/// The rules that span keys: a bot must serve at least one guild, and the top-level
/// compliance channel can serve only one.
fn check_served_guilds(settings: &Settings, origins: &Origins, problems: &mut Vec<Problem>) {
    let origin = |key: &str| origins.get(key).cloned().flatten();
    let discord_configured =
        settings.discord.token.is_some() || settings.discord.token_file.is_some();
    if discord_configured && settings.guilds.is_empty() {
        problems.push(Problem {
            key: "discord.guild_ids".to_owned(),
            origin: origin("discord.guild_ids"),
            message: "no Discord server is listed, but discord.token or discord.token_file is \
                      set: aimsbot serves only the servers listed here (or given a \
                      [guilds.<id>] table); add the server's id (with developer mode on, \
                      right-click the server → Copy Server ID)"
                .to_owned(),
        });
    }
    let top_level: Vec<String> = settings
        .discord
        .guild_ids
        .iter()
        .filter(|id| !settings.guild_tables.contains(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(u64::to_string)
        .collect();
    if settings.discord.compliance_channel_id.is_some() && top_level.len() >= 2 {
        problems.push(Problem {
            key: "discord.compliance_channel_id".to_owned(),
            origin: origin("discord.compliance_channel_id"),
            message: format!(
                "a channel belongs to one server, but {} servers without a [guilds.<id>] table \
                 take this top-level setting ({}); set compliance_channel_id per guild in \
                 [guilds.<id>] instead",
                top_level.len(),
                top_level.join(", ")
            ),
        });
    }
}

/// The path and tag of the first value nested in `value` (itself when it is not a table),
/// which sits at `path`, so that a problem about a whole table can name the environment
/// variable that created it.
fn first_leaf(path: &[&str], value: &Value) -> (Vec<String>, Tag) {
    let mut path: Vec<String> = path.iter().map(|&segment| segment.to_owned()).collect();
    let mut tag = value.tag();
    let mut current = value;
    while let Some((key, inner)) = current.as_dict().and_then(|d| d.iter().next()) {
        path.push(key.clone());
        tag = inner.tag();
        current = inner;
    }
    (path, tag)
}

fn unknown_section(figment: &Figment, name: &str, value: &Value) -> Problem {
    // Point at a concrete value so an environment variable is named in full.
    let (path, tag) = first_leaf(&[name], value);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let names = keys::top_level_names();
    let what = if value.as_dict().is_some() {
        format!("unknown section [{name}]")
    } else {
        "unknown top-level key; every key belongs to a section".to_owned()
    };
    Problem {
        key: name.to_owned(),
        origin: sources::origin_of(figment, tag, &path),
        message: format!(
            "{what}{}; the sections are: {}",
            suggestion(name, &names),
            keys::section_names()
        ),
    }
}

/// Reads the token from `discord.token_file`, done after the walk because it depends on
/// `discord.token` not being set as well.
fn resolve_token_file(settings: &mut Settings, origins: &Origins, problems: &mut Vec<Problem>) {
    let Some(path) = settings.discord.token_file.clone() else {
        return;
    };
    let origin = origins.get("discord.token_file").cloned().flatten();
    if settings.discord.token.is_some() {
        let token_origin = origins
            .get("discord.token")
            .cloned()
            .flatten()
            .unwrap_or_else(|| "unknown".to_owned());
        problems.push(Problem {
            key: "discord.token_file".to_owned(),
            origin,
            message: format!(
                "both discord.token (from {token_origin}) and discord.token_file are set; \
                 set only one of them"
            ),
        });
        return;
    }
    let read = std::fs::read_to_string(&path);
    let problem = |what: String| Problem {
        key: "discord.token_file".to_owned(),
        origin: origin.clone(),
        message: format!(
            "{what}; expected the path of a non-empty file holding the bot token \
             (relative paths are relative to the working directory)"
        ),
    };
    match read {
        Ok(text) if text.trim().is_empty() => {
            problems.push(problem(format!("{} is empty", path.display())));
        }
        Ok(text) if text.trim().chars().any(char::is_whitespace) => {
            problems.push(problem(format!(
                "{} holds more than one word (only the bare token is accepted)",
                path.display()
            )));
        }
        Ok(text) => settings.discord.token = Some(SecretString::from(text.trim())),
        Err(error) => {
            problems.push(problem(format!("cannot read {}: {error}", path.display())));
        }
    }
}

/// " (did you mean `x`?)" for a near miss such as `bnd` for `bind`.
fn suggestion(given: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (edit_distance(given, c), c))
        .filter(|(d, c)| *d <= 1.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}
