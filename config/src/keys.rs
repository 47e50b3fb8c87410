//! The key table: every configuration key, what it accepts, how a value is checked and
//! stored into [`Settings`], and how it is printed back. It is the single list of keys: the
//! validator, the effective-config printer and the example-file test all walk it. The fixed
//! sections are [`SECTIONS`]; the per-guild `[guilds.<id>]` tables, whose names are not known
//! in advance, have their own list, [`GUILD_KEYS`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use figment::value::{Num, Value};
use secrecy::SecretString;
use url::Url;

use crate::database_url::{DatabaseUrl, REDACTED};
use crate::settings::{GuildSettings, LogFormat, Settings, SqliteSynchronous};

/// A `[section]` of the config file.
pub(crate) struct Section {
    pub name: &'static str,
    pub keys: &'static [KeySpec<Settings>],
}

/// One key of a table, stored into a `T`: [`Settings`] for the fixed sections,
/// [`GuildSettings`] for a `[guilds.<id>]` table.
pub(crate) struct KeySpec<T: 'static> {
    pub key: &'static str,
    /// What is accepted, phrased to follow "expected".
    pub expected: &'static str,
    /// Secret values are never echoed in problems.
    pub secret: bool,
    /// Checks a value and stores it into the settings being built.
    pub apply: fn(&Value, &mut T) -> Result<(), Bad>,
    /// The current value as a TOML value, optionally followed by a `# comment`.
    pub render: fn(&T) -> String,
}

/// Why a value was rejected; the validator adds the key's `expected` text.
#[derive(Debug)]
pub(crate) enum Bad {
    /// The value has the wrong type; the message shows what was given.
    Type,
    /// The value has the right type but is not acceptable, for the stated reason.
    Invalid(String),
}

/// The keys of a table, comma-separated, for "the keys of [x] are: ..." messages.
pub(crate) fn key_names<T>(keys: &[KeySpec<T>]) -> String {
    keys.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
}

pub(crate) fn find_section(name: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.name == name)
}

/// The top-level table holding one `[guilds.<id>]` table per configured guild.
pub(crate) const GUILDS: &str = "guilds";

/// Every top-level name, for did-you-mean suggestions.
pub(crate) fn top_level_names() -> Vec<&'static str> {
    SECTIONS
        .iter()
        .map(|s| s.name)
        .chain(std::iter::once(GUILDS))
        .collect()
}

