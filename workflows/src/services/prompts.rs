//! Guided prompts as a use case: start one (checking who may), move it on by one input, and
//! store what a confirmed prompt produced exactly once, with the messages it owes.
//!
//! Sessions live in storage between interactions, so a restart, another replica or a late
//! click continues where the person left off. A confidential concern is different: its draft
//! never holds who is typing (only a keyed hash), its id is a keyed hash of the interaction
//! that started it, and it is deleted without trace when it ends.

use std::sync::Arc;

use crate::access::Permission;
use crate::ai_act::Clocks;
use crate::flow::keys::{self, context, values};
use crate::flow::{
    self, Closed, Completion, FlowContext, FlowKind, Input, InputKind, InventoryEntry, Outcome,
    Problem, Prompt, Session, SessionOwner,
};
use crate::outbox::OwedMessage;
use crate::ports::{NameSearch, NewRecord, RecordChange, RecordQuery, SessionEnd, StoreError};
use crate::records::Record;
use crate::{Actor, GuildId, RecordKind, Reference, StoredRecord};

use super::{Caller, Deps, ServiceError};

/// How a prompt starts: which flow, in answer to which request, with what is known already.
#[derive(Debug, Clone)]
pub struct StartPrompt {
    pub flow: FlowKind,
    /// The request that starts it (a chat interaction id): a replayed request finds the same
    /// prompt instead of starting another.
    pub request_id: String,
    /// Prefilled text for form steps.
    pub drafts: Vec<(&'static str, String)>,
    /// Facts the flow starts with ([`keys::context`]).
    pub context: Vec<(&'static str, String)>,
    /// Answers given upfront (command options), checked like any other answer.
    pub answers: Vec<(String, Vec<String>)>,
}

/// Whether the compliance team will hear of a new record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplianceNotice {
    /// A notice to the guild's compliance channel is queued with the record.
    Queued,
    /// The guild has no compliance channel: nobody was notified automatically.
    NoChannel,
    /// Records of this kind are not announced.
    NotAnnounced,
}

/// A record a prompt stored.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub record: StoredRecord,
    /// It had been stored before (a second click, a replay): nothing new was written.
    pub replayed: bool,
    pub compliance: ComplianceNotice,
    /// An incident's reporting clocks, as its facts give them.
    pub clocks: Option<Clocks>,
    /// The follow-up handle of an anonymous concern, shown once.
    pub follow_up_handle: Option<String>,
}

/// What the person sees next.
// Built and rendered once per interaction: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum PromptView {
    /// A question, a form or the summary to confirm, after any refused answers.
    Ask {
        session: String,
        flow: FlowKind,
        prompt: Prompt,
        problems: Vec<Problem>,
        /// An anonymous concern's follow-up handle, shown with its summary so the reporter
        /// has it before anything is stored.
        follow_up_handle: Option<String>,
    },
    Recorded(Recorded),
    /// A change was recorded on an existing record (an attestation answered).
    Updated(StoredRecord),
    /// Confirmed with nothing to record (an attestation left pending).
    Noted,
    Cancelled,
    /// The prompt cannot move any more (recorded, cancelled or expired earlier).
    Closed(Closed),
    /// The prompt no longer exists: it ended (confirmed or not) and its draft was deleted.
    Gone,
}

/// Guided prompts.
#[derive(Debug, Clone)]
pub struct Prompts {
    deps: Arc<Deps>,
}

/// Who may start each flow.
fn permission(flow: FlowKind) -> Permission {
    match flow {
        FlowKind::IncidentReport => Permission::ReportIncident,
        FlowKind::HumanOverride => Permission::LogOverride,
        FlowKind::AttestationAnswer => Permission::AnswerAttestation,
        FlowKind::Concern => Permission::RaiseConcern,
        FlowKind::AiSystemRegistration => Permission::RegisterAiSystem,
    }
}

/// Whether a session is a concern whose reporter chose anonymity.
fn is_anonymous(session: &Session) -> bool {
    session.flow == FlowKind::Concern && session.answer(keys::ANONYMITY) == Some(values::ANONYMOUS)
}

impl Prompts {
    pub(crate) fn new(deps: Arc<Deps>) -> Self {
        Self { deps }
    }

