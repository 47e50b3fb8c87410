//! Starts the real aimsbot (`aimsbot::app::App`, the same wiring the binary runs) against a
//! fresh fake Discord and a fresh database, and drives it the way Discord would: dispatch an
//! INTERACTION_CREATE, wait for the bot's interaction callback, read what it sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test support: a failed unwrap is a failed test

use std::sync::Arc;
use std::time::Duration;

use aimsbot::app::App;
use aimsbot_storage::testing::{self, TestDb};
use aimsbot_workflows::outbox::{JobQuery, JobStatus, JobSummary};
use aimsbot_workflows::ports::{Outbox, SessionStore, Store};
use aimsbot_workflows::{Clock, SystemClock};
use serde_json::{Value, json};

use crate::fake_discord::{FakeConfig, FakeDiscord};
use crate::fixtures::{self, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, Invoker};
use crate::process::BotProcess;

/// How long any single wait may take before the test fails instead of hanging.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Holders of this Discord role have aimsbot's compliance role.
pub const COMPLIANCE_ROLE: u64 = 1_100_000_000_000_000_301;
/// Holders of this Discord role have aimsbot's owner role.
pub const OWNER_ROLE: u64 = 1_100_000_000_000_000_302;
/// The channel serious-incident notices go to.
pub const COMPLIANCE_CHANNEL: u64 = DEFAULT_CHANNEL_ID;

/// Which database the bot runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// aimsbot, its database and the fake Discord it talks to.
pub struct Harness {
    pub fake: FakeDiscord,
    pub db: TestDb,
    app: Option<App>,
    extra_config: String,
    clock: Arc<dyn Clock>,
    /// Working directory of bots started as processes.
    dir: tempfile::TempDir,
}

/// The server secret every harness bot keys anonymous drafts with (64 characters).
pub const SECRET: &str = "harness-secret-harness-secret-harness-secret-harness-secret-0001";

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("db", &self.db.url)
            .finish_non_exhaustive()
    }
}

/// The guild the fake serves, with members for role-based requests.
pub fn guild_with_members(members: &[(u64, &str, &[u64])]) -> Value {
    let mut guild = fixtures::guild_create(
        DEFAULT_GUILD_ID,
        vec![
            fixtures::role(COMPLIANCE_ROLE, "compliance", 0),
            fixtures::role(OWNER_ROLE, "ai-owners", 0),
        ],
        vec![fixtures::text_channel(DEFAULT_CHANNEL_ID, "compliance")],
    );
    guild["members"] = Value::Array(
        members
            .iter()
            .map(|(id, name, roles)| fixtures::member(*id, name, roles))
            .collect(),
    );
    guild["member_count"] = json!(members.len());
    guild
}

impl Harness {
    /// A bot on a fresh database; `None` when the backend is Postgres and no test server is
    /// configured (outside CI).
    pub async fn start(backend: Backend) -> Option<Harness> {
        Self::start_with(backend, "", guild_with_members(&[])).await
    }

    /// Like [`Harness::start`], with extra TOML for the `[discord]` section and a guild.
    pub async fn start_with(backend: Backend, discord_toml: &str, guild: Value) -> Option<Harness> {
        Self::start_with_guilds(backend, discord_toml, vec![guild]).await
    }

    /// Like [`Harness::start_with`], with every guild the fake Discord knows and sends the
    /// bot when it connects (the configuration still serves only the default one).
    pub async fn start_with_guilds(
        backend: Backend,
        discord_toml: &str,
        guilds: Vec<Value>,
    ) -> Option<Harness> {
        let db = match backend {
            Backend::Sqlite => testing::sqlite().await,
            Backend::Postgres => testing::postgres().await?,
        };
        let fake = FakeConfig::default()
            .with_guilds(guilds)
            .start()
            .await
            .unwrap();
        let mut harness = Harness {
            fake,
            db,
            app: None,
            extra_config: discord_toml.to_owned(),
            clock: Arc::new(SystemClock),
            dir: tempfile::tempdir().unwrap(),
        };
        harness.start_bot().await;
        Some(harness)
    }

    /// The configuration the bot runs with: this database, the fake Discord, the default guild
    /// served with its compliance channel and roles, prompts in Europe/Berlin, a worker that
    /// polls every second.
    pub fn config_toml(&self) -> String {
        format!(
            r#"
[database]
url = "{url}"
[discord]
token = "fake-token"
api_base_url = "{base}"
guild_ids = ["{guild}"]
compliance_channel_id = "{channel}"
{extra}
[web]
bind = "127.0.0.1:0"
[scheduler]
default_time_zone = "Europe/Berlin"
tick_interval = "1s"
job_lease = "10s"
[roles]
compliance = ["{compliance}"]
owner = ["{owner}"]
[security]
secret = "{secret}"
"#,
            url = self.db.url,
            base = self.fake.base_url(),
            guild = DEFAULT_GUILD_ID,
            channel = COMPLIANCE_CHANNEL,
            extra = self.extra_config,
            compliance = COMPLIANCE_ROLE,
            owner = OWNER_ROLE,
            secret = SECRET,
        )
    }

