//! A fake Discord for end-to-end tests: one axum server on `127.0.0.1:<random port>` serving the
//! REST API under `/api/v10/...` and the gateway WebSocket at `/gateway`, recording every REST
//! call so tests can assert on what the bot sent.
//!
//! Point the real serenity client at it with
//! `HttpBuilder::new("fake-token").proxy(fake.base_url()).ratelimiter_disabled(true).build()`:
//! serenity applies the proxy only when its rate limiter is off, otherwise requests go to the
//! real discord.com.
//!
//! What it mimics, and where it stops, is in the shared note `notes/discord-offline-testing.md`;
//! REST routes are in [`rest`], the gateway in [`gateway`].
//!
//! Trouble on demand: [`FakeDiscord::fail_next`], [`FakeDiscord::fail_after_handling_next`] and
//! [`FakeDiscord::fail_randomly`] inject failures, [`FakeConfig::with_global_rate_limit`] turns
//! on a global rate limit (see [`rest::ratelimit`]).

mod gateway;
mod multipart;
mod rest;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use serde_json::Value;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::fixtures;

/// Pause between a modal being opened and [`FakeDiscord::submit_modal`] submitting it. With
/// no pause 5 of 12 parallel runs on two cores lost the submit; 200 ms lost none.
pub const MODAL_GRACE: Duration = Duration::from_millis(200);

/// What the fake announces about the bot and which guilds it sends after READY.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    pub application_id: u64,
    pub bot_user_id: u64,
    pub bot_username: String,
    /// Owner in `GET /oauth2/applications/@me`.
    pub owner_id: u64,
    /// GUILD_CREATE payloads ([`fixtures::guild_create`]), sent in this order after READY; READY
    /// lists their ids as unavailable guilds, as Discord does.
    pub guilds: Vec<Value>,
    /// HELLO's interval. The default, Discord's 41250 ms, means a short test never heartbeats.
    pub heartbeat_interval_ms: u64,
    /// A global REST rate limit; `None` (the default) lets every request through.
    pub global_rate_limit: Option<GlobalRateLimit>,
}

/// At most `limit` REST requests in each fixed window of length `per`; see [`rest::ratelimit`].
#[derive(Clone, Copy, Debug)]
pub struct GlobalRateLimit {
    pub limit: u32,
    pub per: Duration,
}

/// What [`FakeDiscord::fail_randomly`] fails.
#[derive(Clone, Debug)]
pub struct RandomFailures {
    /// Routes (paths after `/api/v10`; a leading `/api/v10` is accepted too) whose calls may
    /// fail: a call is eligible if its route starts with one of these.
    pub route_prefixes: Vec<String>,
    /// Probability, in `0.0..=1.0`, that an eligible call fails.
    pub rate: f64,
    /// The status of a failed call is picked from these, uniformly.
    pub statuses: Vec<u16>,
    /// Seeds the random sequence: the same seed and the same calls in the same order fail the
    /// same way.
    pub seed: u64,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            application_id: fixtures::DEFAULT_APP_ID,
            bot_user_id: fixtures::DEFAULT_BOT_USER_ID,
            bot_username: fixtures::DEFAULT_BOT_USERNAME.to_owned(),
            owner_id: fixtures::DEFAULT_OWNER_ID,
            guilds: vec![fixtures::default_guild()],
            heartbeat_interval_ms: 41_250,
            global_rate_limit: None,
        }
    }
}

impl FakeConfig {
    pub fn with_application_id(mut self, application_id: u64) -> Self {
        self.application_id = application_id;
        self
    }

    pub fn with_bot_user(mut self, bot_user_id: u64, username: &str) -> Self {
        self.bot_user_id = bot_user_id;
        self.bot_username = username.to_owned();
        self
    }

    pub fn with_guilds(mut self, guilds: Vec<Value>) -> Self {
        self.guilds = guilds;
        self
    }

    /// Turn on a global rate limit: at most `limit` REST requests in each window of length
    /// `per`, except interaction callbacks and webhooks. See [`rest::ratelimit`].
    pub fn with_global_rate_limit(mut self, limit: u32, per: Duration) -> Self {
        self.global_rate_limit = Some(GlobalRateLimit { limit, per });
        self
    }

