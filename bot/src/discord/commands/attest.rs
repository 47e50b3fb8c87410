//! `/attest pending` lists what the caller still has to attest, each answered with buttons;
//! `/attest request` (compliance) asks everyone holding a role to attest a statement;
//! `/attest evidence` adds evidence of competence to one's own attestation.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::services::attestations::AttestationRequest;
use serenity::all::{CreateActionRow, Role};

use super::{caller, reply};
use crate::discord::render::{self, no_mentions};
use crate::discord::{BotError, Ctx, text};

/// At most this many attestations are listed with buttons at once (Discord allows five rows).
const SHOWN: usize = 5;

/// Training and policy attestations.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("pending", "request", "evidence"),
    subcommand_required
)]
pub async fn attest(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

/// List the attestations you still have to answer, with buttons to answer them
#[poise::command(slash_command, guild_only)]
async fn pending(ctx: Ctx<'_>) -> Result<(), BotError> {
    let caller = caller(ctx)?;
    let records = ctx.data().services.attestations.pending(&caller).await?;
    if records.is_empty() {
        return reply(ctx, text::NOTHING_TO_ATTEST.to_owned()).await;
    }
    let mut content = text::to_attest(records.len());
    let mut rows: Vec<CreateActionRow> = Vec::new();
    for stored in records.iter().take(SHOWN) {
        content.push_str(&render::attestation_line(stored));
        content.push('\n');
        rows.push(render::attestation_buttons(&caller.guild, stored.reference));
    }
    if records.len() > SHOWN {
        content.push_str(&text::more_to_attest(records.len() - SHOWN));
    }
    ctx.send(
        poise::CreateReply::default()
            .content(render::fit(content))
            .components(rows)
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
    .await?;
    Ok(())
}

/// Ask everyone with a role to attest a statement (compliance)
#[poise::command(slash_command, guild_only)]
async fn request(
    ctx: Ctx<'_>,
    #[description = "Everyone holding this role is asked"] role: Role,
    #[description = "The statement to attest, e.g. I completed the AI literacy training"]
    #[max_length = 4000]
    statement: String,
    #[description = "The statement's version, e.g. 2026-11"]
    #[max_length = 200]
    version: String,
    #[description = "Due date, e.g. 2026-12-31 or 2026-12-31 17:00"] due: Option<String>,
    #[description = "Days an attestation stays current once given, e.g. 365"]
    #[min = 1]
    #[max = 3650]
    valid_for_days: Option<u16>,
    #[description = "The AI system the training covers (none: training in general)"]
    #[autocomplete = "super::complete_ai_system"]
    #[max_length = 200]
    system: Option<String>,
) -> Result<(), BotError> {
    let caller = caller(ctx)?;
    // Reading the server's members and recording one attestation each can take longer than
    // Discord's 3 seconds.
    ctx.defer_ephemeral().await?;
    let requested = ctx
        .data()
        .services
        .attestations
        .request(
            &caller,
            AttestationRequest {
                role: role.id.get().to_string(),
                statement,
                version,
                due,
                audience: role.name.clone(),
                valid_for_days,
                system,
            },
        )
        .await?;
    if let Some(error) = &requested.interrupted {
        tracing::error!("attestation request interrupted: {error}");
    }
    let message = if requested.people == 0 {
        text::nobody_holds(&role.name)
    } else {
        text::attestations_requested(&requested, &role.name)
    };
    reply(ctx, message).await
}

/// Add evidence of competence to your attestation: a course result, a certificate link
#[poise::command(slash_command, guild_only)]
async fn evidence(
    ctx: Ctx<'_>,
    #[description = "Your attestation, e.g. ATT-2026-0042"] reference: String,
    #[description = "e.g. AI literacy course passed 92%, https://learning.example/cert/881"]
    #[max_length = 200]
    evidence: String,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Attestation)?;
    ctx.defer_ephemeral().await?;
    let stored = ctx
        .data()
        .services
        .attestations
        .add_evidence(&caller(ctx)?, &super::request_id(ctx), reference, evidence)
        .await?;
    reply(ctx, render::fit(render::record_details(&stored, None))).await
}
