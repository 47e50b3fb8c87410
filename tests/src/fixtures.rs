//! JSON builders for the payloads Discord sends a bot (gateway events) and the shapes the fake
//! returns over REST.
//!
//! serenity 0.12.5 silently turns a dispatch it cannot deserialize into `Event::Unknown` (logged
//! only at DEBUG), so a fixture missing one required field makes the bot ignore the event and
//! the test hang. Every builder here is covered by `tests/fixtures_deserialize.rs`; change a
//! builder only together with that test.
//!
//! Conventions: snowflakes are strings, never zero; every call that creates an object (an
//! interaction, a message, an attachment) takes a fresh id from [`next_id`], so payloads built in
//! one test never collide. Ids that must be predictable (command ids, DM channel ids) are derived
//! from their inputs instead.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value, json};
use serenity::all::{Permissions, Timestamp};

/// Application id the fake announces unless configured otherwise. Discord gives a bot user the
/// same id as its application, so [`DEFAULT_BOT_USER_ID`] equals it.
pub const DEFAULT_APP_ID: u64 = 1_100_000_000_000_000_001;
/// The bot's own user id (see [`DEFAULT_APP_ID`]).
pub const DEFAULT_BOT_USER_ID: u64 = DEFAULT_APP_ID;
/// Username of the bot user in READY and `GET /users/@me`.
pub const DEFAULT_BOT_USERNAME: &str = "aimsbot";
/// Owner reported by `GET /oauth2/applications/@me` (poise adds it to `owners`).
pub const DEFAULT_OWNER_ID: u64 = 1_100_000_000_000_000_002;
/// The one guild the fake serves by default (see [`default_guild`]).
pub const DEFAULT_GUILD_ID: u64 = 1_100_000_000_000_000_100;
/// A text channel in [`DEFAULT_GUILD_ID`].
pub const DEFAULT_CHANNEL_ID: u64 = 1_100_000_000_000_000_200;
/// `attachment_size_limit` of interactions: Discord's 8 MiB for unboosted guilds.
pub const ATTACHMENT_SIZE_LIMIT: u32 = 8 * 1024 * 1024;

// Far above the constants and any id a test writes by hand, below 2^63 so code that stores
// snowflakes as i64 (SQLite) sees realistic values.
static NEXT_ID: AtomicU64 = AtomicU64::new(1_200_000_000_000_000_000);

/// A fresh snowflake, unique within the process.
pub fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Snowflakes go over the wire as strings.
pub fn sf(id: u64) -> String {
    id.to_string()
}

/// Current time in Discord's RFC 3339 format.
pub fn now() -> String {
    Timestamp::now().to_string()
}

// splitmix64 finaliser to spread the input, then forced into [2^62, 2^62 + 2^61): non-zero, below
// 2^63, and far above the `next_id` range (about 1.2e18, growing by one per call).
fn derived_id(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 3) | (1 << 62)
}

/// The DM channel id the fake hands out for `recipient_id` on `POST /users/@me/channels`.
/// Deterministic, so a test can dispatch an incoming DM in the same channel the bot will answer
/// in without asking the fake first.
pub fn dm_channel_id(recipient_id: u64) -> u64 {
    derived_id(recipient_id ^ 0x00D1_7EC7)
}

/// The command id the fake assigns to a registered command called `name`, and the id the
/// interaction fixtures put in `data.id`, so the two agree.
pub fn command_id(name: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    derived_id(hash)
}

/// Permissions a new server gives `@everyone`; also the default for an [`Invoker`].
pub fn default_member_permissions() -> u64 {
    (Permissions::CREATE_INSTANT_INVITE
        | Permissions::ADD_REACTIONS
        | Permissions::STREAM
        | Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::EMBED_LINKS
        | Permissions::ATTACH_FILES
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::USE_EXTERNAL_EMOJIS
        | Permissions::CONNECT
        | Permissions::SPEAK
        | Permissions::USE_VAD
        | Permissions::CHANGE_NICKNAME
        | Permissions::USE_APPLICATION_COMMANDS
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::CREATE_PUBLIC_THREADS)
        .bits()
}