    /// Start a [`FakeDiscord`] with this configuration.
    pub async fn start(self) -> anyhow::Result<FakeDiscord> {
        FakeDiscord::start_with(self).await
    }
}

/// One REST request the fake received, with what it answered.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Full path without the query, e.g. `/api/v10/channels/1/messages` (see [`Self::route`]).
    pub path: String,
    pub query: Option<String>,
    /// The JSON body; for a multipart request (one with files) its `payload_json` part. `None`
    /// when there was no body or it was not JSON.
    pub body: Option<Value>,
    /// Files of a multipart request.
    pub files: Vec<RecordedFile>,
    /// HTTP status the fake answered with.
    pub status: u16,
    /// The JSON the fake answered with (`None` for 204). For message-creating routes this is the
    /// `Message` the bot received, so a test can click a button on it.
    pub response: Option<Value>,
    pub at: Instant,
}

impl RecordedCall {
    /// The path after `/api/v10`, e.g. `/channels/1/messages`.
    pub fn route(&self) -> &str {
        self.path
            .strip_prefix(rest::API_PREFIX)
            .unwrap_or(&self.path)
    }

    /// `method` matches and [`Self::route`] starts with `route_prefix` (a leading `/api/v10` in
    /// the prefix is accepted too).
    pub fn is(&self, method: &str, route_prefix: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && route_matches(self.route(), route_prefix)
    }
}

