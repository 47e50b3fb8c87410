//! The fake REST API under `/api/v10`: records every request, applies injected failures and the
//! optional global rate limit, then answers the routes a bot uses with bodies that deserialize
//! into serenity's types. Anything else is `404 {"message":"404: Not Found","code":0}`, as Discord
//! answers an unknown route.
//!
//! State (registered commands, sent messages, DM channels, acknowledged interactions) lives in
//! [`State`] so reads after writes behave like Discord: an edited message comes back edited, a
//! second callback for one interaction is refused.
//!
//! This module holds the request plumbing and the route table; the routes themselves are in
//! [`commands`], [`interactions`], [`messages`] and [`guilds`], the global limit in
//! [`ratelimit`].

mod commands;
mod guilds;
mod interactions;
mod messages;
pub(crate) mod ratelimit;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    FailureTiming, RandomFailures, RecordedCall, RecordedFile, Shared, State, multipart,
    route_matches,
};
use crate::fixtures;

pub(crate) const API_PREFIX: &str = "/api/v10";

/// `retry_after` of a 429 injected with `fail_next` / `fail_after_handling_next`.
const INJECTED_RETRY_AFTER_SECS: f64 = 0.25;
/// `retry_after` of a 429 injected by `fail_randomly`: short, so that a client honouring it
/// gets through hundreds of random failures in a test's time.
const RANDOM_RETRY_AFTER_SECS: f64 = 0.05;

struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// A non-JSON body (attachment download): content type and bytes.
    raw: Option<(String, Vec<u8>)>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
            raw: None,
        }
    }

    fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
            raw: None,
        }
    }

    /// Discord's JSON error body.
    fn error(status: u16, code: u32, message: &str) -> Reply {
        Reply::json(status, json!({"message": message, "code": code}))
    }

    fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match (self.body, self.raw) {
            (Some(body), _) => (status, axum::Json(body)).into_response(),
            (None, Some((content_type, bytes))) => {
                let header = [(axum::http::header::CONTENT_TYPE, content_type)];
                (status, header, bytes).into_response()
            }
            (None, None) => status.into_response(),
        };
        // Later headers replace earlier ones of the same name.
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// An injected failure, shaped like Discord's: a 429 as one route's bucket running out, with
/// `retry_after` seconds to wait; any other status with a `{"message","code":0}` body.
fn injected_failure(status: u16, retry_after_secs: f64) -> Reply {
    match status {
        429 => Reply {
            status,
            // Discord's real 429 body has no `code`, so serenity cannot decode it and reports
            // code -1; that is what a bot sees in production too.
            body: Some(json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after_secs,
                "global": false,
            })),
            headers: vec![
                ("retry-after", "1".to_owned()),
                ("x-ratelimit-limit", "5".to_owned()),
                ("x-ratelimit-remaining", "0".to_owned()),
                ("x-ratelimit-reset-after", format!("{retry_after_secs:.3}")),
                ("x-ratelimit-bucket", "fake-bucket".to_owned()),
                ("x-ratelimit-scope", "user".to_owned()),
            ],
            raw: None,
        },
        _ => {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            Reply::error(status, 0, &format!("{status}: {reason}"))
        }
    }
}

pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let (body, files) = parse_body(&headers, &body);
    let reply = {
        let mut st = shared.lock();
        let reply = match path.strip_prefix(API_PREFIX) {
            Some(route) => {
                let req = Req {
                    shared: &shared,
                    method: method.as_str(),
                    query: uri.query(),
                    body: body.as_ref(),
                    files: &files,
                };
                req.answer(&mut st, route)
            }
            None => hosted_file(&st, method.as_str(), &path),
        };
        let call = RecordedCall {
            method: method.as_str().to_owned(),
            path,
            query: uri.query().map(str::to_owned),
            body,
            files,
            status: reply.status,
            response: reply.body.clone(),
            at: Instant::now(),
        };
        st.subscribers.retain(|tx| tx.send(call.clone()).is_ok());
        st.calls.push(call);
        reply
    };
    shared.call_recorded.notify_waiters();
    reply.into_response()
}

