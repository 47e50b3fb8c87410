//! Wiring: opens the database, loads the server secret, builds the use cases over their
//! ports, starts the HTTP server, the Discord bot, the delivery worker and the session reaper,
//! and owns shutdown. The binary's `run` and the end-to-end tests both start an [`App`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aimsbot_config::{Settings, SqliteSynchronous};
use aimsbot_storage::{ConnectOptions, Database, SqliteDurability};
use aimsbot_workflows::Clock;
use aimsbot_workflows::GuildId;
use aimsbot_workflows::keyed::KeyedHasher;
use aimsbot_workflows::outbox::RetryPolicy;
use aimsbot_workflows::services::{Deps, Policy, Services};
use aimsbot_workflows::tenancy::{Tenant, Tenants};
use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::delivery::{self, Wake, Worker};
use crate::discord::directory::DiscordDirectory;
use crate::discord::sender::{DiscordSender, Transport};
use crate::discord::{DISCORD_API, DiscordBot, DiscordConfig, DiscordLink};
use crate::state::{AppState, Readiness};
use crate::{reaper, secret, web};

/// How long shutdown may take before the process gives up waiting.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);
/// How long one request to Discord may take.
const DISCORD_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// A running aimsbot.
#[derive(Debug)]
pub struct App {
    web_addr: SocketAddr,
    database: Database,
    state: AppState,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    discord: Option<DiscordBot>,
}

/// The options `run` and tests pass to sqlx, from the typed settings.
pub fn connect_options(settings: &Settings) -> ConnectOptions {
    ConnectOptions {
        url: settings.database.url.expose().to_owned(),
        max_connections: settings.database.max_connections,
        sqlite_durability: match settings.database.sqlite_synchronous {
            SqliteSynchronous::Full => SqliteDurability::Full,
            SqliteSynchronous::Normal => SqliteDurability::Normal,
        },
        busy_timeout: settings.database.busy_timeout,
    }
}

/// Opens the configured database and brings its schema to this binary's version (or checks
/// it is there, when `auto_migrate` is off).
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let database = Database::connect(&connect_options(settings))
        .await
        .with_context(|| format!("cannot open the database {}", settings.database.url))?;
    let status = if settings.database.auto_migrate {
        database.migrate().await?
    } else {
        database.require_current_schema().await?
    };
    tracing::info!(
        database = %settings.database.url,
        schema_version = status.latest_known,
        "database ready"
    );
    Ok(database)
}

/// The served guilds, as the use cases see them.
fn tenants(settings: &Settings) -> anyhow::Result<Tenants> {
    let tenants = settings
        .guilds
        .iter()
        .map(|guild| {
            Ok(Tenant {
                guild: GuildId::new(guild.id.to_string())?,
                compliance_channel: guild.compliance_channel_id.is_some(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Tenants::new(tenants))
}

/// The use cases over the database's ports.
fn services(
    settings: &Settings,
    database: &Database,
    clock: Arc<dyn Clock>,
    link: Arc<DiscordLink>,
    wake: Arc<Wake>,
    keyed: KeyedHasher,
) -> anyhow::Result<Services> {
    Ok(Services::new(Deps {
        store: database.store(),
        sessions: database.sessions(),
        outbox: database.outbox(),
        directory: Arc::new(DiscordDirectory::new(link)),
        waker: wake,
        clock,
        tenants: tenants(settings)?,
        policy: policy(settings)?,
        keyed,
    }))
}

/// The use cases for a subcommand that sends nothing and asks nobody (`aimsbot outbox`):
/// no chat platform, and a throwaway key (nothing it does is keyed).
pub fn offline_services(
    settings: &Settings,
    database: &Database,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Services> {
    let throwaway = uuid::Uuid::new_v4().into_bytes();
    services(
        settings,
        database,
        clock,
        Arc::new(DiscordLink::default()),
        Arc::new(Wake::default()),
        KeyedHasher::new(&throwaway),
    )
}

fn policy(settings: &Settings) -> anyhow::Result<Policy> {
    Ok(Policy {
        session_ttl: chrono::Duration::from_std(settings.discord.session_ttl)
            .context("discord.session_ttl is out of range")?,
        time_zone: settings.scheduler.default_time_zone,
        require_registered_ai_system: settings.discord.require_registered_ai_system,
        retry: RetryPolicy::default(),
    })
}

impl App {
    /// Starts everything; returns once the HTTP server is listening.
    pub async fn start(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let database = open_database(&settings).await?;
        let link = Arc::new(DiscordLink::default());
        let wake = Arc::new(Wake::default());
        let services = services(
            &settings,
            &database,
            clock.clone(),
            link.clone(),
            wake.clone(),
            secret::load(&settings.security)?,
        )?;
        let tick = settings.scheduler.tick_interval;
        let state = AppState {
            services: services.clone(),
            readiness: Arc::new(Readiness::new(tick)),
        };
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();

        let listener = tokio::net::TcpListener::bind(settings.web.bind)
            .await
            .with_context(|| format!("cannot listen on {} (web.bind)", settings.web.bind))?;
        let web_addr = listener.local_addr()?;
        tracing::info!("HTTP server listening on http://{web_addr}");
        tasks.spawn(web::serve(listener, state.clone(), stopped.clone()));
        tasks.spawn(reaper::reap_sessions(
            services.clone(),
            tick,
            stopped.clone(),
        ));

        let http_client = reqwest::Client::builder()
            .timeout(DISCORD_REQUEST_TIMEOUT)
            .build()
            .context("cannot build the HTTP client")?;
        let discord =
            DiscordBot::start_if_configured(&settings, &state, &link, http_client.clone()).await?;
        if discord.is_some() {
            let base = settings.discord.api_base_url.as_str().trim_end_matches('/');
            let transport = if base == DISCORD_API {
                Transport::Discord
            } else {
                Transport::Paced {
                    client: http_client,
                    base: base.to_owned(),
                    pacer: Default::default(),
                }
            };
            let sender = Arc::new(DiscordSender::new(
                link.clone(),
                Arc::new(DiscordConfig::from_settings(&settings)),
                transport,
            ));
            tasks.spawn(delivery::run(
                Worker {
                    name: Worker::name_for_this_process(),
                    poll_interval: tick,
                    lease: chrono::Duration::from_std(settings.scheduler.job_lease)
                        .context("scheduler.job_lease is out of range")?,
                },
                services.clone(),
                sender,
                clock,
                wake,
                state.readiness.clone(),
                stopped.clone(),
            ));
        }
        Ok(App {
            web_addr,
            database,
            state,
            stop,
            tasks,
            discord,
        })
    }

    pub fn web_addr(&self) -> SocketAddr {
        self.web_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops every part and closes the database. Work in flight is given [`SHUTDOWN_GRACE`];
    /// an interaction cut off by then was never acknowledged, so nothing acknowledged is lost,
    /// and a message cut off mid-send is sent again (once) when its lease ends.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let finish = async {
            if let Some(discord) = self.discord.take() {
                discord.stop().await;
            }
            while self.tasks.join_next().await.is_some() {}
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, finish).await.is_err() {
            tracing::warn!("shutdown took longer than {SHUTDOWN_GRACE:?}; stopping anyway");
            self.tasks.abort_all();
        }
        self.database.close().await;
        tracing::info!("stopped");
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received: shutting down"),
        () = terminate => tracing::info!("SIGTERM received: shutting down"),
    }
}