    fn settings(&self) -> aimsbot_config::Settings {
        aimsbot_config::load_from_sources(Some(("harness.toml", &self.config_toml())), &[])
            .unwrap_or_else(|e| panic!("harness config: {e}"))
    }

    /// Runs the bot on `clock` from its next start (to move time instead of waiting).
    pub fn use_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// Starts aimsbot and waits until its commands are registered (its setup ran).
    pub async fn start_bot(&mut self) {
        // Subscribed before starting, so the registration cannot be missed.
        let mut calls = self.fake.subscribe();
        let app = App::start(self.settings(), self.clock.clone())
            .await
            .unwrap();
        self.app = Some(app);
        self.fake.wait_ready(TIMEOUT).await.unwrap();
        tokio::time::timeout(TIMEOUT, async {
            while let Some(call) = calls.recv().await {
                if call.method == "PUT" && call.route().contains("/commands") {
                    return;
                }
            }
        })
        .await
        .expect("aimsbot never registered its commands");
    }

    /// Starts aimsbot as a process of its own (`binary`, see [`crate::process`]) on this
    /// database and fake Discord, and waits until it registered its commands.
    pub async fn start_process(&self, binary: &str, name: &str) -> BotProcess {
        let mut calls = self.fake.subscribe();
        let (binary, config, dir, name) = (
            binary.to_owned(),
            self.config_toml(),
            self.dir.path().to_owned(),
            name.to_owned(),
        );
        let process =
            tokio::task::spawn_blocking(move || BotProcess::spawn(&binary, &config, &dir, &name))
                .await
                .unwrap();
        let registered = tokio::time::timeout(TIMEOUT, async {
            while let Some(call) = calls.recv().await {
                if call.method == "PUT" && call.route().contains("/guilds/") {
                    return;
                }
            }
        })
        .await;
        assert!(
            registered.is_ok(),
            "the process never registered its commands:\n{}",
            process.log()
        );
        process
    }

    /// Stops aimsbot (as a crash or a deploy would), keeping the database and the fake.
    pub async fn stop_bot(&mut self) {
        if let Some(app) = self.app.take() {
            app.stop().await;
        }
    }

    /// Stops aimsbot and starts a new instance on the same database.
    pub async fn restart_bot(&mut self) {
        self.stop_bot().await;
        self.start_bot().await;
    }

    /// Where the in-process bot's HTTP server listens.
    pub fn web_addr(&self) -> std::net::SocketAddr {
        self.app
            .as_ref()
            .expect("the bot runs in this process")
            .web_addr()
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.db.store()
    }

    pub fn sessions(&self) -> Arc<dyn SessionStore> {
        self.db.sessions()
    }

    pub fn outbox(&self) -> Arc<dyn Outbox> {
        self.db.db.outbox()
    }

    /// Up to `limit` outbox jobs, of one status or (`None`) all.
    pub async fn jobs(&self, status: Option<JobStatus>, limit: u32) -> Vec<JobSummary> {
        self.outbox()
            .jobs(&JobQuery { status, limit })
            .await
            .expect("listing outbox jobs")
    }

    /// Sends an INTERACTION_CREATE and returns the bot's answer as the person sees it: the
    /// body of its callback, or, when it deferred (acknowledged first, answered later), its
    /// answer made into the callback it stands for (an edit of the message a click came from
    /// as type 7, anything else as type 4), marked `"deferred": true`.
    pub async fn interact(&self, interaction: Value) -> Value {
        let id = interaction["id"].as_str().unwrap().to_owned();
        let token = interaction["token"].as_str().unwrap().to_owned();
        self.fake.dispatch("INTERACTION_CREATE", interaction).await;
        let callback = self.callback(&id).await;
        match callback["type"].as_u64() {
            Some(callback::DEFERRED | callback::DEFERRED_UPDATE) => {
                self.deferred_answer(&token, &callback).await
            }
            _ => callback,
        }
    }

    /// The answer that followed a deferral: the edit of the original response, or a follow-up.
    async fn deferred_answer(&self, token: &str, deferral: &Value) -> Value {
        let webhook = format!("/webhooks/{}/{token}", fixtures::DEFAULT_APP_ID);
        let original = format!("{webhook}/messages/@original");
        let call = self
            .fake
            .wait_for_call(
                |c| {
                    (c.method == "PATCH" && c.route() == original)
                        || (c.method == "POST" && c.route() == webhook)
                },
                TIMEOUT,
            )
            .await
            .unwrap_or_else(|e| panic!("no answer after a deferral: {e}"));
        let edits_message = call.method == "PATCH" && deferral["type"] == callback::DEFERRED_UPDATE;
        let kind = if edits_message {
            callback::UPDATE_MESSAGE
        } else {
            callback::MESSAGE
        };
        let mut data = call.body.unwrap_or(Value::Null);
        if kind == callback::MESSAGE && data["flags"].is_null() {
            data["flags"] = deferral["data"]["flags"].clone();
        }
        json!({"type": kind, "data": data, "deferred": true})
    }

