//! `/concern`: a confidential report (ISO/IEC 42001 A.3.3), continued privately by direct
//! message, named or anonymous. An anonymous reporter gets a follow-up handle; nothing that
//! identifies them is stored. `/concern status` and `/concern follow-up` take the handle (also
//! in direct messages); compliance reads and answers concerns with `/concern show` and
//! `/concern respond`.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::services::prompts::PromptView;
use serenity::all::CreateMessage;

use super::{caller, reply, request_id};
use crate::discord::render::{self, no_mentions};
use crate::discord::{AppCtx, BotError, Ctx, text};

/// Confidential concerns.
#[poise::command(
    slash_command,
    subcommands("raise", "status", "follow_up", "show", "respond"),
    subcommand_required
)]
pub async fn concern(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Raise a concern confidentially; I continue with you by direct message
#[poise::command(slash_command, guild_only)]
async fn raise(ctx: AppCtx<'_>) -> Result<(), BotError> {
    let caller = caller(ctx.into())?;
    // Opening the draft and a direct message can take longer than Discord's 3 seconds.
    ctx.defer_ephemeral().await?;
    let view = ctx
        .data()
        .services
        .concerns
        .raise(&caller, &request_id(ctx.into()))
        .await?;
    let PromptView::Ask {
        session,
        flow,
        prompt,
        problems,
        follow_up_handle,
    } = view
    else {
        // A replayed command whose draft already ended.
        return reply(ctx.into(), text::CONCERN_ALREADY_STARTED.to_owned()).await;
    };
    let first = render::prompt_message(
        &session,
        flow,
        &prompt,
        &problems,
        follow_up_handle.as_deref(),
    );
    let dm = CreateMessage::new()
        .content(first.content)
        .components(first.components)
        .allowed_mentions(no_mentions());
    let text = match ctx.interaction.user.direct_message(ctx.http(), dm).await {
        Ok(_) => text::CONCERN_DM_SENT,
        Err(e) => {
            tracing::info!("could not open a direct message for a concern: {e}");
            // Nothing of an undelivered draft is kept.
            ctx.data().services.prompts.abandon(&session).await?;
            text::CONCERN_DM_FAILED
        }
    };
    reply(ctx.into(), text.to_owned()).await
}

/// See the status of your anonymous concern and replies to it
#[poise::command(slash_command)]
async fn status(
    ctx: Ctx<'_>,
    #[description = "The follow-up handle you were given"]
    #[max_length = 40]
    handle: String,
) -> Result<(), BotError> {
    let timeline = ctx.data().services.concerns.status(&handle).await?;
    super::reply_with_timeline(ctx, &timeline).await
}

/// Add information to your anonymous concern
#[poise::command(slash_command, rename = "follow-up")]
async fn follow_up(
    ctx: Ctx<'_>,
    #[description = "The follow-up handle you were given"]
    #[max_length = 40]
    handle: String,
    #[description = "What you want to add"]
    #[max_length = 4000]
    message: String,
) -> Result<(), BotError> {
    ctx.defer_ephemeral().await?;
    let reference = ctx
        .data()
        .services
        .concerns
        .follow_up(&request_id(ctx), &handle, message)
        .await?;
    reply(ctx, text::concern_followed_up(reference)).await
}

/// Read a concern (compliance)
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. CON-2026-0001"] reference: String,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Concern)?;
    let timeline = ctx
        .data()
        .services
        .concerns
        .show(&caller(ctx)?, reference)
        .await?;
    super::reply_with_timeline(ctx, &timeline).await
}

/// Answer a concern; the reporter reads it with /concern status (compliance)
#[poise::command(slash_command, guild_only)]
async fn respond(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. CON-2026-0001"] reference: String,
    #[description = "Your answer to the reporter"]
    #[max_length = 4000]
    message: String,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Concern)?;
    let caller = caller(ctx)?;
    ctx.defer_ephemeral().await?;
    ctx.data()
        .services
        .concerns
        .respond(&caller, &request_id(ctx), reference, message)
        .await?;
    reply(ctx, text::concern_answered(reference)).await
}
