//! Application commands: `/applications/{app}/commands[/{id}]` (global) and
//! `/applications/{app}/guilds/{guild}/commands[/{id}]`. Registered commands are echoed back with
//! the fields serenity's `Command` requires and kept, so a later GET lists them.

use serde_json::{Value, json};

use super::{Reply, Req, State, invalid_form_body};
use crate::fixtures::{self, sf};

impl Req<'_> {
    /// `/applications/{app}/...`: `app` must be the fake's application id.
    pub(super) fn applications(&self, st: &mut State, app: &str, rest: &[&str]) -> Reply {
        if app != sf(self.shared.config.application_id) {
            return Reply::error(404, 10002, "Unknown Application");
        }
        match rest {
            ["commands", rest @ ..] => {
                let list = &mut st.global_commands;
                self.commands(list, None, rest)
            }
            ["guilds", guild_id, "commands", rest @ ..] => {
                let list = st.guild_commands.entry((*guild_id).to_owned()).or_default();
                self.commands(list, Some(guild_id), rest)
            }
            _ => Reply::not_found(),
        }
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
