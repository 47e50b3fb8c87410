//! Every sentence the Discord adapter says, in one place: refusals and failures, what a
//! prompt's end looks like, command answers, notices and direct messages. Text a person typed
//! is always passed through [`escape`] before it is put in a sentence.

use aimsbot_workflows::ai_act::ReportingDeadline;
use aimsbot_workflows::flow::{Closed, Problem};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::AttestationStatus;
use aimsbot_workflows::services::ServiceError;
use aimsbot_workflows::services::attestations::{Answered, Requested};
use aimsbot_workflows::services::prompts::{ComplianceNotice, Recorded};
use aimsbot_workflows::{GuildId, Reference, StoredRecord, Timestamp};

use super::render::{discord_time, escape, truncate};

pub const WORKS_IN_A_SERVER: &str = "This command works in a server, not in direct messages.";

/// What the person is told when their request failed.
pub fn service_error(error: &ServiceError) -> String {
    match error {
        ServiceError::NotServed(guild) => not_served(guild),
        ServiceError::Refused(refusal) => refusal.message(),
        ServiceError::NotFound(reference) => format!("{reference} was not found in this server."),
        ServiceError::UnknownHandle => {
            "No concern has that follow-up handle. Check it and try again.".to_owned()
        }
        ServiceError::Invalid(problem) => format!(
            "**{}**: {}",
            escape(&problem.field),
            escape(&problem.message)
        ),
        ServiceError::Problems(problems) => problem_list(problems),
        ServiceError::NotYours {
            reference: Some(reference),
        } => format!(
            "{reference} belongs to someone else: only the person it was requested from can answer it."
        ),
        ServiceError::NotYours { reference: None } => {
            "This prompt belongs to someone else.".to_owned()
        }
        ServiceError::Directory(_) => {
            "I could not read this server's members from Discord just now, so nothing was requested. Please try again in a minute."
                .to_owned()
        }
        ServiceError::Store(e) => upper_first(&e.user_message()),
    }
}

/// The refusal for an interaction from a server aimsbot is not configured to serve.
pub fn not_served(guild: &GuildId) -> String {
    format!(
        "aimsbot does not serve this server (id {guild}): it is not in aimsbot's configuration, \
         so nothing was read or recorded. Whoever runs aimsbot can add it to `discord.guild_ids`."
    )
}

/// When the answer to an interaction could not be delivered.
pub const REPLY_FAILED: &str = "Discord did not accept my answer, so you may not have seen the result. \
    Anything you confirmed is stored: look it up before trying again.";

/// "Some answers need fixing" with one line per problem, each naming its question.
pub fn problem_list(problems: &[Problem]) -> String {
    let mut text = String::from("Some answers need fixing:\n");
    for problem in problems {
        let message = escape(&truncate(&problem.message, 300));
        match problem.question {
            Some(question) => text.push_str(&format!("• **{question}**: {message}\n")),
            None => text.push_str(&format!("• **{}**: {message}\n", escape(&problem.key))),
        }
    }
    text
}

pub const CONFIRM_BUTTON: &str = "Confirm";
pub const EDIT_BUTTON: &str = "Edit answers";
pub const CHANGE_CHOICES_BUTTON: &str = "Change choices";
pub const CANCEL_BUTTON: &str = "Cancel";
pub const CONTINUE_BUTTON: &str = "Continue";
pub const FIX_BUTTON: &str = "Fix answers";

pub const SUMMARY_INTRO: &str =
    "Please check your answers. Nothing is recorded until you confirm.\n";
pub const MORE_TO_TYPE: &str = "A few more answers to type.";
pub const FIX_TYPED: &str = "Nothing was recorded yet; what you typed is kept.";
pub const CHOOSE_ALL: &str = "\nChoose all that apply.";

pub fn question(number: usize, total: usize, label: &str) -> String {
    format!("Question {number} of {total}: **{label}**")
}

/// Shown with an anonymous concern's summary, before anything is stored.
pub fn handle_before_confirm(handle: &str) -> String {
    format!(
        "\nYou chose to stay anonymous. If you confirm, your follow-up handle is `{handle}`: \
         note it now. It is the only way back to your concern, and nothing that identifies you is stored.\n\
         **What aimsbot keeps:** the concern's text and a hash of the handle, never your \
         Discord id or name; while this draft is open, a keyed hash of your id checks that you are the \
         one continuing it, and it is erased when you confirm or cancel, or when the draft expires. \
         **What Discord keeps** is outside aimsbot: Discord itself knows which account sent these \
         interactions. Other members of the server do not see them."
    )
}

