//! The names that tie a flow's questions, its answers and the records built from them
//! together: every step key, every context key a flow can start with, and the stored values
//! of answers that steer a flow. Adapters use these too (a command option that answers a
//! question upfront, a button that carries an answer), so each name is written once, here.

/// The AI system a record concerns (incident, override, concern).
pub const AI_SYSTEM: &str = "ai_system";
/// A short title (incident, concern).
pub const TITLE: &str = "title";

// Incident report.
pub const WHAT_HAPPENED: &str = "what_happened";
pub const OCCURRED_AT: &str = "occurred_at";
pub const AFFECTED_PARTIES: &str = "affected_parties";
pub const INCIDENT_KIND: &str = "kind";
pub const SEVERITY: &str = "severity";
pub const HARM_CATEGORIES: &str = "harm_categories";
pub const SERIOUS: &str = "serious";
pub const ORGANISATION_ROLE: &str = "organisation_role";
pub const AWARE_AT: &str = "aware_at";
pub const CAUSAL_LINK_AT: &str = "causal_link_at";
pub const MEMBER_STATES: &str = "member_states";

// Human override.
pub const CASE_REFERENCE: &str = "case_reference";
pub const AI_OUTPUT: &str = "ai_output";
pub const FINAL_DECISION: &str = "final_decision";
pub const REASON: &str = "reason";
pub const OVERRIDE_ACTION: &str = "action";
pub const REASON_CATEGORY: &str = "reason_category";
pub const AFFECTED_PERSON_INFORMED: &str = "affected_person_informed";
pub const OUTPUT_TOOK_EFFECT: &str = "output_took_effect";
pub const OVERSEER_AUTHORITY: &str = "authority";
pub const INTERVENED_AT: &str = "intervened_at";
pub const SYSTEM_VERSION: &str = "system_version";
pub const LOG_REFERENCE: &str = "log_reference";
pub const AFFECTED_PERSON_TOLD: &str = "affected_person_told";

// Attestation answer.
pub const ANSWER: &str = "answer";
pub const DECLINED_REASON: &str = "declined_reason";

// Confidential concern.
pub const ANONYMITY: &str = "anonymity";
pub const CONCERN: &str = "concern";

// AI system registration.
pub const NAME: &str = "name";
pub const PURPOSE: &str = "purpose";
pub const VENDOR: &str = "vendor";
pub const MODEL: &str = "model";
pub const HUMAN_OVERSIGHT_POINT: &str = "human_oversight_point";
pub const LIFECYCLE_STAGE: &str = "lifecycle_stage";
pub const RISK_CLASS: &str = "risk_class";
pub const AUTONOMY_LEVEL: &str = "autonomy_level";
pub const DATA_CATEGORIES: &str = "data_categories";

/// Stored answers that steer a flow.
pub mod values {
    /// "No harm", offered first among the harm categories.
    pub const NO_HARM: &str = "none";
    /// "Not a serious incident".
    pub const NOT_SERIOUS: &str = "not_serious";
    /// An infringement of fundamental rights, whose Member States decide whether it is
    /// widespread (EU AI Act Art. 3(61)).
    pub const FUNDAMENTAL_RIGHTS: &str = "fundamental_rights";
    /// Attestation answers.
    pub const ATTEST: &str = "attest";
    pub const NOT_YET: &str = "not_yet";
    pub const DECLINE: &str = "decline";
    /// Whether a concern is raised with a name.
    pub const NAMED: &str = "named";
    pub const ANONYMOUS: &str = "anonymous";
    /// The affected person was told.
    pub const INFORMED: &str = "yes";
    /// "No personal or sensitive data", offered first among data categories.
    pub const NO_DATA: &str = "none";
    /// The risk classes for which EU AI Act Art. 14 requires human oversight.
    pub const HIGH_RISK_CLASSES: &[&str] = &["high_risk_annex_iii", "high_risk_annex_i"];
}

/// Facts a flow starts with, kept in the session's context.
pub mod context {
    /// A link to the chat message an incident report started from.
    pub const SOURCE_LINK: &str = "source_link";
    /// An incident an override is linked to (`INC-…`).
    pub const LINKED_INCIDENT: &str = "linked_incident";
    /// The AI's confidence in an overridden output, 0 to 1.
    pub const CONFIDENCE: &str = "confidence";
    /// The overseer's mandate, in their words (a role, a delegation).
    pub const MANDATE: &str = "mandate";
    /// The attestation being answered (`ATT-…`).
    pub const ATTESTATION: &str = "attestation";
    /// The follow-up handle an anonymous reporter is given when the concern is confirmed.
    pub const FOLLOW_UP_HANDLE: &str = "follow_up_handle";
}
