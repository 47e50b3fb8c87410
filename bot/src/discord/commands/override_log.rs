//! `/override log`: a human oversight action on an AI output (EU AI Act Art. 14(4));
//! `/override accepted`: outputs reviewed and let stand; `/override rate`: the two together.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::flow::{FlowKind, keys};
use aimsbot_workflows::services::overrides::{OverrideOptions, Period};

use super::{caller, reply, request_id};
use crate::discord::{AppCtx, BotError, Ctx, text};

/// Human overrides of AI decisions.
#[poise::command(
    slash_command,
    guild_only,
    rename = "override",
    subcommands("log", "accepted", "rate"),
    subcommand_required
)]
pub async fn r#override(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

async fn complete_authority(
    _: Ctx<'_>,
    partial: &str,
) -> serenity::all::CreateAutocompleteResponse {
    super::complete_choice(FlowKind::HumanOverride, keys::OVERSEER_AUTHORITY, partial)
}

/// Log that you disregarded, overrode, reversed, modified, halted or escalated an AI output
#[poise::command(slash_command, guild_only)]
async fn log(
    ctx: AppCtx<'_>,
    #[description = "The AI system (from the inventory, or type its name)"]
    #[autocomplete = "super::complete_ai_system"]
    #[max_length = 200]
    system: Option<String>,
    #[description = "An incident this override relates to, e.g. INC-2026-0042"] incident: Option<
        String,
    >,
    #[description = "The AI's confidence in its output, from 0 to 1"]
    #[min = 0.0]
    #[max = 1.0]
    confidence: Option<f64>,
    #[description = "Your authority to intervene: assigned, delegated or not assigned"]
    #[autocomplete = "complete_authority"]
    authority: Option<String>,
    #[description = "Your mandate, e.g. credit officer, four-eyes rule"]
    #[max_length = 200]
    mandate: Option<String>,
) -> Result<(), BotError> {
    let options = OverrideOptions {
        system,
        incident: incident
            .map(|i| super::reference(&i, RecordKind::Incident))
            .transpose()?,
        confidence,
        authority,
        mandate,
    };
    let view = ctx
        .data()
        .services
        .overrides
        .log(&caller(ctx.into())?, &request_id(ctx.into()), options)
        .await?;
    super::show_prompt(ctx, view).await
}

/// Record how many outputs of an AI system you reviewed and let stand (for the override rate)
#[poise::command(slash_command, guild_only)]
async fn accepted(
    ctx: Ctx<'_>,
    #[description = "The AI system (from the inventory, or type its name)"]
    #[autocomplete = "super::complete_ai_system"]
    #[max_length = 200]
    system: String,
    #[description = "How many outputs you reviewed and accepted"]
    #[max = 10000000]
    count: u32,
    #[description = "First day counted, e.g. 2026-11-30 (default today)"]
    #[max_length = 100]
    from: Option<String>,
    #[description = "Last day counted, included (default the first day)"]
    #[max_length = 100]
    to: Option<String>,
) -> Result<(), BotError> {
    ctx.defer_ephemeral().await?;
    let committed = ctx
        .data()
        .services
        .overrides
        .accepted(
            &caller(ctx)?,
            &request_id(ctx),
            &system,
            count,
            &Period { from, to },
        )
        .await?;
    reply(ctx, text::accepted_recorded(&committed.record)).await
}

/// How often an AI system's outputs were overridden: overrides against outputs accepted
#[poise::command(slash_command, guild_only)]
async fn rate(
    ctx: Ctx<'_>,
    #[description = "The AI system (from the inventory, or type its name)"]
    #[autocomplete = "super::complete_ai_system"]
    #[max_length = 200]
    system: String,
    #[description = "First day, e.g. 2026-11-01 (default today)"]
    #[max_length = 100]
    from: Option<String>,
    #[description = "Last day, included (default the first day)"]
    #[max_length = 100]
    to: Option<String>,
) -> Result<(), BotError> {
    let rate = ctx
        .data()
        .services
        .overrides
        .rate(&caller(ctx)?, &system, &Period { from, to })
        .await?;
    reply(ctx, text::override_rate(&rate)).await
}