/// An attachment the fake serves (uploaded by the bot or hosted by a test), outside `/api/v10`.
fn hosted_file(st: &State, method: &str, path: &str) -> Reply {
    match (method, st.hosted.get(path)) {
        ("GET", Some(file)) => Reply {
            status: 200,
            body: None,
            headers: Vec::new(),
            raw: Some(file.clone()),
        },
        _ => Reply::not_found(),
    }
}

fn parse_body(headers: &HeaderMap, raw: &Bytes) -> (Option<Value>, Vec<RecordedFile>) {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = multipart::boundary(content_type) {
        let parsed = multipart::parse(raw, &boundary);
        let body = parsed
            .payload_json
            .and_then(|p| serde_json::from_str(&p).ok());
        return (body, parsed.files);
    }
    if raw.is_empty() {
        return (None, Vec::new());
    }
    (serde_json::from_slice(raw).ok(), Vec::new())
}

/// Use up one `fail_next` / `fail_after_handling_next` failure of this timing for `route`.
fn take_failure(st: &mut State, route: &str, timing: FailureTiming) -> Option<u16> {
    let failure = st
        .failures
        .iter_mut()
        .find(|f| f.timing == timing && f.remaining > 0 && route_matches(route, &f.route_prefix))?;
    failure.remaining -= 1;
    let status = failure.status;
    st.failures.retain(|f| f.remaining > 0);
    Some(status)
}

/// `fail_randomly`'s setting and where its random sequence has got to.
pub(crate) struct RandomFailing {
    settings: RandomFailures,
    rng: SplitMix64,
}

impl RandomFailing {
    pub(crate) fn new(settings: RandomFailures) -> RandomFailing {
        let rng = SplitMix64(settings.seed);
        RandomFailing { settings, rng }
    }

    /// The status to fail a call to `route` with, if this call is one of the unlucky ones. Only
    /// calls to the configured prefixes draw numbers, so adding calls elsewhere does not shift
    /// which calls fail.
    fn draw(&mut self, route: &str) -> Option<u16> {
        let settings = &self.settings;
        if !settings
            .route_prefixes
            .iter()
            .any(|prefix| route_matches(route, prefix))
        {
            return None;
        }
        if self.rng.next_unit() >= settings.rate {
            return None;
        }
        let pick = self.rng.next_u64() % settings.statuses.len() as u64;
        settings.statuses.get(usize::try_from(pick).ok()?).copied()
    }
}

/// Sebastiano Vigna's splitmix64: enough randomness for picking failures, reproducible from the
/// seed, and no dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`: the top 53 bits as a fraction.
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Remember a user so DM channels and `GET /users/{id}` show the right name.
pub(crate) fn learn_user(st: &mut State, user: &Value) {
    if let Some(id) = user["id"].as_str() {
        st.users.insert(id.to_owned(), user.clone());
    }
}

/// What the fake learns from events a test dispatches: who the users are and which channel an
/// interaction token belongs to (follow-ups name only the token).
pub(crate) fn learn_from_dispatch(st: &mut State, event_type: &str, data: &Value) {
    match event_type {
        "INTERACTION_CREATE" => {
            let user = if data["member"]["user"].is_object() {
                &data["member"]["user"]
            } else {
                &data["user"]
            };
            learn_user(st, user);
            if let (Some(token), Some(channel)) =
                (data["token"].as_str(), data["channel_id"].as_str())
            {
                st.interaction_channels
                    .insert(token.to_owned(), channel.to_owned());
            }
        }
        "MESSAGE_CREATE" => learn_user(st, &data["author"]),
        "GUILD_CREATE" | "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" => {
            learn_user(st, &data["user"]);
            for member in data["members"].as_array().into_iter().flatten() {
                learn_user(st, &member["user"]);
            }
        }
        _ => {}
    }
}

/// One request under `/api/v10`.
struct Req<'a> {
    shared: &'a Shared,
    method: &'a str,
    query: Option<&'a str>,
    body: Option<&'a Value>,
    files: &'a [RecordedFile],
}

