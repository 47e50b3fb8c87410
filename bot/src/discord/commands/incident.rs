//! `/incident report|show|list|update|assess|reported` and the "Report as AI incident"
//! message context menu.

use aimsbot_workflows::RecordKind;
use aimsbot_workflows::flow::FlowKind;
use aimsbot_workflows::flow::keys;
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::incident::{IncidentStatus, ReportStage};
use aimsbot_workflows::services::incidents::{
    AssessmentInput, IncidentChanged, QuotedMessage, ReportInput, ReportOptions, Scope,
};
use serenity::all::Message;

use super::{caller, reply, request_id};
use crate::discord::render;
use crate::discord::{AppCtx, BotError, Ctx, text};

/// Incident statuses as command choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StatusChoice {
    Open,
    Triaged,
    Contained,
    Closed,
}

impl From<StatusChoice> for IncidentStatus {
    fn from(choice: StatusChoice) -> Self {
        match choice {
            StatusChoice::Open => IncidentStatus::Open,
            StatusChoice::Triaged => IncidentStatus::Triaged,
            StatusChoice::Contained => IncidentStatus::Contained,
            StatusChoice::Closed => IncidentStatus::Closed,
        }
    }
}

/// A step of reporting a serious incident, as a command choice.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StageChoice {
    #[name = "provider informed (deployer, Art. 26(5))"]
    ProviderInformed,
    #[name = "provider cannot be reached (deployer, Art. 26(5))"]
    ProviderUnreachable,
    #[name = "initial report to the authority (Art. 73(5))"]
    InitialReport,
    #[name = "complete report to the authority (Art. 73(5))"]
    CompleteReport,
}

impl From<StageChoice> for ReportStage {
    fn from(choice: StageChoice) -> Self {
        match choice {
            StageChoice::ProviderInformed => ReportStage::ProviderInformed,
            StageChoice::ProviderUnreachable => ReportStage::ProviderUnreachable,
            StageChoice::InitialReport => ReportStage::InitialReport,
            StageChoice::CompleteReport => ReportStage::CompleteReport,
        }
    }
}

/// Whose incidents to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum ScopeChoice {
    #[name = "mine"]
    Mine,
    #[name = "all"]
    All,
}

/// AI incidents: report, look up, list and update them.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("report", "show", "list", "update", "assess", "reported"),
    subcommand_required
)]
pub async fn incident(_: Ctx<'_>) -> Result<(), BotError> {
    Ok(())
}

macro_rules! complete_incident_choice {
    ($($name:ident => $key:expr),+ $(,)?) => {
        $(
            async fn $name(_: Ctx<'_>, partial: &str) -> serenity::all::CreateAutocompleteResponse {
                super::complete_choice(FlowKind::IncidentReport, $key, partial)
            }
        )+
    };
}

complete_incident_choice!(
    complete_kind => keys::INCIDENT_KIND,
    complete_severity => keys::SEVERITY,
    complete_harm => keys::HARM_CATEGORIES,
    complete_serious => keys::SERIOUS,
    complete_role => keys::ORGANISATION_ROLE,
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
    let options = ReportOptions {
        system,
        kind,
        severity,
        harm,
        serious,
        role,
    };
    let view = ctx
        .data()
        .services
        .incidents
        .report(&caller(ctx.into())?, &request_id(ctx.into()), options, None)
        .await?;
    super::show_prompt(ctx, view).await
}

/// Starts an incident report from a message, quoting it.
#[poise::command(context_menu_command = "Report as AI incident", guild_only)]
pub async fn report_message(ctx: AppCtx<'_>, message: Message) -> Result<(), BotError> {
    // Discord sends the target message without `guild_id`, and `Message::link` would then make
    // a DM (`@me`) link: take the server from the interaction.
    let link = message.id.link(
        message.channel_id,
        message.guild_id.or(ctx.interaction.guild_id),
    );
    let quoted = QuotedMessage {
        text: message.content.clone(),
        link,
    };
    let view = ctx
        .data()
        .services
        .incidents
        .report(
            &caller(ctx.into())?,
            &request_id(ctx.into()),
            ReportOptions::default(),
            Some(quoted),
        )
        .await?;
    super::show_prompt(ctx, view).await
}

/// Show an incident and its timeline
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. INC-2026-0042"] reference: String,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Incident)?;
    let timeline = ctx
        .data()
        .services
        .incidents
        .show(&caller(ctx)?, reference)
        .await?;
    super::reply_with_timeline(ctx, &timeline).await
}

