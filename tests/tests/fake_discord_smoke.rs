//! Smoke tests of the fake Discord against the real serenity 0.12.5 client and poise 0.7.1: a
//! minimal bot written here (not aimsbot's code) registers commands, answers a slash command,
//! handles a button, sends a DM, meets a replayed interaction, a failing REST route and a dropped
//! gateway connection.
//!
//! Each test has its own fake and bot. Waits have deadlines so a hang fails the test instead of
//! stalling the suite; there are no fixed sleeps, because components and DMs are handled in
//! `event_handler`, which has no collector race.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use aimsbot_tests::fake_discord::{FakeDiscord, RecordedCall};
use aimsbot_tests::fixtures::{self, Invoker, sf};
use serde_json::{Value, json};
use serenity::all::{
    ChannelId, ClientBuilder, CreateActionRow, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, FullEvent, GatewayIntents, Http, HttpBuilder,
    HttpError, Interaction, ShardManager,
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

fn status_of(result: Result<serenity::all::Message, serenity::Error>) -> (u16, isize) {
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
