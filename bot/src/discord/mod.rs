//! The Discord adapter (serenity + poise): slash commands, a message context menu, modals,
//! selects and buttons, each parsed into a call on the use cases and the result rendered.
//! It never reaches storage itself (a test checks). Guided prompts keep no state in memory:
//! every component carries its session id, and the session lives in the database, so a
//! restart, a second replica or a late click continues where the person left off.
//!
//! Only the servers in the configuration are served: any other server's interactions are
//! refused, and the bot leaves a server it is added to that is not listed.
//!
//! - [`commands`]: the slash commands; [`interactions`]: buttons, menus and modal submits;
//!   [`respond`]: answering an interaction in time; [`render`] and [`text`]: what it looks like.
//! - [`sender`]: the outbox's messages, sent at Discord's pace; [`directory`]: who holds a role.

mod commands;
mod component_id;
pub mod directory;
mod identity;
mod interactions;
mod pacing;
mod render;
mod respond;
pub mod sender;
mod text;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use aimsbot_config::{GuildSettings, Settings};
use aimsbot_workflows::services::{Caller, ServiceError, Services};
use secrecy::ExposeSecret;
use serenity::all::{
    ClientBuilder, FullEvent, GatewayIntents, Http, HttpBuilder, Interaction, ShardManager,
};
use tokio::task::JoinHandle;

use crate::state::{AppState, GatewayState, Readiness};

/// Discord's own API, which needs serenity's rate limiter; anything else is a proxy or test
/// double, behind which aimsbot paces itself.
pub const DISCORD_API: &str = "https://discord.com";

/// The connection to Discord's REST API once the client exists, shared with the parts that
/// send outside an interaction (the outbox sender, the member directory).
#[derive(Debug, Default)]
pub struct DiscordLink {
    http: OnceLock<Arc<Http>>,
}

impl DiscordLink {
    pub fn http(&self) -> Option<Arc<Http>> {
        self.http.get().cloned()
    }
}

/// What the adapter needs from the configuration.
#[derive(Debug)]
pub struct DiscordConfig {
    /// The served guilds: their role mapping and compliance channel.
    pub guilds: BTreeMap<u64, GuildSettings>,
    /// Names typed times without an offset are read in.
    pub time_zone: chrono_tz::Tz,
    /// How long prompts are kept, as people read it.
    pub session_ttl: String,
}

impl DiscordConfig {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            guilds: settings.guilds.iter().map(|g| (g.id, g.clone())).collect(),
            time_zone: settings.scheduler.default_time_zone,
            session_ttl: humantime::format_duration(settings.discord.session_ttl).to_string(),
        }
    }
}

/// What every command and handler can reach.
#[derive(Debug, Clone)]
pub struct Data {
    pub services: Services,
    pub config: Arc<DiscordConfig>,
    pub readiness: Arc<Readiness>,
}

/// Why a command or an interaction failed.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The use case refused or failed; [`text::service_error`] says why to the person.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A message for the person about their input (an option that does not parse).
    #[error("{0}")]
    User(String),
    /// Discord did not take an answer; the person may not have seen it.
    #[error("Discord request failed: {0}")]
    Discord(#[source] Box<serenity::Error>),
}

impl From<serenity::Error> for BotError {
    fn from(error: serenity::Error) -> Self {
        Self::Discord(Box::new(error))
    }
}

impl From<aimsbot_workflows::ValidationError> for BotError {
    fn from(error: aimsbot_workflows::ValidationError) -> Self {
        Self::Service(ServiceError::Invalid(error))
    }
}

impl BotError {
    pub fn user_message(&self) -> String {
        match self {
            BotError::Service(e) => text::service_error(e),
            BotError::User(message) => message.clone(),
            BotError::Discord(_) => text::REPLY_FAILED.to_owned(),
        }
    }

    fn is_internal(&self) -> bool {
        match self {
            BotError::Service(e) => e.is_internal(),
            BotError::User(_) => false,
            BotError::Discord(_) => true,
        }
    }
}

pub type Ctx<'a> = poise::Context<'a, Data, BotError>;
pub type AppCtx<'a> = poise::ApplicationContext<'a, Data, BotError>;

