//! `/healthz`: the process is up. `/readyz`: it can do its work: the database answers, the
//! Discord gateway is connected (when configured), the delivery worker runs; it also shows the
//! outbox, dead letters included, so a message given up is visible to whoever watches.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::state::{AppState, GatewayState};

const DATABASE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok\n"
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    status: &'static str,
    database: String,
    discord: &'static str,
    delivery: &'static str,
    outbox: Option<Outbox>,
}

/// The outbox as `/readyz` shows it.
#[derive(Debug, Serialize)]
pub struct Outbox {
    queued: u64,
    sending: u64,
    /// Messages given up: `aimsbot outbox list --status dead` lists them.
    dead_letters: u64,
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let services = &state.services;
    let database = match tokio::time::timeout(DATABASE_CHECK_TIMEOUT, services.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!("readiness: database ping failed: {e}");
            Err("unreachable".to_owned())
        }
        Err(_) => Err(format!("no answer within {DATABASE_CHECK_TIMEOUT:?}")),
    };
    let outbox =
        match tokio::time::timeout(DATABASE_CHECK_TIMEOUT, services.delivery.counts()).await {
            Ok(Ok(counts)) => Some(Outbox {
                queued: counts.queued,
                sending: counts.running,
                dead_letters: counts.dead,
            }),
            _ => None,
        };
    let gateway = state.readiness.gateway();
    let delivery = state.readiness.delivery_alive();
    let ready = database.is_ok() && gateway != GatewayState::Connecting && delivery != Some(false);
    let body = Readiness {
        status: if ready { "ready" } else { "not ready" },
        database: database.map_or_else(|e| e, |()| "ok".to_owned()),
        discord: gateway.as_str(),
        delivery: match delivery {
            None => "not running (no chat platform configured)",
            Some(true) => "running",
            Some(false) => "stalled",
        },
        outbox,
    };
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
