//! The slash commands and the message context menu, registered on startup, and how their
//! failures reach the person: an ephemeral message that pings nobody, with internal detail
//! kept for the logs.

mod aisystem;
mod attest;
mod concern;
mod incident;
mod override_log;

use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::{RecordKind, Reference, StoredRecord, ValidationError};
use serenity::all::{CreateAutocompleteResponse, GuildId as DiscordGuildId};

use super::render::{self, no_mentions};
use super::{BotError, Ctx, Data, identity, on_event};

pub fn framework_options() -> poise::FrameworkOptions<Data, BotError> {
    poise::FrameworkOptions {
        commands: vec![
            incident::incident(),
            incident::report_message(),
            override_log::r#override(),
            attest::attest(),
            concern::concern(),
            aisystem::aisystem(),
        ],
        on_error: |error| Box::pin(on_error(error)),
        event_handler: |framework, event| {
            Box::pin(on_event(
                framework.serenity_context,
                event,
                framework.user_data,
            ))
        },
        allowed_mentions: Some(no_mentions()),
        initialize_owners: false,
        ..Default::default()
    }
}

/// Registers the commands in the configured guilds (instant), or globally (Discord may take
/// up to an hour to show new global commands). A failure is logged, not fatal: commands
/// registered earlier keep working.
pub async fn register(
    ctx: &serenity::all::Context,
    commands: &[poise::Command<Data, BotError>],
    guild_ids: &[u64],
) {
    let result = if guild_ids.is_empty() {
        poise::builtins::register_globally(ctx, commands).await
    } else {
        let mut result = Ok(());
        for guild in guild_ids {
            if let Err(e) =
                poise::builtins::register_in_guild(ctx, commands, DiscordGuildId::new(*guild)).await
            {
                result = Err(e);
            }
        }
        result
    };
    match result {
        Ok(()) => tracing::info!(commands = commands.len(), "slash commands registered"),
        Err(e) => tracing::error!("registering slash commands failed: {e}"),
    }
}

async fn on_error(error: poise::FrameworkError<'_, Data, BotError>) {
    let (ctx, message) = match &error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if error.is_internal() {
                tracing::error!(command = %ctx.command().qualified_name, "command failed: {error}");
            }
            (*ctx, error.user_message())
        }
        poise::FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            let message = match input {
                Some(input) => format!("`{}` was not understood: {error}", render::escape(input)),
                None => format!("An option was not understood: {error}"),
            };
            (*ctx, message)
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => (
            *ctx,
            "This command works in a server, not in direct messages.".to_owned(),
        ),
        other => {
            tracing::warn!("{other}");
            return;
        }
    };
    let reply = poise::CreateReply::default()
        .content(render::fit(format!("⚠️ {message}")))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    if let Err(e) = ctx.send(reply).await {
        tracing::debug!("could not report a command failure: {e}");
    }
}

/// The guild the command runs in, as a tenant.
fn guild(ctx: Ctx<'_>) -> Result<aimsbot_workflows::GuildId, BotError> {
    ctx.guild_id()
        .map(identity::guild)
        .ok_or_else(|| BotError::user("This command works in a server, not in direct messages."))
}

fn actor(ctx: Ctx<'_>) -> aimsbot_workflows::Actor {
    let member = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    identity::actor(ctx.author(), member)
}

/// Parses a reference typed as a command option, expecting `kind`.
fn reference(text: &str, kind: RecordKind) -> Result<Reference, BotError> {
    let reference: Reference = text
        .parse()
        .map_err(|e: ValidationError| BotError::user(e.message))?;
    if reference.kind() != kind {
        return Err(BotError::user(format!(
            "{reference} is not {} reference (they start with {}-)",
            article(kind),
            kind.prefix()
        )));
    }
    Ok(reference)
}

fn article(kind: RecordKind) -> String {
    let name = kind.as_str().replace('_', " ");
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {name}")
    } else {
        format!("a {name}")
    }
}

/// Loads a record of the guild or says it does not exist.
async fn load(ctx: Ctx<'_>, reference: Reference) -> Result<StoredRecord, BotError> {
    let guild = guild(ctx)?;
    ctx.data()
        .shared
        .store
        .record(&guild, &reference)
        .await?
        .ok_or_else(|| BotError::user(format!("{reference} was not found in this server.")))
}

