//! `/healthz`: the process is up. `/readyz`: it can do its work (database reachable, Discord
//! gateway connected when configured).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::app::Shared;
use crate::discord::GatewayState;

const DATABASE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok\n"
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    status: &'static str,
    database: String,
    discord: &'static str,
}

pub async fn readyz(State(shared): State<Shared>) -> (StatusCode, Json<Readiness>) {
    let database = match tokio::time::timeout(DATABASE_CHECK_TIMEOUT, shared.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!("readiness: database ping failed: {e}");
            Err("unreachable".to_owned())
        }
        Err(_) => Err(format!("no answer within {DATABASE_CHECK_TIMEOUT:?}")),
    };
    let gateway = shared.discord.state();
    let ready = database.is_ok() && gateway != GatewayState::Connecting;
    let body = Readiness {
        status: if ready { "ready" } else { "not ready" },
        database: database.map_or_else(|e| e, |()| "ok".to_owned()),
        discord: gateway.as_str(),
    };
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
