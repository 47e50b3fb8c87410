//! Wiring: opens the database, starts the HTTP server and (when configured) the Discord bot,
//! and owns shutdown. The binary's `run` and the end-to-end tests both start an [`App`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aimsbot_config::{Settings, SqliteSynchronous};
use aimsbot_storage::{ConnectOptions, Database, SqliteDurability};
use aimsbot_workflows::Clock;
use aimsbot_workflows::ports::{SessionStore, Store};
use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::discord::{DiscordBot, DiscordStatus};
use crate::web;

/// How long shutdown may take before the process gives up waiting.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// What every part of the running service shares.
#[derive(Debug, Clone)]
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
    pub discord: Arc<DiscordStatus>,
    pub settings: Arc<Settings>,
}

/// A running aimsbot.
#[derive(Debug)]
pub struct App {
    web_addr: SocketAddr,
    database: Database,
    shared: Shared,
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

impl App {
    /// Starts everything; returns once the HTTP server is listening.
    pub async fn start(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let settings = Arc::new(settings);
        let database = open_database(&settings).await?;
        let shared = Shared {
            store: database.store(),
            sessions: database.sessions(),
            clock,
            discord: Arc::new(DiscordStatus::default()),
            settings: settings.clone(),
        };
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();

        let listener = tokio::net::TcpListener::bind(settings.web.bind)
            .await
            .with_context(|| format!("cannot listen on {} (web.bind)", settings.web.bind))?;
        let web_addr = listener.local_addr()?;
        tracing::info!("HTTP server listening on http://{web_addr}");
        tasks.spawn(web::serve(listener, shared.clone(), stopped.clone()));

        let discord = DiscordBot::start_if_configured(&shared).await?;
        Ok(App {
            web_addr,
            database,
            shared,
            stop,
            tasks,
            discord,
        })
    }

    pub fn web_addr(&self) -> SocketAddr {
        self.web_addr
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Stops every part and closes the database. Work in flight is given [`SHUTDOWN_GRACE`];
    /// an interaction cut off by then was never acknowledged, so nothing acknowledged is lost.
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