    /// Opens a prompt (or finds it again, when its request is replayed) with any upfront
    /// answers applied, and says what to ask first.
    pub async fn start(
        &self,
        caller: &Caller,
        start: StartPrompt,
    ) -> Result<PromptView, ServiceError> {
        let deps = &self.deps;
        deps.tenant(&caller.guild)?;
        let flow = start.flow;
        caller.require(permission(flow))?;
        let now = deps.clock.now();
        let (id, owner) = if flow == FlowKind::Concern {
            // Nothing in a concern's draft may say who is typing or when they began.
            (
                deps.keyed.interaction("concern", &start.request_id),
                SessionOwner::Keyed {
                    keyed: deps.keyed.person(&caller.actor),
                },
            )
        } else {
            (
                start.request_id.clone(),
                SessionOwner::Person(caller.actor.clone()),
            )
        };
        let mut session = Session::new(
            id,
            flow,
            caller.guild.clone(),
            owner,
            now,
            deps.policy.session_ttl,
        );
        for (key, text) in start.drafts {
            session = session.with_draft(key, text);
        }
        for (key, value) in start.context {
            session = session.with_context(key, value);
        }
        if flow == FlowKind::Concern {
            session = session.with_context(context::FOLLOW_UP_HANDLE, new_follow_up_handle());
        }
        let inventory = self.inventory(&session, Some(&start.answers)).await?;
        let ctx = self.flow_context(&caller.actor, &inventory);
        let (prompt, problems) = if start.answers.is_empty() {
            (flow::current_prompt(&session, &ctx), Vec::new())
        } else {
            match flow::advance(&mut session, Input::Answers(start.answers), &ctx) {
                Outcome::Next(prompt) => (prompt, Vec::new()),
                Outcome::Invalid { problems, retry } => (retry, problems),
                // A fresh session is open and unexpired: answers move it or are refused.
                _ => (flow::current_prompt(&session, &ctx), Vec::new()),
            }
        };
        let stored = deps.sessions.open_session(session.clone()).await?;
        if stored != session {
            // A replayed start: the prompt is under way; show where it stands.
            return self.view_of(&stored, &caller.actor).await;
        }
        Ok(self.ask(&stored, prompt, problems))
    }
}

impl StartPrompt {
    pub fn new(flow: FlowKind, request_id: impl Into<String>) -> Self {
        Self {
            flow,
            request_id: request_id.into(),
            drafts: Vec::new(),
            context: Vec::new(),
            answers: Vec::new(),
        }
    }
}

impl Prompts {
    /// Where a prompt stands, without changing it.
    pub async fn current(
        &self,
        session_id: &str,
        actor: &Actor,
    ) -> Result<PromptView, ServiceError> {
        let Some(session) = self.deps.sessions.session(session_id).await? else {
            return Ok(PromptView::Gone);
        };
        self.deps.tenant(&session.guild)?;
        self.check_owner(&session, actor)?;
        self.view_of(&session, actor).await
    }

    /// Moves a prompt on by one input from `actor`.
    pub async fn advance(
        &self,
        session_id: &str,
        actor: &Actor,
        input: Input,
    ) -> Result<PromptView, ServiceError> {
        let deps = &self.deps;
        let Some(mut session) = deps.sessions.session(session_id).await? else {
            return Ok(PromptView::Gone);
        };
        deps.tenant(&session.guild)?;
        self.check_owner(&session, actor)?;
        let answers = match &input {
            Input::Answers(answers) => Some(answers),
            _ => None,
        };
        let inventory = self.inventory(&session, answers).await?;
        let ctx = self.flow_context(actor, &inventory);
        match flow::advance(&mut session, input, &ctx) {
            Outcome::Closed(closed) => Ok(PromptView::Closed(closed)),
            Outcome::Cancelled => {
                if session.flow == FlowKind::Concern {
                    deps.sessions.discard_session(&session.id).await?;
                } else {
                    self.save_or_current(session, actor, |_| PromptView::Cancelled)
                        .await?;
                }
                Ok(PromptView::Cancelled)
            }
            Outcome::Next(prompt) => {
                let view = self.ask(&session, prompt, Vec::new());
                self.save_or_current(session, actor, |_| view).await
            }
            Outcome::Invalid { problems, retry } => {
                let view = self.ask(&session, retry, problems);
                self.save_or_current(session, actor, |_| view).await
            }
            Outcome::Done(completion) => self.complete(session, actor, completion).await,
        }
    }

    /// Deletes a prompt that could not be shown (a direct message that did not arrive).
    pub async fn abandon(&self, session_id: &str) -> Result<(), ServiceError> {
        self.deps.sessions.discard_session(session_id).await?;
        Ok(())
    }

    /// Deletes every expired prompt, without trace; returns how many.
    pub async fn reap_expired(&self) -> Result<u64, ServiceError> {
        Ok(self
            .deps
            .sessions
            .reap_sessions(self.deps.clock.now())
            .await?)
    }

