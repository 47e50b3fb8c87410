//! `/override log`: a human oversight action on an AI output (EU AI Act Art. 14(4)).

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::access::Permission;
use aimsbot_workflows::flow::{FlowKind, context};

use super::incident::new_session;
use crate::discord::{AppCtx, BotError, Ctx, require};

/// Human overrides of AI decisions.
#[poise::command(
    slash_command,
    guild_only,
    rename = "override",
    subcommands("log"),
    subcommand_required
)]
pub async fn r#override(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
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
    #[description = "Your authority to intervene, e.g. credit officer, four-eyes rule"]
    #[max_length = 200]
    authority: Option<String>,
) -> Result<(), BotError> {
    require(ctx.into(), Permission::LogOverride)?;
    let mut session = new_session(ctx, FlowKind::HumanOverride)?;
    if let Some(system) = system {
        session = session.with_draft("ai_system", system);
    }
    if let Some(incident) = incident {
        let incident = super::reference(&incident, RecordKind::Incident)?;
        super::load(ctx.into(), incident).await?;
        session = session.with_context(context::LINKED_INCIDENT, incident.to_string());
    }
    if let Some(confidence) = confidence {
        if !(0.0..=1.0).contains(&confidence) {
            return Err(BotError::user(format!(
                "confidence {confidence} is outside 0 to 1"
            )));
        }
        session = session.with_context(context::CONFIDENCE, confidence.to_string());
    }
    if let Some(authority) = authority.filter(|a| !a.trim().is_empty()) {
        session = session.with_context(context::AUTHORITY, authority);
    }
    super::start_flow(ctx, session, Vec::new()).await
}