/// What the person sees once a prompt stored its record.
pub fn recorded(recorded: &Recorded) -> String {
    let stored = &recorded.record;
    let mut text = if recorded.replayed {
        format!("✅ This was already recorded as **{}**.", stored.reference)
    } else {
        format!(
            "✅ Recorded as **{}**: {}",
            stored.reference,
            escape(&truncate(&stored.record.title(), 200))
        )
    };
    if let Record::Incident(incident) = &stored.record
        && !incident.deadlines.is_empty()
    {
        text.push_str("\n\nYou assessed this as a **serious incident** under EU AI Act Art. 3(49) (your first assessment, not a legal finding). While it stands, the reporting deadlines, counted in calendar days from awareness, are:\n");
        for deadline in &incident.deadlines {
            text.push_str(&deadline_line(deadline));
            text.push('\n');
        }
    }
    if !recorded.replayed {
        match recorded.compliance {
            ComplianceNotice::Queued => {
                text.push_str("\nThe compliance team will be notified in their channel.");
            }
            ComplianceNotice::NoChannel => text.push_str(&format!(
                "\nNo compliance channel is configured for this server, so nobody was notified \
                 automatically: tell your compliance team about {}.",
                stored.reference
            )),
            ComplianceNotice::NotAnnounced => {}
        }
    }
    if let Some(handle) = &recorded.follow_up_handle {
        text.push_str(&format!(
            "\n\nYour concern was recorded **anonymously**: nothing that identifies you was stored. \
             Your follow-up handle is `{handle}`. Keep it: it is not shown again. \
             Use `/concern status handle:{handle}` to see replies and `/concern follow-up` to add information."
        ));
    }
    text
}

pub fn updated(reference: Reference) -> String {
    format!("✅ Recorded on **{reference}**.")
}

pub const NOTED: &str = "Noted. Nothing was recorded.";
pub const CANCELLED: &str = "Cancelled. Nothing was recorded.";

/// Why a prompt cannot move any more.
pub fn closed(closed: Closed) -> String {
    match closed {
        Closed::Recorded(reference) => format!("This was already recorded as **{reference}**."),
        Closed::Finished => "This prompt was already answered.".to_owned(),
        Closed::Cancelled => "This prompt was cancelled; nothing was recorded.".to_owned(),
        Closed::Expired(at) => format!(
            "This prompt expired at {} without being confirmed, so nothing was recorded from it. \
             Please start again with the same command.",
            discord_time(at)
        ),
    }
}

/// A prompt whose draft no longer exists.
pub fn gone(ttl: &str) -> String {
    format!(
        "This prompt has ended and its draft was deleted (prompts are kept for {ttl}). \
         Anything you confirmed was recorded; to report something new, start again."
    )
}

pub const CONCERN_DM_SENT: &str = "🔒 I've sent you a direct message to continue privately. \
    Nothing is recorded until you confirm there, and you can choose to stay anonymous.";
pub const CONCERN_DM_FAILED: &str = "I couldn't send you a direct message, so nothing was started. \
    Allow direct messages from server members (Privacy settings) and run `/concern raise` again.";

pub const CONCERN_ALREADY_STARTED: &str =
    "This concern was already started: continue in our direct messages.";

pub fn concern_followed_up(reference: Reference) -> String {
    format!("✅ Added to {reference}, still anonymously.")
}

pub fn concern_answered(reference: Reference) -> String {
    format!("✅ Your answer was added to {reference}.")
}

pub fn incident_updated(reference: Reference, status: Option<&str>) -> String {
    format!(
        "✅ {reference} updated: status {}.",
        status.unwrap_or("unchanged").replace('_', " ")
    )
}

pub const MY_INCIDENTS: &str = "**Your incidents**";
pub const ALL_INCIDENTS: &str = "**Incidents in this server**";
pub const NONE: &str = "None.";
pub const NO_SYSTEMS: &str = "None registered yet: `/aisystem register` adds one.";

pub fn newest_first(heading: &str, limit: u32) -> String {
    format!("{heading} (newest first, at most {limit})\n")
}

pub fn ai_systems_heading(limit: u32) -> String {
    format!("**AI systems** (at most {limit})\n")
}

pub const NOTHING_TO_ATTEST: &str = "You have nothing to attest. ✅";

pub fn to_attest(count: usize) -> String {
    format!("**You have {count} attestation(s) to answer**\n")
}

pub fn more_to_attest(more: usize) -> String {
    format!("…and {more} more: answer these first.")
}

