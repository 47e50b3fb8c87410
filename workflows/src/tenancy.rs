//! The guilds (tenants) aimsbot serves, and what each has configured that the rules depend
//! on. Only configured guilds are served: a request from any other is refused before anything
//! is read or written.

use std::collections::BTreeMap;

use crate::GuildId;

/// A served guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub guild: GuildId,
    /// Whether new incidents and concerns are posted to a compliance channel.
    pub compliance_channel: bool,
}

/// Every served guild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tenants(BTreeMap<GuildId, Tenant>);

impl Tenants {
    pub fn new(tenants: impl IntoIterator<Item = Tenant>) -> Self {
        Self(tenants.into_iter().map(|t| (t.guild.clone(), t)).collect())
    }

    pub fn get(&self, guild: &GuildId) -> Option<&Tenant> {
        self.0.get(guild)
    }

    pub fn serves(&self, guild: &GuildId) -> bool {
        self.0.contains_key(guild)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tenant> {
        self.0.values()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