    /// The first callback aimsbot made for an interaction id.
    pub async fn callback(&self, interaction_id: &str) -> Value {
        let prefix = format!("/interactions/{interaction_id}/");
        let call = self
            .fake
            .wait_for_call(
                |c| c.method == "POST" && c.route().starts_with(&prefix),
                TIMEOUT,
            )
            .await
            .unwrap_or_else(|e| panic!("no callback for interaction {interaction_id}: {e}"));
        call.body.unwrap()
    }

    /// Waits until the bot has posted at least `count` messages in a channel, and returns them.
    pub async fn wait_for_messages(&self, channel: u64, count: usize) -> Vec<Value> {
        let channel = channel.to_string();
        let mut calls = self.fake.subscribe();
        // Looks again after every call the fake records, until enough have been posted.
        let waited = tokio::time::timeout(TIMEOUT, async {
            while self.fake.messages_in(&channel).len() < count {
                if calls.recv().await.is_none() {
                    return;
                }
            }
        })
        .await;
        let messages = self.fake.messages_in(&channel);
        assert!(
            waited.is_ok() && messages.len() >= count,
            "expected {count} messages in channel {channel}, saw {messages:#?}"
        );
        messages
    }

    pub async fn stop(mut self) {
        self.stop_bot().await;
        self.fake.shutdown().await;
    }
}

/// The `custom_id`s of every component in a callback's message (buttons and menus), in order.
pub fn component_ids(callback: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    let rows = callback["data"]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for row in rows {
        for component in row["components"].as_array().cloned().unwrap_or_default() {
            if let Some(id) = component["custom_id"].as_str() {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

/// The id that ends with `suffix` (`":confirm"`, `":pick:kind"`).
pub fn id_ending(callback: &Value, suffix: &str) -> String {
    component_ids(callback)
        .into_iter()
        .find(|id| id.ends_with(suffix))
        .unwrap_or_else(|| panic!("no component ending {suffix} in {callback:#}"))
}

/// A message for component interactions to come from (the bot only reads the custom id).
pub fn prompt_message(invoker: &Invoker) -> Value {
    fixtures::message(
        invoker.channel_id,
        fixtures::bot_user(
            fixtures::DEFAULT_BOT_USER_ID,
            fixtures::DEFAULT_BOT_USERNAME,
        ),
        "prompt",
    )
}

/// A modal submit that came from a message (opened by a button), as Discord sends it.
pub fn modal_submit_from_message(
    invoker: &Invoker,
    custom_id: &str,
    fields: &[(&str, &str)],
) -> Value {
    let mut submit = fixtures::modal_submit(invoker, custom_id, fields);
    submit["message"] = prompt_message(invoker);
    submit
}

/// Interaction callback types (Discord's numbering).
pub mod callback {
    pub const MESSAGE: u64 = 4;
    /// Acknowledged; the answer follows as an edit or a follow-up.
    pub const DEFERRED: u64 = 5;
    /// Acknowledged a click; the message it came from is edited later.
    pub const DEFERRED_UPDATE: u64 = 6;
    pub const UPDATE_MESSAGE: u64 = 7;
    pub const MODAL: u64 = 9;
}

/// Defines each listed end-to-end test twice, `sqlite::NAME` and `postgres::NAME`, each calling
/// `NAME(Harness)` with a bot on that backend (Postgres skipped outside CI without a server).
///
/// `on_both_backends!(harness = FACTORY; NAME, …)` starts each bot with
/// `FACTORY(Backend) -> Option<Harness>`, an async fn in the calling module, e.g. one that calls
/// [`Harness::start_with`] with extra configuration or a guild with members.
#[macro_export]
macro_rules! on_both_backends {
    (harness = $factory:ident; $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let harness = super::$factory($crate::harness::Backend::Sqlite).await.unwrap();
                    super::$name(harness).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(harness) = super::$factory($crate::harness::Backend::Postgres).await {
                        super::$name(harness).await;
                    }
                }
            )+
        }
    };
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let harness = $crate::harness::Harness::start($crate::harness::Backend::Sqlite).await.unwrap();
                    super::$name(harness).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(harness) = $crate::harness::Harness::start($crate::harness::Backend::Postgres).await {
                        super::$name(harness).await;
                    }
                }
            )+
        }
    };
}
