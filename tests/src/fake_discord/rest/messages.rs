//! Channels and messages: `GET /channels/{id}`, creating (with nonce de-duplication), listing,
//! reading, editing and deleting channel messages, typing and reactions, opening DM channels
//! (`POST /users/@me/channels`), and turning a request's fields and uploaded files into a
//! `Message` with `Attachment`s ([`apply`]), which interaction responses use too.

use serde_json::{Map, Value, json};

use super::guilds::with_guild_id;
use super::{Reply, Req, State, invalid_form_body};
use crate::fake_discord::RecordedFile;
use crate::fixtures::{self, sf};

// Message flags Discord sets itself.
const FLAG_EPHEMERAL: u64 = 1 << 6;
pub(super) const FLAG_LOADING: u64 = 1 << 7;

impl Req<'_> {
    /// `/channels/{channel_id}/...`.
    pub(super) fn channels(&self, st: &mut State, channel_id: &str, rest: &[&str]) -> Reply {
        match (self.method, rest) {
            ("GET", []) => self.channel(st, channel_id),
            ("POST", ["messages"]) => self.create_message(st, channel_id),
            ("GET", ["messages"]) => list_messages(st, channel_id),
            (_, ["messages", message_id]) => self.channel_message(st, message_id),
            ("POST", ["typing"]) => Reply::no_content(),
            ("PUT" | "DELETE", ["messages", _, "reactions", _, "@me"]) => Reply::no_content(),
            _ => Reply::not_found(),
        }
    }

    /// `POST /users/@me/channels`: the DM channel with `recipient_id`.
    pub(super) fn open_dm(&self, st: &mut State) -> Reply {
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

    fn create_message(&self, st: &mut State, channel_id: &str) -> Reply {
        if channel_id.parse::<u64>().is_err() {
            return Reply::error(404, 10003, "Unknown Channel");
        }
        let Some(body) = self.body else {
            return Reply::error(400, 50006, "Cannot send an empty message");
        };
        let nonce = body.get("nonce").and_then(nonce_key);
        if body["enforce_nonce"] == json!(true)
            && let Some(nonce) = &nonce
            && let Some(existing) = created_with_nonce(st, channel_id, nonce)
        {
            // Discord de-duplicates for a few minutes; the fake does for its whole life.
            return Reply::ok(existing);
        }
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
        if nonce.is_some() {
            message["nonce"] = body["nonce"].clone();
        }
        st.hosted.extend(uploads);
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        st.channel_messages.insert(id, message.clone());
        st.created_messages.push(message.clone());
        Reply::ok(message)
    }

    /// `/channels/{c}/messages/{id}`: GET, PATCH (edit), DELETE.
    /// Applies this request, an edit, to a stored message; returns the files it uploaded.
    pub(super) fn edit(&self, message: &mut Value) -> Vec<Hosted> {
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
        message["edited_timestamp"] = json!(fixtures::now());
        uploads
    }

    fn channel_message(&self, st: &mut State, message_id: &str) -> Reply {
        let Some(message) = st.channel_messages.get_mut(message_id) else {
            return Reply::error(404, 10008, "Unknown Message");
        };
        match self.method {
            "GET" => Reply::ok(message.clone()),
            "PATCH" => {
                let uploads = self.edit(message);
                st.hosted.extend(uploads);
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

/// `GET /channels/{id}/messages`: every stored message of the channel.
fn list_messages(st: &State, channel_id: &str) -> Reply {
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

/// A nonce as Discord compares them: a string or an integer, by its text.
fn nonce_key(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The message created earlier in `channel_id` with this nonce: as it is now, or as it was
/// created if it has been deleted since.
fn created_with_nonce(st: &State, channel_id: &str, nonce: &str) -> Option<Value> {
    let created = st.created_messages.iter().find(|m| {
        m["channel_id"] == json!(channel_id)
            && m.get("nonce").and_then(nonce_key).as_deref() == Some(nonce)
    })?;
    let current = created["id"]
        .as_str()
        .and_then(|id| st.channel_messages.get(id));
    Some(current.unwrap_or(created).clone())
}

fn id_of(message: &Value) -> u64 {
    message["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A blank message by `author` with a fresh id; [`apply`] fills in the request's fields.
pub(super) fn new_message(channel_id: &str, author: Value) -> Value {
    let mut message = fixtures::message(1, author, "");
    message["channel_id"] = json!(channel_id);
    message
}

// Fields the fake keeps on stored messages for its own lookups.
pub(super) fn strip_private(mut message: Value) -> Value {
    if let Some(obj) = message.as_object_mut() {
        obj.remove("webhook_token");
    }
    message
}

/// An uploaded file the fake serves at its URL path: (path, (content type, bytes)).
pub(super) type Hosted = (String, (String, Vec<u8>));

/// Copy the fields of a create/edit request that show up in the resulting `Message`. The
/// request shape (serenity's builders) differs from the `Message` shape only for attachments,
/// which are turned into full `Attachment` objects; their bytes are returned so the fake can
/// serve them at the attachment's URL.
pub(super) fn apply(
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
