//! Every fixture builder, and every REST answer of the fake, deserializes into serenity 0.12.5's
//! own types.
//!
//! serenity drops a gateway event it cannot deserialize as `Event::Unknown` without an error, so
//! a broken fixture shows up elsewhere only as a hanging test; this file is where it fails loudly.
//! Gateway payloads are checked both as the bare type and wrapped in a dispatch frame, the way
//! the shard parses them.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aimsbot_tests::fake_discord::FakeDiscord;
use aimsbot_tests::fixtures::{self, Invoker, opt, sf};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use serenity::all::{
    Attachment, BotGateway, ButtonStyle, Channel, ChannelId, Command, CommandDataOptionValue,
    CommandOptionType, CommandType, ComponentInteractionDataKind, CreateActionRow,
    CreateAttachment, CreateButton, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, CurrentApplicationInfo,
    CurrentUser, EditMessage, Event, Gateway, GatewayEvent, Guild, GuildChannel, GuildCreateEvent,
    HttpBuilder, Interaction, Member, Message, MessageId, PartialGuild, PrivateChannel, Ready,
    ResolvedTarget, ResolvedValue, Role, User, UserId,
};

const T: Duration = Duration::from_secs(5);

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ctx<'a> = poise::Context<'a, (), Error>;

fn de<T: DeserializeOwned>(what: &str, v: &Value) -> T {
    match serde_json::from_value(v.clone()) {
        Ok(t) => t,
        Err(e) => panic!("{what} does not deserialize: {e}\n{v:#}"),
    }
}

/// The event as serenity's shard parses a dispatch; panics on `Event::Unknown`.
fn dispatched(event_type: &str, data: &Value) -> Event {
    let frame = json!({"op": 0, "s": 1, "t": event_type, "d": data});
    match de::<GatewayEvent>(event_type, &frame) {
        GatewayEvent::Dispatch(_, Event::Unknown(u)) => {
            panic!("{event_type} fell back to Event::Unknown: {:#}", u.value)
        }
        GatewayEvent::Dispatch(_, event) => event,
        other => panic!("{event_type} parsed as {other:?}"),
    }
}

fn interaction(v: &Value) -> Interaction {
    match dispatched("INTERACTION_CREATE", v) {
        Event::InteractionCreate(e) => {
            let direct: Interaction = de("interaction", v);
            assert_eq!(direct.id(), e.interaction.id());
            e.interaction
        }
        other => panic!("not an interaction: {other:?}"),
    }
}

fn alice() -> Invoker {
    Invoker::in_default_guild("alice").with_roles(&[fixtures::next_id()])
}

#[test]
fn ready_and_guild_create() {
    let ready_v = fixtures::ready(
        fixtures::DEFAULT_APP_ID,
        fixtures::DEFAULT_BOT_USER_ID,
        &[fixtures::DEFAULT_GUILD_ID],
    );
    let ready: Ready = de("ready", &ready_v);
    assert_eq!(ready.application.id.get(), fixtures::DEFAULT_APP_ID);
    assert_eq!(ready.guilds.len(), 1);
    assert!(matches!(dispatched("READY", &ready_v), Event::Ready(_)));

    let role_id = fixtures::next_id();
    let mut g = fixtures::guild_create(
        fixtures::DEFAULT_GUILD_ID,
        vec![fixtures::role(role_id, "responders", 8)],
        vec![
            fixtures::text_channel(fixtures::DEFAULT_CHANNEL_ID, "incidents"),
            fixtures::text_channel(fixtures::next_id(), "general"),
        ],
    );
    let member_id = fixtures::next_id();
    g["members"] = json!([fixtures::member(member_id, "bob", &[role_id])]);
    let guild: Guild = de("guild", &g);
    assert_eq!(guild.roles.len(), 2, "@everyone is added");
    assert_eq!(guild.channels.len(), 2);
    assert_eq!(guild.members.len(), 1);
    let event: GuildCreateEvent = de("guild create", &g);
    assert_eq!(event.guild.id.get(), fixtures::DEFAULT_GUILD_ID);
    assert!(matches!(
        dispatched("GUILD_CREATE", &g),
        Event::GuildCreate(_)
    ));
    assert!(matches!(
        dispatched("GUILD_CREATE", &fixtures::default_guild()),
        Event::GuildCreate(_)
    ));

    let _: Role = de("role", &fixtures::everyone_role(fixtures::DEFAULT_GUILD_ID));
    let _: Member = de("member", &fixtures::member(member_id, "bob", &[role_id]));
    let _: Member = de("invoker member", &alice().member());
    let mut channel = fixtures::text_channel(fixtures::next_id(), "x");
    channel["guild_id"] = json!(sf(fixtures::DEFAULT_GUILD_ID));
    let _: GuildChannel = de("channel", &channel);
    let _: User = de("user", &fixtures::user(1, "u"));
    let bot: User = de("bot user", &fixtures::bot_user(2, "b"));
    assert!(bot.bot);
    let _: CurrentUser = de("current user", &fixtures::current_user(3, "c"));
    let dm: PrivateChannel = de(
        "private channel",
        &fixtures::private_channel(fixtures::dm_channel_id(1), fixtures::user(1, "u")),
    );
    assert_eq!(dm.recipient.id.get(), 1);
}

