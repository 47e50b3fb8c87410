//! Buttons, select menus and modal submits: each `custom_id` parsed into a [`ComponentId`],
//! the use case called, the result shown. A Confirm and any answer that records something is
//! deferred first, so a slow commit never misses Discord's 3 seconds.

use aimsbot_workflows::flow::{Input, Problem, Prompt};
use aimsbot_workflows::services::ServiceError;
use aimsbot_workflows::services::attestations::{Answered, Reply};
use aimsbot_workflows::services::prompts::PromptView;
use aimsbot_workflows::{GuildId, Reference};
use serenity::all::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, Context,
    ModalInteraction,
};

use super::component_id::{AttestationButton, ComponentId, PromptAction};
use super::render::{self, Shown};
use super::respond::{Origin, Responder};
use super::{BotError, Data, text};

/// A click on a button or a pick in a select menu.
pub async fn on_component(ctx: &Context, data: &Data, click: &ComponentInteraction) {
    let Ok(id) = click.data.custom_id.parse::<ComponentId>() else {
        return tracing::debug!(custom_id = %click.data.custom_id, "not an aimsbot component");
    };
    let mut reply = Responder::new(ctx, Origin::Component(click));
    let result = match id {
        ComponentId::Attestation {
            guild,
            reference,
            button,
        } => {
            let answer = match button {
                AttestationButton::Attest => Reply::Attest,
                AttestationButton::NotYet => Reply::NotYet,
                AttestationButton::Decline | AttestationButton::Reason => {
                    Reply::Decline { reason: None }
                }
            };
            answer_attestation(data, &mut reply, &guild, reference, answer).await
        }
        ComponentId::Pick { session, key } => {
            let values = match &click.data.kind {
                ComponentInteractionDataKind::StringSelect { values } => values.clone(),
                _ => Vec::new(),
            };
            advance(
                data,
                &mut reply,
                &session,
                Input::Answers(vec![(key, values)]),
            )
            .await
        }
        ComponentId::PickValue {
            session,
            key,
            value,
        } => {
            advance(
                data,
                &mut reply,
                &session,
                Input::Answers(vec![(key, vec![value])]),
            )
            .await
        }
        ComponentId::Action { session, action } => {
            let input = match action {
                PromptAction::Next => Input::Answers(Vec::new()),
                PromptAction::Edit => Input::Edit,
                PromptAction::ChangeChoices => Input::ChangeChoices,
                PromptAction::Confirm => Input::Confirm,
                PromptAction::Cancel => Input::Cancel,
            };
            advance(data, &mut reply, &session, input).await
        }
        ComponentId::Form { .. } => return,
    };
    if let Err(error) = result {
        report_failure(&mut reply, &error).await;
    }
}

/// A submitted modal.
pub async fn on_modal(ctx: &Context, data: &Data, submit: &ModalInteraction) {
    let Ok(id) = submit.data.custom_id.parse::<ComponentId>() else {
        return tracing::debug!(custom_id = %submit.data.custom_id, "not an aimsbot modal");
    };
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
    let mut reply = Responder::new(ctx, Origin::Modal(submit));
    let result = match id {
        ComponentId::Attestation {
            guild,
            reference,
            button: AttestationButton::Reason,
        } => {
            let reason = answers
                .into_iter()
                .find(|(key, _)| key == aimsbot_workflows::flow::keys::DECLINED_REASON)
                .and_then(|(_, values)| values.into_iter().next())
                .unwrap_or_default();
            answer_attestation(
                data,
                &mut reply,
                &guild,
                reference,
                Reply::Decline {
                    reason: Some(reason),
                },
            )
            .await
        }
        ComponentId::Form { session } => {
            advance(data, &mut reply, &session, Input::Answers(answers)).await
        }
        _ => return,
    };
    if let Err(error) = result {
        report_failure(&mut reply, &error).await;
    }
}