pub fn nobody_holds(role: &str) -> String {
    format!(
        "Nobody holds the role {}: nothing was requested.",
        escape(role)
    )
}

pub fn attestations_requested(requested: &Requested, role: &str) -> String {
    let range = match (
        requested.attestations.first(),
        requested.attestations.last(),
    ) {
        (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    };
    let asked = requested.attestations.len();
    let role = escape(role);
    if requested.interrupted.is_some() {
        return format!(
            "⚠️ Storing the requests failed after {asked} of {} people holding {role} ({range}); \
             those were asked, the others not yet. Run the same command again to ask the others: \
             nobody is asked twice.",
            requested.people
        );
    }
    let earlier = asked - requested.created;
    match (requested.created, earlier) {
        (0, _) => format!(
            "All {asked} people holding {role} had already been asked to attest this version \
             ({range}): nobody was asked again. Everyone can answer with `/attest pending`."
        ),
        (created, 0) => format!(
            "✅ Requested from {created} people holding {role} ({range}). Each gets a direct \
             message from me shortly; everyone can also answer with `/attest pending`."
        ),
        (created, earlier) => format!(
            "✅ Requested from {created} more people holding {role} ({range}); {earlier} had \
             already been asked to attest this version and are not asked again. Each person \
             newly asked gets a direct message from me shortly; everyone can also answer with \
             `/attest pending`."
        ),
    }
}

pub fn attestation_answered(answered: &Answered) -> String {
    match answered {
        Answered::Recorded { reference, status } => match status {
            AttestationStatus::Declined => format!("✅ {reference} declined. Thank you."),
            _ => format!("✅ {reference} attested. Thank you."),
        },
        Answered::AlreadyAnswered { reference, status } => {
            format!("{reference} was already answered: {}.", status.label())
        }
        Answered::StillPending { reference } => format!(
            "Noted: {reference} stays pending. `/attest pending` lists what you still have to answer."
        ),
        Answered::NeedsReason { reference } => {
            format!("Say why you decline {reference}.")
        }
    }
}

pub const DECLINE_QUESTION: &str = "Why do you decline?";
pub const DECLINE_PLACEHOLDER: &str = "e.g. The policy contradicts our team's approved process";

pub fn decline_title(reference: Reference) -> String {
    format!("Decline {reference}")
}

pub fn attest_button(reference: Reference) -> String {
    format!("Attest {reference}")
}
pub const NOT_YET_BUTTON: &str = "Not yet";
pub const DECLINE_BUTTON: &str = "Decline…";
pub const DECLINE_WITH_REASON_BUTTON: &str = "Decline with a reason";

/// The direct message that asks someone to attest.
pub fn attestation_request(line: &str) -> String {
    format!("📝 Please attest this statement:\n{line}")
}

/// The compliance channel's notice of a new incident or concern.
pub fn compliance_notice(stored: &StoredRecord) -> Option<String> {
    Some(match &stored.record {
        Record::Incident(incident) => {
            let mut text = format!(
                "🚨 New AI incident **{}**: {}\nSeverity {} · {} · AI system {} · reported by {}",
                stored.reference,
                escape(&truncate(incident.title.as_str(), 200)),
                incident.severity.label(),
                incident.kind.label(),
                escape(&incident.ai_system.to_string()),
                escape(
                    incident
                        .reporter
                        .as_ref()
                        .map_or("anonymous", |r| r.display_name.as_str())
                ),
            );
            if !incident.deadlines.is_empty() {
                text.push_str(
                    "\n**Assessed as a serious incident** by the reporter (EU AI Act Art. 3(49)), a first assessment:",
                );
                for deadline in &incident.deadlines {
                    text.push('\n');
                    text.push_str(&deadline_line(deadline));
                }
            }
            text
        }
        Record::Concern(concern) => format!(
            "🔒 New confidential concern **{}**: {} ({}). `/concern show reference:{}` shows it.",
            stored.reference,
            escape(&truncate(concern.title.as_str(), 200)),
            if concern.reporter.is_some() {
                "named"
            } else {
                "anonymous"
            },
            stored.reference
        ),
        _ => return None,
    })
}

pub fn deadline_line(deadline: &ReportingDeadline) -> String {
    let when = if deadline.days == 0 {
        format!("immediately (by {})", discord_time(deadline.due_at))
    } else {
        format!(
            "within {} days, by {}",
            deadline.days,
            discord_time(deadline.due_at)
        )
    };
    format!("⏰ **{}**: {} — {when}", deadline.article, deadline.summary)
}

pub fn due(at: Timestamp) -> String {
    format!(", due {}", discord_time(at))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