#[test]
fn ids_are_unique_and_valid() {
    let a = fixtures::slash_command(&alice(), "ping", json!([]));
    let b = fixtures::slash_command(&alice(), "ping", json!([]));
    assert_ne!(a["id"], b["id"]);
    assert_ne!(a["token"], b["token"]);
    assert_ne!(a["member"]["user"]["id"], b["member"]["user"]["id"]);
    assert_eq!(a["data"]["id"], b["data"]["id"], "command ids are per name");
    for id in [
        fixtures::dm_channel_id(1),
        fixtures::dm_channel_id(u64::MAX),
        fixtures::command_id(""),
        fixtures::command_id("incident"),
    ] {
        assert!(id != 0 && id < 1 << 63, "{id}");
    }
    assert_eq!(fixtures::dm_channel_id(42), fixtures::dm_channel_id(42));
    assert_ne!(fixtures::dm_channel_id(42), fixtures::dm_channel_id(43));
}

#[test]
fn slash_commands_with_options_and_subcommands() {
    let bob_id = fixtures::next_id();
    let channel_id = fixtures::next_id();
    let role_id = fixtures::next_id();
    let attachment_id = fixtures::next_id();
    let v = fixtures::slash_command(
        &alice(),
        "incident",
        json!([opt::subcommand(
            "report",
            json!([
                opt::string("title", "Model leaked a key"),
                opt::integer("severity", 3),
                opt::boolean("public", true),
                opt::number("score", 0.5),
                opt::user("reporter", bob_id),
                opt::channel("where", channel_id),
                opt::role("team", role_id),
                opt::attachment("evidence", attachment_id),
            ])
        )]),
    );
    let Interaction::Command(cmd) = interaction(&v) else {
        panic!("not a command")
    };
    assert_eq!(cmd.data.name, "incident");
    assert_eq!(cmd.guild_id.unwrap().get(), fixtures::DEFAULT_GUILD_ID);
    assert_eq!(cmd.user.name, "alice", "user is filled from member");
    assert!(cmd.member.as_ref().unwrap().permissions.is_some());
    let options = cmd.data.options();
    let ResolvedValue::SubCommand(sub) = &options[0].value else {
        panic!("{options:?}")
    };
    assert_eq!(options[0].name, "report");
    let names: Vec<_> = sub.iter().map(|o| o.name).collect();
    assert_eq!(
        names,
        [
            "title", "severity", "public", "score", "reporter", "where", "team", "evidence"
        ]
    );
    assert!(matches!(
        sub[0].value,
        ResolvedValue::String("Model leaked a key")
    ));
    assert!(matches!(sub[1].value, ResolvedValue::Integer(3)));
    assert!(matches!(sub[2].value, ResolvedValue::Boolean(true)));
    match &sub[4].value {
        ResolvedValue::User(u, Some(_member)) => assert_eq!(u.id.get(), bob_id),
        other => panic!("user option unresolved: {other:?}"),
    }
    assert!(
        matches!(sub[5].value, ResolvedValue::Channel(_)),
        "{:?}",
        sub[5]
    );
    assert!(
        matches!(sub[6].value, ResolvedValue::Role(_)),
        "{:?}",
        sub[6]
    );
    assert!(
        matches!(sub[7].value, ResolvedValue::Attachment(_)),
        "{:?}",
        sub[7]
    );

    let grouped = fixtures::slash_command(
        &alice(),
        "admin",
        json!([opt::group(
            "policy",
            json!([opt::subcommand("show", json!([]))])
        )]),
    );
    let Interaction::Command(cmd) = interaction(&grouped) else {
        panic!()
    };
    assert!(matches!(
        cmd.data.options[0].value,
        CommandDataOptionValue::SubCommandGroup(_)
    ));

    let dm = fixtures::slash_command(&alice().in_dm(), "incident", json!([]));
    let Interaction::Command(cmd) = interaction(&dm) else {
        panic!()
    };
    assert!(cmd.guild_id.is_none() && cmd.member.is_none());
    assert_eq!(cmd.user.name, "alice");
    assert_eq!(
        cmd.channel_id.get(),
        fixtures::dm_channel_id(cmd.user.id.get())
    );
}