impl Data {
    /// The caller of an interaction in a guild: who they are and the aimsbot roles their
    /// Discord roles grant in that guild (none in a guild that is not served).
    pub fn caller(
        &self,
        guild: serenity::all::GuildId,
        user: &serenity::all::User,
        member: Option<&serenity::all::Member>,
    ) -> Caller {
        let roles = match self.config.guilds.get(&guild.get()) {
            Some(settings) => identity::roles(
                member.map(|m| m.roles.as_slice()).unwrap_or_default(),
                &settings.roles,
            ),
            None => aimsbot_workflows::access::Roles::default(),
        };
        Caller {
            guild: identity::guild(guild),
            actor: identity::actor(user, member),
            roles,
        }
    }
}

/// The running bot.
pub struct DiscordBot {
    shard_manager: Arc<ShardManager>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for DiscordBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordBot").finish_non_exhaustive()
    }
}

impl DiscordBot {
    /// Starts the bot when `discord.token` is set; otherwise logs that Discord is not
    /// configured and returns `None`. Returns once the client is built and `link` holds its
    /// HTTP client (before the gateway connects: readiness reports that).
    pub async fn start_if_configured(
        settings: &Settings,
        state: &AppState,
        link: &DiscordLink,
        client: reqwest::Client,
    ) -> anyhow::Result<Option<DiscordBot>> {
        let discord = &settings.discord;
        let Some(token) = &discord.token else {
            tracing::info!(
                "Discord is not configured (set discord.token or AIMSBOT_DISCORD__TOKEN): \
                 running without the bot"
            );
            return Ok(None);
        };
        let base = discord.api_base_url.as_str().trim_end_matches('/');
        let mut http = HttpBuilder::new(token.expose_secret()).client(client);
        if base != DISCORD_API {
            // serenity applies a proxy only with its rate limiter off; aimsbot paces itself.
            tracing::info!(api_base_url = base, "using a Discord-compatible API proxy");
            http = http.proxy(base).ratelimiter_disabled(true);
        }
        if let Some(application_id) = discord.application_id {
            http = http.application_id(application_id.into());
        }
        let data = Arc::new(Data {
            services: state.services.clone(),
            config: Arc::new(DiscordConfig::from_settings(settings)),
            readiness: state.readiness.clone(),
        });
        let framework = poise::Framework::builder()
            .options(commands::framework_options())
            .setup(move |ctx, ready, framework| {
                Box::pin(async move {
                    tracing::info!(bot = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                    let served: Vec<u64> = data.config.guilds.keys().copied().collect();
                    commands::register(ctx, &framework.options().commands, &served).await;
                    data.readiness.set_gateway(GatewayState::Connected);
                    Ok(Arc::unwrap_or_clone(data))
                })
            })
            .build();
        state.readiness.set_gateway(GatewayState::Connecting);
        let mut client = ClientBuilder::new_with_http(http.build(), GatewayIntents::GUILDS)
            .framework(framework)
            .await?;
        let _ = link.http.set(client.http.clone());
        let shard_manager = client.shard_manager.clone();
        let readiness = state.readiness.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = client.start().await {
                tracing::error!("the Discord client stopped: {e}");
            }
            readiness.set_gateway(GatewayState::Connecting);
        });
        Ok(Some(DiscordBot {
            shard_manager,
            task,
        }))
    }

    pub async fn stop(self) {
        self.shard_manager.shutdown_all().await;
        let _ = self.task.await;
    }
}

/// Everything poise does not route itself: component and modal interactions of guided
/// prompts, servers joined, and gateway state changes.
async fn on_event(
    ctx: &serenity::all::Context,
    event: &FullEvent,
    data: &Data,
) -> Result<(), BotError> {
    match event {
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(click),
        } => interactions::on_component(ctx, data, click).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Modal(submit),
        } => interactions::on_modal(ctx, data, submit).await,
        FullEvent::GuildCreate { guild, .. }
            if !data.config.guilds.contains_key(&guild.id.get()) =>
        {
            tracing::warn!(
                guild = guild.id.get(),
                name = %guild.name,
                "leaving a server that is not in the configuration (discord.guild_ids or \
                 [guilds.<id>]); add its id and invite the bot again to serve it"
            );
            if let Err(e) = guild.id.leave(&ctx.http).await {
                tracing::error!(guild = guild.id.get(), "could not leave the server: {e}");
            }
        }
        FullEvent::Ready { .. } => data.readiness.set_gateway(GatewayState::Connected),
        FullEvent::ShardStageUpdate { event } => {
            let state = if event.new == serenity::gateway::ConnectionStage::Connected {
                GatewayState::Connected
            } else {
                GatewayState::Connecting
            };
            data.readiness.set_gateway(state);
        }
        _ => {}
    }
    Ok(())
}