/// Sends an ephemeral reply that pings nobody.
async fn reply(ctx: Ctx<'_>, content: String) -> Result<(), BotError> {
    ctx.send(
        poise::CreateReply::default()
            .content(render::fit(content))
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
    .await?;
    Ok(())
}

/// Replies with a record in full and its timeline.
async fn reply_with_timeline(ctx: Ctx<'_>, stored: &StoredRecord) -> Result<(), BotError> {
    let events = ctx
        .data()
        .shared
        .store
        .record_events(&stored.guild, &stored.reference)
        .await?;
    reply(
        ctx,
        format!(
            "{}\n\n{}",
            render::record_details(stored),
            render::timeline(&events)
        ),
    )
    .await
}

/// Records a change to a record as the caller, once per interaction.
async fn record_change(
    ctx: Ctx<'_>,
    stored: &StoredRecord,
    actor: aimsbot_workflows::Actor,
    change: aimsbot_workflows::records::Change,
) -> Result<aimsbot_workflows::ports::Committed, BotError> {
    let shared = &ctx.data().shared;
    Ok(shared
        .store
        .change(aimsbot_workflows::ports::RecordChange {
            guild: stored.guild.clone(),
            reference: stored.reference,
            actor,
            at: shared.clock.now(),
            change,
            idempotency_key: Some(format!("interaction:{}", ctx.id())),
        })
        .await?)
}

/// Starts a guided prompt in answer to a slash command or context menu.
async fn start_flow(
    ctx: super::AppCtx<'_>,
    session: aimsbot_workflows::flow::Session,
    answers: Vec<(String, Vec<String>)>,
) -> Result<(), BotError> {
    super::prompts::start(
        ctx.serenity_context(),
        ctx.data(),
        super::prompts::Origin::Command(ctx.interaction),
        session,
        answers,
    )
    .await
}

/// Lists records of one kind, one line each, or says there are none.
fn list_lines(records: &[StoredRecord], empty: &str) -> String {
    if records.is_empty() {
        return empty.to_owned();
    }
    let mut text = String::new();
    for record in records {
        let status = record
            .record
            .status()
            .map(|s| format!(" · {}", s.replace('_', " ")))
            .unwrap_or_default();
        text.push_str(&format!(
            "**{}** {}{status}\n",
            record.reference,
            render::escape(&render::truncate(&record.record.title(), 120))
        ));
    }
    text
}

/// Autocomplete for AI system options: the guild's inventory, by name or reference.
async fn complete_ai_system(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let Ok(guild) = guild(ctx) else {
        return CreateAutocompleteResponse::new();
    };
    let systems = ctx
        .data()
        .shared
        .store
        .records(&RecordQuery {
            guild: Some(guild),
            kind: Some(RecordKind::AiSystem),
            limit: 1000,
            ..RecordQuery::default()
        })
        .await
        .unwrap_or_default();
    let wanted = partial.to_lowercase();
    systems
        .iter()
        .filter(|s| {
            s.record.title().to_lowercase().contains(&wanted)
                || s.reference.to_string().to_lowercase().contains(&wanted)
        })
        .take(25)
        .fold(CreateAutocompleteResponse::new(), |response, s| {
            response.add_string_choice(
                render::truncate(&format!("{} ({})", s.record.title(), s.reference), 99),
                s.reference.to_string(),
            )
        })
}

/// Autocomplete for an option that answers a choice step of a flow: the step's own answers,
/// labels shown, stored names sent.
fn complete_choice(
    flow: aimsbot_workflows::flow::FlowKind,
    key: &str,
    partial: &str,
) -> CreateAutocompleteResponse {
    use aimsbot_workflows::flow::InputKind;
    let options = aimsbot_workflows::flow::flow(flow)
        .steps
        .iter()
        .find(|s| s.key == key)
        .and_then(|s| match s.kind {
            InputKind::Choice(options) | InputKind::MultiChoice { options, .. } => Some(options),
            _ => None,
        })
        .unwrap_or_default();
    let wanted = partial.to_lowercase();
    options
        .iter()
        .filter(|(value, label)| label.to_lowercase().contains(&wanted) || value.contains(&wanted))
        .take(25)
        .fold(
            CreateAutocompleteResponse::new(),
            |response, (value, label)| {
                response.add_string_choice(render::truncate(label, 99), *value)
            },
        )
}
