//! What the parts of the running service share: the use cases, and the readiness of each part
//! (the Discord gateway, the delivery worker). A leaf: it depends on no other module of the
//! binary, so `discord/` and `web/` both use it without importing each other or `app`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use aimsbot_workflows::services::Services;

/// Everything a request handler needs.
#[derive(Debug, Clone)]
pub struct AppState {
    pub services: Services,
    pub readiness: std::sync::Arc<Readiness>,
}

/// Where the Discord gateway connection stands.
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

/// The readiness of each part, as `/readyz` reports it.
#[derive(Debug)]
pub struct Readiness {
    gateway: AtomicU8,
    /// When the delivery worker last went round its loop (`None`: not running).
    delivery_heartbeat: Mutex<Option<Instant>>,
    /// How long the worker may go quiet (it wakes at least this often).
    delivery_interval: Duration,
}

impl Readiness {
    pub fn new(delivery_interval: Duration) -> Self {
        Self {
            gateway: AtomicU8::new(GatewayState::NotConfigured as u8),
            delivery_heartbeat: Mutex::new(None),
            delivery_interval,
        }
    }

    pub fn gateway(&self) -> GatewayState {
        match self.gateway.load(Ordering::Relaxed) {
            x if x == GatewayState::Connecting as u8 => GatewayState::Connecting,
            x if x == GatewayState::Connected as u8 => GatewayState::Connected,
            _ => GatewayState::NotConfigured,
        }
    }

    pub fn set_gateway(&self, state: GatewayState) {
        self.gateway.store(state as u8, Ordering::Relaxed);
    }

    /// The delivery worker is alive.
    pub fn delivery_beat(&self) {
        *self
            .delivery_heartbeat
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
    }

    /// `None` when no worker runs; otherwise whether it went round its loop recently.
    pub fn delivery_alive(&self) -> Option<bool> {
        let beat = *self
            .delivery_heartbeat
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Sending one batch may take a while behind a rate limit: allow a few intervals.
        beat.map(|at| at.elapsed() < self.delivery_interval * 4 + Duration::from_secs(60))
    }
}
