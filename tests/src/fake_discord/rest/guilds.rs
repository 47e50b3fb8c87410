//! Guilds: reading a configured guild, its roles, channels and members
//! (`/guilds/{id}[/roles | /channels | /members[/{user}]]`), and the bot leaving one
//! (`DELETE /users/@me/guilds/{id}`). Guilds are the ones in [`FakeConfig::guilds`]; reads
//! answer from them as configured.
//!
//! [`FakeConfig::guilds`]: crate::fake_discord::FakeConfig::guilds

use serde_json::{Value, json};

use super::{Reply, Req, State};

impl Req<'_> {
    /// `/guilds/{guild_id}/...`.
    pub(super) fn guilds(&self, guild_id: &str, rest: &[&str]) -> Reply {
        if self.method != "GET" {
            return Reply::not_found();
        }
        let guild = self.guild(guild_id);
        match (rest, guild) {
            ([] | ["roles" | "channels" | "members"], None) => unknown_guild(),
            ([], Some(guild)) => Reply::ok(guild.clone()),
            (["roles"], Some(guild)) => Reply::ok(guild["roles"].clone()),
            (["channels"], Some(guild)) => {
                let channels = guild["channels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| with_guild_id(c, guild_id))
                    .collect();
                Reply::ok(Value::Array(channels))
            }
            (["members"], Some(guild)) => self.list_members(guild),
            (["members", user_id], _) => match guild.and_then(|g| member(g, user_id)) {
                Some(member) => Reply::ok(member.clone()),
                None => Reply::error(404, 10007, "Unknown Member"),
            },
            _ => Reply::not_found(),
        }
    }

    /// `DELETE /users/@me/guilds/{guild_id}`: the bot leaves. Once left, the guild is unknown to
    /// a second leave, as on Discord; reads and the gateway still show it.
    pub(super) fn leave_guild(&self, st: &mut State, guild_id: &str) -> Reply {
        let already_left = st.left_guilds.iter().any(|g| g == guild_id);
        if self.guild(guild_id).is_none() || already_left {
            return unknown_guild();
        }
        st.left_guilds.push(guild_id.to_owned());
        Reply::no_content()
    }

    fn guild(&self, guild_id: &str) -> Option<&Value> {
        self.shared
            .config
            .guilds
            .iter()
            .find(|g| g["id"] == json!(guild_id))
    }

    /// `GET /guilds/{id}/members`: Discord pages members by user id, `limit` (1..=1000) after
    /// `after`.
    fn list_members(&self, guild: &Value) -> Reply {
        let param = |name: &str| {
            self.query.and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                    .and_then(|v| v.parse::<u64>().ok())
            })
        };
        let after = param("after").unwrap_or(0);
        let limit = usize::try_from(param("limit").unwrap_or(1).clamp(1, 1000)).unwrap_or(1);
        let mut members: Vec<Value> = guild["members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| snowflake(&m["user"]["id"]).is_some_and(|id| id > after))
            .cloned()
            .collect();
        members.sort_by_key(|m| snowflake(&m["user"]["id"]));
        members.truncate(limit);
        Reply::ok(Value::Array(members))
    }
}

fn unknown_guild() -> Reply {
    Reply::error(404, 10004, "Unknown Guild")
}

fn member<'g>(guild: &'g Value, user_id: &str) -> Option<&'g Value> {
    guild["members"]
        .as_array()?
        .iter()
        .find(|m| m["user"]["id"] == json!(user_id))
}

/// A channel object with `guild_id` set, as REST returns guild channels.
pub(super) fn with_guild_id(channel: &Value, guild_id: &str) -> Value {
    let mut channel = channel.clone();
    channel["guild_id"] = json!(guild_id);
    channel
}

/// A snowflake written as a string or a number.
fn snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}