impl Req<'_> {
    /// Injected failures first (they stand for trouble in front of Discord, so they do not
    /// count against the global limit), then the global limit, then the route itself, then a
    /// failure injected after handling.
    fn answer(&self, st: &mut State, route: &str) -> Reply {
        let injected = take_failure(st, route, FailureTiming::InsteadOfHandling)
            .map(|status| (status, INJECTED_RETRY_AFTER_SECS))
            .or_else(|| {
                let random = st.random_failures.as_mut()?.draw(route)?;
                Some((random, RANDOM_RETRY_AFTER_SECS))
            });
        if let Some((status, retry_after)) = injected {
            *st.injected.entry(status).or_default() += 1;
            return injected_failure(status, retry_after);
        }

        let admission = match self.shared.config.global_rate_limit {
            Some(limit) if !ratelimit::is_exempt(route) => Some(ratelimit::admit(
                limit,
                &mut st.global_window,
                Instant::now(),
            )),
            _ => None,
        };
        let mut reply = match &admission {
            Some(admission) if !admission.allowed => {
                st.rate_limited += 1;
                return ratelimit::refusal(admission);
            }
            _ => self.route(st, route),
        };
        if let Some(status) = take_failure(st, route, FailureTiming::AfterHandling) {
            *st.injected.entry(status).or_default() += 1;
            reply = injected_failure(status, INJECTED_RETRY_AFTER_SECS);
        }
        if let Some(admission) = admission {
            // The bucket headers go first so that an injected 429's own headers win.
            let mut headers = admission.headers;
            headers.append(&mut reply.headers);
            reply.headers = headers;
        }
        reply
    }

    /// The route table. `route` is the path after `/api/v10`.
    fn route(&self, st: &mut State, route: &str) -> Reply {
        let segments: Vec<&str> = route.trim_matches('/').split('/').collect();
        match (self.method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::ok(json!({"url": self.shared.ws_url})),
            ("GET", ["gateway", "bot"]) => Reply::ok(self.gateway_bot()),
            ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(self.application_info()),
            ("GET", ["users", "@me"]) => Reply::ok(self.current_user()),
            ("POST", ["users", "@me", "channels"]) => self.open_dm(st),
            ("DELETE", ["users", "@me", "guilds", guild_id]) => self.leave_guild(st, guild_id),
            ("GET", ["users", user_id]) => match st.users.get(*user_id) {
                Some(user) => Reply::ok(user.clone()),
                None => Reply::error(404, 10013, "Unknown User"),
            },
            (_, ["applications", app, rest @ ..]) => self.applications(st, app, rest),
            (_, ["interactions", rest @ ..]) => self.interactions(st, rest),
            (_, ["webhooks", app, rest @ ..]) => self.webhooks(st, app, rest),
            (_, ["channels", channel_id, rest @ ..]) => self.channels(st, channel_id, rest),
            (_, ["guilds", guild_id, rest @ ..]) => self.guilds(guild_id, rest),
            _ => Reply::not_found(),
        }
    }

    fn bot_user(&self) -> Value {
        let config = &self.shared.config;
        fixtures::bot_user(config.bot_user_id, &config.bot_username)
    }

    fn current_user(&self) -> Value {
        let config = &self.shared.config;
        fixtures::current_user(config.bot_user_id, &config.bot_username)
    }

    fn gateway_bot(&self) -> Value {
        json!({
            "url": self.shared.ws_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
            },
        })
    }

    fn application_info(&self) -> Value {
        let config = &self.shared.config;
        json!({
            "id": fixtures::sf(config.application_id),
            "name": config.bot_username,
            "icon": null,
            "description": "",
            "summary": "",
            "type": null,
            "bot_public": true,
            "bot_require_code_grant": false,
            "verify_key": "0".repeat(64),
            "owner": fixtures::user(config.owner_id, "owner"),
            "team": null,
            "flags": 0,
            "bot": self.bot_user(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "approximate_guild_count": self.shared.config.guilds.len(),
            "integration_types_config": {"0": {}},
        })
    }
}

fn invalid_form_body(field: &str) -> Reply {
    Reply::json(
        400,
        json!({
            "message": "Invalid Form Body",
            "code": 50035,
            "errors": {field: {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}},
        }),
    )
}
