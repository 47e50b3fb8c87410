//! `/attest pending` lists what the caller still has to attest, each answered with buttons;
//! `/attest request` (compliance) asks everyone holding a role to attest a statement.

use aimsbot_workflows::access::Permission;
use aimsbot_workflows::flow::datetime;
use aimsbot_workflows::ports::{NewRecord, RecordQuery};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::{Attestation, AttestationStatus, Statement};
use aimsbot_workflows::text::{Label, Narrative};
use aimsbot_workflows::{GuildId, RecordKind, StoredRecord};
use serenity::all::{CreateActionRow, CreateMessage, Role, UserId};

use super::{actor, guild, reply};
use crate::discord::prompts::attestation_buttons;
use crate::discord::render::{self, no_mentions};
use crate::discord::{BotError, Ctx, identity, require};

/// At most this many attestations are listed with buttons at once (Discord allows five rows).
const SHOWN: usize = 5;
/// Members read per request page (Discord's maximum).
const MEMBER_PAGE: u64 = 1000;

/// Training and policy attestations.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("pending", "request"),
    subcommand_required
)]
pub async fn attest(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

/// One attestation as a line: reference, statement, version, due date.
fn line(stored: &StoredRecord) -> String {
    let Record::Attestation(a) = &stored.record else {
        return String::new();
    };
    let due = a
        .due_at
        .map(|d| format!(", due {}", render::discord_time(d)))
        .unwrap_or_default();
    format!(
        "**{}** (version {}{due}):\n> {}",
        stored.reference,
        render::escape(a.statement.version.as_str()),
        render::escape(&render::truncate(a.statement.text.as_str(), 300)).replace('\n', "\n> ")
    )
}

/// List the attestations you still have to answer, with buttons to answer them
#[poise::command(slash_command, guild_only)]
async fn pending(ctx: Ctx<'_>) -> Result<(), BotError> {
    require(ctx, Permission::AnswerAttestation)?;
    let guild = guild(ctx)?;
    let records = ctx
        .data()
        .shared
        .store
        .records(&RecordQuery {
            guild: Some(guild.clone()),
            kind: Some(RecordKind::Attestation),
            status: Some(AttestationStatus::Pending.as_str().to_owned()),
            person: Some(actor(ctx)),
            limit: 100,
        })
        .await?;
    if records.is_empty() {
        return reply(ctx, "You have nothing to attest. ✅".to_owned()).await;
    }
    let mut content = format!("**You have {} attestation(s) to answer**\n", records.len());
    let mut rows: Vec<CreateActionRow> = Vec::new();
    for stored in records.iter().rev().take(SHOWN) {
        content.push_str(&line(stored));
        content.push('\n');
        rows.push(attestation_buttons(&guild, stored.reference));
    }
    if records.len() > SHOWN {
        content.push_str(&format!(
            "…and {} more: answer these first.",
            records.len() - SHOWN
        ));
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
) -> Result<(), BotError> {
    require(ctx, Permission::RequestAttestation)?;
    let guild_id = ctx
        .guild_id()
        .ok_or_else(|| BotError::user("This command works in a server."))?;
    let guild = identity::guild(guild_id);
    let shared = &ctx.data().shared;
    let now = shared.clock.now();
    let statement = Statement::new(
        Narrative::for_field("statement", statement).map_err(|e| BotError::user(e.to_string()))?,
        Label::for_field("version", version).map_err(|e| BotError::user(e.to_string()))?,
    );
    let due_at = due
        .map(|d| datetime::parse("due", &d, now, shared.settings.scheduler.default_time_zone))
        .transpose()
        .map_err(|e| BotError::user(e.to_string()))?;
    if due_at.is_some_and(|d| d <= now) {
        return Err(BotError::user(
            "due: the due date has already passed; give a date in the future",
        ));
    }
    // Reading members and sending direct messages can take longer than Discord's 3 seconds.
    ctx.defer_ephemeral().await?;

    let mut members = Vec::new();
    let mut after: Option<UserId> = None;
    loop {
        let page = guild_id
            .members(ctx.http(), Some(MEMBER_PAGE), after)
            .await?;
        let last = page.last().map(|m| m.user.id);
        let full = page.len() as u64 == MEMBER_PAGE;
        members.extend(
            page.into_iter()
                .filter(|m| !m.user.bot && m.roles.contains(&role.id)),
        );
        match last {
            Some(last) if full => after = Some(last),
            _ => break,
        }
    }
    if members.is_empty() {
        return reply(
            ctx,
            format!(
                "Nobody holds the role {}: nothing was requested.",
                render::escape(&role.name)
            ),
        )
        .await;
    }

    let requested_by = actor(ctx);
    let mut created = Vec::new();
    let mut delivered = 0;
    for member in &members {
        let person = identity::actor(&member.user, Some(member));
        let committed = shared
            .store
            .create(NewRecord {
                guild: guild.clone(),
                actor: requested_by.clone(),
                at: now,
                record: Record::Attestation(Attestation {
                    person,
                    campaign: None,
                    statement: statement.clone(),
                    status: AttestationStatus::Pending,
                    requested_by: requested_by.clone(),
                    due_at,
                    answered_at: None,
                    declined_reason: None,
                    expires_at: None,
                }),
                idempotency_key: Some(format!("attest-request:{}:{}", ctx.id(), member.user.id)),
            })
            .await?;
        if !committed.replayed && send_prompt(ctx, &guild, &committed.record, &member.user.id).await
        {
            delivered += 1;
        }
        created.push(committed.record.reference);
    }
    let range = match (created.first(), created.last()) {
        (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    };
    reply(
        ctx,
        format!(
            "✅ Requested from {} people holding {} ({range}). Direct messages delivered: {delivered} of {}; \
             everyone can also answer with `/attest pending`.",
            members.len(),
            render::escape(&role.name),
            members.len()
        ),
    )
    .await
}

/// DMs one person their attestation with answer buttons. `false` when they cannot be reached.
async fn send_prompt(ctx: Ctx<'_>, guild: &GuildId, stored: &StoredRecord, user: &UserId) -> bool {
    let message = CreateMessage::new()
        .content(render::fit(format!(
            "📝 Please attest this statement:\n{}",
            line(stored)
        )))
        .components(vec![attestation_buttons(guild, stored.reference)])
        .allowed_mentions(no_mentions());
    match user.direct_message(ctx.http(), message).await {
        Ok(_) => true,
        Err(e) => {
            tracing::info!(attestation = %stored.reference, "could not send the attestation by DM: {e}");
            false
        }
    }
}