pub(crate) fn section_names() -> String {
    SECTIONS
        .iter()
        .map(|s| format!("[{}]", s.name))
        .chain(std::iter::once(format!("[{GUILDS}.<id>]")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a `[guilds.<id>]` table name must be, phrased to follow "expected".
pub(crate) const GUILD_ID_EXPECTED: &str =
    "the server (guild) id as a positive decimal integer, such as [guilds.123456789012345678]";

/// The guild id a `[guilds.<id>]` table is named with. Only the plain decimal spelling is
/// accepted, so that two spellings such as `7` and `007` cannot name the same guild.
pub(crate) fn guild_table_id(name: &str) -> Option<u64> {
    if name.is_empty() || name.starts_with('0') || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok()
}

/// The key of one aimsbot role's Discord role ids, for any settings type with a `roles`
/// field: `[roles]` and `[guilds.<id>]` share the keys, checks and rendering.
macro_rules! role_key {
    ($role:ident) => {
        KeySpec {
            key: stringify!($role),
            expected: ROLE_IDS,
            secret: false,
            apply: |v, t| {
                t.roles.$role = snowflakes(v)?;
                Ok(())
            },
            render: |t| render_snowflakes(&t.roles.$role),
        }
    };
}

pub(crate) static SECTIONS: &[Section] = &[
    Section {
        name: "database",
        keys: &[
            KeySpec {
                key: "url",
                expected: DatabaseUrl::ACCEPTED,
                secret: true,
                apply: |v, s| {
                    s.database.url = string(v)?.parse().map_err(
                        |e: crate::database_url::DatabaseUrlError| Bad::Invalid(e.to_string()),
                    )?;
                    Ok(())
                },
                render: |s| toml_string(&s.database.url.to_string()),
            },
            KeySpec {
                key: "max_connections",
                expected: "an integer 1..=1000",
                secret: false,
                apply: |v, s| {
                    s.database.max_connections = integer_in(v, 1, 1000)?;
                    Ok(())
                },
                render: |s| s.database.max_connections.to_string(),
            },
            KeySpec {
                key: "sqlite_synchronous",
                expected: "\"full\" (an acknowledged record survives power loss) or \"normal\" \
                           (survives process crashes only)",
                secret: false,
                apply: |v, s| {
                    s.database.sqlite_synchronous = one_of(
                        v,
                        &[
                            ("full", SqliteSynchronous::Full),
                            ("normal", SqliteSynchronous::Normal),
                        ],
                    )?;
                    Ok(())
                },
                render: |s| toml_string(s.database.sqlite_synchronous.as_str()),
            },
            KeySpec {
                key: "busy_timeout",
                expected: "a duration from 1ms to 10min, such as \"500ms\" or \"10s\"",
                secret: false,
                apply: |v, s| {
                    s.database.busy_timeout =
                        duration_in(v, Duration::from_millis(1), Duration::from_secs(10 * 60))?;
                    Ok(())
                },
                render: |s| toml_string(&format_duration(s.database.busy_timeout)),
            },
            KeySpec {
                key: "auto_migrate",
                expected: "true or false",
                secret: false,
                apply: |v, s| {
                    s.database.auto_migrate = boolean(v)?;
                    Ok(())
                },
                render: |s| s.database.auto_migrate.to_string(),
            },
        ],
    },
    Section {
        name: "discord",
        keys: &[
            KeySpec {
                key: "token",
                expected: "the bot token as a string, or \"\" for no Discord connection",
                secret: true,
                apply: |v, s| {
                    let token = string(v)?.trim();
                    if token.chars().any(char::is_whitespace) {
                        return Err(Bad::Invalid(
                            "the token contains whitespace (give the bare token, without a \
                             \"Bot \" prefix)"
                                .to_owned(),
                        ));
                    }
                    s.discord.token = (!token.is_empty()).then(|| SecretString::from(token));
                    Ok(())
                },
                render: |s| match (&s.discord.token, &s.discord.token_file) {
                    (Some(_), Some(_)) => {
                        format!("{}  # set (read from token_file)", toml_string(REDACTED))
                    }
                    (Some(_), None) => format!("{}  # set", toml_string(REDACTED)),
                    (None, _) => "\"\"  # not set: Discord is not configured".to_owned(),
                },
            },
            KeySpec {
                key: "token_file",
                expected: "the path of a non-empty file holding the bot token, or \"\"",
                secret: false,
                apply: |v, s| {
                    let path = string(v)?;
                    s.discord.token_file = (!path.is_empty()).then(|| PathBuf::from(path));
                    Ok(())
                },
                render: |s| {
                    toml_string(
                        &s.discord
                            .token_file
                            .as_deref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    )
                },
            },
            KeySpec {
                key: "api_base_url",
                expected: "an http:// or https:// URL without query or fragment, such as \
                           \"https://discord.com\"",
                secret: false,
                apply: |v, s| {
                    s.discord.api_base_url = http_url(string(v)?)?;
                    Ok(())
                },
                render: |s| toml_string(s.discord.api_base_url.as_str()),
            },
            KeySpec {
                key: "application_id",
                expected: "a Discord snowflake (a positive integer or a string of digits), \
                           or \"\" for none",
                secret: false,
                apply: |v, s| {
                    s.discord.application_id = optional_snowflake(v)?;
                    Ok(())
                },
                render: |s| render_optional_snowflake(s.discord.application_id),
            },
            KeySpec {
                key: "guild_ids",
                expected: "a list of the ids of the Discord servers (guilds) aimsbot serves and \
                           registers its commands in, as snowflakes, such as \
                           [\"123456789012345678\"]",
                secret: false,
                apply: |v, s| {
                    s.discord.guild_ids = snowflakes(v)?;
                    Ok(())
                },
                render: |s| render_snowflakes(&s.discord.guild_ids),
            },
            KeySpec {
                key: "compliance_channel_id",
                expected: CHANNEL_ID,
                secret: false,
                apply: |v, s| {
                    s.discord.compliance_channel_id = optional_snowflake(v)?;
                    Ok(())
                },
                render: |s| render_optional_snowflake(s.discord.compliance_channel_id),
            },
            KeySpec {
                key: "require_registered_ai_system",
                expected: "true or false",
                secret: false,
                apply: |v, s| {
                    s.discord.require_registered_ai_system = boolean(v)?;
                    Ok(())
                },
                render: |s| s.discord.require_registered_ai_system.to_string(),
            },
            KeySpec {
                key: "session_ttl",
                expected: "a duration from 1min to 30days, such as \"30min\" or \"24h\"",
                secret: false,
                apply: |v, s| {
                    s.discord.session_ttl = duration_in(
                        v,
                        Duration::from_secs(60),
                        Duration::from_secs(30 * 24 * 60 * 60),
                    )?;
                    Ok(())
                },
                render: |s| toml_string(&format_duration(s.discord.session_ttl)),
            },
        ],
    },
    Section {
        name: "web",
        keys: &[KeySpec {
            key: "bind",
            expected: "an IP address and port, such as \"127.0.0.1:8080\" or \"[::]:8080\"",
            secret: false,
            apply: |v, s| {
                let text = string(v)?;
                s.web.bind = text.parse::<SocketAddr>().map_err(|_| {
                    Bad::Invalid(format!(
                        "{text:?} is not an IP address with a port (host names are not resolved)"
                    ))
                })?;
                Ok(())
            },
            render: |s| toml_string(&s.web.bind.to_string()),
        }],
    },
    Section {
        name: "scheduler",
        keys: &[
            KeySpec {
                key: "tick_interval",
                expected: "a duration from 1s to 1h, such as \"15s\" or \"1min\"",
                secret: false,
                apply: |v, s| {
                    s.scheduler.tick_interval =
                        duration_in(v, Duration::from_secs(1), Duration::from_secs(60 * 60))?;
                    Ok(())
                },
                render: |s| toml_string(&format_duration(s.scheduler.tick_interval)),
            },
            KeySpec {
                key: "job_lease",
                expected: "a duration from 5s to 1h, such as \"2min\"",
                secret: false,
                apply: |v, s| {
                    s.scheduler.job_lease =
                        duration_in(v, Duration::from_secs(5), Duration::from_secs(60 * 60))?;
                    Ok(())
                },
                render: |s| toml_string(&format_duration(s.scheduler.job_lease)),
            },
            KeySpec {
                key: "default_time_zone",
                expected: "an IANA time zone name, such as \"UTC\" or \"Europe/Berlin\"",
                secret: false,
                apply: |v, s| {
                    s.scheduler.default_time_zone = time_zone(string(v)?)?;
                    Ok(())
                },
                render: |s| toml_string(s.scheduler.default_time_zone.name()),
            },
        ],
    },
    Section {
        name: "roles",
        keys: &[
            role_key!(member),
            role_key!(owner),
            role_key!(compliance),
            role_key!(auditor),
        ],
    },
    Section {
        name: "log",
        keys: &[
            KeySpec {
                key: "format",
                expected: "\"pretty\" or \"json\"",
                secret: false,
                apply: |v, s| {
                    s.log.format = one_of(
                        v,
                        &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)],
                    )?;
                    Ok(())
                },
                render: |s| toml_string(s.log.format.as_str()),
            },
            KeySpec {
                key: "filter",
                expected: "a non-empty tracing filter directive, such as \"info\" or \
                           \"aimsbot=debug,info\"",
                secret: false,
                apply: |v, s| {
                    let filter = string(v)?.trim();
                    if filter.is_empty() {
                        return Err(Bad::Invalid("the filter is empty".to_owned()));
                    }
                    s.log.filter = filter.to_owned();
                    Ok(())
                },
                render: |s| toml_string(&s.log.filter),
            },
        ],
    },
    Section {
        name: "security",
        keys: &[
            KeySpec {
                key: "secret_file",
                expected: "the path of the file holding the server secret (created on first \
                           run), such as \"aimsbot.secret\"",
                secret: false,
                apply: |v, s| {
                    let path = string(v)?.trim();
                    if path.is_empty() {
                        return Err(Bad::Invalid("the path is empty".to_owned()));
                    }
                    s.security.secret_file = PathBuf::from(path);
                    Ok(())
                },
                render: |s| {
                    let path = toml_string(&s.security.secret_file.display().to_string());
                    if s.security.secret.is_some() {
                        format!("{path}  # not used: security.secret is set")
                    } else {
                        path
                    }
                },
            },
            KeySpec {
                key: "secret",
                expected: "a secret of at least 32 characters, or \"\" to use secret_file",
                secret: true,
                apply: |v, s| {
                    let secret = string(v)?.trim();
                    // A keyed hash of a guessable input is only as strong as its key. Only
                    // the length is reported, never the value.
                    if !secret.is_empty() && secret.chars().count() < MIN_SECRET_CHARS {
                        return Err(Bad::Invalid(format!(
                            "the secret is shorter than {MIN_SECRET_CHARS} characters"
                        )));
                    }
                    s.security.secret = (!secret.is_empty()).then(|| SecretString::from(secret));
                    Ok(())
                },
                render: |s| match s.security.secret {
                    Some(_) => format!("{}  # set", toml_string(REDACTED)),
                    None => "\"\"  # not set: the secret is kept in secret_file".to_owned(),
                },
            },
        ],
    },
];

/// The keys of a `[guilds.<id>]` table: the per-guild counterparts of
/// `discord.compliance_channel_id` and `[roles]`.
pub(crate) static GUILD_KEYS: &[KeySpec<GuildSettings>] = &[
    KeySpec {
        key: "compliance_channel_id",
        expected: CHANNEL_ID,
        secret: false,
        apply: |v, g| {
            g.compliance_channel_id = optional_snowflake(v)?;
            Ok(())
        },
        render: |g| render_optional_snowflake(g.compliance_channel_id),
    },
    role_key!(member),
    role_key!(owner),
    role_key!(compliance),
    role_key!(auditor),
];

const CHANNEL_ID: &str = "a Discord channel id (a positive integer or a string of digits), \
                          or \"\" for none";

const ROLE_IDS: &str = "a list of Discord role ids (snowflakes), such as \
                        [\"123456789012345678\"]";

const MIN_SECRET_CHARS: usize = 32;

fn string(value: &Value) -> Result<&str, Bad> {
    value.as_str().ok_or(Bad::Type)
}

/// Integers as such or, because environment variables are always strings, as digits.
fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Num(_, num) => match *num {
            Num::F32(_) | Num::F64(_) => None,
            num => num
                .to_i128()
                .or_else(|| num.to_u128().and_then(|n| i128::try_from(n).ok())),
        },
        Value::String(_, text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn integer_in<T: TryFrom<i128>>(value: &Value, min: i128, max: i128) -> Result<T, Bad> {
    let n = integer(value).ok_or(Bad::Type)?;
    if !(min..=max).contains(&n) {
        return Err(Bad::Invalid(format!("{n} is out of range")));
    }
    T::try_from(n).map_err(|_| Bad::Invalid(format!("{n} is out of range")))
}

fn boolean(value: &Value) -> Result<bool, Bad> {
    match value {
        Value::Bool(_, b) => Ok(*b),
        Value::String(_, text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(_, text) if text.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(Bad::Type),
    }
}

fn one_of<T: Copy>(value: &Value, choices: &[(&str, T)]) -> Result<T, Bad> {
    let text = string(value)?;
    choices
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()))
        .map(|&(_, choice)| choice)
        .ok_or_else(|| Bad::Invalid(format!("{text:?} is not one of the choices")))
}

fn duration_in(value: &Value, min: Duration, max: Duration) -> Result<Duration, Bad> {
    if let Some(n) = integer(value).filter(|_| value.as_str().is_none()) {
        return Err(Bad::Invalid(format!(
            "the bare number {n} has no unit (write e.g. \"{n}s\")"
        )));
    }
    let text = string(value)?;
    let duration = humantime::parse_duration(text.trim())
        .map_err(|e| Bad::Invalid(format!("{text:?} is not a duration ({e})")))?;
    if duration < min || duration > max {
        return Err(Bad::Invalid(format!("{text:?} is out of range")));
    }
    Ok(duration)
}

fn http_url(text: &str) -> Result<Url, Bad> {
    let url = Url::parse(text.trim())
        .map_err(|e| Bad::Invalid(format!("{text:?} is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Bad::Invalid(format!(
            "the scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Bad::Invalid(format!("{text:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Bad::Invalid(format!(
            "{text:?} has a query or fragment, which the REST client cannot extend"
        )));
    }
    Ok(url)
}

fn time_zone(text: &str) -> Result<chrono_tz::Tz, Bad> {
    let name = text.trim();
    if let Ok(tz) = name.parse::<chrono_tz::Tz>() {
        return Ok(tz);
    }
    let upper = name.to_ascii_uppercase();
    let looks_like_offset = name.starts_with(['+', '-'])
        || name.starts_with(|c: char| c.is_ascii_digit())
        || ["UTC+", "UTC-", "GMT+", "GMT-"]
            .iter()
            .any(|p| upper.starts_with(p));
    if looks_like_offset {
        return Err(Bad::Invalid(format!(
            "{text:?} is a fixed UTC offset, which does not follow daylight-saving changes; \
             use an IANA name instead"
        )));
    }
    let hint = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(name))
        .map(|tz| format!(" (did you mean {:?}?)", tz.name()))
        .unwrap_or_default();
    Err(Bad::Invalid(format!("unknown time zone {text:?}{hint}")))
}

/// A snowflake from an integer or a string of digits; `Err` holds the reason, for the
/// element's position to be added by list callers.
fn parse_snowflake(value: &Value) -> Result<u64, String> {
    let parsed = match value {
        Value::Num(_, num) => num.to_u128_lossy().and_then(|n| u64::try_from(n).ok()),
        Value::String(_, text) => {
            let digits = text.trim().trim_matches(['"', '\'']);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                digits.parse::<u64>().ok()
            }
        }
        _ => None,
    };
    match parsed {
        Some(0) | None => Err(format!("{} is not a snowflake", describe(value, false))),
        Some(id) => Ok(id),
    }
}

fn optional_snowflake(value: &Value) -> Result<Option<u64>, Bad> {
    if value.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(None);
    }
    parse_snowflake(value).map(Some).map_err(Bad::Invalid)
}

