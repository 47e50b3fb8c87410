//! The two places values come from, the TOML file and `AIMSBOT_<SECTION>__<KEY>` environment
//! variables, turned into figment providers whose metadata can name each value's origin.

use std::collections::BTreeMap;
use std::sync::Arc;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};

use crate::ENV_PREFIX;
use crate::errors::Problem;

/// Metadata name of the environment layer; origins of its values are spelled `env NAME`.
const ENV_METADATA_NAME: &str = "environment variable";

/// Already-parsed values plus the metadata that says where they came from. Parsing happens
/// before the values reach figment so that a broken file is one problem among others
/// instead of an error that hides every other problem.
pub(crate) struct Layer {
    metadata: Metadata,
    dict: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

/// Parses the config file's text; `name` is how problems refer to the file.
pub(crate) fn file_layer(name: &str, text: &str) -> Result<Layer, Problem> {
    let mut profiles = Toml::string(text).data().map_err(|error| Problem {
        key: String::new(),
        origin: Some(name.to_owned()),
        message: format!("not valid TOML: {}", one_line(&error.to_string())),
    })?;
    Ok(Layer {
        metadata: Metadata::from("TOML file", Source::Custom(name.to_owned())),
        dict: profiles.remove(&Profile::Default).unwrap_or_default(),
    })
}

/// The parser's message without its source excerpt, so each problem stays on one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('|') && !line.contains(" | "))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Picks the configuration variables out of `env`.
///
/// Only `AIMSBOT_<SECTION>__<KEY>` names are configuration: other `AIMSBOT_` variables (such
/// as `AIMSBOT_TEST_POSTGRES_URL` or `AIMSBOT_LOG`) belong to tests and tools and are left
/// alone. Values stay strings; the key checkers parse them, so `"[::1]:80"` is not mistaken
/// for an array and `"007"` keeps its zeros.
pub(crate) fn env_layer(env: &[(String, String)]) -> (Layer, Vec<Problem>) {
    let mut dict = Dict::new();
    let mut names = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value) in env {
        let Some(rest) = strip_prefix_ignore_case(name, ENV_PREFIX) else {
            continue;
        };
        if !rest.contains("__") {
            continue;
        }
        let segments: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        let path = segments.join(".");
        if segments.iter().any(|s| s.is_empty() || s.contains('.')) {
            problems.push(Problem {
                key: path,
                origin: Some(format!("env {name}")),
                message: format!(
                    "malformed variable name; configuration variables are named \
                     {ENV_PREFIX}<SECTION>__<KEY>, such as {ENV_PREFIX}WEB__BIND"
                ),
            });
            continue;
        }
        insert_path(&mut dict, &segments, Value::from(value.trim().to_owned()));
        names.insert(path, name.clone());
    }
    let names = Arc::new(names);
    let metadata =
        Metadata::named(ENV_METADATA_NAME).interpolater(move |_: &Profile, keys: &[&str]| {
            match names.get(&keys.join(".")) {
                Some(name) => name.clone(),
                None => env_var_name(keys),
            }
        });
    (Layer { metadata, dict }, problems)
}

/// The canonical variable name for a key path, e.g. `AIMSBOT_WEB__BIND`.
pub(crate) fn env_var_name<S: AsRef<str>>(keys: &[S]) -> String {
    let joined: Vec<String> = keys
        .iter()
        .map(|k| k.as_ref().to_ascii_uppercase())
        .collect();
    format!("{ENV_PREFIX}{}", joined.join("__"))
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

/// Later variables win, like later providers do; a scalar in the way of a deeper key is
/// replaced so the deeper key is reported rather than silently dropped.
fn insert_path(dict: &mut Dict, segments: &[String], value: Value) {
    match segments {
        [] => {}
        [last] => {
            dict.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = dict
                .entry(first.clone())
                .or_insert_with(|| Value::from(Dict::new()));
            if entry.as_dict().is_none() {
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Names where the value at `path` (tagged `tag` by figment) came from.
pub(crate) fn origin_of(figment: &Figment, tag: Tag, path: &[&str]) -> Option<String> {
    let metadata = figment.get_metadata(tag)?;
    if metadata.name == ENV_METADATA_NAME {
        return Some(format!(
            "env {}",
            metadata.interpolate(&Profile::Default, path)
        ));
    }
    match &metadata.source {
        Some(Source::Custom(name)) => Some(name.clone()),
        Some(Source::File(path)) => Some(path.display().to_string()),
        _ => Some(metadata.name.to_string()),
    }
}