/// A file part of a multipart request.
#[derive(Clone, Debug)]
pub struct RecordedFile {
    /// The form field name, `files[N]` for message attachments.
    pub field: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

fn route_matches(route: &str, prefix: &str) -> bool {
    let prefix = prefix.strip_prefix(rest::API_PREFIX).unwrap_or(prefix);
    route.starts_with(prefix)
}

/// A failure queued with [`FakeDiscord::fail_next`] or [`FakeDiscord::fail_after_handling_next`].
struct Failure {
    route_prefix: String,
    status: u16,
    remaining: usize,
    timing: FailureTiming,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FailureTiming {
    /// The request is not handled.
    InsteadOfHandling,
    /// The request is handled, then answered with the failure.
    AfterHandling,
}

pub(crate) struct SessionHandle {
    tx: mpsc::UnboundedSender<gateway::SessionCmd>,
    /// READY and the GUILD_CREATEs have been sent on this connection.
    ready: bool,
}

#[derive(Default)]
pub(crate) struct State {
    calls: Vec<RecordedCall>,
    failures: Vec<Failure>,
    random_failures: Option<rest::RandomFailing>,
    /// Status -> responses answered with it by failure injection.
    injected: BTreeMap<u16, usize>,
    /// The global rate limit's current window, once a limited request arrived.
    global_window: Option<rest::ratelimit::Window>,
    /// Requests refused by the global rate limit.
    rate_limited: usize,
    /// Interaction ids that got a successful callback; a second one is refused with 40060.
    acknowledged: HashSet<String>,
    /// Interaction token -> the `@original` response message.
    originals: HashMap<String, Value>,
    /// Follow-up message id -> message, for `/webhooks/{app}/{token}/messages/{id}`.
    followups: HashMap<String, Value>,
    /// Message id -> message, for `/channels/{id}/messages/{mid}`.
    channel_messages: HashMap<String, Value>,
    /// Messages created with `POST /channels/{id}/messages`, as created, in order.
    created_messages: Vec<Value>,
    /// Guild ids the bot left with `DELETE /users/@me/guilds/{id}`, in order.
    left_guilds: Vec<String>,
    /// Interaction token -> channel id, learnt from dispatched interactions so follow-ups land
    /// in the right channel.
    interaction_channels: HashMap<String, String>,
    /// User id -> `User`, learnt from configured guilds and dispatched events.
    users: HashMap<String, Value>,
    /// DM channel id -> `PrivateChannel`.
    dm_channels: HashMap<String, Value>,
    global_commands: Vec<Value>,
    guild_commands: HashMap<String, Vec<Value>>,
    sessions: HashMap<u64, SessionHandle>,
    /// Every frame a client sent on the gateway, in order.
    gateway_received: Vec<Value>,
    /// URL path -> (content type, bytes) of attachments the fake serves.
    hosted: HashMap<String, (String, Vec<u8>)>,
    /// Receivers of every call as it is recorded ([`FakeDiscord::subscribe`]).
    subscribers: Vec<mpsc::UnboundedSender<RecordedCall>>,
}

pub(crate) struct Shared {
    config: FakeConfig,
    base_url: String,
    ws_url: String,
    state: Mutex<State>,
    call_recorded: Notify,
    /// Number of connections that have been sent READY (+ GUILD_CREATEs) and are still open.
    ready_sessions: watch::Sender<usize>,
    next_session: AtomicU64,
}

impl Shared {
    // A panic while holding the lock only happens in a failing test; keep serving so that the
    // test reports its own failure instead of a poison error.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake Discord. Dropping it stops the server; [`FakeDiscord::shutdown`] also waits
/// for it.
#[derive(Debug)]
pub struct FakeDiscord {
    shared: Arc<Shared>,
    server: Option<JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeDiscord {
    /// Start with [`FakeConfig::default`]: default application/bot ids and one guild
    /// ([`fixtures::default_guild`]).
    pub async fn start() -> anyhow::Result<FakeDiscord> {
        Self::start_with(FakeConfig::default()).await
    }

    pub async fn start_with(config: FakeConfig) -> anyhow::Result<FakeDiscord> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .context("binding the fake Discord to 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let ws_url = format!("ws://{addr}/gateway");

        let mut state = State::default();
        for guild in &config.guilds {
            for member in guild["members"].as_array().into_iter().flatten() {
                rest::learn_user(&mut state, &member["user"]);
            }
        }
        let (ready_sessions, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            config,
            base_url,
            ws_url,
            state: Mutex::new(state),
            call_recorded: Notify::new(),
            ready_sessions,
            next_session: AtomicU64::new(1),
        });

        let app = Router::new()
            .route("/gateway", get(gateway::upgrade))
            .fallback(rest::handle)
            // Attachments can be up to 8 MiB (more in boosted guilds); axum's default is 2 MiB.
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            // Nagle's algorithm would hold the gateway's small frames back for up to 40 ms
            // (waiting for delayed ACKs): a latency Discord does not add and the bot did not cause.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // An accept error ends the server; the test then fails on its own timeout with the
            // calls recorded so far, which says more than a panic here would.
            let _ = serve.await;
        });
        Ok(FakeDiscord {
            shared,
            server: Some(server),
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:PORT`: what `HttpBuilder::proxy` (and aimsbot's `discord.api_base_url`)
    /// gets.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `ws://127.0.0.1:PORT/gateway`, also returned by `GET /api/v10/gateway`.
    pub fn gateway_url(&self) -> String {
        self.shared.ws_url.clone()
    }

    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// Wait until a client has IDENTIFIED and been sent READY and every GUILD_CREATE, on a
    /// connection that is still open. The bot may still be processing READY (poise runs
    /// `setup` then); wait for the command registration call if a test needs that done.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        let mut rx = self.shared.ready_sessions.subscribe();
        match tokio::time::timeout(timeout, rx.wait_for(|n| *n > 0)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) => bail!("fake Discord stopped before a client became ready"),
            Err(_) => bail!(
                "no client IDENTIFIED within {timeout:?}; gateway frames received: {:?}; REST calls: {}",
                self.gateway_received(),
                self.describe_calls()
            ),
        }
    }

    /// Send a dispatch (op 0) to every connection that has been sent READY, with the next
    /// sequence number of each connection. Returns once it has been written to the sockets (not
    /// once the bot handled it: serenity handles every event in its own task, so two dispatches
    /// sent back to back may be handled in either order). Connections that have not IDENTIFIED
    /// yet do not get it, so call [`Self::wait_ready`] first.
    pub async fn dispatch(&self, event_type: &str, data: Value) {
        let targets: Vec<_> = {
            let mut st = self.shared.lock();
            rest::learn_from_dispatch(&mut st, event_type, &data);
            st.sessions
                .values()
                .filter(|s| s.ready)
                .map(|s| s.tx.clone())
                .collect()
        };
        for tx in targets {
            let (done, written) = oneshot::channel();
            let cmd = gateway::SessionCmd::Dispatch {
                event_type: event_type.to_owned(),
                data: data.clone(),
                done,
            };
            if tx.send(cmd).is_ok() {
                // Err means the connection closed meanwhile; that session is gone either way.
                let _ = written.await;
            }
        }
    }

