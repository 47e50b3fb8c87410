//! Smoke tests of the fake Discord against the real serenity 0.12.5 client and poise 0.7.1: a
//! minimal bot written here (not aimsbot's code) registers commands, answers a slash command,
//! handles a button, sends a DM, meets a replayed interaction, a failing REST route and a dropped
//! gateway connection. The fake's own features (nonces, failure injection, the global rate limit,
//! leaving a guild) are tested through serenity's `Http` or plain reqwest, without a bot.
//!
//! Each test has its own fake and bot. Waits have deadlines so a hang fails the test instead of
//! stalling the suite; there are no fixed sleeps, because components and DMs are handled in
//! `event_handler`, which has no collector race.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aimsbot_tests::fake_discord::{FakeConfig, FakeDiscord, RandomFailures, RecordedCall};
use aimsbot_tests::fixtures::{self, Invoker, sf};
use serde_json::{Value, json};
use serenity::all::{
    ChannelId, ClientBuilder, CreateActionRow, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, FullEvent, GatewayIntents, GuildId, Http,
    HttpBuilder, HttpError, Interaction, Nonce, ShardManager,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const T: Duration = Duration::from_secs(5);

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ctx<'a> = poise::Context<'a, Data, Error>;

struct Data {
    /// Command errors, as poise's `on_error` saw them.
    errors: mpsc::UnboundedSender<String>,
}

#[poise::command(slash_command)]
async fn ping(ctx: Ctx<'_>) -> Result<(), Error> {
    ctx.say("pong").await?;
    Ok(())
}

#[poise::command(slash_command)]
async fn confirm(ctx: Ctx<'_>) -> Result<(), Error> {
    let buttons = CreateActionRow::Buttons(vec![CreateButton::new("confirm:yes").label("Yes")]);
    let reply = poise::CreateReply::default()
        .content("Confirm?")
        .components(vec![buttons]);
    ctx.send(reply).await?;
    Ok(())
}

#[poise::command(slash_command)]
async fn notify(ctx: Ctx<'_>) -> Result<(), Error> {
    let dm = CreateMessage::new().content("Your incident was filed");
    ctx.author().direct_message(ctx, dm).await?;
    ctx.say("sent you a DM").await?;
    Ok(())
}

#[derive(Debug, poise::Modal)]
#[name = "Report an incident"]
struct ReportModal {
    title: String,
    #[paragraph]
    details: Option<String>,
}

#[poise::command(slash_command)]
async fn report(ctx: poise::ApplicationContext<'_, Data, Error>) -> Result<(), Error> {
    use poise::Modal as _;
    let Some(form) = ReportModal::execute(ctx).await? else {
        return Ok(());
    };
    let details = form.details.unwrap_or_default();
    ctx.say(format!(
        "filed: {} ({} chars of details)",
        form.title,
        details.len()
    ))
    .await?;
    Ok(())
}

async fn event_handler(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let ctx = framework.serenity_context;
    match event {
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(click),
        } => {
            let update = CreateInteractionResponseMessage::new()
                .content(format!("clicked {}", click.data.custom_id))
                .components(vec![]);
            click
                .create_response(ctx, CreateInteractionResponse::UpdateMessage(update))
                .await?;
        }
        FullEvent::Message { new_message }
            if new_message.guild_id.is_none() && !new_message.author.bot =>
        {
            let echo = format!("echo: {}", new_message.content);
            new_message.channel_id.say(ctx, echo).await?;
        }
        _ => {}
    }
    Ok(())
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    if let poise::FrameworkError::Command { error, ctx, .. } = &error {
        let _ = ctx.data().errors.send(error.to_string());
    }
    // The default handler's ephemeral error reply is part of what the replay test observes.
    let _ = poise::builtins::on_error(error).await;
}

struct Bot {
    shard_manager: Arc<ShardManager>,
    http: Arc<Http>,
    errors: mpsc::UnboundedReceiver<String>,
    task: JoinHandle<Result<(), serenity::Error>>,
}

