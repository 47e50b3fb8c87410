//! Sending at the pace Discord sets, when aimsbot talks to a Discord-compatible proxy or test
//! double instead of Discord itself (serenity's own rate limiter is off then).
//!
//! Nothing here knows a rate: every limit is learnt from responses. The `X-RateLimit-Bucket`,
//! `-Remaining` and `-Reset-After` headers say how many requests a bucket has left and when it
//! refills; a bucket whose `X-RateLimit-Scope` is `global` holds every route. A 429 says how
//! long to wait (`retry_after` in its body, or `Retry-After`), for one bucket or, when marked
//! global, for everything. A sender asks [`Pacer::delay`] before each request and reports
//! each response with [`Pacer::observe`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

/// One bucket as last reported.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u64,
    resets_at: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// Route → the bucket key its responses named.
    routes: HashMap<String, String>,
    buckets: HashMap<String, Bucket>,
    /// Buckets announced with the global scope: they hold every route.
    global_buckets: HashMap<String, Bucket>,
    /// A global 429 stops every request until then.
    global_until: Option<Instant>,
}

/// What a 429 asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub retry_after: Duration,
    pub global: bool,
}

/// Learnt rate limits, shared by everything that sends through one connection.
#[derive(Debug, Default)]
pub struct Pacer {
    state: Mutex<State>,
}

impl Pacer {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long to wait before a request on `route` (a method and path, its ids included).
    pub fn delay(&self, route: &str) -> Duration {
        self.delay_at(route, Instant::now())
    }

    fn delay_at(&self, route: &str, now: Instant) -> Duration {
        let state = self.lock();
        let exhausted = |b: &Bucket| (b.remaining == 0 && b.resets_at > now).then_some(b.resets_at);
        let mut until = state.global_until.filter(|t| *t > now);
        let route_bucket = state
            .routes
            .get(route)
            .and_then(|key| state.buckets.get(key));
        for reset in state
            .global_buckets
            .values()
            .chain(route_bucket)
            .filter_map(exhausted)
        {
            until = Some(until.map_or(reset, |u| u.max(reset)));
        }
        until.map_or(Duration::ZERO, |t| t - now)
    }

    /// Learns from a response to a request on `route`; for a 429, says how long to wait.
    pub fn observe(
        &self,
        route: &str,
        status: u16,
        headers: &HeaderMap,
        body: Option<&serde_json::Value>,
    ) -> Option<RateLimited> {
        self.observe_at(route, status, headers, body, Instant::now())
    }

    fn observe_at(
        &self,
        route: &str,
        status: u16,
        headers: &HeaderMap,
        body: Option<&serde_json::Value>,
        now: Instant,
    ) -> Option<RateLimited> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let seconds = |text: &str| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
        };
        let scope_global = header("x-ratelimit-scope") == Some("global");
        let mut state = self.lock();
        if let (Some(id), Some(remaining), Some(reset_after)) = (
            header("x-ratelimit-bucket"),
            header("x-ratelimit-remaining").and_then(|r| r.trim().parse::<u64>().ok()),
            header("x-ratelimit-reset-after").and_then(seconds),
        ) {
            let bucket = Bucket {
                remaining,
                resets_at: now + reset_after,
            };
            if scope_global {
                state.global_buckets.insert(id.to_owned(), bucket);
            } else {
                // A bucket's limit is per route (its ids are the "major parameter").
                let key = format!("{id}|{route}");
                state.routes.insert(route.to_owned(), key.clone());
                state.buckets.insert(key, bucket);
            }
        }
        if status != 429 {
            return None;
        }
        let retry_after = body
            .and_then(|b| b.get("retry_after"))
            .and_then(serde_json::Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .or_else(|| header("retry-after").and_then(seconds))
            // A 429 that says nothing: wait a moment rather than hammer.
            .unwrap_or(Duration::from_secs(1));
        let global = scope_global
            || header("x-ratelimit-global") == Some("true")
            || body
                .and_then(|b| b.get("global"))
                .and_then(serde_json::Value::as_bool)
                == Some(true);
        let until = now + retry_after;
        if global {
            state.global_until = Some(state.global_until.map_or(until, |u| u.max(until)));
        } else {
            let key = match state.routes.get(route) {
                Some(key) => key.clone(),
                None => {
                    let key = format!("429|{route}");
                    state.routes.insert(route.to_owned(), key.clone());
                    key
                }
            };
            state.buckets.insert(
                key,
                Bucket {
                    remaining: 0,
                    resets_at: until,
                },
            );
        }
        Some(RateLimited {
            retry_after,
            global,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                *name,
                HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        map
    }

    #[test]
    fn an_exhausted_bucket_holds_its_route_until_it_resets() {
        let pacer = Pacer::default();
        let now = Instant::now();
        let route = "POST /channels/1/messages";
        pacer.observe_at(
            route,
            200,
            &headers(&[
                ("x-ratelimit-bucket", "abc"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "0.500"),
            ]),
            None,
            now,
        );
        let wait = pacer.delay_at(route, now);
        assert!(wait > Duration::from_millis(400) && wait <= Duration::from_millis(500));
        assert_eq!(
            pacer.delay_at("POST /channels/2/messages", now),
            Duration::ZERO,
            "another channel is another bucket"
        );
    }

    #[test]
    fn a_global_bucket_holds_every_route() {
        let pacer = Pacer::default();
        let now = Instant::now();
        pacer.observe_at(
            "POST /users/@me/channels",
            200,
            &headers(&[
                ("x-ratelimit-bucket", "global"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "0.250"),
                ("x-ratelimit-scope", "global"),
            ]),
            None,
            now,
        );
        assert!(pacer.delay_at("POST /channels/9/messages", now) > Duration::from_millis(200));
    }

    #[test]
    fn a_429_waits_as_long_as_it_says() {
        let pacer = Pacer::default();
        let now = Instant::now();
        let body = serde_json::json!({"message": "You are being rate limited.", "retry_after": 0.3, "global": true});
        let limited = pacer.observe_at(
            "POST /channels/1/messages",
            429,
            &headers(&[]),
            Some(&body),
            now,
        );
        assert_eq!(
            limited,
            Some(RateLimited {
                retry_after: Duration::from_millis(300),
                global: true
            })
        );
        assert!(pacer.delay_at("POST /users/@me/channels", now) > Duration::from_millis(250));

        let pacer = Pacer::default();
        let now = Instant::now();
        let limited = pacer.observe_at(
            "POST /channels/1/messages",
            429,
            &headers(&[("retry-after", "2")]),
            None,
            now,
        );
        assert_eq!(limited.map(|l| l.global), Some(false));
        assert!(pacer.delay_at("POST /channels/1/messages", now) > Duration::from_millis(1900));
        assert_eq!(
            pacer.delay_at("POST /channels/2/messages", now),
            Duration::ZERO
        );
    }
}
