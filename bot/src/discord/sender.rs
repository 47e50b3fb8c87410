//! Delivers the outbox's messages to Discord: a notice posted to a guild's compliance channel,
//! a direct message that asks someone to attest. Each channel message carries a nonce with
//! `enforce_nonce`, so a retry after a crash or a timeout posts it once.
//!
//! Against Discord itself serenity's rate limiter paces every request from the response
//! headers. Behind `discord.api_base_url` that limiter is off, so the sender paces itself
//! ([`Pacer`]), waiting out 429s as told. Failures are sorted for the retry policy: 5xx and
//! timeouts are worth another try; a refusal (403 from a user who closed their direct
//! messages, an unknown channel) is not, so the bot never runs into Discord's limit on invalid
//! requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aimsbot_workflows::ai_act::Clocks;
use aimsbot_workflows::outbox::{Message, SendOutcome};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::AttestationStatus;
use aimsbot_workflows::services::delivery::Due;
use aimsbot_workflows::{Platform, StoredRecord};
use async_trait::async_trait;
use serenity::all::{
    ChannelId, CreateMessage, Http, HttpError, LightMethod, Nonce, Request, Route,
};

use super::pacing::Pacer;
use super::render::{self, no_mentions};
use super::{DiscordConfig, DiscordLink, identity, text};
use crate::delivery::Sender;

/// How often a 429 is waited out in place before the job is handed back for later.
const RATE_LIMITS_WAITED_OUT: usize = 3;
/// A wait longer than this goes back to the queue instead of holding the worker.
const LONGEST_WAIT_IN_PLACE: Duration = Duration::from_secs(30);
/// How many users' direct-message channels are remembered (saves a request per message).
const DM_CHANNELS_REMEMBERED: usize = 10_000;

/// How requests reach Discord.
#[derive(Debug)]
pub enum Transport {
    /// Discord itself: serenity's rate limiter paces.
    Discord,
    /// A Discord-compatible proxy or test double: aimsbot paces from the headers.
    Paced {
        client: reqwest::Client,
        base: String,
        pacer: Pacer,
    },
}

/// Sends what the outbox owes through Discord.
#[derive(Debug)]
pub struct DiscordSender {
    link: Arc<DiscordLink>,
    config: Arc<DiscordConfig>,
    transport: Transport,
    dm_channels: Mutex<HashMap<u64, ChannelId>>,
}