/// A TOML array, or (for environment variables) a string such as `"1,2"` or `"[1, 2]"`.
fn snowflakes(value: &Value) -> Result<Vec<u64>, Bad> {
    let items: Vec<Value> = match value {
        Value::Array(_, items) => items.clone(),
        Value::String(_, text) => {
            let inner = text.trim();
            let inner = inner
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .unwrap_or(inner);
            inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::from(s.to_owned()))
                .collect()
        }
        _ => return Err(Bad::Type),
    };
    let mut ids = Vec::with_capacity(items.len());
    let mut bad = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match parse_snowflake(item) {
            Ok(id) => ids.push(id),
            Err(why) => bad.push(format!("element {index}: {why}")),
        }
    }
    if bad.is_empty() {
        Ok(ids)
    } else {
        Err(Bad::Invalid(bad.join("; ")))
    }
}

/// How a rejected value is shown in a problem; secrets only by type.
pub(crate) fn describe(value: &Value, secret: bool) -> String {
    match value {
        Value::String(_, _) if secret => "a string (not shown: secret)".to_owned(),
        Value::String(_, text) => format!("the string {text:?}"),
        Value::Char(_, c) => format!("the character {c:?}"),
        Value::Bool(_, b) => format!("the boolean {b}"),
        Value::Num(_, num) if secret => match num.to_f64() {
            Some(_) => "a number (not shown: secret)".to_owned(),
            None => "an integer (not shown: secret)".to_owned(),
        },
        Value::Num(_, num) => match (num.to_f64(), integer(value)) {
            (Some(f), _) => format!("the number {f}"),
            (None, Some(n)) => format!("the integer {n}"),
            (None, None) => "a number".to_owned(),
        },
        Value::Empty(_, _) => "an empty value".to_owned(),
        Value::Dict(_, _) => "a table".to_owned(),
        Value::Array(_, _) => "an array".to_owned(),
    }
}

