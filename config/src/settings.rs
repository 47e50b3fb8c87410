//! The typed settings the rest of aimsbot reads, with their defaults.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::database_url::DatabaseUrl;

/// All settings, after defaults, the config file and `AIMSBOT_*` variables were merged and
/// validated.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub discord: DiscordSettings,
    pub web: WebSettings,
    pub scheduler: SchedulerSettings,
    pub roles: RoleSettings,
    pub log: LogSettings,
    pub security: SecuritySettings,
    /// The Discord servers (guilds) aimsbot serves, sorted by id: those in
    /// `discord.guild_ids` and those with a `[guilds.<id>]` table, each with its resolved
    /// channel and roles. Filled in by loading; empty in [`Settings::default`].
    pub guilds: Vec<GuildSettings>,
    /// The ids that have their own `[guilds.<id>]` table, as opposed to taking the top-level
    /// `discord.compliance_channel_id` and `[roles]`; kept so the effective config prints
    /// exactly the tables that were configured.
    pub guild_tables: BTreeSet<u64>,
}

impl Settings {
    /// The settings of a served guild; `None` for a guild aimsbot does not serve.
    pub fn guild(&self, id: u64) -> Option<&GuildSettings> {
        self.guilds.iter().find(|guild| guild.id == id)
    }
}

/// One served Discord server (guild): from its own `[guilds.<id>]` table when it has one,
/// otherwise from the top-level `discord.compliance_channel_id` and `[roles]`. The two are
/// never mixed, because channel and role ids belong to a single server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildSettings {
    pub id: u64,
    /// Channel for serious-incident notices and escalations in this guild.
    pub compliance_channel_id: Option<u64>,
    /// Discord role ids in this guild granting each aimsbot role.
    pub roles: RoleSettings,
}

impl GuildSettings {
    /// A guild with no channel and no roles: what a `[guilds.<id>]` table starts from, so
    /// that a key missing there means none rather than the top-level value.
    pub(crate) fn empty(id: u64) -> Self {
        Self {
            id,
            compliance_channel_id: None,
            roles: RoleSettings::default(),
        }
    }
}

/// `[database]`: where evidence is stored and how the connection pool behaves.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: DatabaseUrl,
    pub max_connections: u32,
    /// Only used with SQLite.
    pub sqlite_synchronous: SqliteSynchronous,
    /// How long a SQLite writer waits for the database lock before failing.
    pub busy_timeout: Duration,
    /// Whether `run` applies pending migrations at start.
    pub auto_migrate: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DatabaseUrl::default(),
            max_connections: 10,
            sqlite_synchronous: SqliteSynchronous::Full,
            busy_timeout: Duration::from_secs(10),
            auto_migrate: true,
        }
    }
}

/// SQLite's `PRAGMA synchronous` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSynchronous {
    /// An acknowledged record survives power loss.
    #[default]
    Full,
    /// An acknowledged record survives process crashes only; faster.
    Normal,
}

impl SqliteSynchronous {
    /// The spelling used in the config file and in `PRAGMA synchronous`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Normal => "normal",
        }
    }
}

/// `[discord]`: the bot's connection to Discord.
#[derive(Debug, Clone)]
pub struct DiscordSettings {
    /// `None` means Discord is not configured; the service still runs without it.
    /// Already resolved from `token_file` when that was used.
    pub token: Option<SecretString>,
    /// The file the token was read from, if it came from `discord.token_file`; kept so the
    /// effective config can say where the token came from.
    pub token_file: Option<PathBuf>,
    pub api_base_url: Url,
    pub application_id: Option<u64>,
    /// The guilds listed in `discord.guild_ids`, as configured. [`Settings::guilds`] is the
    /// full list of served guilds: these plus those with a `[guilds.<id>]` table.
    pub guild_ids: Vec<u64>,
    /// Channel for serious-incident notices and escalations, for the guilds in `guild_ids`
    /// without a `[guilds.<id>]` table; [`Settings::guilds`] has each guild's resolved value.
    pub compliance_channel_id: Option<u64>,
    /// Refuse incident reports and overrides naming an AI system that is not in the
    /// inventory (otherwise the typed name is kept and marked unregistered).
    pub require_registered_ai_system: bool,
    /// Guided-prompt sessions expire after this long.
    pub session_ttl: Duration,
}

impl Default for DiscordSettings {
    fn default() -> Self {
        Self {
            token: None,
            token_file: None,
            api_base_url: default_discord_api_base_url(),
            application_id: None,
            guild_ids: Vec::new(),
            compliance_channel_id: None,
            require_registered_ai_system: false,
            session_ttl: Duration::from_secs(24 * 60 * 60),
        }
    }
}

fn default_discord_api_base_url() -> Url {
    Url::parse("https://discord.com").expect("the literal default Discord URL is valid")
}

/// `[web]`: the HTTP listener.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub bind: SocketAddr,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080),
        }
    }
}

/// `[scheduler]`: the periodic job runner.
#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    /// How often the delivery worker looks for due jobs that another process committed (it
    /// is woken at once for its own), and expired prompts are deleted.
    pub tick_interval: Duration,
    /// How long a worker holds a claimed job before another worker may take it over.
    pub job_lease: Duration,
    /// Time zone for schedules that do not name their own.
    pub default_time_zone: chrono_tz::Tz,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            tick_interval: Duration::from_secs(15),
            job_lease: Duration::from_secs(120),
            default_time_zone: chrono_tz::Tz::UTC,
        }
    }
}

/// Discord role ids granting each aimsbot role: the top-level `[roles]`, which applies to the
/// guilds in `discord.guild_ids` without a table of their own, or a `[guilds.<id>]` table's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSettings {
    /// Empty means every guild member may report, override and attest.
    pub member: Vec<u64>,
    pub owner: Vec<u64>,
    pub compliance: Vec<u64>,
    pub auditor: Vec<u64>,
}

/// `[log]`: tracing output.
#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing_subscriber::EnvFilter` directive; `RUST_LOG` overrides it at runtime.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            filter: "info".to_owned(),
        }
    }
}

/// `[security]`: the server secret keying hashes that must not be reversible from the
/// database alone.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// The secret given directly; when set it wins over `secret_file`.
    pub secret: Option<SecretString>,
    /// Where the secret is kept when `secret` is not set. Loading the configuration neither
    /// reads nor creates it: the binary creates it on first run.
    pub secret_file: PathBuf,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            secret: None,
            secret_file: PathBuf::from("aimsbot.secret"),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

impl LogFormat {
    /// The spelling used in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pretty => "pretty",
            Self::Json => "json",
        }
    }
}