impl DiscordSender {
    pub fn new(link: Arc<DiscordLink>, config: Arc<DiscordConfig>, transport: Transport) -> Self {
        Self {
            link,
            config,
            transport,
            dm_channels: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl Sender for DiscordSender {
    async fn send(&self, due: &Due) -> SendOutcome {
        let Some(http) = self.link.http() else {
            return SendOutcome::Transient {
                reason: "not connected to Discord yet".to_owned(),
            };
        };
        let result = match &due.job.message {
            Message::ComplianceNotice { reference } => {
                self.compliance_notice(&http, due, *reference, text::compliance_notice)
                    .await
            }
            Message::AssessmentNotice { reference } => {
                self.compliance_notice(&http, due, *reference, text::assessment_notice)
                    .await
            }
            Message::AttestationRequest { reference, person } => {
                if person.platform != Platform::Discord {
                    return rejected(format!("{} is not a Discord user", person.display_name));
                }
                let Some(user) = person
                    .platform_user_id
                    .parse::<u64>()
                    .ok()
                    .filter(|u| *u != 0)
                else {
                    return rejected(format!(
                        "`{}` is not a Discord user id",
                        person.platform_user_id
                    ));
                };
                self.attestation_request(&http, due, *reference, user).await
            }
        };
        match result {
            Ok(detail) => SendOutcome::Sent { detail },
            Err(outcome) => outcome,
        }
    }
}

fn rejected(reason: String) -> SendOutcome {
    SendOutcome::Rejected { reason }
}

/// The nonce Discord deduplicates a retried message by (at most 25 characters).
fn nonce(job_id: i64) -> Nonce {
    Nonce::String(format!("aims-job-{job_id}"))
}

impl DiscordSender {
    /// Posts to the guild's compliance channel what `content` says of the record.
    async fn compliance_notice(
        &self,
        http: &Http,
        due: &Due,
        reference: aimsbot_workflows::Reference,
        content: fn(&StoredRecord, Option<&Clocks>) -> Option<String>,
    ) -> Result<String, SendOutcome> {
        let guild = due.job.guild.as_str();
        let Some(channel) = identity::discord_guild(&due.job.guild)
            .and_then(|g| self.config.guilds.get(&g.get()))
            .and_then(|g| g.compliance_channel_id)
        else {
            return Err(rejected(format!(
                "no compliance channel is configured for guild {guild}"
            )));
        };
        let Some(record) = &due.record else {
            return Err(rejected(format!("{reference} is not stored")));
        };
        let Some(content) = content(record, due.clocks.as_ref()) else {
            return Err(rejected(format!("{reference} is not announced")));
        };
        let message = CreateMessage::new()
            .content(render::fit(content))
            .allowed_mentions(no_mentions())
            .nonce(nonce(due.job.id))
            .enforce_nonce(true);
        let channel = ChannelId::new(channel);
        let posted = self.post_message(http, channel, &message).await?;
        Ok(format!(
            "message {} in channel {channel}",
            message_id(&posted)
        ))
    }

    async fn attestation_request(
        &self,
        http: &Http,
        due: &Due,
        reference: aimsbot_workflows::Reference,
        user: u64,
    ) -> Result<String, SendOutcome> {
        let Some(record) = &due.record else {
            return Err(rejected(format!("{reference} is not stored")));
        };
        if let Record::Attestation(attestation) = &record.record
            && attestation.status != AttestationStatus::Pending
        {
            // Answered already (from `/attest pending`): asking again would only confuse.
            return Ok(format!("not sent: {reference} was already answered"));
        }
        let channel = self.dm_channel(http, user).await?;
        let message = attestation_message(record)
            .nonce(nonce(due.job.id))
            .enforce_nonce(true);
        let posted = self.post_message(http, channel, &message).await?;
        Ok(format!(
            "direct message {} to user {user}",
            message_id(&posted)
        ))
    }

    /// The direct-message channel with `user`, opened once and remembered.
    async fn dm_channel(&self, http: &Http, user: u64) -> Result<ChannelId, SendOutcome> {
        if let Some(channel) = self.dm_channels_lock().get(&user) {
            return Ok(*channel);
        }
        let body = serde_json::json!({ "recipient_id": user.to_string() });
        let opened = self.post(http, Route::UserMeDmChannels, &body).await?;
        let channel = opened
            .get("id")
            .and_then(|id| id.as_str())
            .and_then(|id| id.parse::<u64>().ok())
            .filter(|id| *id != 0)
            .map(ChannelId::new)
            .ok_or_else(|| SendOutcome::Transient {
                reason: "Discord answered a direct-message channel without an id".to_owned(),
            })?;
        let mut remembered = self.dm_channels_lock();
        if remembered.len() >= DM_CHANNELS_REMEMBERED {
            remembered.clear();
        }
        remembered.insert(user, channel);
        Ok(channel)
    }

    fn dm_channels_lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, ChannelId>> {
        self.dm_channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn post_message(
        &self,
        http: &Http,
        channel: ChannelId,
        message: &CreateMessage,
    ) -> Result<serde_json::Value, SendOutcome> {
        self.post(
            http,
            Route::ChannelMessages {
                channel_id: channel,
            },
            message,
        )
        .await
    }

    /// POSTs `body` to `route`, through the transport.
    async fn post(
        &self,
        http: &Http,
        route: Route<'_>,
        body: &impl serde::Serialize,
    ) -> Result<serde_json::Value, SendOutcome> {
        let bytes = serde_json::to_vec(body).map_err(|e| SendOutcome::Transient {
            reason: format!("could not encode the message: {e}"),
        })?;
        match &self.transport {
            Transport::Discord => {
                let request = Request::new(route, LightMethod::Post).body(Some(bytes));
                match http.request(request).await {
                    Ok(response) => response.json().await.map_err(|e| SendOutcome::Transient {
                        reason: format!("Discord's answer could not be read: {e}"),
                    }),
                    Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(error))) => {
                        Err(classify(error.status_code.as_u16(), &error.error.message))
                    }
                    Err(e) => Err(SendOutcome::Transient {
                        reason: e.to_string(),
                    }),
                }
            }
            Transport::Paced {
                client,
                base,
                pacer,
            } => {
                self.post_paced(http, client, base, pacer, route, bytes)
                    .await
            }
        }
    }

    async fn post_paced(
        &self,
        http: &Http,
        client: &reqwest::Client,
        base: &str,
        pacer: &Pacer,
        route: Route<'_>,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, SendOutcome> {
        let key = format!("POST {}", route.path());
        let mut waited_out = 0;
        loop {
            let wait = pacer.delay(&key);
            if wait > LONGEST_WAIT_IN_PLACE {
                return Err(SendOutcome::RateLimited {
                    retry_after: chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX),
                });
            }
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let request = Request::new(route, LightMethod::Post)
                .body(Some(bytes.clone()))
                .build(client, http.token(), Some(base))
                .map_err(|e| SendOutcome::Transient {
                    reason: format!("could not build the request: {e}"),
                })?;
            let response = request.send().await.map_err(|e| SendOutcome::Transient {
                reason: format!("request failed: {e}"),
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body: Option<serde_json::Value> = response.json().await.ok();
            let limited = pacer.observe(&key, status, &headers, body.as_ref());
            if (200..300).contains(&status) {
                return body.ok_or_else(|| SendOutcome::Transient {
                    reason: format!("{status} without a readable body"),
                });
            }
            if let Some(limited) = limited {
                waited_out += 1;
                if waited_out < RATE_LIMITS_WAITED_OUT {
                    continue;
                }
                return Err(SendOutcome::RateLimited {
                    retry_after: chrono::Duration::from_std(limited.retry_after)
                        .unwrap_or(chrono::Duration::seconds(1)),
                });
            }
            let message = body
                .as_ref()
                .and_then(|b| b.get("message"))
                .and_then(|m| m.as_str())
                .unwrap_or_default()
                .to_owned();
            return Err(classify(status, &message));
        }
    }
}

/// Sorts a failed request for the retry policy. A 429's own wait is kept by whatever paces the
/// requests (serenity's limiter or the [`Pacer`](super::pacing::Pacer)); the job comes back
/// after a second and waits there.
fn classify(status: u16, message: &str) -> SendOutcome {
    let reason = if message.is_empty() {
        format!("Discord answered {status}")
    } else {
        format!("Discord answered {status}: {message}")
    };
    match status {
        429 => SendOutcome::RateLimited {
            retry_after: chrono::Duration::seconds(1),
        },
        401 => {
            tracing::error!("Discord refused the bot token (401): check discord.token");
            SendOutcome::Rejected { reason }
        }
        400..=499 => SendOutcome::Rejected { reason },
        _ => SendOutcome::Transient { reason },
    }
}

fn message_id(message: &serde_json::Value) -> &str {
    message.get("id").and_then(|id| id.as_str()).unwrap_or("?")
}

/// The direct message that asks someone to attest, with the buttons that answer it.
fn attestation_message(record: &StoredRecord) -> CreateMessage {
    CreateMessage::new()
        .content(render::fit(text::attestation_request(
            &render::attestation_line(record),
        )))
        .components(vec![render::attestation_buttons(
            &record.guild,
            record.reference,
        )])
        .allowed_mentions(no_mentions())
}