impl Bot {
    async fn start(fake: &FakeDiscord) -> Bot {
        let (errors_tx, errors) = mpsc::unbounded_channel();
        let framework = poise::Framework::builder()
            .options(poise::FrameworkOptions {
                commands: vec![ping(), confirm(), notify(), report()],
                event_handler: |framework, event| Box::pin(event_handler(framework, event)),
                on_error: |error| Box::pin(on_error(error)),
                ..Default::default()
            })
            .setup(move |ctx, _ready, framework| {
                Box::pin(async move {
                    poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                    Ok(Data { errors: errors_tx })
                })
            })
            .build();
        // The rate limiter must be off: serenity ignores `proxy` for rate-limited requests.
        let http = HttpBuilder::new("fake-token")
            .proxy(fake.base_url())
            .ratelimiter_disabled(true)
            .build();
        let intents = GatewayIntents::non_privileged() | GatewayIntents::MESSAGE_CONTENT;
        let mut client = ClientBuilder::new_with_http(http, intents)
            .framework(framework)
            .await
            .unwrap();
        let shard_manager = Arc::clone(&client.shard_manager);
        let http = Arc::clone(&client.http);
        let task = tokio::spawn(async move { client.start().await });
        Bot {
            shard_manager,
            http,
            errors,
            task,
        }
    }

    async fn stop(self) {
        self.shard_manager.shutdown_all().await;
        let result = tokio::time::timeout(T, self.task).await;
        assert!(
            matches!(result, Ok(Ok(Ok(())))),
            "client did not stop cleanly: {result:?}"
        );
    }
}

/// A fake and a bot that is connected and has registered its commands (poise's `setup` ran).
async fn start() -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start().await.unwrap();
    let bot = Bot::start(&fake).await;
    fake.wait_ready(T).await.unwrap();
    fake.wait_for("PUT", "/applications/", T).await.unwrap();
    (fake, bot)
}

fn callback_of(id: &str) -> impl Fn(&RecordedCall) -> bool {
    let prefix = format!("/interactions/{id}/");
    move |c: &RecordedCall| c.method == "POST" && c.route().starts_with(&prefix)
}

