//! Answering an interaction: a new ephemeral message, an update of the message a click came
//! from, a modal, or a deferral followed by an edit. Work that may take long (anything that
//! commits a record) is deferred first, so Discord's 3 seconds never fail a committed write;
//! an edit that fails is retried, because the interaction token stays valid for 15 minutes.

use std::time::Duration;

use aimsbot_workflows::Actor;
use serenity::all::{
    CommandInteraction, ComponentInteraction, Context, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateModal,
    EditInteractionResponse, Member, ModalInteraction, User,
};

use super::identity;
use super::render::{Shown, no_mentions};

/// Delays before each retry of an edit that Discord did not take.
const EDIT_RETRIES: [Duration; 2] = [Duration::from_millis(250), Duration::from_secs(1)];

/// The interaction being answered.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    Command(&'a CommandInteraction),
    Component(&'a ComponentInteraction),
    Modal(&'a ModalInteraction),
}

/// Answers one interaction, remembering whether it was deferred.
pub struct Responder<'a> {
    ctx: &'a Context,
    origin: Origin<'a>,
    deferred: bool,
}

impl<'a> Responder<'a> {
    pub fn new(ctx: &'a Context, origin: Origin<'a>) -> Self {
        Self {
            ctx,
            origin,
            deferred: false,
        }
    }

    pub fn user(&self) -> &User {
        match self.origin {
            Origin::Command(i) => &i.user,
            Origin::Component(i) => &i.user,
            Origin::Modal(i) => &i.user,
        }
    }

    pub fn member(&self) -> Option<&Member> {
        match self.origin {
            Origin::Command(i) => i.member.as_deref(),
            Origin::Component(i) => i.member.as_ref(),
            Origin::Modal(i) => i.member.as_ref(),
        }
    }

    pub fn guild_id(&self) -> Option<serenity::all::GuildId> {
        match self.origin {
            Origin::Command(i) => i.guild_id,
            Origin::Component(i) => i.guild_id,
            Origin::Modal(i) => i.guild_id,
        }
    }

    pub fn actor(&self) -> Actor {
        identity::actor(self.user(), self.member())
    }

    pub fn interaction_id(&self) -> String {
        match self.origin {
            Origin::Command(i) => i.id.get().to_string(),
            Origin::Component(i) => i.id.get().to_string(),
            Origin::Modal(i) => i.id.get().to_string(),
        }
    }

    /// A modal can be shown in answer to a command or a click, never to a modal submit, and
    /// not after deferring.
    pub fn can_open_modal(&self) -> bool {
        !self.deferred && !matches!(self.origin, Origin::Modal(_))
    }

    /// Whether the answer replaces the message the interaction came from.
    fn updates_message(&self) -> bool {
        match self.origin {
            Origin::Command(_) => false,
            Origin::Component(_) => true,
            Origin::Modal(i) => i.message.is_some(),
        }
    }

    async fn respond(&self, response: CreateInteractionResponse) -> serenity::Result<()> {
        let http = &self.ctx.http;
        match self.origin {
            Origin::Command(i) => i.create_response(http, response).await,
            Origin::Component(i) => i.create_response(http, response).await,
            Origin::Modal(i) => i.create_response(http, response).await,
        }
    }

    pub async fn modal(&mut self, modal: CreateModal) -> serenity::Result<()> {
        self.respond(CreateInteractionResponse::Modal(modal)).await
    }

    /// Acknowledges now and answers later with [`Responder::show`] (an edit).
    pub async fn defer(&mut self) -> serenity::Result<()> {
        if self.deferred {
            return Ok(());
        }
        let response = if self.updates_message() {
            CreateInteractionResponse::Acknowledge
        } else {
            CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            )
        };
        self.respond(response).await?;
        self.deferred = true;
        Ok(())
    }

    /// Answers with a message: a new ephemeral one or the updated message the click came
    /// from, or, after a deferral, an edit of the answer (retried if Discord does not take it).
    pub async fn show(&mut self, shown: Shown) -> serenity::Result<()> {
        if self.deferred {
            return self.edit(shown).await;
        }
        let message = CreateInteractionResponseMessage::new()
            .content(shown.content)
            .components(shown.components)
            .allowed_mentions(no_mentions());
        let response = if self.updates_message() {
            CreateInteractionResponse::UpdateMessage(message)
        } else {
            CreateInteractionResponse::Message(message.ephemeral(true))
        };
        self.respond(response).await
    }

    /// Says something in a new ephemeral message, leaving the message a click came from as it
    /// is (a failure should not take the person's prompt away).
    pub async fn notify(&mut self, content: String) -> serenity::Result<()> {
        if !self.deferred {
            let message = CreateInteractionResponseMessage::new()
                .content(content)
                .allowed_mentions(no_mentions())
                .ephemeral(true);
            return self
                .respond(CreateInteractionResponse::Message(message))
                .await;
        }
        let followup = CreateInteractionResponseFollowup::new()
            .content(content)
            .allowed_mentions(no_mentions())
            .ephemeral(true);
        let http = &self.ctx.http;
        match self.origin {
            Origin::Command(i) => i.create_followup(http, followup).await.map(|_| ()),
            Origin::Component(i) => i.create_followup(http, followup).await.map(|_| ()),
            Origin::Modal(i) => i.create_followup(http, followup).await.map(|_| ()),
        }
    }

    async fn edit(&self, shown: Shown) -> serenity::Result<()> {
        let mut delays = EDIT_RETRIES.iter();
        loop {
            let edit = EditInteractionResponse::new()
                .content(shown.content.clone())
                .components(shown.components.clone())
                .allowed_mentions(no_mentions());
            let http = &self.ctx.http;
            let result = match self.origin {
                Origin::Command(i) => i.edit_response(http, edit).await.map(|_| ()),
                Origin::Component(i) => i.edit_response(http, edit).await.map(|_| ()),
                Origin::Modal(i) => i.edit_response(http, edit).await.map(|_| ()),
            };
            match (result, delays.next()) {
                (Ok(()), _) => return Ok(()),
                (Err(e), Some(delay)) => {
                    tracing::debug!("editing an answer failed, trying again: {e}");
                    tokio::time::sleep(*delay).await;
                }
                (Err(e), None) => return Err(e),
            }
        }
    }
}
