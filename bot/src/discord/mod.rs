//! The Discord adapter (serenity + poise). Without a token the service runs without it and
//! says so; the readiness check reports the gateway's state.

use std::sync::atomic::{AtomicU8, Ordering};

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

/// The running bot.
#[derive(Debug)]
pub struct DiscordBot {
    _private: (),
}

impl DiscordBot {
    /// Starts the bot when `discord.token` is set; otherwise logs that Discord is not
    /// configured and returns `None`.
    pub async fn start_if_configured(shared: &Shared) -> anyhow::Result<Option<DiscordBot>> {
        if shared.settings.discord.token.is_none() {
            tracing::info!(
                "Discord is not configured (set discord.token or AIMSBOT_DISCORD__TOKEN): \
                 running without the bot"
            );
            return Ok(None);
        }
        anyhow::bail!("the Discord bot is not built into this version yet")
    }

    pub async fn stop(self) {}
}
