//! `/concern`: a confidential report (ISO/IEC 42001 A.3.3), continued privately by DM, named or
//! anonymous. An anonymous reporter gets a follow-up handle; nothing that identifies them is
//! stored. `/concern status` and `/concern follow-up` take the handle; compliance reads and
//! answers concerns with `/concern show` and `/concern respond`.

use aimsbot_workflows::access::Permission;
use aimsbot_workflows::flow::FlowKind;
use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::records::Change;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::text::Narrative;
use aimsbot_workflows::{Actor, RecordKind, StoredRecord};
use serenity::all::CreateMessage;

use super::incident::new_session;
use super::{actor, load, reply};
use crate::discord::prompts::{self, FOLLOW_UP_HANDLE};
use crate::discord::render::no_mentions;
use crate::discord::{AppCtx, BotError, Ctx, require};

/// Confidential concerns.
#[poise::command(
    slash_command,
    subcommands("raise", "status", "follow_up", "show", "respond"),
    subcommand_required
)]
pub async fn concern(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

/// A random, readable handle: 12 characters from an alphabet without look-alikes.
fn new_handle() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let chars: Vec<char> = bytes
        .iter()
        .take(12)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!(
        "{}-{}-{}",
        chars[..4].iter().collect::<String>(),
        chars[4..8].iter().collect::<String>(),
        chars[8..].iter().collect::<String>()
    )
}

/// Raise a concern confidentially; I continue with you by direct message
#[poise::command(slash_command, guild_only)]
async fn raise(ctx: AppCtx<'_>) -> Result<(), BotError> {
    require(ctx.into(), Permission::RaiseConcern)?;
    let session = new_session(ctx, FlowKind::Concern)?.with_context(FOLLOW_UP_HANDLE, new_handle());
    let session = ctx.data().shared.sessions.open_session(session).await?;
    let first = prompts::first_message(ctx.data(), &session).await?;
    let dm = CreateMessage::new()
        .content(first.content)
        .components(first.components)
        .allowed_mentions(no_mentions());
    let sent = ctx.interaction.user.direct_message(ctx.http(), dm).await;
    let text = match sent {
        Ok(_) => {
            "🔒 I've sent you a direct message to continue privately. Nothing is recorded until you confirm there, \
                  and you can choose to stay anonymous."
        }
        Err(e) => {
            tracing::info!("could not open a DM for a concern: {e}");
            "I couldn't send you a direct message. Allow direct messages from server members \
             (Privacy settings) and run `/concern raise` again."
        }
    };
    reply(ctx.into(), text.to_owned()).await
}

/// Finds the concern a follow-up handle belongs to.
async fn by_handle(ctx: Ctx<'_>, handle: &str) -> Result<StoredRecord, BotError> {
    let concerns = ctx
        .data()
        .shared
        .store
        .records(&RecordQuery {
            kind: Some(RecordKind::Concern),
            limit: 10_000,
            ..RecordQuery::default()
        })
        .await?;
    concerns
        .into_iter()
        .find(|c| matches!(&c.record, Record::Concern(concern) if concern.handle_matches(handle)))
        .ok_or_else(|| {
            BotError::user("No concern has that follow-up handle. Check it and try again.")
        })
}

/// See the status of your anonymous concern and replies to it
#[poise::command(slash_command)]
async fn status(
    ctx: Ctx<'_>,
    #[description = "The follow-up handle you were given"]
    #[max_length = 40]
    handle: String,
) -> Result<(), BotError> {
    let stored = by_handle(ctx, &handle).await?;
    super::reply_with_timeline(ctx, &stored).await
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
    let note =
        Narrative::for_field("message", message).map_err(|e| BotError::user(e.to_string()))?;
    let stored = by_handle(ctx, &handle).await?;
    super::record_change(ctx, &stored, Actor::anonymous(), Change::Note { note }).await?;
    reply(
        ctx,
        format!("✅ Added to {}, still anonymously.", stored.reference),
    )
    .await
}

/// Read a concern (compliance)
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. CON-2026-0001"] reference: String,
) -> Result<(), BotError> {
    require(ctx, Permission::ViewConcerns)?;
    let reference = super::reference(&reference, RecordKind::Concern)?;
    let stored = load(ctx, reference).await?;
    super::reply_with_timeline(ctx, &stored).await
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
    require(ctx, Permission::ViewConcerns)?;
    let reference = super::reference(&reference, RecordKind::Concern)?;
    let note =
        Narrative::for_field("message", message).map_err(|e| BotError::user(e.to_string()))?;
    let stored = load(ctx, reference).await?;
    super::record_change(ctx, &stored, actor(ctx), Change::Note { note }).await?;
    reply(ctx, format!("✅ Your answer was added to {reference}.")).await
}