    fn check_owner(&self, session: &Session, actor: &Actor) -> Result<(), ServiceError> {
        let open = flow::closed(session, self.deps.clock.now()).is_none();
        if open && !session.owner.is(actor, &self.deps.keyed) {
            return Err(ServiceError::NotYours { reference: None });
        }
        Ok(())
    }

    fn flow_context<'a>(&self, actor: &'a Actor, inventory: &'a Inventory) -> FlowContext<'a> {
        FlowContext {
            now: self.deps.clock.now(),
            time_zone: self.deps.policy.time_zone,
            actor,
            inventory: &inventory.entries,
            inventory_is_partial: inventory.partial,
            require_registered_system: self.deps.policy.require_registered_ai_system,
        }
    }

    fn ask(&self, session: &Session, prompt: Prompt, problems: Vec<Problem>) -> PromptView {
        let follow_up_handle = (is_anonymous(session) && matches!(prompt, Prompt::Summary { .. }))
            .then(|| session.context.get(context::FOLLOW_UP_HANDLE).cloned())
            .flatten();
        PromptView::Ask {
            session: session.id.clone(),
            flow: session.flow,
            prompt,
            problems,
            follow_up_handle,
        }
    }

    /// The view of a stored session as it stands.
    async fn view_of(&self, session: &Session, actor: &Actor) -> Result<PromptView, ServiceError> {
        if let Some(closed) = flow::closed(session, self.deps.clock.now()) {
            return Ok(PromptView::Closed(closed));
        }
        let inventory = self.inventory(session, None).await?;
        let ctx = self.flow_context(actor, &inventory);
        let prompt = flow::current_prompt(session, &ctx);
        Ok(self.ask(session, prompt, Vec::new()))
    }

