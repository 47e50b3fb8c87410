//! The fake REST API under `/api/v10`: records every request, applies injected failures, then
//! answers the routes a bot uses with bodies that deserialize into serenity's types. Anything
//! else is `404 {"message":"404: Not Found","code":0}`, as Discord answers an unknown route.
//!
//! State (registered commands, sent messages, DM channels, acknowledged interactions) lives in
//! [`State`] so reads after writes behave like Discord: an edited message comes back edited, a
//! second callback for one interaction is refused.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{RecordedCall, RecordedFile, Shared, State, multipart, route_matches};
use crate::fixtures::{self, sf};

pub(crate) const API_PREFIX: &str = "/api/v10";

// Message flags Discord sets itself.
const FLAG_EPHEMERAL: u64 = 1 << 6;
const FLAG_LOADING: u64 = 1 << 7;

struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// A non-JSON body (attachment download): content type and bytes.
    raw: Option<(String, Vec<u8>)>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
            raw: None,
        }
    }

    fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
            raw: None,
        }
    }

    /// Discord's JSON error body.
    fn error(status: u16, code: u32, message: &str) -> Reply {
        Reply::json(status, json!({"message": message, "code": code}))
    }

    fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match (self.body, self.raw) {
            (Some(body), _) => (status, axum::Json(body)).into_response(),
            (None, Some((content_type, bytes))) => {
                let header = [(axum::http::header::CONTENT_TYPE, content_type)];
                (status, header, bytes).into_response()
            }
            (None, None) => status.into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// An injected failure, shaped like Discord's.
fn failure(status: u16) -> Reply {
    match status {
        429 => Reply {
            status,
            // Discord's real 429 body has no `code`, so serenity cannot decode it and reports
            // code -1; that is what a bot sees in production too.
            body: Some(json!({
                "message": "You are being rate limited.",
                "retry_after": 0.25,
                "global": false,
            })),
            headers: vec![
                ("retry-after", "1".to_owned()),
                ("x-ratelimit-limit", "5".to_owned()),
                ("x-ratelimit-remaining", "0".to_owned()),
                ("x-ratelimit-reset-after", "0.250".to_owned()),
                ("x-ratelimit-bucket", "fake-bucket".to_owned()),
                ("x-ratelimit-scope", "user".to_owned()),
            ],
            raw: None,
        },
        _ => {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            Reply::error(status, 0, &format!("{status}: {reason}"))
        }
    }
}

pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let (body, files) = parse_body(&headers, &body);
    let reply = {
        let mut st = shared.lock();
        let route = path.strip_prefix(API_PREFIX);
        let injected = route.and_then(|r| take_failure(&mut st, r));
        let reply = match (injected, route) {
            (Some(status), _) => failure(status),
            (None, Some(route)) => {
                let req = Req {
                    shared: &shared,
                    method: method.as_str(),
                    query: uri.query(),
                    body: body.as_ref(),
                    files: &files,
                };
                req.route(&mut st, route)
            }
            (None, None) => match (method.as_str(), st.hosted.get(&path)) {
                ("GET", Some(file)) => Reply {
                    status: 200,
                    body: None,
                    headers: Vec::new(),
                    raw: Some(file.clone()),
                },
                _ => Reply::not_found(),
            },
        };
        let call = RecordedCall {
            method: method.as_str().to_owned(),
            path,
            query: uri.query().map(str::to_owned),
            body,
            files,
            status: reply.status,
            response: reply.body.clone(),
            at: Instant::now(),
        };
        st.subscribers.retain(|tx| tx.send(call.clone()).is_ok());
        st.calls.push(call);
        reply
    };
    shared.call_recorded.notify_waiters();
    reply.into_response()
}

fn parse_body(headers: &HeaderMap, raw: &Bytes) -> (Option<Value>, Vec<RecordedFile>) {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(boundary) = multipart::boundary(content_type) {
        let parsed = multipart::parse(raw, &boundary);
        let body = parsed
            .payload_json
            .and_then(|p| serde_json::from_str(&p).ok());
        return (body, parsed.files);
    }
    if raw.is_empty() {
        return (None, Vec::new());
    }
    (serde_json::from_slice(raw).ok(), Vec::new())
}