/// List incidents: your own, or everyone's (compliance and auditors)
#[poise::command(slash_command, guild_only)]
async fn list(
    ctx: Ctx<'_>,
    #[description = "Only incidents in this status"] status: Option<StatusChoice>,
    #[description = "Your own incidents, or everyone's"] scope: Option<ScopeChoice>,
) -> Result<(), BotError> {
    let scope = scope.map(|s| match s {
        ScopeChoice::Mine => Scope::Mine,
        ScopeChoice::All => Scope::All,
    });
    let listing = ctx
        .data()
        .services
        .incidents
        .list(&caller(ctx)?, scope, status.map(Into::into))
        .await?;
    let heading = match listing.scope {
        Scope::Mine => text::MY_INCIDENTS,
        Scope::All => text::ALL_INCIDENTS,
    };
    reply(
        ctx,
        format!(
            "{}{}",
            text::newest_first(heading, listing.limit),
            render::list_lines(&listing.records, text::NONE)
        ),
    )
    .await
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
    let reference = super::reference(&reference, RecordKind::Incident)?;
    // Recording may take longer than Discord's 3 seconds.
    ctx.defer_ephemeral().await?;
    let committed = ctx
        .data()
        .services
        .incidents
        .update(
            &caller(ctx)?,
            &request_id(ctx),
            reference,
            status.map(Into::into),
            note,
        )
        .await?;
    reply(
        ctx,
        text::incident_updated(reference, committed.record.record.status()),
    )
    .await
}

/// Confirm or revise whether an incident is serious under EU AI Act Art. 3(49) (compliance)
///
/// The reporter's answer is a first assessment; this one stands, with who and why in the
/// ledger, and the reporting deadlines follow it from the stated awareness time.
#[allow(clippy::too_many_arguments)] // each option is one fact of the assessment
#[poise::command(slash_command, guild_only)]
async fn assess(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. INC-2026-0042"] reference: String,
    #[description = "Art. 3(49) criteria, comma-separated, or not_serious"]
    #[autocomplete = "complete_serious"]
    #[max_length = 400]
    serious: String,
    #[description = "Why: kept in the ledger with your name"]
    #[max_length = 4000]
    reason: String,
    #[description = "EU Member States affected, e.g. DE, FR (2 or more: widespread)"]
    #[max_length = 200]
    member_states: Option<String>,
    #[description = "When a causal link to the AI system was established or suspected"]
    #[max_length = 100]
    causal_link: Option<String>,
    #[description = "Correct the kind of event (a near miss cannot be serious)"]
    #[autocomplete = "complete_kind"]
    kind: Option<String>,
    #[description = "Correct what was harmed, comma-separated, or none"]
    #[autocomplete = "complete_harm"]
    #[max_length = 400]
    harm: Option<String>,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Incident)?;
    ctx.defer_ephemeral().await?;
    let input = AssessmentInput {
        criteria: serious
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        member_states,
        causal_link_at: causal_link,
        kind,
        harm,
        reason,
    };
    let changed = ctx
        .data()
        .services
        .incidents
        .assess(&caller(ctx)?, &request_id(ctx), reference, input)
        .await?;
    reply_changed(ctx, reference, &changed).await
}

/// Record that the provider or an authority was told of a serious incident (compliance)
///
/// A report to the authority moves an open incident to "reported" and stops the clocks it
/// meets; Art. 73(5) allows an incomplete initial report, then the complete one.
#[poise::command(slash_command, guild_only)]
async fn reported(
    ctx: Ctx<'_>,
    #[description = "Its reference, e.g. INC-2026-0042"] reference: String,
    #[description = "What was done"] stage: StageChoice,
    #[description = "When (default now), e.g. 2026-11-28 16:00 or 2 hours ago"]
    #[max_length = 100]
    when: Option<String>,
    #[description = "The authority told (for a report), e.g. Bundesnetzagentur"]
    #[max_length = 200]
    authority: Option<String>,
    #[description = "Its Member State(s), e.g. DE (for a report)"]
    #[max_length = 200]
    member_states: Option<String>,
    #[description = "The report's reference (for a report)"]
    #[max_length = 200]
    report_reference: Option<String>,
) -> Result<(), BotError> {
    let reference = super::reference(&reference, RecordKind::Incident)?;
    ctx.defer_ephemeral().await?;
    let input = ReportInput {
        stage: ReportStage::from(stage).as_str().to_owned(),
        at: when,
        authority,
        member_states,
        reference: report_reference,
    };
    let changed = ctx
        .data()
        .services
        .incidents
        .record_report(&caller(ctx)?, &request_id(ctx), reference, input)
        .await?;
    reply_changed(ctx, reference, &changed).await
}

async fn reply_changed(
    ctx: Ctx<'_>,
    reference: aimsbot_workflows::Reference,
    changed: &IncidentChanged,
) -> Result<(), BotError> {
    let Record::Incident(incident) = &changed.committed.record.record else {
        return Err(BotError::Service(
            aimsbot_workflows::services::ServiceError::NotFound(reference),
        ));
    };
    reply(
        ctx,
        render::fit(text::incident_changed(
            reference,
            incident,
            changed.clocks.as_ref(),
            changed.compliance,
        )),
    )
    .await
}
