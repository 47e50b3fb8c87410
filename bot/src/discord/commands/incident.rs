//! `/incident report|show|list|update` and the "Report as AI incident" message context menu.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::access::Permission;
use aimsbot_workflows::flow::{FlowKind, Session, context};
use aimsbot_workflows::ports::RecordQuery;
use aimsbot_workflows::records::incident::IncidentStatus;
use aimsbot_workflows::records::{Change, Record};
use aimsbot_workflows::text::Narrative;
use serde_json::json;
use serenity::all::Message;

use super::{actor, guild, list_lines, load, reply};
use crate::discord::{AppCtx, BotError, Ctx, require};

/// Incident statuses as command choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StatusChoice {
    Open,
    Triaged,
    Contained,
    Closed,
}

impl StatusChoice {
    fn status(self) -> IncidentStatus {
        match self {
            StatusChoice::Open => IncidentStatus::Open,
            StatusChoice::Triaged => IncidentStatus::Triaged,
            StatusChoice::Contained => IncidentStatus::Contained,
            StatusChoice::Closed => IncidentStatus::Closed,
        }
    }
}

/// Whose incidents to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum Scope {
    #[name = "mine"]
    Mine,
    #[name = "all"]
    All,
}

/// AI incidents: report, look up, list and update them.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("report", "show", "list", "update"),
    subcommand_required
)]
pub async fn incident(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

pub(super) fn new_session(ctx: AppCtx<'_>, flow: FlowKind) -> Result<Session, BotError> {
    let shared = &ctx.data().shared;
    let ttl = chrono::Duration::from_std(shared.settings.discord.session_ttl)
        .unwrap_or(chrono::Duration::hours(24));
    Ok(Session::new(
        ctx.interaction.id.get().to_string(),
        flow,
        guild(ctx.into())?,
        actor(ctx.into()),
        shared.clock.now(),
        ttl,
    ))
}

macro_rules! complete_incident_choice {
    ($($name:ident => $key:literal),+ $(,)?) => {
        $(
            async fn $name(_: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
                super::complete_choice(FlowKind::IncidentReport, $key, partial)
            }
        )+
    };
}

complete_incident_choice!(
    complete_kind => "kind",
    complete_severity => "severity",
    complete_harm => "harm_categories",
    complete_serious => "serious",
    complete_role => "organisation_role",
);

/// Report an AI incident, near miss or hazard (guided, private to you until confirmed)
///
/// Every option is optional: what is not given is asked. Giving kind, severity, harm, serious
/// and role skips those questions; the form and the confirmation remain.
#[allow(clippy::too_many_arguments)] // each option answers one question upfront
#[poise::command(slash_command, guild_only)]
async fn report(
    ctx: AppCtx<'_>,
    #[description = "The AI system involved (from the inventory, or type its name)"]
    #[autocomplete = "super::complete_ai_system"]
    #[max_length = 200]
    system: Option<String>,
    #[description = "Incident, near miss or hazard"]
    #[autocomplete = "complete_kind"]
    kind: Option<String>,
    #[description = "How severe it was"]
    #[autocomplete = "complete_severity"]
    severity: Option<String>,
    #[description = "What was harmed or put at risk (more can be added in the questions)"]
    #[autocomplete = "complete_harm"]
    harm: Option<String>,
    #[description = "Serious incident under EU AI Act Art. 3(49)?"]
    #[autocomplete = "complete_serious"]
    serious: Option<String>,
    #[description = "Our role for this AI system"]
    #[autocomplete = "complete_role"]
    role: Option<String>,
) -> Result<(), BotError> {
    require(ctx.into(), Permission::ReportIncident)?;
    let mut session = new_session(ctx, FlowKind::IncidentReport)?;
    if let Some(system) = system {
        session = session.with_draft("ai_system", system);
    }
    let answers = [
        ("kind", kind),
        ("severity", severity),
        ("harm_categories", harm),
        ("serious", serious),
        ("organisation_role", role),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key.to_owned(), vec![value?])))
    .collect();
    super::start_flow(ctx, session, answers).await
}