#[test]
fn autocomplete_and_context_menus() {
    let v = fixtures::autocomplete(
        &alice(),
        "incident",
        json!([opt::subcommand(
            "show",
            json!([opt::focused("id", "INC-1")])
        )]),
    );
    let Interaction::Autocomplete(ac) = interaction(&v) else {
        panic!("not autocomplete")
    };
    let focused = ac.data.autocomplete().unwrap();
    assert_eq!((focused.name, focused.value), ("id", "INC-1"));
    assert_eq!(focused.kind, CommandOptionType::String);

    let target = fixtures::message(
        fixtures::DEFAULT_CHANNEL_ID,
        fixtures::user(7, "carol"),
        "the model said something odd",
    );
    let v = fixtures::message_command(&alice(), "Report as incident", &target);
    let Interaction::Command(cmd) = interaction(&v) else {
        panic!()
    };
    assert_eq!(cmd.data.kind, CommandType::Message);
    match cmd.data.target() {
        Some(ResolvedTarget::Message(m)) => assert_eq!(m.content, "the model said something odd"),
        other => panic!("{other:?}"),
    }

    let v = fixtures::user_command(&alice(), "Incidents by user", 7, "carol");
    let Interaction::Command(cmd) = interaction(&v) else {
        panic!()
    };
    assert_eq!(cmd.data.kind, CommandType::User);
    assert!(matches!(
        cmd.data.target(),
        Some(ResolvedTarget::User(u, Some(_))) if u.name == "carol"
    ));
}

#[test]
fn components_and_modals() {
    let bot = fixtures::bot_user(fixtures::DEFAULT_BOT_USER_ID, "aimsbot");
    let msg = fixtures::message(fixtures::DEFAULT_CHANNEL_ID, bot.clone(), "Confirm?");
    let v = fixtures::component_click(&alice(), "confirm:yes", msg.clone());
    let Interaction::Component(c) = interaction(&v) else {
        panic!("not a component")
    };
    assert_eq!(c.data.custom_id, "confirm:yes");
    assert!(matches!(c.data.kind, ComponentInteractionDataKind::Button));
    assert_eq!(c.message.content, "Confirm?");

    let v = fixtures::select(&alice(), "severity", &["high", "low"], msg);
    let Interaction::Component(c) = interaction(&v) else {
        panic!()
    };
    match &c.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => {
            assert_eq!(values, &["high", "low"]);
        }
        other => panic!("{other:?}"),
    }

    let v = fixtures::modal_submit(
        &alice(),
        "12345",
        &[("title", "Leaked key"), ("details", "line 1\nline 2")],
    );
    let Interaction::Modal(m) = interaction(&v) else {
        panic!("not a modal")
    };
    assert_eq!(m.data.custom_id, "12345");
    assert_eq!(m.data.components.len(), 2);

    let dm_click =
        fixtures::component_click(&alice().in_dm(), "x", fixtures::message(1, bot, "in a DM"));
    assert!(matches!(interaction(&dm_click), Interaction::Component(_)));
}

