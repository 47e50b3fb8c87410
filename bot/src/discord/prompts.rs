//! Guided prompts on Discord: start a flow from a command, continue it from any component or
//! modal interaction (in this process or another, before or after a restart), and record the
//! result exactly once.
//!
//! Each step loads the session by the id in the component's `custom_id`, lets the flow engine
//! advance it, saves it (a stale save is refused and the current state shown instead), and
//! answers within the same interaction: a modal for typed answers, an updated message for
//! picks and the summary. The confirmed record is written with the session id as its
//! idempotency key, so a double click, a replayed gateway event or a click after a crash
//! records it once.

use aimsbot_workflows::flow::{
    self, Completion, FlowContext, FlowKind, Input, InventoryEntry, Outcome, Prompt, Session,
    SessionStatus,
};
use aimsbot_workflows::ports::{NewRecord, RecordChange, RecordQuery, StoreError};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::AttestationStatus;
use aimsbot_workflows::{Actor, GuildId, RecordKind, Reference, ValidationError};
use serenity::all::{
    ActionRowComponent, ButtonStyle, ChannelId, CommandInteraction, ComponentInteraction,
    ComponentInteractionDataKind, Context, CreateActionRow, CreateButton, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateModal,
    InputTextStyle, Member, ModalInteraction, User,
};

use super::render::{self, ids, no_mentions};
use super::{BotError, Data, identity};

/// Session context key: the follow-up handle offered to an anonymous reporter.
pub const FOLLOW_UP_HANDLE: &str = "follow_up_handle";

/// The interaction being answered.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    Command(&'a CommandInteraction),
    Component(&'a ComponentInteraction),
    Modal(&'a ModalInteraction),
}

impl Origin<'_> {
    fn user(&self) -> &User {
        match self {
            Origin::Command(i) => &i.user,
            Origin::Component(i) => &i.user,
            Origin::Modal(i) => &i.user,
        }
    }

    fn member(&self) -> Option<&Member> {
        match self {
            Origin::Command(i) => i.member.as_deref(),
            Origin::Component(i) => i.member.as_ref(),
            Origin::Modal(i) => i.member.as_ref(),
        }
    }

    pub fn actor(&self) -> Actor {
        identity::actor(self.user(), self.member())
    }

    fn interaction_id(&self) -> u64 {
        match self {
            Origin::Command(i) => i.id.get(),
            Origin::Component(i) => i.id.get(),
            Origin::Modal(i) => i.id.get(),
        }
    }

    /// A modal can be shown in answer to a command or a click, never to a modal submit.
    fn can_open_modal(&self) -> bool {
        !matches!(self, Origin::Modal(_))
    }

    /// Whether the answer replaces the message the interaction came from.
    fn updates_message(&self) -> bool {
        match self {
            Origin::Command(_) => false,
            Origin::Component(_) => true,
            Origin::Modal(i) => i.message.is_some(),
        }
    }

    async fn respond(
        &self,
        ctx: &Context,
        response: CreateInteractionResponse,
    ) -> serenity::Result<()> {
        match self {
            Origin::Command(i) => i.create_response(&ctx.http, response).await,
            Origin::Component(i) => i.create_response(&ctx.http, response).await,
            Origin::Modal(i) => i.create_response(&ctx.http, response).await,
        }
    }

    /// Answers with a message: a new ephemeral one, or the updated message the click came from.
    async fn say(
        &self,
        ctx: &Context,
        content: String,
        components: Vec<CreateActionRow>,
    ) -> serenity::Result<()> {
        let message = CreateInteractionResponseMessage::new()
            .content(render::fit(content))
            .components(components)
            .allowed_mentions(no_mentions());
        let response = if self.updates_message() {
            CreateInteractionResponse::UpdateMessage(message)
        } else {
            CreateInteractionResponse::Message(message.ephemeral(true))
        };
        self.respond(ctx, response).await
    }
}

/// Answers an interaction whose handling failed with what the person needs to know. If the
/// interaction was already answered (or Discord refuses), the failure is only logged.
async fn report_failure(ctx: &Context, origin: Origin<'_>, error: &BotError) {
    if error.is_internal() {
        tracing::error!(
            interaction = origin.interaction_id(),
            "handling a prompt failed: {error}"
        );
    }
    let message = CreateInteractionResponseMessage::new()
        .content(render::fit(format!("⚠️ {}", error.user_message())))
        .allowed_mentions(no_mentions())
        .ephemeral(true);
    if let Err(e) = origin
        .respond(ctx, CreateInteractionResponse::Message(message))
        .await
    {
        tracing::debug!("could not report a failure to the user: {e}");
    }
}