/// Whole durations in the largest unit that divides them, so defaults print as written.
fn format_duration(duration: Duration) -> String {
    const DAY: u64 = 24 * 60 * 60;
    let secs = duration.as_secs();
    if duration.subsec_nanos() == 0 && secs > 0 {
        if secs.is_multiple_of(DAY) && secs > DAY {
            return format!("{}days", secs / DAY);
        }
        if secs.is_multiple_of(3600) {
            return format!("{}h", secs / 3600);
        }
        if secs.is_multiple_of(60) {
            return format!("{}min", secs / 60);
        }
        return format!("{secs}s");
    }
    if duration.subsec_nanos().is_multiple_of(1_000_000) {
        return format!("{}ms", duration.as_millis());
    }
    humantime::format_duration(duration).to_string()
}

fn render_optional_snowflake(id: Option<u64>) -> String {
    toml_string(&id.map(|id| id.to_string()).unwrap_or_default())
}

/// Snowflakes print as strings because they exceed the integers JavaScript-based tools
/// handle exactly.
fn render_snowflakes(ids: &[u64]) -> String {
    let items: Vec<String> = ids.iter().map(|id| toml_string(&id.to_string())).collect();
    format!("[{}]", items.join(", "))
}

impl Settings {
    /// The effective configuration as TOML, every key in table order, secrets shown as
    /// `"[redacted]"` with a comment saying whether they are set.
    pub fn to_redacted_toml(&self) -> String {
        let mut out = String::from(
            "# Effective aimsbot configuration: defaults < config file < AIMSBOT_* environment.\n\
             # Secrets are shown as \"[redacted]\".\n",
        );
        for section in SECTIONS {
            out.push_str(&format!("\n[{}]\n", section.name));
            for key in section.keys {
                out.push_str(&format!("{} = {}\n", key.key, (key.render)(self)));
            }
        }
        // Only the tables that were configured: a guild listed in `discord.guild_ids` alone
        // takes the top-level values printed above, and printing a table for it would pin
        // them to that guild when the output is loaded back.
        let tables = self
            .guilds
            .iter()
            .filter(|guild| self.guild_tables.contains(&guild.id));
        for guild in tables {
            out.push_str(&format!("\n[{GUILDS}.{}]\n", guild.id));
            for key in GUILD_KEYS {
                out.push_str(&format!("{} = {}\n", key.key, (key.render)(guild)));
            }
        }
        out
    }
}