#[test]
fn messages() {
    let a = alice();
    let _: Message = de(
        "message",
        &fixtures::message(5, fixtures::user(6, "u"), "hello"),
    );
    let guild_msg = fixtures::message_create(&a, "hello channel");
    let Event::MessageCreate(e) = dispatched("MESSAGE_CREATE", &guild_msg) else {
        panic!()
    };
    assert_eq!(
        e.message.guild_id.unwrap().get(),
        fixtures::DEFAULT_GUILD_ID
    );
    assert!(e.message.member.is_some());

    let dm = fixtures::dm_message_create(&a, "hello bot");
    let Event::MessageCreate(e) = dispatched("MESSAGE_CREATE", &dm) else {
        panic!()
    };
    assert!(e.message.guild_id.is_none());
    assert_eq!(e.message.author.id.get(), a.user_id);
    assert_eq!(
        e.message.channel_id.get(),
        fixtures::dm_channel_id(a.user_id)
    );
}

// ---------------------------------------------------------------------------------------------
// REST answers of the fake
// ---------------------------------------------------------------------------------------------

/// The commands of a realistic poise bot, to register exactly what poise would send.
#[poise::command(slash_command, subcommands("report", "show"))]
async fn incident(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

#[derive(Debug, poise::ChoiceParameter)]
enum Severity {
    Low,
    High,
}

/// Report an incident
#[poise::command(slash_command, required_permissions = "SEND_MESSAGES")]
async fn report(
    _ctx: Ctx<'_>,
    #[description = "Short title"]
    #[max_length = 100]
    title: String,
    #[description = "How bad"] severity: Severity,
    #[description = "Who saw it"] witness: Option<User>,
    #[description = "Where"]
    #[channel_types("Text")]
    channel: Option<GuildChannel>,
    #[description = "Score"]
    #[min = 0]
    #[max = 10]
    score: Option<i64>,
) -> Result<(), Error> {
    let _ = (title, severity, witness, channel, score);
    Ok(())
}

async fn complete_id(_ctx: Ctx<'_>, _partial: &str) -> serenity::all::CreateAutocompleteResponse {
    serenity::all::CreateAutocompleteResponse::new()
}

/// Show an incident
#[poise::command(slash_command, guild_only)]
async fn show(
    _ctx: Ctx<'_>,
    #[description = "Incident id"]
    #[autocomplete = "complete_id"]
    id: String,
) -> Result<(), Error> {
    let _ = id;
    Ok(())
}

#[poise::command(context_menu_command = "Report as incident")]
async fn report_message(_ctx: Ctx<'_>, msg: Message) -> Result<(), Error> {
    let _ = msg;
    Ok(())
}

async fn send(
    client: &reqwest::Client,
    fake: &FakeDiscord,
    method: &str,
    route: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}/api/v10{route}", fake.base_url());
    let mut req = client.request(method.parse().unwrap(), url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, value)
}