/// Opens a session with any answers given as command options applied (or finds it again,
/// when the starting interaction is replayed) and shows the first prompt still open.
pub async fn start(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    mut session: Session,
    answers: Vec<(String, Vec<String>)>,
) -> Result<(), BotError> {
    let inventory = inventory(data, &session).await?;
    let context = flow_context(data, &session, &inventory);
    let (prompt, problems) = if answers.is_empty() {
        (flow::current_prompt(&session, &context), Vec::new())
    } else {
        match flow::advance(&mut session, Input::Answers(answers), &context) {
            Outcome::Next(prompt) => (prompt, Vec::new()),
            Outcome::Invalid { problems, retry } => (retry, problems),
            other => {
                return Err(BotError::user(format!(
                    "this prompt cannot start: {other:?}"
                )));
            }
        }
    };
    let stored = data.shared.sessions.open_session(session.clone()).await?;
    if stored.status != SessionStatus::Open {
        origin.say(ctx, closed_message(&stored), Vec::new()).await?;
        return Ok(());
    }
    if stored == session {
        return show(ctx, data, origin, &stored, prompt, &problems).await;
    }
    // A replayed start: the session is under way, show where it stands.
    let prompt = flow::current_prompt(&stored, &context);
    show(ctx, data, origin, &stored, prompt, &[]).await
}

/// The first prompt of a session as a message (for flows that start in a DM).
pub async fn first_message(data: &Data, session: &Session) -> Result<render::Shown, BotError> {
    let inventory = inventory(data, session).await?;
    let context = flow_context(data, session, &inventory);
    let prompt = flow::current_prompt(session, &context);
    let flow = session.flow();
    let has_choices = flow.steps.iter().any(|s| !s.kind.is_typed());
    Ok(render::message_prompt(
        &session.id,
        flow.title,
        &prompt,
        &[],
        has_choices,
    ))
}

/// A component click with an `aims:` id.
pub async fn on_component(ctx: &Context, data: &Data, click: &ComponentInteraction) {
    let origin = Origin::Component(click);
    let parts: Vec<&str> = click.data.custom_id.split(':').collect();
    let result = match parts.as_slice() {
        [ids::PREFIX, "att", guild, reference, answer] => {
            answer_attestation(ctx, data, origin, guild, reference, answer, None).await
        }
        [ids::PREFIX, session, "pick", key] => {
            let values = match &click.data.kind {
                ComponentInteractionDataKind::StringSelect { values } => values.clone(),
                _ => Vec::new(),
            };
            continue_flow(
                ctx,
                data,
                origin,
                session,
                Input::Answers(vec![((*key).to_owned(), values)]),
            )
            .await
        }
        [ids::PREFIX, session, "pick", key, value] => {
            continue_flow(
                ctx,
                data,
                origin,
                session,
                Input::Answers(vec![((*key).to_owned(), vec![(*value).to_owned()])]),
            )
            .await
        }
        [ids::PREFIX, session, action] => {
            let input = match *action {
                "next" => Input::Answers(Vec::new()),
                "edit" => Input::Edit,
                "choices" => Input::ChangeChoices,
                "confirm" => Input::Confirm,
                "cancel" => Input::Cancel,
                _ => {
                    return tracing::debug!(custom_id = %click.data.custom_id, "unknown prompt action");
                }
            };
            continue_flow(ctx, data, origin, session, input).await
        }
        _ => return tracing::debug!(custom_id = %click.data.custom_id, "not an aimsbot component"),
    };
    if let Err(error) = result {
        report_failure(ctx, origin, &error).await;
    }
}