fn take_failure(st: &mut State, route: &str) -> Option<u16> {
    let failure = st
        .failures
        .iter_mut()
        .find(|f| f.remaining > 0 && route_matches(route, &f.route_prefix))?;
    failure.remaining -= 1;
    let status = failure.status;
    st.failures.retain(|f| f.remaining > 0);
    Some(status)
}

/// Remember a user so DM channels and `GET /users/{id}` show the right name.
pub(crate) fn learn_user(st: &mut State, user: &Value) {
    if let Some(id) = user["id"].as_str() {
        st.users.insert(id.to_owned(), user.clone());
    }
}

/// What the fake learns from events a test dispatches: who the users are and which channel an
/// interaction token belongs to (follow-ups name only the token).
pub(crate) fn learn_from_dispatch(st: &mut State, event_type: &str, data: &Value) {
    match event_type {
        "INTERACTION_CREATE" => {
            let user = if data["member"]["user"].is_object() {
                &data["member"]["user"]
            } else {
                &data["user"]
            };
            learn_user(st, user);
            if let (Some(token), Some(channel)) =
                (data["token"].as_str(), data["channel_id"].as_str())
            {
                st.interaction_channels
                    .insert(token.to_owned(), channel.to_owned());
            }
        }
        "MESSAGE_CREATE" => learn_user(st, &data["author"]),
        "GUILD_CREATE" | "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" => {
            learn_user(st, &data["user"]);
            for member in data["members"].as_array().into_iter().flatten() {
                learn_user(st, &member["user"]);
            }
        }
        _ => {}
    }
}

struct Req<'a> {
    shared: &'a Shared,
    method: &'a str,
    query: Option<&'a str>,
    body: Option<&'a Value>,
    files: &'a [RecordedFile],
}

