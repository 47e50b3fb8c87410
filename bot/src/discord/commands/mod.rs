//! The slash commands and the message context menu: each parses its options, calls a use
//! case and renders the result. Registered in every served server on startup; failures reach
//! the person as an ephemeral message that pings nobody, with internal detail kept for logs.

mod aisystem;
mod attest;
mod concern;
mod incident;
mod override_log;

use aimsbot_workflows::flow::FlowKind;
use aimsbot_workflows::services::prompts::PromptView;
use aimsbot_workflows::services::{Caller, Timeline};
use aimsbot_workflows::{RecordKind, Reference};
use serenity::all::{CreateAutocompleteResponse, GuildId as DiscordGuildId};

use super::render::{self, no_mentions};
use super::respond::{Origin, Responder};
use super::{AppCtx, BotError, Ctx, Data, identity, interactions, on_event, text};

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
        command_check: Some(|ctx| Box::pin(served(ctx))),
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

/// Refuses every command from a server aimsbot does not serve, before anything is read or
/// written. Direct messages pass: their use cases check the guild of what they touch.
async fn served(ctx: Ctx<'_>) -> Result<bool, BotError> {
    match ctx.guild_id() {
        Some(guild) if !ctx.data().config.guilds.contains_key(&guild.get()) => {
            Err(BotError::User(text::not_served(&identity::guild(guild))))
        }
        _ => Ok(true),
    }
}

/// Registers the commands in each served server (instantly visible), and removes any global
/// registration an earlier setup left, so no other server is offered the commands. A failure
/// is logged, not fatal: commands registered earlier keep working.
pub async fn register(
    ctx: &serenity::all::Context,
    commands: &[poise::Command<Data, BotError>],
    guild_ids: &[u64],
) {
    let mut failed = false;
    for guild in guild_ids {
        if let Err(e) =
            poise::builtins::register_in_guild(ctx, commands, DiscordGuildId::new(*guild)).await
        {
            tracing::error!(guild, "registering slash commands failed: {e}");
            failed = true;
        }
    }
    if let Err(e) = serenity::all::Command::set_global_commands(&ctx.http, Vec::new()).await {
        tracing::warn!("removing global slash commands failed: {e}");
    }
    if !failed {
        tracing::info!(
            commands = commands.len(),
            servers = guild_ids.len(),
            "slash commands registered"
        );
    }
}

async fn on_error(error: poise::FrameworkError<'_, Data, BotError>) {
    let (ctx, message) = match &error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if error.is_internal() {
                tracing::error!(command = %ctx.command().qualified_name, "command failed: {error}");
            }
            if matches!(error, BotError::Discord(_)) {
                // The answer did not get through; another is unlikely to.
                return;
            }
            (*ctx, error.user_message())
        }
        poise::FrameworkError::CommandCheckFailed {
            error: Some(error),
            ctx,
            ..
        } => (*ctx, error.user_message()),
        poise::FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            let message = match input {
                Some(input) => format!("`{}` was not understood: {error}", render::escape(input)),
                None => format!("An option was not understood: {error}"),
            };
            (*ctx, message)
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => (*ctx, text::WORKS_IN_A_SERVER.to_owned()),
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

/// The caller of a command run in a server.
fn caller(ctx: Ctx<'_>) -> Result<Caller, BotError> {
    let guild = ctx
        .guild_id()
        .ok_or_else(|| BotError::User(text::WORKS_IN_A_SERVER.to_owned()))?;
    let member = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    Ok(ctx.data().caller(guild, ctx.author(), member))
}

/// The id of the interaction a command answers: it makes the command's write happen once.
fn request_id(ctx: Ctx<'_>) -> String {
    ctx.id().to_string()
}

/// Parses a reference typed as a command option, expecting `kind`.
fn reference(text: &str, kind: RecordKind) -> Result<Reference, BotError> {
    Ok(Reference::parse_as(text, kind)?)
}

/// Sends an ephemeral reply that pings nobody (an edit when the command was deferred).
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
async fn reply_with_timeline(ctx: Ctx<'_>, timeline: &Timeline) -> Result<(), BotError> {
    reply(ctx, render::with_timeline(timeline)).await
}

/// Shows the first prompt of a guided flow a command started.
async fn show_prompt(ctx: AppCtx<'_>, view: PromptView) -> Result<(), BotError> {
    let mut responder = Responder::new(ctx.serenity_context(), Origin::Command(ctx.interaction));
    interactions::show_view(ctx.data(), &mut responder, view).await
}

/// Autocomplete for AI system options: systems whose name or reference starts with what was
/// typed (an indexed lookup).
async fn complete_ai_system(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let Some(guild) = ctx.guild_id() else {
        return CreateAutocompleteResponse::new();
    };
    let systems = ctx
        .data()
        .services
        .ai_systems
        .suggest(&identity::guild(guild), partial)
        .await
        .unwrap_or_default();
    systems
        .iter()
        .fold(CreateAutocompleteResponse::new(), |response, s| {
            response.add_string_choice(
                render::truncate(&format!("{} ({})", s.record.title(), s.reference), 99),
                s.reference.to_string(),
            )
        })
}

/// Autocomplete for an option that answers a choice question of a flow: the question's own
/// answers, labels shown, stored names sent.
fn complete_choice(flow: FlowKind, key: &str, partial: &str) -> CreateAutocompleteResponse {
    let options = aimsbot_workflows::flow::flow(flow)
        .step(key)
        .map(|s| s.kind.options())
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