/// A modal submit with an `aims:` id.
pub async fn on_modal(ctx: &Context, data: &Data, submit: &ModalInteraction) {
    let origin = Origin::Modal(submit);
    let answers: Vec<(String, Vec<String>)> = submit
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|component| match component {
            ActionRowComponent::InputText(input) => Some((
                input.custom_id.clone(),
                vec![input.value.clone().unwrap_or_default()],
            )),
            _ => None,
        })
        .collect();
    let parts: Vec<&str> = submit.data.custom_id.split(':').collect();
    let result = match parts.as_slice() {
        [ids::PREFIX, "att", guild, reference, "reason"] => {
            let reason = answers
                .into_iter()
                .find(|(k, _)| k == "declined_reason")
                .and_then(|(_, v)| v.into_iter().next())
                .unwrap_or_default();
            answer_attestation(
                ctx,
                data,
                origin,
                guild,
                reference,
                flow::definitions::ANSWER_DECLINE,
                Some(reason),
            )
            .await
        }
        [ids::PREFIX, session, "form"] => {
            continue_flow(ctx, data, origin, session, Input::Answers(answers)).await
        }
        _ => return tracing::debug!(custom_id = %submit.data.custom_id, "not an aimsbot modal"),
    };
    if let Err(error) = result {
        report_failure(ctx, origin, &error).await;
    }
}

fn closed_message(session: &Session) -> String {
    match (session.status, session.result) {
        (_, Some(reference)) => format!("This was already recorded as **{reference}**."),
        (SessionStatus::Cancelled, None) => {
            "This prompt was cancelled; nothing was recorded.".to_owned()
        }
        _ => "This prompt is closed.".to_owned(),
    }
}

/// The guild's AI systems, for flows that ask for one.
async fn inventory(data: &Data, session: &Session) -> Result<Vec<InventoryEntry>, BotError> {
    let asks_for_system = session
        .flow()
        .steps
        .iter()
        .any(|s| matches!(s.kind, flow::InputKind::AiSystem));
    if !asks_for_system {
        return Ok(Vec::new());
    }
    inventory_of(data, &session.guild).await
}

pub async fn inventory_of(data: &Data, guild: &GuildId) -> Result<Vec<InventoryEntry>, BotError> {
    let systems = data
        .shared
        .store
        .records(&RecordQuery {
            guild: Some(guild.clone()),
            kind: Some(RecordKind::AiSystem),
            limit: 1000,
            ..RecordQuery::default()
        })
        .await?;
    Ok(systems
        .into_iter()
        .map(|s| InventoryEntry {
            reference: s.reference,
            name: s.record.title(),
        })
        .collect())
}

fn flow_context<'a>(
    data: &Data,
    session: &Session,
    inventory: &'a [InventoryEntry],
) -> FlowContext<'a> {
    FlowContext {
        now: data.shared.clock.now(),
        time_zone: data.shared.settings.scheduler.default_time_zone,
        inventory,
        require_registered_system: data.shared.settings.discord.require_registered_ai_system,
        follow_up_handle: session.context.get(FOLLOW_UP_HANDLE).cloned(),
    }
}

/// Shows a prompt: a modal for typed answers when one may be opened, a message otherwise.
async fn show(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    session: &Session,
    prompt: Prompt,
    problems: &[ValidationError],
) -> Result<(), BotError> {
    let flow = session.flow();
    if let Prompt::Form { steps, prefill } = &prompt
        && problems.is_empty()
        && origin.can_open_modal()
    {
        let zone = data.shared.settings.scheduler.default_time_zone.name();
        let modal = render::modal(&session.id, flow.title, steps, prefill, zone);
        origin
            .respond(ctx, CreateInteractionResponse::Modal(modal))
            .await?;
        return Ok(());
    }
    let has_choices = flow.steps.iter().any(|s| !s.kind.is_typed());
    let shown = render::message_prompt(&session.id, flow.title, &prompt, problems, has_choices);
    origin.say(ctx, shown.content, shown.components).await?;
    Ok(())
}