/// A TOML basic string.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_in_their_natural_unit() {
        assert_eq!(format_duration(Duration::from_secs(10)), "10s");
        assert_eq!(format_duration(Duration::from_secs(24 * 3600)), "24h");
        assert_eq!(
            format_duration(Duration::from_secs(30 * 24 * 3600)),
            "30days"
        );
        assert_eq!(format_duration(Duration::from_secs(90)), "90s");
        assert_eq!(format_duration(Duration::from_secs(600)), "10min");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        for d in [1, 1500, 60_000, 86_400_000, 2_592_000_000] {
            let d = Duration::from_millis(d);
            assert_eq!(humantime::parse_duration(&format_duration(d)).ok(), Some(d));
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }

    #[test]
    fn key_names_are_unique_and_lowercase() {
        let mut seen = std::collections::BTreeSet::new();
        for section in SECTIONS {
            for key in section.keys {
                let path = format!("{}.{}", section.name, key.key);
                assert_eq!(path, path.to_ascii_lowercase());
                assert!(seen.insert(path.clone()), "duplicate key {path}");
            }
        }
        let guild_keys: std::collections::BTreeSet<_> = GUILD_KEYS.iter().map(|k| k.key).collect();
        assert_eq!(guild_keys.len(), GUILD_KEYS.len());
        assert!(guild_keys.iter().all(|k| *k == k.to_ascii_lowercase()));
        assert!(find_section(GUILDS).is_none());
    }

    #[test]
    fn guild_tables_are_named_by_plain_decimal_ids() {
        assert_eq!(
            guild_table_id("123456789012345678"),
            Some(123456789012345678)
        );
        assert_eq!(guild_table_id("7"), Some(7));
        for bad in [
            "",
            "0",
            "007",
            "-1",
            "+1",
            "12a",
            " 1",
            "18446744073709551616",
        ] {
            assert_eq!(guild_table_id(bad), None, "{bad:?}");
        }
    }
}
