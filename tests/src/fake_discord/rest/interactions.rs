//! Answering interactions: the callback (`/interactions/{id}/{token}/callback`, at most one per
//! interaction), follow-ups (`POST /webhooks/{app}/{token}`) and reading, editing and deleting
//! the `@original` response and follow-ups (`/webhooks/{app}/{token}/messages/{id}`).
//!
//! Discord exempts these routes from the global rate limit, and so does the fake.

use serde_json::{Value, json};

use super::messages::{FLAG_LOADING, apply, new_message, strip_private};
use super::{Reply, Req, State, invalid_form_body};
use crate::fixtures::{self, sf};

impl Req<'_> {
    /// `/interactions/...`.
    pub(super) fn interactions(&self, st: &mut State, rest: &[&str]) -> Reply {
        match (self.method, rest) {
            ("POST", [id, token, "callback"]) => self.callback(st, id, token),
            _ => Reply::not_found(),
        }
    }

    /// `/webhooks/{app}/...`: only the application's own interaction webhooks exist.
    pub(super) fn webhooks(&self, st: &mut State, app: &str, rest: &[&str]) -> Reply {
        if app != sf(self.shared.config.application_id) {
            return Reply::error(404, 10015, "Unknown Webhook");
        }
        match (self.method, rest) {
            ("POST", [token]) => self.followup(st, token),
            (_, [token, "messages", message_id]) => self.webhook_message(st, token, message_id),
            _ => Reply::not_found(),
        }
    }

    fn callback(&self, st: &mut State, interaction_id: &str, token: &str) -> Reply {
        let Some(body) = self.body else {
            return invalid_form_body("type");
        };
        if st.acknowledged.contains(interaction_id) {
            return Reply::error(400, 40060, "Interaction has already been acknowledged.");
        }
        st.acknowledged.insert(interaction_id.to_owned());
        let channel_id = interaction_channel(st, token);
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
        let channel_id = interaction_channel(st, token);
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
                let uploads = self.edit(message);
                st.hosted.extend(uploads);
                // Editing a deferred response replaces the "thinking" state.
                let flags = message["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
                message["flags"] = json!(flags);
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
}

/// The channel of the interaction `token` belongs to, learnt when the test dispatched it.
fn interaction_channel(st: &State, token: &str) -> String {
    st.interaction_channels
        .get(token)
        .cloned()
        .unwrap_or_else(|| sf(fixtures::DEFAULT_CHANNEL_ID))
}
