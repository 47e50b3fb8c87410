//! Who holds a Discord role, for the use cases that ask people (attestation requests): the
//! guild's members read page by page through Discord's REST API, bots left out. Needs the
//! Server Members intent enabled for the application in the developer portal.

use std::sync::Arc;

use aimsbot_workflows::ports::{Directory, DirectoryError};
use aimsbot_workflows::{Actor, GuildId};
use async_trait::async_trait;
use serenity::all::{RoleId, UserId};

use super::{DiscordLink, identity};

/// Members read per request (Discord's maximum).
const MEMBER_PAGE: u64 = 1000;

#[derive(Debug)]
pub struct DiscordDirectory {
    link: Arc<DiscordLink>,
}

impl DiscordDirectory {
    pub fn new(link: Arc<DiscordLink>) -> Self {
        Self { link }
    }
}

#[async_trait]
impl Directory for DiscordDirectory {
    async fn members_with_role(
        &self,
        guild: &GuildId,
        role: &str,
    ) -> Result<Vec<Actor>, DirectoryError> {
        let http = self
            .link
            .http()
            .ok_or_else(|| DirectoryError::Unavailable("not connected to Discord".to_owned()))?;
        let guild_id = identity::discord_guild(guild).ok_or_else(|| {
            DirectoryError::Unavailable(format!("{guild} is not a Discord server id"))
        })?;
        let role = role
            .parse::<u64>()
            .ok()
            .filter(|r| *r != 0)
            .map(RoleId::new)
            .ok_or_else(|| DirectoryError::Unavailable(format!("`{role}` is not a role id")))?;
        let mut people = Vec::new();
        let mut after: Option<UserId> = None;
        loop {
            let page = guild_id
                .members(&http, Some(MEMBER_PAGE), after)
                .await
                .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
            let last = page.last().map(|m| m.user.id);
            let full = page.len() as u64 == MEMBER_PAGE;
            people.extend(
                page.iter()
                    .filter(|m| !m.user.bot && m.roles.contains(&role))
                    .map(|m| identity::actor(&m.user, Some(m))),
            );
            match last {
                Some(last) if full => after = Some(last),
                _ => break,
            }
        }
        Ok(people)
    }
}