/// Moves a stored session on by one input and answers the interaction.
async fn continue_flow(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    session_id: &str,
    input: Input,
) -> Result<(), BotError> {
    let sessions = &data.shared.sessions;
    let Some(mut session) = sessions.session(session_id).await? else {
        return Err(BotError::user(
            "This prompt is no longer available (it may have expired and been cleaned up). Nothing was recorded from it; please start again.",
        ));
    };
    if session.status == SessionStatus::Open && !session.owner.same_person(&origin.actor()) {
        return Err(BotError::user("This prompt belongs to someone else."));
    }
    // Confirming, cancelling or editing resolves no AI system name and shows none.
    let inventory = match input {
        Input::Answers(_) | Input::ChangeChoices => inventory(data, &session).await?,
        Input::Confirm | Input::Cancel | Input::Edit => Vec::new(),
    };
    let context = flow_context(data, &session, &inventory);
    let outcome = flow::advance(&mut session, input, &context);
    match outcome {
        Outcome::Closed(message) => {
            let message = match session.result {
                Some(reference) => format!("This was already recorded as **{reference}**."),
                None => format!("Nothing was recorded: {message}."),
            };
            origin.say(ctx, message, Vec::new()).await?;
        }
        Outcome::Cancelled => {
            if is_anonymous(&session) {
                // An abandoned anonymous concern keeps neither its text nor who typed it.
                session.owner = Actor::anonymous();
                session.answers.clear();
                session.drafts.clear();
                session.context.clear();
            }
            save(data, session).await?;
            origin
                .say(
                    ctx,
                    "Cancelled. Nothing was recorded.".to_owned(),
                    Vec::new(),
                )
                .await?;
        }
        Outcome::Next(prompt) => match save(data, session).await {
            Ok(session) => show(ctx, data, origin, &session, prompt, &[]).await?,
            Err(StoreError::Conflict(_)) => show_current(ctx, data, origin, session_id).await?,
            Err(e) => return Err(e.into()),
        },
        Outcome::Invalid { problems, retry } => match save(data, session).await {
            Ok(session) => show(ctx, data, origin, &session, retry, &problems).await?,
            Err(StoreError::Conflict(_)) => show_current(ctx, data, origin, session_id).await?,
            Err(e) => return Err(e.into()),
        },
        Outcome::Done(completion) => complete(ctx, data, origin, session, completion).await?,
    }
    Ok(())
}

async fn save(data: &Data, session: Session) -> Result<Session, StoreError> {
    data.shared.sessions.save_session(session).await
}

/// After a concurrent change (a double click), shows where the session stands now.
async fn show_current(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    session_id: &str,
) -> Result<(), BotError> {
    let session = data
        .shared
        .sessions
        .session(session_id)
        .await?
        .ok_or_else(|| BotError::user("This prompt is no longer available."))?;
    if session.status != SessionStatus::Open {
        origin
            .say(ctx, closed_message(&session), Vec::new())
            .await?;
        return Ok(());
    }
    let inventory = inventory(data, &session).await?;
    let context = flow_context(data, &session, &inventory);
    let prompt = flow::current_prompt(&session, &context);
    show(ctx, data, origin, &session, prompt, &[]).await
}

fn is_anonymous(session: &Session) -> bool {
    session.flow == FlowKind::Concern
        && session.answers.get("anonymity")
            == Some(&flow::Answer::One(flow::definitions::ANONYMOUS.to_owned()))
}

/// Records what a confirmed session produced, once, and says so.
async fn complete(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    mut session: Session,
    completion: Completion,
) -> Result<(), BotError> {
    let now = data.shared.clock.now();
    let idempotency_key = Some(format!("session:{}", session.id));
    match completion {
        Completion::Create(record) => {
            let anonymous = is_anonymous(&session);
            // Shown once, below; not kept with the closed session.
            let handle = if anonymous {
                session.context.remove(FOLLOW_UP_HANDLE)
            } else {
                None
            };
            let actor = if anonymous {
                // Nothing identifies the reporter once the concern is recorded.
                session.owner = Actor::anonymous();
                Actor::anonymous()
            } else {
                session.owner.clone()
            };
            let new = NewRecord {
                guild: session.guild.clone(),
                actor,
                at: now,
                record,
                idempotency_key,
            };
            let (_, committed) = data.shared.sessions.complete_session(session, new).await?;
            origin
                .say(
                    ctx,
                    recorded_message(&committed.record, handle.as_deref(), committed.replayed),
                    Vec::new(),
                )
                .await?;
            if !committed.replayed {
                notify_compliance(ctx, data, &committed.record).await;
            }
        }
        Completion::Update { reference, change } => {
            let committed = data
                .shared
                .store
                .change(RecordChange {
                    guild: session.guild.clone(),
                    reference,
                    actor: session.owner.clone(),
                    at: now,
                    change,
                    idempotency_key,
                })
                .await?;
            session.result = Some(reference);
            let _ = save(data, session).await;
            origin
                .say(
                    ctx,
                    format!("✅ Recorded on **{}**.", committed.record.reference),
                    Vec::new(),
                )
                .await?;
        }
        Completion::Nothing => {
            let _ = save(data, session).await;
            origin
                .say(ctx, "Noted. Nothing was recorded.".to_owned(), Vec::new())
                .await?;
        }
    }
    Ok(())
}