/// What an interaction's `app_permissions` says the bot may do: the `@everyone` set plus the
/// usual bot extras (manage messages, threads, mention everyone).
pub fn default_bot_permissions() -> u64 {
    default_member_permissions()
        | (Permissions::MANAGE_MESSAGES
            | Permissions::MANAGE_THREADS
            | Permissions::MENTION_EVERYONE
            | Permissions::USE_EXTERNAL_STICKERS)
            .bits()
}

// ---------------------------------------------------------------------------------------------
// Users, guilds, channels
// ---------------------------------------------------------------------------------------------

/// A `User` object of a human.
pub fn user(user_id: u64, username: &str) -> Value {
    json!({
        "id": sf(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": username,
        "avatar": null,
        "public_flags": 0,
    })
}

/// A `User` object of a bot (`bot: true`; serenity refuses to DM such a user).
pub fn bot_user(user_id: u64, username: &str) -> Value {
    let mut u = user(user_id, username);
    u["bot"] = json!(true);
    u["global_name"] = Value::Null;
    u
}

/// The bot's own user as in READY and `GET /users/@me` (deserializes as `CurrentUser`).
pub fn current_user(bot_user_id: u64, username: &str) -> Value {
    let mut u = bot_user(bot_user_id, username);
    u["verified"] = json!(true);
    u["mfa_enabled"] = json!(false);
    u["flags"] = json!(0);
    u
}

/// READY payload. `session_id` is unique per call; the fake replaces `resume_gateway_url` with
/// its own address (serenity 0.12.5 never uses it anyway).
pub fn ready(app_id: u64, bot_user_id: u64, guild_ids: &[u64]) -> Value {
    let guilds: Vec<Value> = guild_ids
        .iter()
        .map(|g| json!({"id": sf(*g), "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": current_user(bot_user_id, DEFAULT_BOT_USERNAME),
        "guilds": guilds,
        "session_id": format!("fake-session-{}", next_id()),
        "resume_gateway_url": "ws://127.0.0.1/gateway",
        "shard": [0, 1],
        "application": {"id": sf(app_id), "flags": 0},
        "private_channels": [],
        "presences": [],
    })
}

/// A `Role`. serenity 0.12.5 requires `colors` on every role: without it the whole GUILD_CREATE
/// is dropped.
pub fn role(role_id: u64, name: &str, permissions: u64) -> Value {
    json!({
        "id": sf(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": 1,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// The `@everyone` role of a guild (its id is the guild id) with [`default_member_permissions`].
pub fn everyone_role(guild_id: u64) -> Value {
    let mut r = role(guild_id, "@everyone", default_member_permissions());
    r["position"] = json!(0);
    r
}

/// A guild text channel as it appears in GUILD_CREATE (`guild_id` is added by the fake where
/// Discord sends it, e.g. `GET /channels/{id}`).
pub fn text_channel(channel_id: u64, name: &str) -> Value {
    json!({
        "id": sf(channel_id),
        "type": 0,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "parent_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

/// A guild `Member` (with `user`), as in GUILD_CREATE `members` and `GET /guilds/{g}/members/{u}`.
pub fn member(user_id: u64, username: &str, role_ids: &[u64]) -> Value {
    let roles: Vec<String> = role_ids.iter().map(|r| sf(*r)).collect();
    json!({
        "user": user(user_id, username),
        "nick": null,
        "avatar": null,
        "roles": roles,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

/// GUILD_CREATE payload. An `@everyone` role is added unless `roles` has one (id == guild id).
/// `members` starts empty: push [`member`] values into `["members"]` to put users in the cache.
/// Leave the bot's own member out unless you mean to test permissions: with the bot's member
/// cached, serenity checks SEND_MESSAGES client-side before posting.
pub fn guild_create(guild_id: u64, roles: Vec<Value>, channels: Vec<Value>) -> Value {
    let mut roles = roles;
    if !roles.iter().any(|r| r["id"] == json!(sf(guild_id))) {
        roles.insert(0, everyone_role(guild_id));
    }
    let guild = json!({
        "id": sf(guild_id),
        "name": format!("guild-{guild_id}"),
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": sf(DEFAULT_OWNER_ID),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500_000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
    });
    // Two literals: one would exceed `json!`'s macro recursion limit.
    let state = json!({
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 1,
        "voice_states": [],
        "members": [],
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    let (Value::Object(mut guild), Value::Object(state)) = (guild, state) else {
        unreachable!("both are object literals");
    };
    guild.extend(state);
    Value::Object(guild)
}

/// The guild the fake sends by default: [`DEFAULT_GUILD_ID`] with `@everyone` and one text
/// channel, [`DEFAULT_CHANNEL_ID`] (`#incidents`).
pub fn default_guild() -> Value {
    guild_create(
        DEFAULT_GUILD_ID,
        vec![],
        vec![text_channel(DEFAULT_CHANNEL_ID, "incidents")],
    )
}

/// A DM channel (`PrivateChannel`) with `recipient`, as `POST /users/@me/channels` returns it.
pub fn private_channel(channel_id: u64, recipient: Value) -> Value {
    json!({
        "id": sf(channel_id),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient],
    })
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// A `Message` in `channel_id` by `author` (a [`user`] / [`bot_user`] value), with a fresh id and
/// no guild fields: the shape REST returns and interactions embed as `message`.
pub fn message(channel_id: u64, author: Value, content: &str) -> Value {
    json!({
        "id": sf(next_id()),
        "channel_id": sf(channel_id),
        "author": author,
        "content": content,
        "timestamp": now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    })
}

/// MESSAGE_CREATE payload for a message `inv` types in `inv.channel_id`: with `guild_id` and a
/// `member` (without `user`, like Discord) for a guild invoker, neither for a DM invoker.
pub fn message_create(inv: &Invoker, content: &str) -> Value {
    let mut m = message(inv.channel_id, inv.user(), content);
    if let Some(guild_id) = inv.guild_id {
        m["guild_id"] = json!(sf(guild_id));
        let mut member = inv.member();
        if let Some(obj) = member.as_object_mut() {
            obj.remove("user");
            obj.remove("permissions");
        }
        m["member"] = member;
    }
    m
}

/// MESSAGE_CREATE payload for a DM from `author` to the bot, in the channel the fake would open
/// for that user ([`dm_channel_id`]), whatever channel `author` was built with.
pub fn dm_message_create(author: &Invoker, content: &str) -> Value {
    let dm = Invoker::dm(author.user_id, &author.username);
    message_create(&dm, content)
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

/// Who invokes an interaction and where. Build once per test user:
/// `let alice = Invoker::in_default_guild("alice");` then
/// `fixtures::slash_command(&alice, "incident", json!([...]))`.
#[derive(Clone, Debug)]
pub struct Invoker {
    /// `None` for a DM with the bot: the interaction then carries `user` instead of `member`.
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub user_id: u64,
    pub username: String,
    pub roles: Vec<u64>,
    /// The member's permissions in the channel (`member.permissions`), used by poise's
    /// `required_permissions` checks on slash commands.
    pub permissions: u64,
    /// The bot's permissions in the channel (`app_permissions`), used by poise's
    /// `required_bot_permissions` checks.
    pub app_permissions: u64,
    pub locale: String,
    pub application_id: u64,
}

impl Invoker {
    /// A member of `guild_id` acting in `channel_id`.
    pub fn new(guild_id: u64, channel_id: u64, user_id: u64, username: &str) -> Invoker {
        Invoker {
            guild_id: Some(guild_id),
            channel_id,
            user_id,
            username: username.to_owned(),
            roles: Vec::new(),
            permissions: default_member_permissions(),
            app_permissions: default_bot_permissions(),
            locale: "en-US".to_owned(),
            application_id: DEFAULT_APP_ID,
        }
    }

    /// A new user (fresh id) in the default guild's `#incidents` channel.
    pub fn in_default_guild(username: &str) -> Invoker {
        Invoker::new(DEFAULT_GUILD_ID, DEFAULT_CHANNEL_ID, next_id(), username)
    }

    /// `user_id` talking to the bot in their DM channel ([`dm_channel_id`]).
    pub fn dm(user_id: u64, username: &str) -> Invoker {
        Invoker {
            guild_id: None,
            channel_id: dm_channel_id(user_id),
            roles: Vec::new(),
            ..Invoker::new(0, 0, user_id, username)
        }
    }

    /// The same user acting in their DM with the bot.
    pub fn in_dm(&self) -> Invoker {
        Invoker {
            application_id: self.application_id,
            locale: self.locale.clone(),
            ..Invoker::dm(self.user_id, &self.username)
        }
    }

    /// The same user acting in another channel of the same guild.
    pub fn in_channel(&self, channel_id: u64) -> Invoker {
        Invoker {
            channel_id,
            ..self.clone()
        }
    }

    pub fn with_roles(mut self, roles: &[u64]) -> Invoker {
        self.roles = roles.to_vec();
        self
    }

    pub fn with_permissions(mut self, permissions: u64) -> Invoker {
        self.permissions = permissions;
        self
    }

    pub fn with_app_permissions(mut self, permissions: u64) -> Invoker {
        self.app_permissions = permissions;
        self
    }

    pub fn with_locale(mut self, locale: &str) -> Invoker {
        self.locale = locale.to_owned();
        self
    }

    /// The invoker's `User` object.
    pub fn user(&self) -> Value {
        user(self.user_id, &self.username)
    }

    /// The invoker's `Member` object as interactions carry it (with `permissions`).
    pub fn member(&self) -> Value {
        let mut m = member(self.user_id, &self.username, &self.roles);
        m["permissions"] = json!(self.permissions.to_string());
        m
    }

    // The envelope every interaction type shares. `entitlements` and `attachment_size_limit`
    // are required by serenity 0.12.5 although Discord's docs list them as newer additions.
    fn interaction(&self, kind: u8, data: Value) -> Value {
        let id = next_id();
        let mut v = json!({
            "id": sf(id),
            "application_id": sf(self.application_id),
            "type": kind,
            "token": format!("itoken-{id}"),
            "version": 1,
            "channel_id": sf(self.channel_id),
            "data": data,
            "locale": self.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": self.app_permissions.to_string(),
        });
        match self.guild_id {
            Some(guild_id) => {
                v["guild_id"] = json!(sf(guild_id));
                v["guild_locale"] = json!("en-US");
                v["member"] = self.member();
                v["context"] = json!(0);
                v["authorizing_integration_owners"] = json!({"0": sf(guild_id)});
                v["channel"] = json!({"id": sf(self.channel_id), "type": 0, "name": "channel"});
            }
            None => {
                v["user"] = self.user();
                v["context"] = json!(1);
                // "0" is how Discord says "guild install, used in a DM".
                v["authorizing_integration_owners"] = json!({"0": "0"});
                v["channel"] = json!({"id": sf(self.channel_id), "type": 1});
            }
        }
        v
    }
}

/// Option values for [`slash_command`] and [`autocomplete`]: `json!([opt::string("title", "x")])`.
/// Snowflake-valued options are strings, as Discord sends them.
pub mod opt {
    use serde_json::{Value, json};

    use super::sf;

    pub fn string(name: &str, value: &str) -> Value {
        json!({"name": name, "type": 3, "value": value})
    }
    pub fn integer(name: &str, value: i64) -> Value {
        json!({"name": name, "type": 4, "value": value})
    }
    pub fn boolean(name: &str, value: bool) -> Value {
        json!({"name": name, "type": 5, "value": value})
    }
    /// The fixture adds `resolved.users` (and `members` in a guild) for it.
    pub fn user(name: &str, user_id: u64) -> Value {
        json!({"name": name, "type": 6, "value": sf(user_id)})
    }
    /// The fixture adds `resolved.channels` for it.
    pub fn channel(name: &str, channel_id: u64) -> Value {
        json!({"name": name, "type": 7, "value": sf(channel_id)})
    }
    /// The fixture adds `resolved.roles` for it.
    pub fn role(name: &str, role_id: u64) -> Value {
        json!({"name": name, "type": 8, "value": sf(role_id)})
    }
    pub fn number(name: &str, value: f64) -> Value {
        json!({"name": name, "type": 10, "value": value})
    }
    /// The fixture adds a placeholder `resolved.attachments` entry whose URL serves nothing;
    /// for a downloadable file use `FakeDiscord::host_attachment` and
    /// [`with_attachment`](super::with_attachment).
    pub fn attachment(name: &str, attachment_id: u64) -> Value {
        json!({"name": name, "type": 11, "value": sf(attachment_id)})
    }
    /// A subcommand with its own options.
    pub fn subcommand(name: &str, options: Value) -> Value {
        json!({"name": name, "type": 1, "options": options})
    }
    /// A subcommand group holding [`subcommand`]s.
    pub fn group(name: &str, subcommands: Value) -> Value {
        json!({"name": name, "type": 2, "options": subcommands})
    }
    /// The option being typed in an autocomplete interaction. Discord sends the partial input as
    /// a string even for numeric options.
    pub fn focused(name: &str, partial: &str) -> Value {
        json!({"name": name, "type": 3, "value": partial, "focused": true})
    }
}

// poise reads user/role/channel/attachment arguments from `data.resolved`, so an option without
// its resolved entry fails to parse. Fill them in for every such option, however deeply nested.
fn resolve_options(options: &Value, guild: bool, resolved: &mut Map<String, Value>) {
    let Some(list) = options.as_array() else {
        return;
    };
    for o in list {
        let value = o["value"].as_str().unwrap_or_default().to_owned();
        let id: u64 = value.parse().unwrap_or(0);
        match o["type"].as_u64() {
            Some(1 | 2) => resolve_options(&o["options"], guild, resolved),
            Some(6 | 9) if id != 0 && o["focused"] != json!(true) => {
                insert(resolved, "users", &value, user(id, &format!("user{id}")));
                if guild {
                    let mut m = member(id, "", &[]);
                    if let Some(obj) = m.as_object_mut() {
                        obj.remove("user");
                    }
                    m["permissions"] = json!(default_member_permissions().to_string());
                    insert(resolved, "members", &value, m);
                }
            }
            Some(7) if id != 0 => {
                let channel = json!({
                    "id": value, "name": format!("channel-{id}"), "type": 0,
                    "permissions": default_member_permissions().to_string(),
                });
                insert(resolved, "channels", &value, channel);
            }
            Some(8) if id != 0 => {
                insert(
                    resolved,
                    "roles",
                    &value,
                    role(id, &format!("role-{id}"), 0),
                );
            }
            Some(11) if id != 0 => {
                let attachment = json!({
                    "id": value,
                    "filename": "attachment.txt",
                    "size": 5,
                    "url": format!("http://127.0.0.1/attachments/{id}/attachment.txt"),
                    "proxy_url": format!("http://127.0.0.1/attachments/{id}/attachment.txt"),
                    "content_type": "text/plain; charset=utf-8",
                    "ephemeral": true,
                });
                insert(resolved, "attachments", &value, attachment);
            }
            _ => {}
        }
    }
}

fn insert(resolved: &mut Map<String, Value>, kind: &str, id: &str, value: Value) {
    let entry = resolved
        .entry(kind)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(map) = entry.as_object_mut() {
        map.insert(id.to_owned(), value);
    }
}

fn command_data(inv: &Invoker, name: &str, options: Value) -> Value {
    let options = if options.is_null() {
        json!([])
    } else {
        options
    };
    let mut resolved = Map::new();
    resolve_options(&options, inv.guild_id.is_some(), &mut resolved);
    let mut data = json!({
        "id": sf(command_id(name)),
        "name": name,
        "type": 1,
        "options": options,
    });
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    data
}

/// INTERACTION_CREATE for `/name` (type 2, CHAT_INPUT). `options` is a JSON array; a subcommand
/// is one [`opt::subcommand`] holding its options. In a DM when `inv.guild_id` is `None`.
pub fn slash_command(inv: &Invoker, name: &str, options: Value) -> Value {
    inv.interaction(2, command_data(inv, name, options))
}

/// Put `attachment` (from `FakeDiscord::host_attachment`) in `interaction`'s
/// `resolved.attachments`, replacing the placeholder an [`opt::attachment`] option with the same
/// id got. Use the attachment's id in the option: `opt::attachment("evidence", id)`.
pub fn with_attachment(interaction: &mut Value, attachment: Value) {
    let id = attachment["id"].as_str().unwrap_or_default().to_owned();
    let data = &mut interaction["data"];
    if !data["resolved"].is_object() {
        data["resolved"] = json!({});
    }
    if let Some(resolved) = data["resolved"].as_object_mut() {
        insert(resolved, "attachments", &id, attachment);
    }
}

/// INTERACTION_CREATE for autocompletion of `/name` (type 4): `options` must hold one
/// [`opt::focused`] option, nested in its subcommand if there is one.
pub fn autocomplete(inv: &Invoker, name: &str, options: Value) -> Value {
    inv.interaction(4, command_data(inv, name, options))
}

/// INTERACTION_CREATE for a message context-menu command (type 2 with `data.type` 3) on
/// `target`, a [`message`] value that is put in `resolved.messages`.
pub fn message_command(inv: &Invoker, name: &str, target: &Value) -> Value {
    let target_id = target["id"].as_str().unwrap_or_default().to_owned();
    let mut messages = Map::new();
    messages.insert(target_id.clone(), target.clone());
    let data = json!({
        "id": sf(command_id(name)),
        "name": name,
        "type": 3,
        "target_id": target_id,
        "resolved": {"messages": messages},
    });
    inv.interaction(2, data)
}

/// INTERACTION_CREATE for a user context-menu command (type 2 with `data.type` 2) on a user.
pub fn user_command(
    inv: &Invoker,
    name: &str,
    target_user_id: u64,
    target_username: &str,
) -> Value {
    let id = sf(target_user_id);
    let mut users = Map::new();
    users.insert(id.clone(), user(target_user_id, target_username));
    let mut resolved = json!({"users": users});
    if inv.guild_id.is_some() {
        let mut m = member(target_user_id, target_username, &[]);
        if let Some(obj) = m.as_object_mut() {
            obj.remove("user");
        }
        let mut members = Map::new();
        members.insert(id.clone(), m);
        resolved["members"] = Value::Object(members);
    }
    let data = json!({
        "id": sf(command_id(name)),
        "name": name,
        "type": 2,
        "target_id": id,
        "resolved": resolved,
    });
    inv.interaction(2, data)
}

/// INTERACTION_CREATE for a button click (type 3, `component_type` 2) on `message`, a full
/// `Message` value: one of [`message`], or the bot's own message as the fake recorded it
/// (`RecordedCall::response`, `FakeDiscord::original_response`).
pub fn component_click(inv: &Invoker, custom_id: &str, message: Value) -> Value {
    let mut v = inv.interaction(3, json!({"custom_id": custom_id, "component_type": 2}));
    v["message"] = message;
    v
}

/// INTERACTION_CREATE for a string select menu choice (type 3, `component_type` 3).
pub fn select(inv: &Invoker, custom_id: &str, values: &[&str], message: Value) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
    let mut v = inv.interaction(3, data);
    v["message"] = message;
    v
}

/// INTERACTION_CREATE for a modal submit (type 5): one action row per `(custom_id, value)`. For a
/// `poise::Modal` the field custom_ids are the struct's field names and the modal's own
/// `custom_id` is the id of the interaction that opened it.
pub fn modal_submit(inv: &Invoker, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(id, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
        })
        .collect();
    inv.interaction(5, json!({"custom_id": custom_id, "components": rows}))
}