#[tokio::test]
async fn rest_answers_deserialize() {
    let fake = FakeDiscord::start().await.unwrap();
    let c = reqwest::Client::new();
    let app = sf(fixtures::DEFAULT_APP_ID);

    let (_, v) = send(&c, &fake, "GET", "/gateway", None).await;
    let gw: Gateway = de("gateway", &v);
    assert_eq!(gw.url, fake.gateway_url());
    let (_, v) = send(&c, &fake, "GET", "/gateway/bot", None).await;
    let _: BotGateway = de("gateway/bot", &v);
    let (_, v) = send(&c, &fake, "GET", "/oauth2/applications/@me", None).await;
    let info: CurrentApplicationInfo = de("application info", &v);
    assert_eq!(info.owner.unwrap().id.get(), fixtures::DEFAULT_OWNER_ID);
    let (_, v) = send(&c, &fake, "GET", "/users/@me", None).await;
    let me: CurrentUser = de("users/@me", &v);
    assert!(me.bot);

    // Command registration with exactly what poise sends.
    let commands = vec![incident(), report_message()];
    let create = poise::builtins::create_application_commands(&commands);
    let body = serde_json::to_value(&create).unwrap();
    let (status, v) = send(
        &c,
        &fake,
        "PUT",
        &format!("/applications/{app}/commands"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let registered: Vec<Command> = de("global commands", &v);
    assert_eq!(registered.len(), 2);
    assert_eq!(registered[0].id.get(), fixtures::command_id("incident"));
    assert_eq!(registered[0].options.len(), 2, "subcommands echoed");
    assert_eq!(registered[1].kind, CommandType::Message);
    let (_, v) = send(
        &c,
        &fake,
        "GET",
        &format!("/applications/{app}/commands"),
        None,
    )
    .await;
    let _: Vec<Command> = de("GET global commands", &v);
    let g = sf(fixtures::DEFAULT_GUILD_ID);
    let route = format!("/applications/{app}/guilds/{g}/commands");
    let (_, v) = send(&c, &fake, "PUT", &route, Some(body)).await;
    let guild_cmds: Vec<Command> = de("guild commands", &v);
    assert_eq!(
        guild_cmds[0].guild_id.unwrap().get(),
        fixtures::DEFAULT_GUILD_ID
    );
    let (_, v) = send(&c, &fake, "GET", &route, None).await;
    assert_eq!(de::<Vec<Command>>("GET guild commands", &v).len(), 2);
    assert_eq!(fake.guild_commands(&g).len(), 2);
    let (status, _) = send(
        &c,
        &fake,
        "PUT",
        "/applications/1/commands",
        Some(json!([])),
    )
    .await;
    assert_eq!(status, 404, "wrong application id");

    // DM channel: stable id per recipient.
    let user_id = fixtures::next_id();
    let body = json!({"recipient_id": sf(user_id)});
    let (_, v) = send(&c, &fake, "POST", "/users/@me/channels", Some(body.clone())).await;
    let dm: PrivateChannel = de("DM channel", &v);
    assert_eq!(dm.id.get(), fixtures::dm_channel_id(user_id));
    let (_, v2) = send(&c, &fake, "POST", "/users/@me/channels", Some(body)).await;
    assert_eq!(v, v2);
    let (_, v) = send(&c, &fake, "GET", &format!("/channels/{}", dm.id), None).await;
    assert!(matches!(
        de::<Channel>("GET DM channel", &v),
        Channel::Private(_)
    ));
    let (_, v) = send(
        &c,
        &fake,
        "GET",
        &format!("/channels/{}", fixtures::DEFAULT_CHANNEL_ID),
        None,
    )
    .await;
    assert!(matches!(
        de::<Channel>("GET guild channel", &v),
        Channel::Guild(_)
    ));

    // Channel messages with everything serenity's builder can put in them.
    let create = CreateMessage::new()
        .content("Incident INC-1 filed")
        .embed(
            CreateEmbed::new()
                .title("INC-1")
                .description("details")
                .field("Severity", "high", true)
                .colour(0xFF_00_00)
                .timestamp(serenity::all::Timestamp::now()),
        )
        .components(vec![
            CreateActionRow::Buttons(vec![
                CreateButton::new("ack")
                    .label("Ack")
                    .style(ButtonStyle::Success),
                CreateButton::new_link("https://example.invalid/inc/1").label("Open"),
            ]),
            CreateActionRow::SelectMenu(CreateSelectMenu::new(
                "sev",
                CreateSelectMenuKind::String {
                    options: vec![CreateSelectMenuOption::new("High", "high")],
                },
            )),
        ])
        .reference_message((
            ChannelId::new(fixtures::DEFAULT_CHANNEL_ID),
            MessageId::new(5),
        ))
        .allowed_mentions(serenity::all::CreateAllowedMentions::new());
    let route = format!("/channels/{}/messages", fixtures::DEFAULT_CHANNEL_ID);
    let (status, v) = send(
        &c,
        &fake,
        "POST",
        &route,
        Some(serde_json::to_value(&create).unwrap()),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let msg: Message = de("created message", &v);
    assert_eq!(msg.content, "Incident INC-1 filed");
    assert_eq!(msg.embeds[0].fields[0].name, "Severity");
    assert_eq!(msg.components.len(), 2);
    assert!(msg.message_reference.is_some());
    assert_eq!(msg.author.id.get(), fixtures::DEFAULT_BOT_USER_ID);
    let stored = fake.messages_in(&sf(fixtures::DEFAULT_CHANNEL_ID));
    assert_eq!(
        stored[0]["allowed_mentions"]["parse"],
        json!([]),
        "stored body is the request"
    );

    let edit = EditMessage::new().content("edited");
    let (_, v) = send(
        &c,
        &fake,
        "PATCH",
        &format!("{route}/{}", msg.id),
        Some(serde_json::to_value(&edit).unwrap()),
    )
    .await;
    let edited: Message = de("edited message", &v);
    assert_eq!(edited.content, "edited");
    assert!(edited.edited_timestamp.is_some());
    let (_, v) = send(&c, &fake, "GET", &format!("{route}/{}", msg.id), None).await;
    assert_eq!(de::<Message>("GET message", &v).content, "edited");
    let (_, v) = send(&c, &fake, "GET", &route, None).await;
    assert_eq!(de::<Vec<Message>>("channel messages", &v).len(), 1);
    let (status, _) = send(&c, &fake, "POST", &route, Some(json!({"content": ""}))).await;
    assert_eq!(status, 400, "empty message");

    // Interaction responses: callback, @original, follow-ups, 40060.
    let ev = fixtures::slash_command(&alice(), "ping", json!([]));
    let (id, token) = (ev["id"].as_str().unwrap(), ev["token"].as_str().unwrap());
    let cb = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content("pong")
            .ephemeral(true)
            .components(vec![CreateActionRow::Buttons(vec![CreateButton::new("b")])]),
    );
    let cb_route = format!("/interactions/{id}/{token}/callback");
    let (status, _) = send(
        &c,
        &fake,
        "POST",
        &cb_route,
        Some(serde_json::to_value(&cb).unwrap()),
    )
    .await;
    assert_eq!(status, 204);
    let (status, v) = send(
        &c,
        &fake,
        "POST",
        &cb_route,
        Some(serde_json::to_value(&cb).unwrap()),
    )
    .await;
    assert_eq!((status, &v["code"]), (400, &json!(40060)));
    let err: serenity::all::DiscordJsonError = de("40060 body", &v);
    assert_eq!(err.message, "Interaction has already been acknowledged.");
    assert_eq!(fake.interaction_callbacks(id).len(), 2);

    let original = format!("/webhooks/{app}/{token}/messages/@original");
    let (_, v) = send(&c, &fake, "GET", &original, None).await;
    let m: Message = de("@original", &v);
    assert_eq!(m.content, "pong");
    assert_eq!(m.components.len(), 1);
    assert!(
        m.flags
            .unwrap()
            .contains(serenity::all::MessageFlags::EPHEMERAL)
    );
    let (_, v) = send(
        &c,
        &fake,
        "PATCH",
        &original,
        Some(json!({"content": "pong!"})),
    )
    .await;
    assert_eq!(de::<Message>("PATCH @original", &v).content, "pong!");
    assert_eq!(fake.original_response(token).unwrap()["content"], "pong!");

    let followup = CreateInteractionResponseFollowup::new().content("more");
    let (_, v) = send(
        &c,
        &fake,
        "POST",
        &format!("/webhooks/{app}/{token}"),
        Some(serde_json::to_value(&followup).unwrap()),
    )
    .await;
    let f: Message = de("follow-up", &v);
    let route = format!("/webhooks/{app}/{token}/messages/{}", f.id);
    let (_, v) = send(&c, &fake, "GET", &route, None).await;
    assert_eq!(de::<Message>("GET follow-up", &v).content, "more");
    let (status, _) = send(&c, &fake, "DELETE", &route, None).await;
    assert_eq!(status, 204);
    let (status, _) = send(&c, &fake, "GET", &route, None).await;
    assert_eq!(status, 404);

    // Guild reads.
    let (_, v) = send(&c, &fake, "GET", &format!("/guilds/{g}"), None).await;
    let _: PartialGuild = de("partial guild", &v);
    let (_, v) = send(&c, &fake, "GET", &format!("/guilds/{g}/roles"), None).await;
    let _: Vec<Role> = de("roles", &v);
    let (_, v) = send(&c, &fake, "GET", &format!("/guilds/{g}/channels"), None).await;
    let _: Vec<GuildChannel> = de("guild channels", &v);

    // Errors.
    let (status, v) = send(&c, &fake, "GET", "/no/such/route", None).await;
    assert_eq!(
        (status, v),
        (404, json!({"message": "404: Not Found", "code": 0}))
    );
    fake.fail_next("/users/@me", 429, 1);
    let resp = c
        .get(format!("{}/api/v10/users/@me", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().contains_key("retry-after"));
    let v: Value = resp.json().await.unwrap();
    assert_eq!(
        v,
        json!({"message": "You are being rate limited.", "retry_after": 0.25, "global": false})
    );
    let (status, _) = send(&c, &fake, "GET", "/users/@me", None).await;
    assert_eq!(status, 200, "failure used up");

    fake.shutdown().await;
}

/// Attachments go through serenity's own multipart code, the path a report export would take.
#[tokio::test]
async fn attachments_through_serenity_http() {
    let fake = FakeDiscord::start().await.unwrap();
    let http = HttpBuilder::new("fake-token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build();
    let channel = ChannelId::new(fixtures::DEFAULT_CHANNEL_ID);
    let file = CreateAttachment::bytes(b"incident,severity\nINC-1,high\n".to_vec(), "report.csv");
    let msg = channel
        .send_message(&http, CreateMessage::new().content("export").add_file(file))
        .await
        .unwrap();
    let a: &Attachment = &msg.attachments[0];
    assert_eq!((a.filename.as_str(), a.size), ("report.csv", 29));
    let call = fake
        .wait_for("POST", &format!("/channels/{channel}/messages"), T)
        .await
        .unwrap();
    assert_eq!(call.body.unwrap()["content"], "export");
    assert_eq!(call.files[0].filename.as_deref(), Some("report.csv"));
    assert_eq!(call.files[0].data, b"incident,severity\nINC-1,high\n");

    // The uploaded bytes are served at the attachment's URL, and a hosted file can be given
    // to a command as an attachment option; both download through serenity.
    assert_eq!(
        a.download().await.unwrap(),
        b"incident,severity\nINC-1,high\n"
    );
    let hosted = fake.host_attachment("evidence.txt", "text/plain", b"proof".to_vec());
    let mut ev = fixtures::slash_command(
        &alice(),
        "incident",
        json!([opt::attachment(
            "evidence",
            hosted["id"].as_str().unwrap().parse().unwrap()
        )]),
    );
    fixtures::with_attachment(&mut ev, hosted);
    let Interaction::Command(cmd) = interaction(&ev) else {
        panic!()
    };
    let ResolvedValue::Attachment(evidence) = cmd.data.options()[0].value else {
        panic!("attachment option unresolved")
    };
    assert_eq!(evidence.download().await.unwrap(), b"proof");

    // serenity's typed getters parse the same answers.
    http.get_gateway().await.unwrap();
    http.get_current_application_info().await.unwrap();
    http.get_current_user().await.unwrap();
    let dm = UserId::new(fixtures::next_id())
        .create_dm_channel(&http)
        .await
        .unwrap();
    dm.say(&http, "hi").await.unwrap();
    let fetched = http.get_message(channel, msg.id).await.unwrap();
    assert_eq!(fetched.attachments.len(), 1);
    fake.shutdown().await;
}