/// What the reporter sees once their record is stored.
fn recorded_message(
    stored: &aimsbot_workflows::StoredRecord,
    handle: Option<&str>,
    replayed: bool,
) -> String {
    let mut text = if replayed {
        format!("✅ This was already recorded as **{}**.", stored.reference)
    } else {
        format!(
            "✅ Recorded as **{}**: {}",
            stored.reference,
            render::escape(&render::truncate(&stored.record.title(), 200))
        )
    };
    if let Record::Incident(incident) = &stored.record
        && !incident.deadlines.is_empty()
    {
        text.push_str("\n\nThis is a **serious incident** under EU AI Act Art. 3(49). Reporting deadlines, counted in calendar days from awareness:\n");
        for deadline in &incident.deadlines {
            text.push_str(&render::deadline_line(deadline));
            text.push('\n');
        }
        text.push_str("The compliance team has been notified.");
    }
    if let Some(handle) = handle {
        text.push_str(&format!(
            "\n\nYour concern was recorded **anonymously**: nothing that identifies you was stored. \
             Your follow-up handle is `{handle}`. Keep it: it is shown only this once. \
             Use `/concern status handle:{handle}` to see replies and `/concern follow-up` to add information."
        ));
    }
    text
}

/// Posts a new incident or concern to the compliance channel, if one is configured.
async fn notify_compliance(ctx: &Context, data: &Data, stored: &aimsbot_workflows::StoredRecord) {
    let Some(channel) = data.shared.settings.discord.compliance_channel_id else {
        return;
    };
    let text = match &stored.record {
        Record::Incident(incident) => {
            let mut text = format!(
                "🚨 New AI incident **{}**: {}\nSeverity {} · {} · AI system {} · reported by {}",
                stored.reference,
                render::escape(&render::truncate(incident.title.as_str(), 200)),
                incident.severity.label(),
                incident.kind.label(),
                render::escape(&incident.ai_system.to_string()),
                render::escape(
                    incident
                        .reporter
                        .as_ref()
                        .map_or("anonymous", |r| r.display_name.as_str())
                ),
            );
            if !incident.deadlines.is_empty() {
                text.push_str("\n**Serious incident** (EU AI Act Art. 3(49)):");
                for deadline in &incident.deadlines {
                    text.push('\n');
                    text.push_str(&render::deadline_line(deadline));
                }
            }
            text
        }
        Record::Concern(concern) => format!(
            "🔒 New confidential concern **{}**: {} ({}). `/concern show reference:{}` shows it.",
            stored.reference,
            render::escape(&render::truncate(concern.title.as_str(), 200)),
            if concern.reporter.is_some() {
                "named"
            } else {
                "anonymous"
            },
            stored.reference
        ),
        _ => return,
    };
    let message = CreateMessage::new()
        .content(render::fit(text))
        .allowed_mentions(no_mentions());
    if let Err(e) = ChannelId::new(channel)
        .send_message(&ctx.http, message)
        .await
    {
        tracing::warn!(record = %stored.reference, "could not post to the compliance channel: {e}");
    }
}

/// The buttons that answer one attestation.
pub fn attestation_buttons(guild: &GuildId, reference: Reference) -> CreateActionRow {
    let id = |answer: &str| ids::attestation(&format!("{guild}:{reference}"), answer);
    CreateActionRow::Buttons(vec![
        CreateButton::new(id(flow::definitions::ANSWER_ATTEST))
            .label(format!("Attest {reference}"))
            .style(ButtonStyle::Success),
        CreateButton::new(id(flow::definitions::ANSWER_NOT_YET))
            .label("Not yet")
            .style(ButtonStyle::Secondary),
        CreateButton::new(id(flow::definitions::ANSWER_DECLINE))
            .label("Decline…")
            .style(ButtonStyle::Danger),
    ])
}

