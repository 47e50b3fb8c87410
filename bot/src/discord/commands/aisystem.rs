//! `/aisystem register|list|show`: the AI system inventory the other flows refer to.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::access::Permission;
use aimsbot_workflows::flow::FlowKind;
use aimsbot_workflows::ports::RecordQuery;

use super::incident::new_session;
use super::{guild, list_lines, load, reply};
use crate::discord::render;
use crate::discord::{AppCtx, BotError, Ctx, require};

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
    require(ctx.into(), Permission::RegisterAiSystem)?;
    let session = new_session(ctx, FlowKind::AiSystemRegistration)?;
    super::start_flow(ctx, session, Vec::new()).await
}

/// List the AI systems registered in this server
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Ctx<'_>) -> Result<(), BotError> {
    require(ctx, Permission::ViewInventory)?;
    let systems = ctx
        .data()
        .shared
        .store
        .records(&RecordQuery {
            guild: Some(guild(ctx)?),
            kind: Some(RecordKind::AiSystem),
            limit: 50,
            ..RecordQuery::default()
        })
        .await?;
    reply(
        ctx,
        format!(
            "**AI systems** (at most 50)\n{}",
            list_lines(
                &systems,
                "None registered yet: `/aisystem register` adds one."
            )
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
    require(ctx, Permission::ViewInventory)?;
    let reference = super::reference(&reference, RecordKind::AiSystem)?;
    let stored = load(ctx, reference).await?;
    reply(ctx, render::record_details(&stored)).await
}
