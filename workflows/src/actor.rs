//! Who did something, and in which guild, in a form that no chat platform's types leak into.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// The tenant: a Discord server's id as decimal text, or the name a deployment gives the
/// organisation for records that arrive through the API or CLI.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GuildId(String);

impl GuildId {
    pub const MAX_LEN: usize = 64;

    pub fn new(id: impl Into<String>) -> Result<Self, ValidationError> {
        let id = id.into();
        let valid = !id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(id))
        } else {
            Err(ValidationError::new(
                "guild_id",
                format!(
                    "`{id}` is not a guild id: use 1 to {} letters, digits, `-` or `_`",
                    Self::MAX_LEN
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for GuildId {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<GuildId> for String {
    fn from(value: GuildId) -> Self {
        value.0
    }
}

impl fmt::Display for GuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for GuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GuildId({})", self.0)
    }
}

/// Where an actor acted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Discord,
    /// An AI system or integration posting to the HTTP API; the id is the API token's name.
    Api,
    /// A person at the command line (`aimsbot` subcommands).
    Cli,
    /// aimsbot itself (scheduler, deadline clocks).
    System,
    /// A confidential reporter who chose anonymity: no identity is stored at all.
    Anonymous,
}

impl Platform {
    /// The stored name (`discord`, `api`…), the same as its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Api => "api",
            Platform::Cli => "cli",
            Platform::System => "system",
            Platform::Anonymous => "anonymous",
        }
    }
}

/// A person or system that acted, as every event records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub platform: Platform,
    pub platform_user_id: String,
    pub display_name: String,
}

impl Actor {
    const MAX_ID: usize = 128;
    const MAX_NAME: usize = 200;

    pub fn new(
        platform: Platform,
        platform_user_id: impl Into<String>,
        display_name: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let platform_user_id = platform_user_id.into();
        let display_name = display_name.into();
        if platform == Platform::Anonymous {
            return Ok(Self::anonymous());
        }
        if platform_user_id.is_empty() || platform_user_id.chars().count() > Self::MAX_ID {
            return Err(ValidationError::new(
                "actor.platform_user_id",
                format!("must be 1 to {} characters", Self::MAX_ID),
            ));
        }
        if display_name.chars().count() > Self::MAX_NAME {
            return Err(ValidationError::new(
                "actor.display_name",
                format!("must be at most {} characters", Self::MAX_NAME),
            ));
        }
        Ok(Self {
            platform,
            platform_user_id,
            display_name,
        })
    }

    pub fn discord(user_id: u64, display_name: impl Into<String>) -> Self {
        Self {
            platform: Platform::Discord,
            platform_user_id: user_id.to_string(),
            display_name: truncate_chars(display_name.into(), Self::MAX_NAME),
        }
    }

    pub fn system(component: &str) -> Self {
        Self {
            platform: Platform::System,
            platform_user_id: component.to_owned(),
            display_name: format!("aimsbot {component}"),
        }
    }

    /// The actor of a confidential report filed anonymously: carries no identity.
    pub fn anonymous() -> Self {
        Self {
            platform: Platform::Anonymous,
            platform_user_id: String::new(),
            display_name: String::from("anonymous"),
        }
    }

    pub fn is_anonymous(&self) -> bool {
        self.platform == Platform::Anonymous
    }

    /// Whether two actors are the same person on the same platform (names may change).
    pub fn same_person(&self, other: &Actor) -> bool {
        !self.is_anonymous()
            && self.platform == other.platform
            && self.platform_user_id == other.platform_user_id
    }
}

fn truncate_chars(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_actor_keeps_no_identity_whatever_is_passed() {
        let actor =
            Actor::new(Platform::Anonymous, "12345", "alice").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(actor, Actor::anonymous());
        assert!(actor.platform_user_id.is_empty());
    }

    #[test]
    fn guild_ids_are_bounded_and_plain() {
        assert!(GuildId::new("123456789012345678").is_ok());
        assert!(GuildId::new("").is_err());
        assert!(GuildId::new("a b").is_err());
        assert!(GuildId::new("x".repeat(65)).is_err());
    }
}
