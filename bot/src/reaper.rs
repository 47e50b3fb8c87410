//! The session reaper: deletes guided prompts that expired without being confirmed (and
//! finished ones once they expire), without trace, so no abandoned draft lingers.

use std::time::Duration;

use aimsbot_workflows::services::Services;
use tokio::sync::watch;

/// Deletes expired prompts until `stop` turns true.
pub async fn reap_sessions(services: Services, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match services.prompts.reap_expired().await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "deleted expired prompts"),
            Err(e) => tracing::warn!("deleting expired prompts failed: {e}"),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