/// Refuses an interaction from a server aimsbot does not serve, before anything is read.
async fn refuse_unserved(data: &Data, reply: &mut Responder<'_>) -> Result<bool, BotError> {
    match reply.guild_id() {
        Some(guild) if !data.config.guilds.contains_key(&guild.get()) => {
            reply
                .notify(text::not_served(&super::identity::guild(guild)))
                .await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Moves a prompt on by one input and shows what follows.
async fn advance(
    data: &Data,
    reply: &mut Responder<'_>,
    session: &str,
    input: Input,
) -> Result<(), BotError> {
    if refuse_unserved(data, reply).await? {
        return Ok(());
    }
    if input == Input::Confirm {
        // Confirming commits a record: answer Discord first, show the result after.
        reply.defer().await?;
    }
    let actor = reply.actor();
    let view = data
        .services
        .prompts
        .advance(session, &actor, input)
        .await?;
    show_view(data, reply, view).await
}

/// Shows what a prompt use case returned.
pub async fn show_view(
    data: &Data,
    reply: &mut Responder<'_>,
    view: PromptView,
) -> Result<(), BotError> {
    let shown = match view {
        PromptView::Ask {
            session,
            flow,
            prompt: Prompt::Form { fields },
            problems,
            ..
        } if problems.is_empty() && reply.can_open_modal() => {
            let title = aimsbot_workflows::flow::flow(flow).title;
            let zone = data.config.time_zone.name();
            reply
                .modal(render::modal(&session, title, &fields, zone))
                .await?;
            return Ok(());
        }
        PromptView::Ask {
            session,
            flow,
            prompt,
            problems,
            follow_up_handle,
        } => render::prompt_message(
            &session,
            flow,
            &prompt,
            &problems,
            follow_up_handle.as_deref(),
        ),
        PromptView::Recorded(recorded) => Shown::text(text::recorded(&recorded)),
        PromptView::Updated(record) => Shown::text(text::updated(record.reference)),
        PromptView::Noted => Shown::text(text::NOTED),
        PromptView::Cancelled => Shown::text(text::CANCELLED),
        PromptView::Closed(closed) => Shown::text(text::closed(closed)),
        PromptView::Gone => Shown::text(text::gone(&data.config.session_ttl)),
    };
    reply.show(shown).await?;
    Ok(())
}

/// Answers an attestation from its buttons or its decline-reason modal.
async fn answer_attestation(
    data: &Data,
    reply: &mut Responder<'_>,
    guild: &GuildId,
    reference: Reference,
    answer: Reply,
) -> Result<(), BotError> {
    if refuse_unserved(data, reply).await? {
        return Ok(());
    }
    let actor = reply.actor();
    let records = !matches!(answer, Reply::NotYet | Reply::Decline { reason: None });
    if records {
        reply.defer().await?;
    }
    let answered = data
        .services
        .attestations
        .answer(guild, &actor, reference, answer)
        .await;
    let shown = match answered {
        Ok(Answered::NeedsReason { reference }) if reply.can_open_modal() => {
            reply.modal(render::decline_modal(guild, reference)).await?;
            return Ok(());
        }
        Ok(answered @ Answered::NeedsReason { .. }) => Shown {
            content: text::attestation_answered(&answered),
            components: vec![render::decline_again(guild, reference)],
        },
        Ok(answered) => Shown::text(text::attestation_answered(&answered)),
        // The only answer that can be refused is a blank or overlong reason to decline.
        Err(ServiceError::Invalid(problem)) => Shown {
            content: text::problem_list(&[Problem {
                key: problem.field,
                question: Some(text::DECLINE_QUESTION),
                message: problem.message,
            }]),
            components: vec![render::decline_again(guild, reference)],
        },
        Err(e) => return Err(e.into()),
    };
    reply.show(shown).await?;
    Ok(())
}

/// Tells the person what failed. If even that answer cannot be delivered, it is only logged:
/// nothing is claimed that was not done.
pub async fn report_failure(reply: &mut Responder<'_>, error: &BotError) {
    if error.is_internal() {
        tracing::error!(
            interaction = reply.interaction_id(),
            "handling an interaction failed: {error}"
        );
    }
    if matches!(error, BotError::Discord(_)) {
        // The answer itself did not get through; another is unlikely to.
        return;
    }
    let message = render::fit(format!("⚠️ {}", error.user_message()));
    if let Err(e) = reply.notify(message).await {
        tracing::debug!("could not report a failure to the user: {e}");
    }
}