    /// Serve `data` as an attachment and return its `Attachment` object, to put in an
    /// interaction's `resolved.attachments` (see [`fixtures::with_attachment`]) or a message's
    /// `attachments`, so a bot that downloads it gets these bytes from the fake. Files the bot
    /// uploads are served the same way, at the URL in the returned `Message`.
    pub fn host_attachment(&self, filename: &str, content_type: &str, data: Vec<u8>) -> Value {
        let id = fixtures::next_id();
        let path = format!("/attachments/{id}/{filename}");
        let url = format!("{}{path}", self.shared.base_url);
        let attachment = serde_json::json!({
            "id": fixtures::sf(id),
            "filename": filename,
            "size": data.len(),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "ephemeral": true,
        });
        self.shared
            .lock()
            .hosted
            .insert(path, (content_type.to_owned(), data));
        attachment
    }

    /// Every REST call so far, in arrival order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().calls.clone()
    }

    /// The first call matching `pred`, including calls recorded before this was called; an
    /// error listing every call if none arrives within `timeout`.
    pub async fn wait_for_call(
        &self,
        pred: impl Fn(&RecordedCall) -> bool,
        timeout: Duration,
    ) -> anyhow::Result<RecordedCall> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut checked = 0;
        loop {
            // Register interest before looking, so a call recorded between the look and the
            // await still wakes us.
            let notified = self.shared.call_recorded.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let st = self.shared.lock();
                if let Some(call) = st.calls[checked..].iter().find(|c| pred(c)) {
                    return Ok(call.clone());
                }
                checked = st.calls.len();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                bail!(
                    "no matching REST call within {timeout:?}; calls: {}",
                    self.describe_calls()
                );
            }
        }
    }

    /// Like [`Self::wait_for_call`] for `method` on a route starting with `route_prefix`
    /// (without `/api/v10`), e.g. `fake.wait_for("PUT", "/applications/", t)`.
    pub async fn wait_for(
        &self,
        method: &str,
        route_prefix: &str,
        timeout: Duration,
    ) -> anyhow::Result<RecordedCall> {
        self.wait_for_call(|c| c.is(method, route_prefix), timeout)
            .await
            .with_context(|| format!("waiting for {method} {route_prefix}"))
    }

    /// Answer a modal the way a user would: wait until the bot opens one (a type 9 callback)
    /// for interaction `opened_by`, then dispatch a MODAL_SUBMIT from `inv` with the modal's
    /// `custom_id` and `fields`. Returns the submitted interaction, whose id the bot's ack
    /// (type 6 for poise) and later calls refer to.
    ///
    /// It waits [`MODAL_GRACE`] between the two: poise registers its modal collector only after
    /// the type 9 callback's HTTP response arrives, and a submit that comes earlier is lost (the
    /// command then waits an hour). A bot that handles submits in its event handler has no
    /// such race, but the pause does no harm there.
    pub async fn submit_modal(
        &self,
        inv: &fixtures::Invoker,
        opened_by: &str,
        fields: &[(&str, &str)],
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let prefix = format!("/interactions/{opened_by}/");
        let opened = self
            .wait_for_call(
                |c| {
                    c.route().starts_with(&prefix)
                        && c.status == 204
                        && c.body.as_ref().is_some_and(|b| b["type"] == 9)
                },
                timeout,
            )
            .await
            .with_context(|| format!("waiting for interaction {opened_by} to open a modal"))?;
        let custom_id = opened
            .body
            .as_ref()
            .and_then(|b| b["data"]["custom_id"].as_str())
            .context("modal callback without data.custom_id")?
            .to_owned();
        tokio::time::sleep(MODAL_GRACE).await;
        let submit = fixtures::modal_submit(inv, &custom_id, fields);
        self.dispatch("INTERACTION_CREATE", submit.clone()).await;
        Ok(submit)
    }

    /// Bodies POSTed to `/interactions/{interaction_id}/{token}/callback`, in order, including
    /// ones refused with 40060 (check `calls()` for their status).
    pub fn interaction_callbacks(&self, interaction_id: &str) -> Vec<Value> {
        let prefix = format!("/interactions/{interaction_id}/");
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == "POST" && c.route().starts_with(&prefix))
            .filter(|c| c.route().ends_with("/callback"))
            .map(|c| c.body.clone().unwrap_or(Value::Null))
            .collect()
    }

    /// Bodies POSTed to `/channels/{channel_id}/messages` (guild or DM channel), in order,
    /// including ones answered with an injected failure or de-duplicated by nonce (see
    /// [`Self::created_messages_in`] for the messages that exist).
    pub fn messages_in(&self, channel_id: &str) -> Vec<Value> {
        let route = format!("/channels/{channel_id}/messages");
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == "POST" && c.route() == route)
            .map(|c| c.body.clone().unwrap_or(Value::Null))
            .collect()
    }

    /// The messages `POST /channels/{channel_id}/messages` created, in creation order, as they
    /// were answered then (later edits and deletes do not show). Unlike [`Self::messages_in`],
    /// each message once: no failed requests, no repeats de-duplicated by nonce.
    pub fn created_messages_in(&self, channel_id: &str) -> Vec<Value> {
        self.shared
            .lock()
            .created_messages
            .iter()
            .filter(|m| m["channel_id"] == channel_id)
            .cloned()
            .collect()
    }

    /// Guild ids the bot left (`DELETE /users/@me/guilds/{id}` answered 204), in order.
    pub fn left_guilds(&self) -> Vec<String> {
        self.shared.lock().left_guilds.clone()
    }

    /// The current `@original` response message of an interaction (after a type 4/5 callback,
    /// and any edits), as `GET .../messages/@original` would return it.
    pub fn original_response(&self, interaction_token: &str) -> Option<Value> {
        self.shared.lock().originals.get(interaction_token).cloned()
    }

    /// Commands registered with `PUT /applications/{app}/commands`, as the fake echoed them.
    pub fn global_commands(&self) -> Vec<Value> {
        self.shared.lock().global_commands.clone()
    }

    /// Commands registered for one guild.
    pub fn guild_commands(&self, guild_id: &str) -> Vec<Value> {
        self.shared
            .lock()
            .guild_commands
            .get(guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Every REST call recorded from now on, as it happens: for a load tool that cannot afford
    /// to scan [`Self::calls`] for each wait.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<RecordedCall> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.shared.lock().subscribers.push(tx);
        rx
    }

    /// Every frame clients sent on the gateway (IDENTIFY, heartbeats, RESUME, ...), in order.
    pub fn gateway_received(&self) -> Vec<Value> {
        self.shared.lock().gateway_received.clone()
    }

    /// Answer the next `times` REST calls whose route (without `/api/v10`) starts with
    /// `route_prefix`, any method, with `status` instead of handling them: 429 with Discord's
    /// rate-limit body and headers (`retry_after` 0.25 s), or a `{"message","code":0}` body for 5xx and anything else.
    /// Failures for different prefixes are independent; for one prefix they add up.
    /// Injected failures do not count against the global rate limit.
    pub fn fail_next(&self, route_prefix: &str, status: u16, times: usize) {
        self.queue_failure(
            route_prefix,
            status,
            times,
            FailureTiming::InsteadOfHandling,
        );
    }

    /// Like [`Self::fail_next`], except that the request is handled first (a message is
    /// created, a command registered) and only the answer is replaced by the failure: a proxy
    /// that timed out after Discord did the work. A client that retries does the work twice
    /// unless it makes the retry idempotent (a nonce with `enforce_nonce`). Being handled, such
    /// a request counts against the global rate limit.
    pub fn fail_after_handling_next(&self, route_prefix: &str, status: u16, times: usize) {
        self.queue_failure(route_prefix, status, times, FailureTiming::AfterHandling);
    }

    fn queue_failure(&self, route_prefix: &str, status: u16, times: usize, timing: FailureTiming) {
        let route_prefix = route_prefix
            .strip_prefix(rest::API_PREFIX)
            .unwrap_or(route_prefix)
            .to_owned();
        self.shared.lock().failures.push(Failure {
            route_prefix,
            status,
            remaining: times,
            timing,
        });
    }

    /// From now on fail each call to one of `failures.route_prefixes` with probability
    /// `failures.rate`, instead of handling it, with a status picked from `failures.statuses`:
    /// a 429 shaped like one of Discord's per-route limits (`retry_after` 0.05 s, scope `user`),
    /// anything else with a `{"message","code":0}` body. Which calls fail follows from the seed
    /// and the order calls arrive in, so a test that sends one call at a time sees the same
    /// failures every run. [`Self::fail_next`] failures come first and draw no number.
    /// Replaces any earlier setting.
    ///
    /// # Panics
    /// If `rate` is outside `0.0..=1.0` or `statuses` is empty.
    pub fn fail_randomly(&self, failures: RandomFailures) {
        assert!(
            (0.0..=1.0).contains(&failures.rate),
            "fail_randomly: rate {} is not a probability",
            failures.rate
        );
        assert!(
            !failures.statuses.is_empty(),
            "fail_randomly: no statuses to fail with"
        );
        self.shared.lock().random_failures = Some(rest::RandomFailing::new(failures));
    }

    /// Turn [`Self::fail_randomly`] off.
    pub fn stop_failing_randomly(&self) {
        self.shared.lock().random_failures = None;
    }

    /// Forgets every injected failure still to come ([`Self::fail_next`],
    /// [`Self::fail_after_handling_next`], [`Self::fail_randomly`]): Discord is healthy again.
    pub fn stop_failing(&self) {
        let mut st = self.shared.lock();
        st.failures.clear();
        st.random_failures = None;
    }

    /// How many responses each status was injected into, by [`Self::fail_next`],
    /// [`Self::fail_after_handling_next`] and [`Self::fail_randomly`] together. 429s of the
    /// global rate limit are not among them (see [`Self::rate_limited`]).
    pub fn injected_failures(&self) -> BTreeMap<u16, usize> {
        self.shared.lock().injected.clone()
    }

    /// How many requests the global rate limit refused with a 429
    /// ([`FakeConfig::with_global_rate_limit`]).
    pub fn rate_limited(&self) -> usize {
        self.shared.lock().rate_limited
    }

    /// Drop every gateway connection without a close frame, like a network failure. serenity
    /// then reconnects and sends RESUME (op 6); the fake answers op 9 `false`, so it IDENTIFIES
    /// again after its built-in 5 s wait. [`Self::wait_ready`] waits for that new READY.
    pub async fn disconnect_all(&self) {
        let sessions: Vec<_> = {
            let st = self.shared.lock();
            st.sessions.values().map(|s| s.tx.clone()).collect()
        };
        for tx in sessions {
            let (done, closed) = oneshot::channel();
            if tx.send(gateway::SessionCmd::Close { done }).is_ok() {
                let _ = closed.await;
            }
        }
    }

    /// Close the gateway connections and stop the server. Shut the bot's client down first
    /// (`shard_manager.shutdown_all()`), or it keeps trying to reconnect.
    pub async fn shutdown(mut self) {
        self.disconnect_all().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            // Graceful shutdown waits for open keep-alive connections of clients that are not
            // reading any more; don't let a test's teardown hang on them.
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }

    fn describe_calls(&self) -> String {
        let st = self.shared.lock();
        if st.calls.is_empty() {
            return "(none)".to_owned();
        }
        st.calls
            .iter()
            .map(|c| format!("{} {} -> {}", c.method, c.path, c.status))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        let st = self.shared.lock();
        for session in st.sessions.values() {
            let (done, _) = oneshot::channel();
            let _ = session.tx.send(gateway::SessionCmd::Close { done });
        }
    }
}
