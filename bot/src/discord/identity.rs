//! Who is acting: a Discord user turned into a platform-neutral [`Actor`], their aimsbot roles
//! from the role ids configured for the guild, and the guild as a tenant id.

use aimsbot_config::RoleSettings;
use aimsbot_workflows::access::{Role, Roles};
use aimsbot_workflows::{Actor, GuildId};
use serenity::all::{GuildId as DiscordGuildId, Member, RoleId, User};

/// The actor for a Discord user: their id and the name people see.
pub fn actor(user: &User, member: Option<&Member>) -> Actor {
    let name = member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone());
    Actor::discord(user.id.get(), name)
}

/// The tenant for a guild.
pub fn guild(id: DiscordGuildId) -> GuildId {
    // A snowflake's decimal digits always make a valid guild id.
    GuildId::new(id.get().to_string()).unwrap_or_else(|_| unreachable_guild())
}

#[cold]
fn unreachable_guild() -> GuildId {
    GuildId::new("0").unwrap_or_else(|_| std::process::abort())
}

/// The Discord guild of a tenant (tenants of this adapter are snowflakes).
pub fn discord_guild(guild: &GuildId) -> Option<DiscordGuildId> {
    guild
        .as_str()
        .parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(DiscordGuildId::new)
}

/// The aimsbot roles a member's Discord roles grant. With no member role configured for the
/// guild, every member of the guild is a member.
pub fn roles(member_roles: &[RoleId], settings: &RoleSettings) -> Roles {
    let holds = |ids: &[u64]| member_roles.iter().any(|r| ids.contains(&r.get()));
    let mut roles = Vec::new();
    if settings.member.is_empty() || holds(&settings.member) {
        roles.push(Role::Member);
    }
    for (role, ids) in [
        (Role::Owner, &settings.owner),
        (Role::Compliance, &settings.compliance),
        (Role::Auditor, &settings.auditor),
    ] {
        if holds(ids) {
            roles.push(role);
        }
    }
    Roles::new(roles)
}