/// Starts an incident report from a message, quoting it.
#[poise::command(context_menu_command = "Report as AI incident", guild_only)]
pub async fn report_message(ctx: AppCtx<'_>, message: Message) -> Result<(), BotError> {
    require(ctx.into(), Permission::ReportIncident)?;
    let quoted: String = message.content.chars().take(Narrative::MAX_CHARS).collect();
    // Discord sends the target message without `guild_id`, and `Message::link` would then make
    // a DM (`@me`) link: take the server from the interaction.
    let link = message.id.link(
        message.channel_id,
        message.guild_id.or(ctx.interaction.guild_id),
    );
    let mut session =
        new_session(ctx, FlowKind::IncidentReport)?.with_context(context::SOURCE_LINK, link);
    if !quoted.trim().is_empty() {
        session = session.with_draft("what_happened", quoted);
    }
    super::start_flow(ctx, session, Vec::new()).await
}

/// Show an incident and its timeline
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. INC-2026-0042"] reference: String,
) -> Result<(), BotError> {
    let roles = require(ctx, Permission::ViewOwnRecords)
        .or_else(|_| require(ctx, Permission::ViewAllRecords))?;
    let reference = super::reference(&reference, RecordKind::Incident)?;
    let stored = load(ctx, reference).await?;
    let Record::Incident(incident) = &stored.record else {
        return Err(BotError::user(format!("{reference} is not an incident")));
    };
    let own = incident
        .reporter
        .as_ref()
        .is_some_and(|r| r.same_person(&actor(ctx)));
    if !own && !roles.can(Permission::ViewAllRecords) && !roles.can(Permission::UpdateIncident) {
        roles.require(Permission::ViewAllRecords)?;
    }
    super::reply_with_timeline(ctx, &stored).await
}

/// List incidents: your own, or everyone's (compliance and auditors)
#[poise::command(slash_command, guild_only)]
async fn list(
    ctx: Ctx<'_>,
    #[description = "Only incidents in this status"] status: Option<StatusChoice>,
    #[description = "Your own incidents, or everyone's"] scope: Option<Scope>,
) -> Result<(), BotError> {
    let roles = require(ctx, Permission::ViewOwnRecords)
        .or_else(|_| require(ctx, Permission::ViewAllRecords))?;
    let sees_all = roles.can(Permission::ViewAllRecords);
    let scope = scope.unwrap_or(if sees_all { Scope::All } else { Scope::Mine });
    if scope == Scope::All {
        roles.require(Permission::ViewAllRecords)?;
    }
    let records = ctx
        .data()
        .shared
        .store
        .records(&RecordQuery {
            guild: Some(guild(ctx)?),
            kind: Some(RecordKind::Incident),
            status: status.map(|s| s.status().as_str().to_owned()),
            person: (scope == Scope::Mine).then(|| actor(ctx)),
            limit: 25,
        })
        .await?;
    let heading = match scope {
        Scope::Mine => "**Your incidents** (newest first, at most 25)\n",
        Scope::All => "**Incidents in this server** (newest first, at most 25)\n",
    };
    reply(ctx, format!("{heading}{}", list_lines(&records, "None."))).await
}

/// Update an incident's status or add a timeline note (owners and compliance)
#[poise::command(slash_command, guild_only)]
async fn update(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. INC-2026-0042"] reference: String,
    #[description = "The new status"] status: Option<StatusChoice>,
    #[description = "A note for the timeline"]
    #[max_length = 4000]
    note: Option<String>,
) -> Result<(), BotError> {
    require(ctx, Permission::UpdateIncident)?;
    let reference = super::reference(&reference, RecordKind::Incident)?;
    let note = note
        .map(|n| Narrative::for_field("note", n).map_err(|e| BotError::user(e.to_string())))
        .transpose()?;
    let change = match (status, note) {
        (Some(status), note) => Change::Status {
            changes: json!({"status": status.status()})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            note,
        },
        (None, Some(note)) => Change::Note { note },
        (None, None) => return Err(BotError::user("Give a new status, a note, or both.")),
    };
    let stored = load(ctx, reference).await?;
    let committed = super::record_change(ctx, &stored, actor(ctx), change).await?;
    let status = committed.record.record.status().unwrap_or("unchanged");
    reply(
        ctx,
        format!(
            "✅ {reference} updated: status {}.",
            status.replace('_', " ")
        ),
    )
    .await
}