/// Answers an attestation from its buttons (or the decline modal). No session is stored: the
/// attestation's reference travels in the component id and one interaction carries the answer.
async fn answer_attestation(
    ctx: &Context,
    data: &Data,
    origin: Origin<'_>,
    guild: &str,
    reference: &str,
    answer: &str,
    declined_reason: Option<String>,
) -> Result<(), BotError> {
    let guild = GuildId::new(guild).map_err(|e| BotError::user(e.to_string()))?;
    let reference: Reference = reference
        .parse()
        .map_err(|e: ValidationError| BotError::user(e.message))?;
    let actor = origin.actor();
    let stored = data
        .shared
        .store
        .record(&guild, &reference)
        .await?
        .ok_or_else(|| BotError::user(format!("{reference} was not found")))?;
    let Record::Attestation(attestation) = &stored.record else {
        return Err(BotError::user(format!("{reference} is not an attestation")));
    };
    if !attestation.person.same_person(&actor) {
        return Err(BotError::user(format!(
            "{reference} was requested from someone else."
        )));
    }
    if attestation.status != AttestationStatus::Pending {
        origin
            .say(
                ctx,
                format!(
                    "{reference} was already answered: {}.",
                    attestation.status.label()
                ),
                Vec::new(),
            )
            .await?;
        return Ok(());
    }
    if answer == flow::definitions::ANSWER_DECLINE && declined_reason.is_none() {
        let input = CreateInputText::new(
            InputTextStyle::Paragraph,
            "Why do you decline?",
            "declined_reason",
        )
        .placeholder("e.g. The policy contradicts our team's approved process")
        .max_length(4000);
        let modal = CreateModal::new(
            ids::attestation(&format!("{guild}:{reference}"), "reason"),
            format!("Decline {reference}"),
        )
        .components(vec![CreateActionRow::InputText(input)]);
        origin
            .respond(ctx, CreateInteractionResponse::Modal(modal))
            .await?;
        return Ok(());
    }
    let now = data.shared.clock.now();
    let mut session = Session::new(
        origin.interaction_id().to_string(),
        FlowKind::AttestationAnswer,
        guild.clone(),
        actor,
        now,
        chrono::Duration::minutes(5),
    )
    .with_context(flow::context::ATTESTATION, reference.to_string());
    let context = flow_context(data, &session, &[]);
    let mut answers = vec![("answer".to_owned(), vec![answer.to_owned()])];
    if let Some(reason) = declined_reason {
        answers.push(("declined_reason".to_owned(), vec![reason]));
    }
    match flow::advance(&mut session, Input::Answers(answers), &context) {
        Outcome::Invalid { problems, .. } => {
            let retry = CreateActionRow::Buttons(vec![
                CreateButton::new(ids::attestation(
                    &format!("{guild}:{reference}"),
                    flow::definitions::ANSWER_DECLINE,
                ))
                .label("Decline with a reason")
                .style(ButtonStyle::Danger),
            ]);
            origin
                .say(ctx, render::problem_list(&problems), vec![retry])
                .await?;
            return Ok(());
        }
        Outcome::Next(Prompt::Summary { .. }) => {}
        other => return Err(BotError::user(format!("unexpected answer: {other:?}"))),
    }
    match flow::advance(&mut session, Input::Confirm, &context) {
        Outcome::Done(Completion::Update { reference, change }) => {
            // An attestation is answered once: a double click (or two devices) racing past the
            // pending check above gets the first answer back instead of recording a second.
            let idempotency_key = Some(format!("attestation-answer:{guild}:{reference}"));
            let committed = data
                .shared
                .store
                .change(RecordChange {
                    guild,
                    reference,
                    actor: session.owner,
                    at: now,
                    change,
                    idempotency_key,
                })
                .await?;
            if committed.replayed {
                let status = match &committed.record.record {
                    Record::Attestation(answered) => answered.status.label(),
                    _ => "answered",
                };
                origin
                    .say(
                        ctx,
                        format!("{reference} was already answered: {status}."),
                        Vec::new(),
                    )
                    .await?;
                return Ok(());
            }
            let verb = if answer == flow::definitions::ANSWER_DECLINE {
                "declined"
            } else {
                "attested"
            };
            origin
                .say(
                    ctx,
                    format!("✅ {reference} {verb}. Thank you."),
                    Vec::new(),
                )
                .await?;
        }
        Outcome::Done(Completion::Nothing) => {
            origin
                .say(ctx, format!("Noted: {reference} stays pending. `/attest` lists what you still have to answer."), Vec::new())
                .await?;
        }
        Outcome::Invalid { problems, .. } => {
            origin
                .say(ctx, render::problem_list(&problems), Vec::new())
                .await?
        }
        other => return Err(BotError::user(format!("unexpected answer: {other:?}"))),
    }
    Ok(())
}