fn str_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_commands_on_ready() {
    let (fake, bot) = start().await;
    let calls = fake.calls();
    assert_eq!(
        (calls[0].method.as_str(), calls[0].route()),
        ("GET", "/gateway"),
        "ClientBuilder discovers the gateway first"
    );
    let app = sf(fixtures::DEFAULT_APP_ID);
    let put = fake
        .wait_for("PUT", &format!("/applications/{app}/commands"), T)
        .await
        .unwrap();
    assert_eq!(put.status, 200);
    let names: Vec<&str> = put
        .body
        .as_ref()
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ping", "confirm", "notify", "report"]);
    assert_eq!(fake.global_commands().len(), 4);

    let identify = fake
        .gateway_received()
        .into_iter()
        .find(|f| f["op"] == 2)
        .unwrap();
    assert_eq!(identify["d"]["token"], "Bot fake-token");
    assert_eq!(identify["d"]["shard"], json!([0, 1]));
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_command_gets_a_message_callback() {
    let (fake, bot) = start().await;
    let alice = Invoker::in_default_guild("alice");
    let ev = fixtures::slash_command(&alice, "ping", json!([]));
    let id = str_of(&ev, "id");
    fake.dispatch("INTERACTION_CREATE", ev).await;

    let call = fake.wait_for_call(callback_of(&id), T).await.unwrap();
    assert_eq!(call.status, 204);
    let body = call.body.unwrap();
    assert_eq!(body["type"], 4, "CHANNEL_MESSAGE_WITH_SOURCE");
    assert_eq!(body["data"]["content"], "pong");
    assert_eq!(fake.interaction_callbacks(&id), vec![body]);
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn button_click_updates_the_message() {
    let (fake, bot) = start().await;
    let alice = Invoker::in_default_guild("alice");
    let ev = fixtures::slash_command(&alice, "confirm", json!([]));
    let (id, token) = (str_of(&ev, "id"), str_of(&ev, "token"));
    fake.dispatch("INTERACTION_CREATE", ev).await;
    fake.wait_for_call(callback_of(&id), T).await.unwrap();

    // Click the button on the message the bot actually sent.
    let message = fake.original_response(&token).unwrap();
    let custom_id = &message["components"][0]["components"][0]["custom_id"];
    assert_eq!(custom_id, "confirm:yes");
    let click = fixtures::component_click(&alice, "confirm:yes", message);
    let click_id = str_of(&click, "id");
    fake.dispatch("INTERACTION_CREATE", click).await;

    let call = fake.wait_for_call(callback_of(&click_id), T).await.unwrap();
    let body = call.body.unwrap();
    assert_eq!(body["type"], 7, "UPDATE_MESSAGE");
    assert_eq!(body["data"]["content"], "clicked confirm:yes");
    assert_eq!(body["data"]["components"], json!([]));
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poise_modal_round_trip() {
    let (fake, bot) = start().await;
    let alice = Invoker::in_default_guild("alice");
    let ev = fixtures::slash_command(&alice, "report", json!([]));
    let (id, token) = (str_of(&ev, "id"), str_of(&ev, "token"));
    fake.dispatch("INTERACTION_CREATE", ev).await;

    let fields = [("title", "Leaked key"), ("details", "seen twice")];
    let submit = fake.submit_modal(&alice, &id, &fields, T).await.unwrap();
    let opened = &fake.interaction_callbacks(&id)[0];
    assert_eq!(opened["data"]["custom_id"], id.as_str(), "poise's modal id");
    assert_eq!(opened["data"]["title"], "Report an incident");

    let ack = fake
        .wait_for_call(callback_of(&str_of(&submit, "id")), T)
        .await
        .unwrap();
    assert_eq!(ack.body.unwrap()["type"], 6, "DEFERRED_UPDATE_MESSAGE");
    // After the modal, poise's `say` is a follow-up on the original interaction's token.
    let app = sf(fixtures::DEFAULT_APP_ID);
    let followup = fake
        .wait_for("POST", &format!("/webhooks/{app}/{token}"), T)
        .await
        .unwrap();
    let content = &followup.body.unwrap()["content"];
    assert_eq!(content, "filed: Leaked key (10 chars of details)");
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_sends_a_direct_message() {
    let (fake, bot) = start().await;
    let alice = Invoker::in_default_guild("alice");
    let dm = sf(fixtures::dm_channel_id(alice.user_id));
    fake.dispatch(
        "INTERACTION_CREATE",
        fixtures::slash_command(&alice, "notify", json!([])),
    )
    .await;

    let open = fake
        .wait_for("POST", "/users/@me/channels", T)
        .await
        .unwrap();
    assert_eq!(open.body.unwrap()["recipient_id"], sf(alice.user_id));
    assert_eq!(open.response.unwrap()["recipients"][0]["username"], "alice");
    let sent = fake
        .wait_for("POST", &format!("/channels/{dm}/messages"), T)
        .await
        .unwrap();
    assert!(sent.at >= open.at);
    assert_eq!(
        fake.messages_in(&dm)[0]["content"],
        "Your incident was filed"
    );

    // And the other way: a DM to the bot, answered in the same channel.
    fake.dispatch(
        "MESSAGE_CREATE",
        fixtures::dm_message_create(&alice, "hello bot"),
    )
    .await;
    fake.wait_for_call(
        |c| {
            c.is("POST", &format!("/channels/{dm}/messages"))
                && c.body.as_ref().unwrap()["content"] == "echo: hello bot"
        },
        T,
    )
    .await
    .unwrap();
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_interaction_is_refused_with_40060() {
    let (fake, mut bot) = start().await;
    let alice = Invoker::in_default_guild("alice");
    let ev = fixtures::slash_command(&alice, "ping", json!([]));
    let id = str_of(&ev, "id");
    fake.dispatch("INTERACTION_CREATE", ev.clone()).await;
    fake.dispatch("INTERACTION_CREATE", ev).await;

    // The command runs twice; the second `say` fails and reaches on_error.
    let error = tokio::time::timeout(T, bot.errors.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(error.contains("already been acknowledged"), "{error}");
    let callbacks: Vec<RecordedCall> = fake.calls().into_iter().filter(callback_of(&id)).collect();
    assert!(callbacks.len() >= 2, "{callbacks:?}");
    assert_eq!(callbacks.iter().filter(|c| c.status == 204).count(), 1);
    for refused in callbacks.iter().filter(|c| c.status != 204) {
        assert_eq!(refused.status, 400);
        assert_eq!(refused.response.as_ref().unwrap()["code"], 40060);
    }
    bot.stop().await;
    fake.shutdown().await;
}

fn status_of<T: std::fmt::Debug>(result: Result<T, serenity::Error>) -> (u16, isize) {
    match result {
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(r))) => {
            (r.status_code.as_u16(), r.error.code)
        }
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_reach_the_caller() {
    let (fake, bot) = start().await;
    let channel = ChannelId::new(fixtures::DEFAULT_CHANNEL_ID);
    let route = format!("/channels/{channel}/messages");

    fake.fail_next(&route, 429, 1);
    // Discord's 429 body has no `code`; serenity reports -1 and drops `retry_after`.
    assert_eq!(status_of(channel.say(&bot.http, "a").await), (429, -1));
    fake.fail_next(&route, 503, 2);
    assert_eq!(status_of(channel.say(&bot.http, "b").await), (503, 0));
    assert_eq!(status_of(channel.say(&bot.http, "c").await), (503, 0));
    let sent = channel.say(&bot.http, "d").await.unwrap();
    assert_eq!(sent.content, "d");
    let statuses: Vec<u16> = fake
        .calls()
        .iter()
        .filter(|c| c.route() == route)
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [429, 503, 503, 200]);
    bot.stop().await;
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_gateway_reconnects() {
    let (fake, bot) = start().await;
    fake.disconnect_all().await;
    // RESUME is refused with op 9, so serenity re-IDENTIFIES after its 5 s restart wait.
    fake.wait_ready(Duration::from_secs(15)).await.unwrap();
    let ops: Vec<u64> = fake
        .gateway_received()
        .iter()
        .filter_map(|f| f["op"].as_u64())
        .collect();
    let resume = ops.iter().position(|op| *op == 6).expect("RESUME sent");
    assert!(ops[resume..].contains(&2), "IDENTIFY after RESUME: {ops:?}");

    let alice = Invoker::in_default_guild("alice");
    let ev = fixtures::slash_command(&alice, "ping", json!([]));
    let id = str_of(&ev, "id");
    fake.dispatch("INTERACTION_CREATE", ev).await;
    let call = fake.wait_for_call(callback_of(&id), T).await.unwrap();
    assert_eq!(call.body.unwrap()["data"]["content"], "pong");
    bot.stop().await;
    fake.shutdown().await;
}

/// serenity's REST client pointed at the fake, for tests that need no gateway.
fn http_client(fake: &FakeDiscord) -> Http {
    HttpBuilder::new("fake-token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build()
}

fn incident_message(nonce: &str) -> CreateMessage {
    CreateMessage::new()
        .content("incident filed")
        .nonce(Nonce::String(nonce.to_owned()))
        .enforce_nonce(true)
}

#[tokio::test]
async fn enforced_nonce_returns_the_existing_message() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = http_client(&fake);
    let channel = ChannelId::new(fixtures::DEFAULT_CHANNEL_ID);

    let first = channel
        .send_message(&http, incident_message("incident-7"))
        .await
        .unwrap();
    let again = channel
        .send_message(&http, incident_message("incident-7"))
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert!(
        matches!(&again.nonce, Some(Nonce::String(n)) if n == "incident-7"),
        "{:?}",
        again.nonce
    );
    let created = fake.created_messages_in(&channel.to_string());
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["id"], first.id.to_string());
    assert_eq!(created[0]["nonce"], "incident-7");
    assert_eq!(fake.messages_in(&channel.to_string()).len(), 2);

    // Another nonce, or the same one without `enforce_nonce`, is a new message.
    let other = channel
        .send_message(&http, incident_message("incident-8"))
        .await
        .unwrap();
    let unenforced = CreateMessage::new()
        .content("incident filed")
        .nonce(Nonce::String("incident-7".to_owned()));
    let unenforced = channel.send_message(&http, unenforced).await.unwrap();
    let ids: Vec<Value> = fake
        .created_messages_in(&channel.to_string())
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    let expected = [first.id, other.id, unenforced.id].map(|id| json!(id.to_string()));
    assert_eq!(ids, expected);
    fake.shutdown().await;
}

#[tokio::test]
async fn failure_after_handling_creates_the_message_and_answers_500() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = http_client(&fake);
    let channel = ChannelId::new(fixtures::DEFAULT_CHANNEL_ID);
    fake.fail_after_handling_next(&format!("/channels/{channel}/messages"), 500, 1);

    let failed = channel
        .send_message(&http, incident_message("incident-9"))
        .await;
    assert_eq!(status_of(failed), (500, 0));
    let created = fake.created_messages_in(&channel.to_string());
    assert_eq!(
        created.len(),
        1,
        "the message exists although the answer was 500"
    );
    assert_eq!(created[0]["content"], "incident filed");
    assert_eq!(fake.injected_failures(), BTreeMap::from([(500, 1)]));

    // The retry the failure invites finds the message through its nonce.
    let retried = channel
        .send_message(&http, incident_message("incident-9"))
        .await
        .unwrap();
    assert_eq!(json!(retried.id.to_string()), created[0]["id"]);
    assert_eq!(fake.created_messages_in(&channel.to_string()).len(), 1);
    fake.shutdown().await;
}

/// Sends 500 messages one at a time under `fail_randomly` and returns their statuses.
async fn statuses_under_random_failures(seed: u64) -> Vec<u16> {
    let fake = FakeDiscord::start().await.unwrap();
    let c = reqwest::Client::new();
    let channel = sf(fixtures::DEFAULT_CHANNEL_ID);
    fake.fail_randomly(RandomFailures {
        route_prefixes: vec![format!("/channels/{channel}/")],
        rate: 0.2,
        statuses: vec![429, 500, 502],
        seed,
    });
    let messages_url = format!("{}/api/v10/channels/{channel}/messages", fake.base_url());
    let me_url = format!("{}/api/v10/users/@me", fake.base_url());
    let mut statuses = Vec::new();
    for i in 0..500 {
        let resp = c
            .post(&messages_url)
            .json(&json!({"content": format!("message {i}")}))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        if status == 429 {
            assert_eq!(header(&resp, "x-ratelimit-scope"), "user");
            assert_eq!(header(&resp, "x-ratelimit-reset-after"), "0.050");
            let body: Value = resp.json().await.unwrap();
            assert_eq!(
                body,
                json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
            );
        }
        statuses.push(status);
        if i % 50 == 0 {
            let other = c.get(&me_url).send().await.unwrap();
            assert_eq!(
                other.status(),
                200,
                "routes outside the prefixes never fail"
            );
        }
    }

    let mut counted = BTreeMap::new();
    for status in statuses.iter().filter(|s| **s != 200) {
        *counted.entry(*status).or_insert(0) += 1;
    }
    assert_eq!(fake.injected_failures(), counted);
    let failed: usize = counted.values().sum();
    assert_eq!(fake.created_messages_in(&channel).len(), 500 - failed);

    fake.stop_failing_randomly();
    for _ in 0..20 {
        let resp = c
            .post(&messages_url)
            .json(&json!({"content": "calm"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    fake.shutdown().await;
    statuses
}

#[tokio::test]
async fn random_failures_follow_the_seed() {
    let statuses = statuses_under_random_failures(7).await;
    let failed = statuses.iter().filter(|s| **s != 200).count();
    // 100 expected; the seed makes the exact number fixed, the bounds only catch a broken rate.
    assert!((60..=140).contains(&failed), "{failed} of 500 failed");
    for status in [429, 500, 502] {
        assert!(statuses.contains(&status), "no {status} among {statuses:?}");
    }
    assert_eq!(
        statuses_under_random_failures(7).await,
        statuses,
        "same seed"
    );
    assert_ne!(
        statuses_under_random_failures(8).await,
        statuses,
        "other seed"
    );
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    let value = resp.headers().get(name);
    let value = value.unwrap_or_else(|| panic!("no {name} header in {:?}", resp.headers()));
    value.to_str().unwrap().to_owned()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn global_rate_limit_refuses_over_the_limit_and_announces_its_bucket() {
    // A long window, so that a slow machine still sends six requests within it.
    let per = Duration::from_secs(2);
    let fake = FakeConfig::default()
        .with_global_rate_limit(5, per)
        .start()
        .await
        .unwrap();
    let c = reqwest::Client::new();
    let api = format!("{}/api/v10", fake.base_url());
    let channel = sf(fixtures::DEFAULT_CHANNEL_ID);
    let send = || {
        c.post(format!("{api}/channels/{channel}/messages"))
            .json(&json!({"content": "hello"}))
            .send()
    };

    for remaining in (0..5).rev() {
        let resp = send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(header(&resp, "x-ratelimit-limit"), "5");
        assert_eq!(
            header(&resp, "x-ratelimit-remaining"),
            remaining.to_string()
        );
        assert_eq!(header(&resp, "x-ratelimit-bucket"), "global");
        assert_eq!(header(&resp, "x-ratelimit-scope"), "global");
        let reset_after: f64 = header(&resp, "x-ratelimit-reset-after").parse().unwrap();
        assert!(
            reset_after > 0.0 && reset_after <= per.as_secs_f64(),
            "{reset_after}"
        );
        let reset: f64 = header(&resp, "x-ratelimit-reset").parse().unwrap();
        assert!((reset - unix_now() - reset_after).abs() < 0.5, "{reset}");
    }

    let refused = send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "x-ratelimit-global"), "true");
    assert_eq!(header(&refused, "x-ratelimit-scope"), "global");
    assert_eq!(header(&refused, "x-ratelimit-remaining"), "0");
    let retry_after_header: u64 = header(&refused, "retry-after").parse().unwrap();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["global"], true);
    assert_eq!(body["message"], "You are being rate limited.");
    let retry_after = body["retry_after"].as_f64().unwrap();
    assert!(
        retry_after > 0.0 && retry_after <= per.as_secs_f64(),
        "{body}"
    );
    assert_eq!(retry_after_header, retry_after.ceil() as u64);
    assert_eq!(
        fake.created_messages_in(&channel).len(),
        5,
        "a refused request is not handled"
    );

    // Interaction callbacks and webhooks are exempt, and carry no bucket headers.
    let callback = c
        .post(format!("{api}/interactions/900/tok-900/callback"))
        .json(&json!({"type": 4, "data": {"content": "pong"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 204);
    assert!(callback.headers().get("x-ratelimit-limit").is_none());
    let app = sf(fixtures::DEFAULT_APP_ID);
    let followup = c
        .post(format!("{api}/webhooks/{app}/tok-900"))
        .json(&json!({"content": "more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(followup.status(), 200);

    assert_eq!(fake.rate_limited(), 1);
    assert!(
        fake.injected_failures().is_empty(),
        "the limiter injects nothing"
    );

    // The next window lets requests through again.
    tokio::time::sleep(Duration::from_secs_f64(retry_after)).await;
    let resp = send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "x-ratelimit-remaining"), "4");
    assert_eq!(fake.created_messages_in(&channel).len(), 6);
    fake.shutdown().await;
}

#[tokio::test]
async fn leaving_a_guild_is_recorded() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = http_client(&fake);
    let guild = GuildId::new(fixtures::DEFAULT_GUILD_ID);

    guild.leave(&http).await.unwrap();
    assert_eq!(fake.left_guilds(), [guild.to_string()]);
    let call = fake
        .wait_for("DELETE", &format!("/users/@me/guilds/{guild}"), T)
        .await
        .unwrap();
    assert_eq!(call.status, 204);

    assert_eq!(
        status_of(guild.leave(&http).await),
        (404, 10004),
        "left already"
    );
    let unknown = GuildId::new(fixtures::DEFAULT_GUILD_ID + 1);
    assert_eq!(status_of(unknown.leave(&http).await), (404, 10004));
    assert_eq!(fake.left_guilds(), [guild.to_string()]);
    fake.shutdown().await;
}
