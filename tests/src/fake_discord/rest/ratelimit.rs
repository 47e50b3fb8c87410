//! The fake's global rate limit, off unless [`FakeConfig::with_global_rate_limit`] turns it on:
//! at most `limit` requests in fixed windows of length `per`, the first request after a window
//! ends starting the next. Interaction callbacks (`/interactions/...`) and webhooks
//! (`/webhooks/...`, i.e. follow-ups and `@original`) are exempt, as on Discord.
//!
//! Discord announces its per-route buckets in `X-RateLimit-*` headers on every response, and its
//! global limit (50 requests/s for most bots) only when a request breaks it, with a 429 that
//! says `"global": true`. The fake has no per-route buckets, only this one global bucket, and
//! announces it on every response of a limited route under the same header names
//! (`X-RateLimit-Bucket: global`, `X-RateLimit-Scope: global`), so a client that reads
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset-After` instead of hard-coding a rate can stay
//! under it. A request over the limit is not handled and gets Discord's global 429.
//!
//! Times in headers and bodies are rounded up to the millisecond, so a client that waits exactly
//! that long finds the window over.
//!
//! [`FakeConfig::with_global_rate_limit`]: crate::fake_discord::FakeConfig::with_global_rate_limit

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::Reply;
use crate::fake_discord::GlobalRateLimit;

/// Routes Discord exempts from the global limit.
pub(super) fn is_exempt(route: &str) -> bool {
    route.starts_with("/interactions/") || route.starts_with("/webhooks/")
}

/// The current window of the global limit.
pub(crate) struct Window {
    ends: Instant,
    /// `ends` as Unix time in seconds, for `X-RateLimit-Reset`.
    ends_unix: f64,
    /// Requests let through in this window.
    handled: u32,
}

impl Window {
    fn starting(now: Instant, per: Duration) -> Window {
        let unix_now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Window {
            ends: now + per,
            ends_unix: (unix_now + per).as_secs_f64(),
            handled: 0,
        }
    }
}

/// The limiter's verdict on one request.
pub(super) struct Admission {
    pub(super) allowed: bool,
    /// The bucket headers, for the response whatever it turns out to be.
    pub(super) headers: Vec<(&'static str, String)>,
    /// Seconds until the window ends.
    reset_after: f64,
}

/// Count one request against `limit`, starting a new window if the last one is over.
pub(super) fn admit(
    limit: GlobalRateLimit,
    window: &mut Option<Window>,
    now: Instant,
) -> Admission {
    let current = match window.take() {
        Some(w) if now < w.ends => w,
        _ => Window::starting(now, limit.per),
    };
    let window = window.insert(current);
    let allowed = window.handled < limit.limit;
    if allowed {
        window.handled += 1;
    }
    let remaining = limit.limit.saturating_sub(window.handled);
    let reset_after = ceil_ms(window.ends.saturating_duration_since(now).as_secs_f64());
    let headers = vec![
        ("x-ratelimit-limit", limit.limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        (
            "x-ratelimit-reset",
            format!("{:.3}", ceil_ms(window.ends_unix)),
        ),
        ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
        ("x-ratelimit-bucket", "global".to_owned()),
        ("x-ratelimit-scope", "global".to_owned()),
    ];
    Admission {
        allowed,
        headers,
        reset_after,
    }
}

/// Discord's answer to a request over the global limit.
pub(super) fn refusal(admission: &Admission) -> Reply {
    let mut headers = admission.headers.clone();
    // `Retry-After` is whole seconds, rounded up.
    headers.push(("retry-after", format!("{}", admission.reset_after.ceil())));
    headers.push(("x-ratelimit-global", "true".to_owned()));
    Reply {
        status: 429,
        body: Some(json!({
            "message": "You are being rate limited.",
            "retry_after": admission.reset_after,
            "global": true,
        })),
        headers,
        raw: None,
    }
}

fn ceil_ms(secs: f64) -> f64 {
    (secs * 1000.0).ceil() / 1000.0
}
