//! `/aisystem register|list|show`: the AI system inventory the other flows refer to.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::services::ai_systems::LIST_LIMIT;

use super::{caller, reply, request_id};
use crate::discord::render;
use crate::discord::{AppCtx, BotError, Ctx, text};

/// The AI system inventory.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("register", "list", "show"),
    subcommand_required
)]
pub async fn aisystem(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Register an AI system you own (owners and compliance)
#[poise::command(slash_command, guild_only)]
async fn register(ctx: AppCtx<'_>) -> Result<(), BotError> {
    let view = ctx
        .data()
        .services
        .ai_systems
        .register(&caller(ctx.into())?, &request_id(ctx.into()))
        .await?;
    super::show_prompt(ctx, view).await
}

/// List the AI systems registered in this server
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Ctx<'_>) -> Result<(), BotError> {
    let systems = ctx.data().services.ai_systems.list(&caller(ctx)?).await?;
    reply(
        ctx,
        format!(
            "{}{}",
            text::ai_systems_heading(LIST_LIMIT),
            render::list_lines(&systems, text::NO_SYSTEMS)
        ),
    )
    .await
}

/// Show one AI system
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. AIS-2026-0001"]
    #[autocomplete = "super::complete_ai_system"]
    reference: String,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::AiSystem)?;
    let stored = ctx
        .data()
        .services
        .ai_systems
        .show(&caller(ctx)?, reference)
        .await?;
    reply(ctx, render::record_details(&stored, None)).await
}