impl Req<'_> {
    fn route(&self, st: &mut State, route: &str) -> Reply {
        let segments: Vec<&str> = route.trim_matches('/').split('/').collect();
        let app = sf(self.shared.config.application_id);
        match (self.method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::ok(json!({"url": self.shared.ws_url})),
            ("GET", ["gateway", "bot"]) => Reply::ok(json!({
                "url": self.shared.ws_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
                },
            })),
            ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(self.application_info()),
            ("GET", ["users", "@me"]) => Reply::ok(self.current_user()),
            ("POST", ["users", "@me", "channels"]) => self.open_dm(st),
            ("GET", ["users", user_id]) => match st.users.get(*user_id) {
                Some(user) => Reply::ok(user.clone()),
                None => Reply::error(404, 10013, "Unknown User"),
            },

            (_, ["applications", a, ..]) if *a != app => {
                Reply::error(404, 10002, "Unknown Application")
            }
            (_, ["applications", _, "commands", rest @ ..]) => {
                let list = &mut st.global_commands;
                self.commands(list, None, rest)
            }
            (_, ["applications", _, "guilds", guild_id, "commands", rest @ ..]) => {
                let list = st.guild_commands.entry((*guild_id).to_owned()).or_default();
                self.commands(list, Some(guild_id), rest)
            }

            ("POST", ["interactions", id, token, "callback"]) => self.callback(st, id, token),
            (_, ["webhooks", a, ..]) if *a != app => Reply::error(404, 10015, "Unknown Webhook"),
            ("POST", ["webhooks", _, token]) => self.followup(st, token),
            (_, ["webhooks", _, token, "messages", message_id]) => {
                self.webhook_message(st, token, message_id)
            }

            ("GET", ["channels", channel_id]) => self.channel(st, channel_id),
            ("POST", ["channels", channel_id, "messages"]) => self.create_message(st, channel_id),
            ("GET", ["channels", channel_id, "messages"]) => {
                let mut list: Vec<Value> = st
                    .channel_messages
                    .values()
                    .filter(|m| m["channel_id"] == json!(channel_id))
                    .cloned()
                    .collect();
                // Newest first, like Discord; ids grow with time.
                list.sort_by_key(|m| std::cmp::Reverse(id_of(m)));
                Reply::ok(Value::Array(list))
            }
            (_, ["channels", _, "messages", message_id]) => self.channel_message(st, message_id),
            ("POST", ["channels", _, "typing"]) => Reply::no_content(),
            ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", _, "@me"]) => {
                Reply::no_content()
            }

            ("GET", ["guilds", guild_id]) => match self.guild(guild_id) {
                Some(guild) => Reply::ok(guild.clone()),
                None => Reply::error(404, 10004, "Unknown Guild"),
            },
            ("GET", ["guilds", guild_id, "roles"]) => match self.guild(guild_id) {
                Some(guild) => Reply::ok(guild["roles"].clone()),
                None => Reply::error(404, 10004, "Unknown Guild"),
            },
            ("GET", ["guilds", guild_id, "channels"]) => match self.guild(guild_id) {
                Some(guild) => {
                    let channels = guild["channels"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| with_guild_id(c, guild_id))
                        .collect();
                    Reply::ok(Value::Array(channels))
                }
                None => Reply::error(404, 10004, "Unknown Guild"),
            },
            ("GET", ["guilds", guild_id, "members"]) => match self.guild(guild_id) {
                // Discord pages members by user id: `limit` (1..=1000) after `after`.
                Some(guild) => {
                    let param = |name: &str| {
                        self.query.and_then(|q| {
                            q.split('&')
                                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                                .and_then(|v| v.parse::<u64>().ok())
                        })
                    };
                    let after = param("after").unwrap_or(0);
                    let limit =
                        usize::try_from(param("limit").unwrap_or(1).clamp(1, 1000)).unwrap_or(1);
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
                None => Reply::error(404, 10004, "Unknown Guild"),
            },
            ("GET", ["guilds", guild_id, "members", user_id]) => {
                let member = self.guild(guild_id).and_then(|g| {
                    g["members"]
                        .as_array()?
                        .iter()
                        .find(|m| m["user"]["id"] == json!(user_id))
                        .cloned()
                });
                match member {
                    Some(member) => Reply::ok(member),
                    None => Reply::error(404, 10007, "Unknown Member"),
                }
            }

            _ => Reply::not_found(),
        }
    }

    fn bot_user(&self) -> Value {
        let config = &self.shared.config;
        fixtures::bot_user(config.bot_user_id, &config.bot_username)
    }

    fn current_user(&self) -> Value {
        let config = &self.shared.config;
        fixtures::current_user(config.bot_user_id, &config.bot_username)
    }

    fn application_info(&self) -> Value {
        let config = &self.shared.config;
        json!({
            "id": sf(config.application_id),
            "name": config.bot_username,
            "icon": null,
            "description": "",
            "summary": "",
            "type": null,
            "bot_public": true,
            "bot_require_code_grant": false,
            "verify_key": "0".repeat(64),
            "owner": fixtures::user(config.owner_id, "owner"),
            "team": null,
            "flags": 0,
            "bot": self.bot_user(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "approximate_guild_count": self.shared.config.guilds.len(),
            "integration_types_config": {"0": {}},
        })
    }

    fn guild(&self, guild_id: &str) -> Option<&Value> {
        self.shared
            .config
            .guilds
            .iter()
            .find(|g| g["id"] == json!(guild_id))
    }

    fn open_dm(&self, st: &mut State) -> Reply {
        let recipient = self.body.map(|b| &b["recipient_id"]);
        let recipient_id = match recipient {
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        let Some(recipient_id) = recipient_id.filter(|id| *id != 0) else {
            return invalid_form_body("recipient_id");
        };
        let user = st
            .users
            .get(&sf(recipient_id))
            .cloned()
            .unwrap_or_else(|| fixtures::user(recipient_id, &format!("user{recipient_id}")));
        let channel = fixtures::private_channel(fixtures::dm_channel_id(recipient_id), user);
        st.dm_channels
            .insert(sf(fixtures::dm_channel_id(recipient_id)), channel.clone());
        Reply::ok(channel)
    }

    fn channel(&self, st: &State, channel_id: &str) -> Reply {
        if let Some(dm) = st.dm_channels.get(channel_id) {
            return Reply::ok(dm.clone());
        }
        for guild in &self.shared.config.guilds {
            let found = guild["channels"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["id"] == json!(channel_id));
            if let Some(channel) = found {
                let guild_id = guild["id"].as_str().unwrap_or_default();
                return Reply::ok(with_guild_id(channel, guild_id));
            }
        }
        Reply::error(404, 10003, "Unknown Channel")
    }

    /// `/applications/{app}[/guilds/{g}]/commands[/{id}]`.
    fn commands(&self, list: &mut Vec<Value>, guild_id: Option<&str>, rest: &[&str]) -> Reply {
        match (self.method, rest) {
            ("GET", []) => Reply::ok(Value::Array(list.clone())),
            ("PUT", []) => {
                let Some(items) = self.body.and_then(Value::as_array) else {
                    return invalid_form_body("commands");
                };
                let echoed: Vec<Value> = items
                    .iter()
                    .map(|c| self.registered_command(c, guild_id))
                    .collect();
                *list = echoed.clone();
                Reply::ok(Value::Array(echoed))
            }
            ("POST", []) => {
                let Some(body) = self.body.filter(|b| b.is_object()) else {
                    return invalid_form_body("name");
                };
                let command = self.registered_command(body, guild_id);
                let existing = list.iter().position(|c| c["name"] == command["name"]);
                match existing {
                    Some(i) => {
                        list[i] = command.clone();
                        Reply::ok(command)
                    }
                    None => {
                        list.push(command.clone());
                        Reply::json(201, command)
                    }
                }
            }
            (method, [command_id]) => {
                let Some(i) = list.iter().position(|c| c["id"] == json!(command_id)) else {
                    return Reply::error(404, 10063, "Unknown application command");
                };
                match method {
                    "GET" => Reply::ok(list[i].clone()),
                    "DELETE" => {
                        list.remove(i);
                        Reply::no_content()
                    }
                    "PATCH" => {
                        let mut command = list[i].clone();
                        merge(&mut command, self.body);
                        command["version"] = json!(sf(fixtures::next_id()));
                        list[i] = command.clone();
                        Reply::ok(command)
                    }
                    _ => Reply::not_found(),
                }
            }
            _ => Reply::not_found(),
        }
    }

    /// A command as Discord returns it after registration: the request plus the fields
    /// serenity's `Command` requires.
    fn registered_command(&self, request: &Value, guild_id: Option<&str>) -> Value {
        let mut command = request.clone();
        let name = command["name"].as_str().unwrap_or_default().to_owned();
        let defaults = [
            ("type", json!(1)),
            ("description", json!("")),
            ("default_member_permissions", Value::Null),
            ("nsfw", json!(false)),
        ];
        if let Some(obj) = command.as_object_mut() {
            for (key, value) in defaults {
                if obj.get(key).is_none_or(Value::is_null) {
                    obj.insert(key.to_owned(), value);
                }
            }
            obj.insert("id".to_owned(), json!(sf(fixtures::command_id(&name))));
            obj.insert(
                "application_id".to_owned(),
                json!(sf(self.shared.config.application_id)),
            );
            obj.insert("version".to_owned(), json!(sf(fixtures::next_id())));
            if let Some(guild_id) = guild_id {
                obj.insert("guild_id".to_owned(), json!(guild_id));
            }
        }
        command
    }

    fn callback(&self, st: &mut State, interaction_id: &str, token: &str) -> Reply {
        let Some(body) = self.body else {
            return invalid_form_body("type");
        };
        if st.acknowledged.contains(interaction_id) {
            return Reply::error(400, 40060, "Interaction has already been acknowledged.");
        }
        st.acknowledged.insert(interaction_id.to_owned());
        let channel_id = st
            .interaction_channels
            .get(token)
            .cloned()
            .unwrap_or_else(|| sf(fixtures::DEFAULT_CHANNEL_ID));
        match body["type"].as_u64() {
            // CHANNEL_MESSAGE_WITH_SOURCE: the response becomes the @original message.
            Some(4) => {
                let message = self.interaction_message(st, &channel_id, &body["data"], 20);
                st.originals.insert(token.to_owned(), message);
            }
            // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking..." message until edited.
            Some(5) => {
                let mut data = body["data"].clone();
                let flags = data["flags"].as_u64().unwrap_or(0) | FLAG_LOADING;
                if !data.is_object() {
                    data = json!({});
                }
                data["flags"] = json!(flags);
                let message = self.interaction_message(st, &channel_id, &data, 20);
                st.originals.insert(token.to_owned(), message);
            }
            _ => {}
        }
        Reply::no_content()
    }

    fn interaction_message(
        &self,
        st: &mut State,
        channel_id: &str,
        data: &Value,
        kind: u8,
    ) -> Value {
        let mut message = new_message(channel_id, self.bot_user());
        let uploads = apply(
            &mut message,
            data,
            self.files,
            &self.shared.base_url,
            channel_id,
        );
        st.hosted.extend(uploads);
        message["type"] = json!(kind);
        message["webhook_id"] = json!(sf(self.shared.config.application_id));
        message["application_id"] = json!(sf(self.shared.config.application_id));
        message
    }

    fn followup(&self, st: &mut State, token: &str) -> Reply {
        let Some(body) = self.body else {
            return invalid_form_body("content");
        };
        let channel_id = st
            .interaction_channels
            .get(token)
            .cloned()
            .unwrap_or_else(|| sf(fixtures::DEFAULT_CHANNEL_ID));
        let mut message = self.interaction_message(st, &channel_id, body, 0);
        message["webhook_token"] = json!(token);
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        st.followups.insert(id, message.clone());
        Reply::ok(strip_private(message))
    }

    /// `/webhooks/{app}/{token}/messages/{@original | id}`.
    fn webhook_message(&self, st: &mut State, token: &str, message_id: &str) -> Reply {
        let stored = if message_id == "@original" {
            st.originals.get_mut(token)
        } else {
            st.followups
                .get_mut(message_id)
                .filter(|m| m["webhook_token"] == json!(token))
        };
        let Some(message) = stored else {
            return Reply::error(404, 10008, "Unknown Message");
        };
        match self.method {
            "GET" => Reply::ok(strip_private(message.clone())),
            "PATCH" => {
                let channel_id = message["channel_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let uploads = apply(
                    message,
                    self.body.unwrap_or(&Value::Null),
                    self.files,
                    &self.shared.base_url,
                    &channel_id,
                );
                st.hosted.extend(uploads);
                // Editing a deferred response replaces the "thinking" state.
                let flags = message["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
                message["flags"] = json!(flags);
                message["edited_timestamp"] = json!(fixtures::now());
                Reply::ok(strip_private(message.clone()))
            }
            "DELETE" => {
                if message_id == "@original" {
                    st.originals.remove(token);
                } else {
                    st.followups.remove(message_id);
                }
                Reply::no_content()
            }
            _ => Reply::not_found(),
        }
    }

    fn create_message(&self, st: &mut State, channel_id: &str) -> Reply {
        if channel_id.parse::<u64>().is_err() {
            return Reply::error(404, 10003, "Unknown Channel");
        }
        let Some(body) = self.body else {
            return Reply::error(400, 50006, "Cannot send an empty message");
        };
        let mut message = new_message(channel_id, self.bot_user());
        let uploads = apply(
            &mut message,
            body,
            self.files,
            &self.shared.base_url,
            channel_id,
        );
        if message["content"] == json!("")
            && message["embeds"].as_array().is_none_or(Vec::is_empty)
            && message["attachments"].as_array().is_none_or(Vec::is_empty)
            && message["components"].as_array().is_none_or(Vec::is_empty)
        {
            return Reply::error(400, 50006, "Cannot send an empty message");
        }
        if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
            let mut reference = reference.clone();
            if reference["channel_id"].is_null() {
                reference["channel_id"] = json!(channel_id);
            }
            message["message_reference"] = reference;
            message["type"] = json!(19);
        }
        st.hosted.extend(uploads);
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        st.channel_messages.insert(id, message.clone());
        Reply::ok(message)
    }

    /// `/channels/{c}/messages/{id}`: GET, PATCH (edit), DELETE.
    fn channel_message(&self, st: &mut State, message_id: &str) -> Reply {
        let Some(message) = st.channel_messages.get_mut(message_id) else {
            return Reply::error(404, 10008, "Unknown Message");
        };
        match self.method {
            "GET" => Reply::ok(message.clone()),
            "PATCH" => {
                let channel_id = message["channel_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let uploads = apply(
                    message,
                    self.body.unwrap_or(&Value::Null),
                    self.files,
                    &self.shared.base_url,
                    &channel_id,
                );
                st.hosted.extend(uploads);
                message["edited_timestamp"] = json!(fixtures::now());
                Reply::ok(message.clone())
            }
            "DELETE" => {
                st.channel_messages.remove(message_id);
                Reply::no_content()
            }
            _ => Reply::not_found(),
        }
    }
}

fn invalid_form_body(field: &str) -> Reply {
    Reply::json(
        400,
        json!({
            "message": "Invalid Form Body",
            "code": 50035,
            "errors": {field: {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}},
        }),
    )
}

fn id_of(message: &Value) -> u64 {
    message["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn with_guild_id(channel: &Value, guild_id: &str) -> Value {
    let mut channel = channel.clone();
    channel["guild_id"] = json!(guild_id);
    channel
}

/// A blank message by `author` with a fresh id; [`apply`] fills in the request's fields.
fn new_message(channel_id: &str, author: Value) -> Value {
    let mut message = fixtures::message(1, author, "");
    message["channel_id"] = json!(channel_id);
    message
}

// Fields the fake keeps on stored messages for its own lookups.
fn strip_private(mut message: Value) -> Value {
    if let Some(obj) = message.as_object_mut() {
        obj.remove("webhook_token");
    }
    message
}

/// An uploaded file the fake serves at its URL path: (path, (content type, bytes)).
pub(crate) type Hosted = (String, (String, Vec<u8>));

/// Copy the fields of a create/edit request that show up in the resulting `Message`. The
/// request shape (serenity's builders) differs from the `Message` shape only for attachments,
/// which are turned into full `Attachment` objects; their bytes are returned so the fake can
/// serve them at the attachment's URL.
fn apply(
    message: &mut Value,
    request: &Value,
    files: &[RecordedFile],
    base: &str,
    channel: &str,
) -> Vec<Hosted> {
    let mut uploads = Vec::new();
    let Some(request) = request.as_object() else {
        return uploads;
    };
    for key in ["content", "embeds", "components", "tts", "poll"] {
        if let Some(value) = request.get(key).filter(|v| !v.is_null()) {
            message[key] = value.clone();
        }
    }
    if let Some(flags) = request.get("flags").and_then(Value::as_u64) {
        message["flags"] = json!(flags);
    }
    let entries: Option<Vec<Value>> = match request.get("attachments").and_then(Value::as_array) {
        Some(list) => Some(list.clone()),
        // Files without an `attachments` list are attached in order.
        None if !files.is_empty() => Some(
            (0..files.len())
                .map(|i| json!({"id": i, "filename": files[i].filename}))
                .collect(),
        ),
        None => None,
    };
    if let Some(entries) = entries {
        let previous = message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let list = entries
            .iter()
            .map(|entry| attachment(entry, &previous, files, base, channel, &mut uploads))
            .collect();
        message["attachments"] = Value::Array(list);
    }
    let ephemeral = message["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL != 0;
    if ephemeral && let Some(list) = message["attachments"].as_array_mut() {
        for a in list {
            a["ephemeral"] = json!(true);
        }
    }
    uploads
}

/// Discord replaces characters outside this set in attachment file names.
fn sanitize_filename(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// An `attachments` entry of a request: either a new upload (`id` is the index of its
/// `files[N]` part) or an existing attachment to keep (`id` is its snowflake).
fn attachment(
    entry: &Value,
    previous: &[Value],
    files: &[RecordedFile],
    base: &str,
    channel: &str,
    uploads: &mut Vec<Hosted>,
) -> Value {
    let id = match &entry["id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    if let Some(kept) = previous.iter().find(|p| p["id"] == json!(id)) {
        return kept.clone();
    }
    let upload = files.iter().find(|f| f.field == format!("files[{id}]"));
    let filename = entry["filename"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| upload.and_then(|f| f.filename.clone()))
        .unwrap_or_else(|| "file".to_owned());
    let filename = sanitize_filename(&filename);
    let new_id = fixtures::next_id();
    let path = format!("/attachments/{channel}/{new_id}/{filename}");
    let url = format!("{base}{path}");
    let content_type = upload
        .and_then(|f| f.content_type.clone())
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let data = upload.map(|f| f.data.clone()).unwrap_or_default();
    let mut a = Map::new();
    a.insert("id".to_owned(), json!(sf(new_id)));
    a.insert("filename".to_owned(), json!(filename));
    a.insert("size".to_owned(), json!(data.len()));
    a.insert("url".to_owned(), json!(url));
    a.insert("proxy_url".to_owned(), json!(url));
    a.insert("content_type".to_owned(), json!(content_type));
    if let Some(description) = entry.get("description").filter(|d| !d.is_null()) {
        a.insert("description".to_owned(), description.clone());
    }
    uploads.push((path, (content_type, data)));
    Value::Object(a)
}

/// Shallow JSON merge-patch: `null` removes a key.
fn merge(target: &mut Value, patch: Option<&Value>) {
    let (Some(target), Some(patch)) = (target.as_object_mut(), patch.and_then(Value::as_object))
    else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// A snowflake written as a string or a number.
fn snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}