    /// Saves a moved session; if someone moved it meanwhile (a double click), shows where it
    /// stands now instead.
    async fn save_or_current(
        &self,
        session: Session,
        actor: &Actor,
        view: impl FnOnce(&Session) -> PromptView,
    ) -> Result<PromptView, ServiceError> {
        let id = session.id.clone();
        match self.deps.sessions.save_session(session).await {
            Ok(saved) => Ok(view(&saved)),
            Err(StoreError::Conflict(_)) => match self.deps.sessions.session(&id).await? {
                Some(current) => self.view_of(&current, actor).await,
                None => Ok(PromptView::Gone),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Stores what a confirmed session produced, once.
    async fn complete(
        &self,
        mut session: Session,
        actor: &Actor,
        completion: Completion,
    ) -> Result<PromptView, ServiceError> {
        let deps = &self.deps;
        let now = deps.clock.now();
        match completion {
            Completion::Create(mut record) => {
                if let Record::HumanOverride(logged) = &mut record {
                    let intervened = logged.intervened_at.unwrap_or(now);
                    let check = deps
                        .training_check(&session.guild, actor, &logged.ai_system, intervened)
                        .await?;
                    logged.overseer_training = Some(check);
                }
                let anonymous = is_anonymous(&session);
                let compliance = self.compliance_notice(&session.guild, &record)?;
                let handle = anonymous
                    .then(|| session.context.get(context::FOLLOW_UP_HANDLE).cloned())
                    .flatten();
                let new = NewRecord {
                    guild: session.guild.clone(),
                    // Nothing identifies an anonymous reporter: not the event's actor, and no
                    // key derived from the request.
                    actor: if anonymous {
                        Actor::anonymous()
                    } else {
                        actor.clone()
                    },
                    at: now,
                    record,
                    idempotency_key: (!anonymous).then(|| format!("session:{}", session.id)),
                    owed: match compliance {
                        ComplianceNotice::Queued => vec![OwedMessage::ComplianceNotice],
                        _ => Vec::new(),
                    },
                };
                let end = if anonymous {
                    SessionEnd::Discard
                } else {
                    SessionEnd::Keep
                };
                let id = session.id.clone();
                match deps.sessions.complete_session(session, new, end).await {
                    Ok((_, committed)) => {
                        if !committed.replayed && compliance == ComplianceNotice::Queued {
                            deps.waker.wake();
                        }
                        // The record is committed: a failed read of its AI system must not
                        // turn the reply into an error, so the clocks are then left out.
                        let clocks = deps.clocks(&committed.record).await.unwrap_or(None);
                        Ok(PromptView::Recorded(Recorded {
                            clocks,
                            record: committed.record,
                            replayed: committed.replayed,
                            compliance,
                            follow_up_handle: handle,
                        }))
                    }
                    // Confirmed meanwhile by another click, or ended.
                    Err(StoreError::Conflict(_)) => match deps.sessions.session(&id).await? {
                        Some(current) => self.view_of(&current, actor).await,
                        None => Ok(PromptView::Gone),
                    },
                    Err(e) => Err(e.into()),
                }
            }
            Completion::Update { reference, change } => {
                let committed = deps
                    .store
                    .change(RecordChange {
                        guild: session.guild.clone(),
                        reference,
                        actor: actor.clone(),
                        at: now,
                        change,
                        idempotency_key: Some(format!("session:{}", session.id)),
                        owed: Vec::new(),
                    })
                    .await?;
                session.result = Some(reference);
                // The change is stored; a session that cannot be saved now only loses the
                // "already recorded" answer to a later click.
                let _ = deps.sessions.save_session(session).await;
                Ok(PromptView::Updated(committed.record))
            }
            Completion::Nothing => {
                let _ = deps.sessions.save_session(session).await;
                Ok(PromptView::Noted)
            }
        }
    }

    /// Whether a new record is announced to the compliance team of its guild.
    fn compliance_notice(
        &self,
        guild: &GuildId,
        record: &Record,
    ) -> Result<ComplianceNotice, ServiceError> {
        if !matches!(record, Record::Incident(_) | Record::Concern(_)) {
            return Ok(ComplianceNotice::NotAnnounced);
        }
        Ok(if self.deps.tenant(guild)?.compliance_channel {
            ComplianceNotice::Queued
        } else {
            ComplianceNotice::NoChannel
        })
    }

    /// The AI systems this input may name, found by indexed lookups: what was typed for an
    /// AI system step, and the system already answered (for the summary).
    async fn inventory(
        &self,
        session: &Session,
        answers: Option<&Vec<(String, Vec<String>)>>,
    ) -> Result<Inventory, ServiceError> {
        let store = &self.deps.store;
        let flow = session.flow();
        let system_keys: Vec<&str> = flow
            .steps
            .iter()
            .filter(|s| matches!(s.kind, InputKind::AiSystem))
            .map(|s| s.key)
            .collect();
        let mut inventory = Inventory::default();
        if system_keys.is_empty() {
            return Ok(inventory);
        }
        let mut wanted: Vec<String> = system_keys
            .iter()
            .filter_map(|key| session.answer(key).map(str::to_owned))
            .collect();
        let mut typed_unknown = false;
        for (key, values) in answers.into_iter().flatten() {
            if system_keys.contains(&key.as_str())
                && let Some(text) = values.first().map(|t| t.trim()).filter(|t| !t.is_empty())
            {
                wanted.push(text.to_owned());
            }
        }
        for text in wanted {
            let found = match Reference::parse_as(&text, RecordKind::AiSystem) {
                Ok(reference) => store.record(&session.guild, &reference).await?,
                Err(_) => store
                    .records_named(
                        &session.guild,
                        RecordKind::AiSystem,
                        &NameSearch::Exactly(text.clone()),
                        1,
                    )
                    .await?
                    .into_iter()
                    .next(),
            };
            match found {
                Some(record) => inventory.add(&record),
                None => typed_unknown = true,
            }
        }
        if typed_unknown && self.deps.policy.require_registered_ai_system {
            // For the refusal to list what is registered.
            const SHOWN: u32 = 10;
            let some = store
                .records(&RecordQuery {
                    guild: Some(session.guild.clone()),
                    kind: Some(RecordKind::AiSystem),
                    limit: SHOWN + 1,
                    ..RecordQuery::default()
                })
                .await?;
            inventory.partial = some.len() > SHOWN as usize;
            for record in some.iter().take(SHOWN as usize) {
                inventory.add(record);
            }
        }
        Ok(inventory)
    }
}

/// The AI systems a prompt step may resolve against.
#[derive(Debug, Default)]
struct Inventory {
    entries: Vec<InventoryEntry>,
    partial: bool,
}

impl Inventory {
    fn add(&mut self, record: &StoredRecord) {
        if self.entries.iter().all(|e| e.reference != record.reference) {
            self.entries.push(InventoryEntry {
                reference: record.reference,
                name: record.record.title(),
            });
        }
    }
}

/// A follow-up handle: 12 characters from an alphabet without look-alikes (60 bits).
fn new_follow_up_handle() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    // 12 × 5 bits from the 122 random bits of a v4 UUID (its version bits skipped).
    let bits = u128::from_be_bytes(bytes);
    let chars: String = (0..12)
        .map(|i| ALPHABET[((bits >> (i * 5)) & 0x1F) as usize] as char)
        .collect();
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}
