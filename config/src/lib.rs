//! aimsbot's typed settings: a TOML file overlaid by `AIMSBOT_<SECTION>__<KEY>` environment
//! variables, validated so that every problem is reported at once with the key, where the
//! value came from and what is accepted. Secrets never appear in `Debug` or printed config.

mod database_url;
mod errors;
mod keys;
mod settings;
mod sources;

use std::collections::BTreeMap;
use std::path::Path;

use figment::value::{Dict, Value};
use figment::{Figment, Profile, Provider};
use secrecy::SecretString;

pub use database_url::{Backend, DatabaseUrl, DatabaseUrlError};
pub use errors::{ConfigErrors, Problem};
pub use settings::{
    DatabaseSettings, DiscordSettings, LogFormat, LogSettings, RoleSettings, SchedulerSettings,
    Settings, SqliteSynchronous, WebSettings,
};

use keys::{Bad, Section};

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
    let mut origins: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (section_name, section_value) in &root {
        let Some(section) = keys::find_section(section_name) else {
            problems.push(unknown_section(figment, section_name, section_value));
            continue;
        };
        let Some(entries) = section_value.as_dict() else {
            problems.push(Problem {
                key: section_name.clone(),
                origin: sources::origin_of(figment, section_value.tag(), &[section_name]),
                message: format!(
                    "expected a table [{section_name}] with the keys {}, got {}",
                    section.key_names(),
                    keys::describe(section_value, false)
                ),
            });
            continue;
        };
        check_section(
            figment,
            section,
            entries,
            &mut settings,
            &mut origins,
            problems,
        );
    }
    resolve_token_file(&mut settings, &origins, problems);
    settings
}

fn check_section(
    figment: &Figment,
    section: &Section,
    entries: &Dict,
    settings: &mut Settings,
    origins: &mut BTreeMap<String, Option<String>>,
    problems: &mut Vec<Problem>,
) {
    for (key, value) in entries {
        let path = format!("{}.{key}", section.name);
        let origin = sources::origin_of(figment, value.tag(), &[section.name, key]);
        let Some(spec) = section.keys.iter().find(|spec| spec.key == key) else {
            let names: Vec<&str> = section.keys.iter().map(|spec| spec.key).collect();
            problems.push(Problem {
                key: path,
                origin,
                message: format!(
                    "unknown key{}; the keys of [{}] are: {}",
                    suggestion(key, &names),
                    section.name,
                    section.key_names()
                ),
            });
            continue;
        };
        if let Err(bad) = (spec.apply)(value, settings) {
            let message = match bad {
                Bad::Type => format!(
                    "expected {}, got {}",
                    spec.expected,
                    keys::describe(value, spec.secret)
                ),
                Bad::Invalid(why) => format!("{why}; expected {}", spec.expected),
            };
            problems.push(Problem {
                key: path.clone(),
                origin: origin.clone(),
                message,
            });
        }
        origins.insert(path, origin);
    }
}

fn unknown_section(figment: &Figment, name: &str, value: &Value) -> Problem {
    // Point at a concrete value so an environment variable is named in full.
    let mut path = vec![name.to_owned()];
    let mut tag = value.tag();
    let mut current = value;
    while let Some((key, inner)) = current.as_dict().and_then(|d| d.iter().next()) {
        path.push(key.clone());
        tag = inner.tag();
        current = inner;
    }
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let names: Vec<&str> = keys::SECTIONS.iter().map(|s| s.name).collect();
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
fn resolve_token_file(
    settings: &mut Settings,
    origins: &BTreeMap<String, Option<String>>,
    problems: &mut Vec<Problem>,
) {
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
