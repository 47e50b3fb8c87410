//! The Discord adapter (serenity + poise): slash commands, a message context menu, modals,
//! selects and buttons, turned into calls on the domain. Guided prompts keep no state in
//! memory: every component carries its session id, and the session lives in the database, so
//! a restart, a second replica or a late click continues where the person left off.
//!
//! Without a token the service runs without Discord and says so; the readiness check reports
//! the gateway's state.

mod commands;
mod identity;
mod prompts;
mod render;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use aimsbot_workflows::access::{Permission, Refusal, Roles};
use aimsbot_workflows::ports::StoreError;
use secrecy::ExposeSecret;
use serenity::all::{
    ClientBuilder, FullEvent, GatewayIntents, HttpBuilder, Interaction, ShardManager,
};
use tokio::task::JoinHandle;

use crate::app::Shared;

/// Where the gateway connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayState {
    /// No token: the bot is off by configuration.
    NotConfigured,
    Connecting,
    Connected,
}

impl GatewayState {
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayState::NotConfigured => "not configured",
            GatewayState::Connecting => "connecting",
            GatewayState::Connected => "connected",
        }
    }
}

/// The gateway state, shared with the readiness check.
#[derive(Debug)]
pub struct DiscordStatus(AtomicU8);

impl Default for DiscordStatus {
    fn default() -> Self {
        Self(AtomicU8::new(GatewayState::NotConfigured as u8))
    }
}

impl DiscordStatus {
    pub fn state(&self) -> GatewayState {
        match self.0.load(Ordering::Relaxed) {
            x if x == GatewayState::Connecting as u8 => GatewayState::Connecting,
            x if x == GatewayState::Connected as u8 => GatewayState::Connected,
            _ => GatewayState::NotConfigured,
        }
    }

    pub fn set(&self, state: GatewayState) {
        self.0.store(state as u8, Ordering::Relaxed);
    }
}

/// What every command and handler can reach.
#[derive(Debug)]
pub struct Data {
    pub shared: Shared,
}

/// Why a command or prompt failed. [`BotError::user_message`] is what the person sees; internal
/// detail goes to the logs only.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// A message for the person: bad input, not found, not theirs.
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("Discord request failed: {0}")]
    Discord(#[source] Box<serenity::Error>),
}

impl From<serenity::Error> for BotError {
    fn from(error: serenity::Error) -> Self {
        Self::Discord(Box::new(error))
    }
}

impl BotError {
    pub fn user(message: impl Into<String>) -> Self {
        Self::User(message.into())
    }

    pub fn user_message(&self) -> String {
        match self {
            BotError::Refused(refusal) => refusal.message(),
            BotError::User(message) => message.clone(),
            BotError::Store(e) => e.user_message(),
            BotError::Discord(_) => {
                "Discord did not accept my answer; nothing was recorded by this step, please try again".to_owned()
            }
        }
    }

    fn is_internal(&self) -> bool {
        matches!(
            self,
            BotError::Discord(_)
                | BotError::Store(StoreError::Backend(_) | StoreError::Incompatible(_))
        )
    }
}

pub type Ctx<'a> = poise::Context<'a, Data, BotError>;
pub type AppCtx<'a> = poise::ApplicationContext<'a, Data, BotError>;

/// The caller's aimsbot roles, and a refusal unless they grant `permission`.
pub fn require(ctx: Ctx<'_>, permission: Permission) -> Result<Roles, BotError> {
    let member_roles = ctx.author_member_roles();
    let roles = identity::roles(&member_roles, &ctx.data().shared.settings.roles);
    roles.require(permission)?;
    Ok(roles)
}

trait AuthorRoles {
    fn author_member_roles(&self) -> Vec<serenity::all::RoleId>;
}

impl AuthorRoles for Ctx<'_> {
    fn author_member_roles(&self) -> Vec<serenity::all::RoleId> {
        match self {
            poise::Context::Application(app) => app
                .interaction
                .member
                .as_ref()
                .map(|m| m.roles.clone())
                .unwrap_or_default(),
            poise::Context::Prefix(p) => p
                .msg
                .member
                .as_ref()
                .map(|m| m.roles.clone())
                .unwrap_or_default(),
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

/// Discord's own API, which needs serenity's rate limiter; anything else is a proxy or test
/// double that does its own.
const DISCORD_API: &str = "https://discord.com";

impl DiscordBot {
    /// Starts the bot when `discord.token` is set; otherwise logs that Discord is not
    /// configured and returns `None`. Returns once the client is built (before the gateway
    /// connects: readiness reports that).
    pub async fn start_if_configured(shared: &Shared) -> anyhow::Result<Option<DiscordBot>> {
        let settings = &shared.settings.discord;
        let Some(token) = &settings.token else {
            tracing::info!(
                "Discord is not configured (set discord.token or AIMSBOT_DISCORD__TOKEN): \
                 running without the bot"
            );
            return Ok(None);
        };
        let base = settings.api_base_url.as_str().trim_end_matches('/');
        let mut http = HttpBuilder::new(token.expose_secret());
        if base != DISCORD_API {
            // serenity applies a proxy only with its rate limiter off (the proxy's job then).
            tracing::info!(api_base_url = base, "using a Discord-compatible API proxy");
            http = http.proxy(base).ratelimiter_disabled(true);
        }
        if let Some(application_id) = settings.application_id {
            http = http.application_id(application_id.into());
        }
        let framework = poise::Framework::builder()
            .options(commands::framework_options())
            .setup({
                let shared = shared.clone();
                move |ctx, ready, framework| {
                    Box::pin(async move {
                        tracing::info!(bot = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                        commands::register(ctx, &framework.options().commands, &shared.settings.discord.guild_ids).await;
                        shared.discord.set(GatewayState::Connected);
                        Ok(Data { shared })
                    })
                }
            })
            .build();
        shared.discord.set(GatewayState::Connecting);
        let mut client = ClientBuilder::new_with_http(http.build(), GatewayIntents::GUILDS)
            .framework(framework)
            .await?;
        let shard_manager = client.shard_manager.clone();
        let status = shared.discord.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = client.start().await {
                tracing::error!("the Discord client stopped: {e}");
            }
            status.set(GatewayState::Connecting);
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
/// prompts, and gateway state changes.
async fn on_event(
    ctx: &serenity::all::Context,
    event: &FullEvent,
    data: &Data,
) -> Result<(), BotError> {
    match event {
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(click),
        } => {
            prompts::on_component(ctx, data, click).await;
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Modal(submit),
        } => {
            prompts::on_modal(ctx, data, submit).await;
        }
        FullEvent::Ready { .. } => data.shared.discord.set(GatewayState::Connected),
        FullEvent::ShardStageUpdate { event } => {
            let state = if event.new == serenity::gateway::ConnectionStage::Connected {
                GatewayState::Connected
            } else {
                GatewayState::Connecting
            };
            data.shared.discord.set(state);
        }
        _ => {}
    }
    Ok(())
}
