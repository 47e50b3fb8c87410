//! Every sentence the Discord adapter says, in one place: refusals and failures, what a
//! prompt's end looks like, command answers, notices and direct messages. Text a person typed
//! is always passed through [`escape`] before it is put in a sentence.

use aimsbot_workflows::ai_act::{Clocks, Deadline, Immediately, MemberState, Recipient};
use aimsbot_workflows::flow::{Closed, Problem};
use aimsbot_workflows::records::Record;
use aimsbot_workflows::records::attestation::AttestationStatus;
use aimsbot_workflows::records::human_override::TrainingCheck;
use aimsbot_workflows::records::incident::{AuthorityReport, Incident, SeriousAssessment};
use aimsbot_workflows::services::ServiceError;
use aimsbot_workflows::services::attestations::{Answered, Requested};
use aimsbot_workflows::services::overrides::OverrideRate;
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
pub const CHOOSE_EACH: &str = "Choose an answer in each menu below.\n";

/// One question asked with buttons.
pub fn question(label: &str) -> String {
    format!("**{label}**")
}

/// Which screen of choices this is, when there are several.
pub fn screen(number: usize, total: usize) -> String {
    format!("Choices, screen {number} of {total}. ")
}

/// A question on a screen of choices, with what was picked so far.
pub fn choice_line(label: &str, chosen: &[&str], several: bool) -> String {
    let answer = if chosen.is_empty() {
        if several {
            "choose all that apply".to_owned()
        } else {
            "choose one".to_owned()
        }
    } else {
        format!("**{}**", chosen.join(", "))
    };
    format!("• {label} {answer}\n")
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
    if let (Record::Incident(incident), Some(clocks)) = (&stored.record, &recorded.clocks)
        && incident.is_serious()
    {
        text.push_str("\n\nYou assessed this as a **serious incident** under EU AI Act Art. 3(49) (your first assessment, not a legal finding; compliance confirms or revises it).\n");
        text.push_str(&clock_lines(incident, clocks));
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
pub fn compliance_notice(stored: &StoredRecord, clocks: Option<&Clocks>) -> Option<String> {
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
            if let Some(clocks) = clocks.filter(|_| incident.is_serious()) {
                text.push_str(
                    "\n**Assessed as a serious incident** by the reporter (EU AI Act Art. 3(49)), a first assessment: `/incident assess` confirms or revises it.\n",
                );
                text.push_str(&clock_lines(incident, clocks));
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

/// The compliance channel is told that an incident's assessment was confirmed or revised.
pub fn assessment_notice(stored: &StoredRecord, clocks: Option<&Clocks>) -> Option<String> {
    let Record::Incident(incident) = &stored.record else {
        return None;
    };
    let assessment = incident.assessment.as_ref()?;
    let mut text = format!(
        "⚖️ **{}**: {}\nSerious-incident assessment {} by {}: {}. `/incident show reference:{}` shows why.",
        stored.reference,
        escape(&truncate(incident.title.as_str(), 200)),
        assessment.stage.label().trim_start_matches("the "),
        escape(&assessment.decided_by.display_name),
        criteria(assessment),
        stored.reference,
    );
    if let Some(clocks) = clocks.filter(|_| incident.is_serious()) {
        text.push('\n');
        text.push_str(&clock_lines(incident, clocks));
    }
    Some(text)
}

/// "Death of a person; Serious harm to a person's health".
pub fn criteria(assessment: &SeriousAssessment) -> String {
    assessment
        .criteria
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join("; ")
}

/// An incident's reporting clocks: whether they are the law's or internal targets (and why),
/// then each deadline with what "immediately" hangs on and whether it was met.
pub fn clock_lines(incident: &Incident, clocks: &Clocks) -> String {
    let mut text = match &clocks.internal_because {
        None => format!(
            "**Reporting deadlines** (EU AI Act, calendar days from awareness on {}):",
            discord_time(incident.aware_at)
        ),
        Some(why) => format!(
            "**Internal targets, not legal deadlines**: {why}. The targets keep the Act's day \
             counts from awareness on {}:",
            discord_time(incident.aware_at)
        ),
    };
    if clocks.widespread {
        text.push_str(&format!(
            "\nInfringement of fundamental rights in {} Member States ({}): treated as a \
             widespread infringement (Art. 3(61)).",
            incident.member_states.len(),
            MemberState::join(&incident.member_states)
        ));
        if incident.member_states.len() < 3 {
            text.push_str(
                " With two, Art. 3(61)(a) applies when both differ from the Member State where \
                 it originated or where the provider or deployer is established; aimsbot does \
                 not know that one, so the shorter clock is shown.",
            );
        }
    }
    for deadline in &clocks.deadlines {
        text.push('\n');
        text.push_str(&deadline_line(incident, deadline));
    }
    text
}

fn deadline_line(incident: &Incident, deadline: &Deadline) -> String {
    let link = |what: &str| match incident.causal_link_at {
        Some(at) => format!(
            "immediately: the causal link was {what} on {}",
            discord_time(at)
        ),
        None => format!("immediately once a causal link is {what}"),
    };
    let when = match (deadline.immediately, deadline.days) {
        (Immediately::OnAwareness, 0) => {
            format!(
                "immediately (from awareness, {})",
                discord_time(deadline.due_at)
            )
        }
        (Immediately::OnAwareness, days) => format!(
            "immediately, and at the latest within {days} days, by {}",
            discord_time(deadline.due_at)
        ),
        (Immediately::OnceLinkEstablished, days) => format!(
            "{}, and at the latest within {days} days, by {}",
            link("established (or its reasonable likelihood)"),
            discord_time(deadline.due_at)
        ),
        (Immediately::OnceLinkSuspected, days) => format!(
            "{}, and at the latest within {days} days, by {}",
            link("established or suspected"),
            discord_time(deadline.due_at)
        ),
    };
    let reporting = &incident.reporting;
    let state = match reporting.met_at(deadline.recipient) {
        // "Immediately" has no limit to be late against.
        Some(at) if deadline.days == 0 => format!(" ✅ done on {}", discord_time(at)),
        Some(at) if at <= deadline.due_at => format!(" ✅ met on {}", discord_time(at)),
        Some(at) => format!(" ⚠️ met late, on {}", discord_time(at)),
        None => match (deadline.recipient, reporting.provider_unreachable_at) {
            (Recipient::Provider, Some(at)) => format!(
                " — the provider could not be reached ({}): Art. 73 applies to us",
                discord_time(at)
            ),
            _ => " ⌛ open".to_owned(),
        },
    };
    format!(
        "⏰ **{}**: {} — {when}.{state}",
        deadline.article, deadline.summary
    )
}

/// Whether an overseer's training was current, from their attestations.
pub fn training(check: &TrainingCheck) -> String {
    match check {
        TrainingCheck::Current {
            attestation,
            expires_at: Some(at),
        } => format!("current ({attestation}, valid until {at})"),
        TrainingCheck::Current {
            attestation,
            expires_at: None,
        } => format!("current ({attestation})"),
        TrainingCheck::Expired {
            attestation,
            expired_at,
        } => format!("expired ({attestation}, on {expired_at})"),
        TrainingCheck::NoneAttested => "no attestation on record".to_owned(),
    }
}

/// A tally of accepted outputs, recorded.
pub fn accepted_recorded(stored: &StoredRecord) -> String {
    match &stored.record {
        Record::AcceptedOutputs(tally) => format!(
            "✅ Recorded as **{}**: {} outputs of {} reviewed and accepted, from {} up to {}.",
            stored.reference,
            tally.accepted,
            escape(&tally.ai_system.to_string()),
            discord_time(tally.from),
            discord_time(tally.to)
        ),
        _ => format!("✅ Recorded as **{}**.", stored.reference),
    }
}

/// An override rate.
pub fn override_rate(rate: &OverrideRate) -> String {
    let head = format!(
        "**{}**, from {} up to {}: {} logged, {} reviewed and accepted.",
        escape(&rate.ai_system.to_string()),
        discord_time(rate.from),
        discord_time(rate.to),
        count(rate.overrides, "override", "overrides"),
        count(rate.accepted, "output", "outputs")
    );
    match rate.rate() {
        Some(share) => format!(
            "{head}\nOverride rate: **{:.1} %** ({} of {} reviewed outputs).",
            share * 100.0,
            rate.overrides,
            rate.overrides + rate.accepted
        ),
        None => format!(
            "{head}\nNo rate yet: nothing was reviewed in this period. `/override accepted` records \
             the outputs you let stand."
        ),
    }
}

/// "1 override", "3 overrides".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Who was told, for an incident's details.
pub fn reporting_lines(incident: &Incident) -> Vec<String> {
    let reporting = &incident.reporting;
    let mut lines = Vec::new();
    if let Some(at) = reporting.provider_informed_at {
        lines.push(format!("**Provider informed**: {}", discord_time(at)));
    }
    if let Some(at) = reporting.provider_unreachable_at {
        lines.push(format!(
            "**Provider could not be reached**: {} (Art. 73 applies to us, Art. 26(5))",
            discord_time(at)
        ));
    }
    for (what, report) in [
        ("Initial report", &reporting.initial_report),
        ("Complete report", &reporting.complete_report),
    ] {
        if let Some(report) = report {
            lines.push(format!("**{what}**: {}", authority_report(report)));
        }
    }
    lines
}

fn authority_report(report: &AuthorityReport) -> String {
    format!(
        "{} to {} ({}), reference {}",
        discord_time(report.at),
        escape(report.authority.as_str()),
        MemberState::join(&report.member_states),
        escape(report.reference.as_str())
    )
}

/// What a ledger event changed, in words, for fields whose change means something on its own
/// (an assessment, a report, a status); `None` for others.
pub fn change_summary(field: &str, value: &serde_json::Value) -> Option<String> {
    let at = |v: &serde_json::Value| {
        serde_json::from_value::<Timestamp>(v.clone())
            .ok()
            .map(discord_time)
    };
    Some(match field {
        "status" => format!("status {}", value.as_str()?.replace('_', " ")),
        "assessment" => {
            let assessment: SeriousAssessment = serde_json::from_value(value.clone()).ok()?;
            format!(
                "serious-incident assessment {}: {}",
                assessment.stage.label().trim_start_matches("the "),
                criteria(&assessment)
            )
        }
        "provider_informed_at" => format!("provider informed on {}", at(value)?),
        "provider_unreachable_at" => {
            format!("provider could not be reached ({})", at(value)?)
        }
        "initial_report" | "complete_report" => {
            let report: AuthorityReport = serde_json::from_value(value.clone()).ok()?;
            format!(
                "{} report: {}",
                field.trim_end_matches("_report"),
                authority_report(&report)
            )
        }
        _ => return None,
    })
}

/// What a compliance member is told after an assessment or a report was recorded.
pub fn incident_changed(
    reference: Reference,
    incident: &Incident,
    clocks: Option<&Clocks>,
    compliance: ComplianceNotice,
) -> String {
    let mut text = format!("✅ {reference} updated.");
    if let Some(assessment) = &incident.assessment {
        text.push_str(&format!(
            "\nSerious-incident assessment ({}): {}.",
            assessment.stage.label(),
            criteria(assessment)
        ));
    }
    match clocks {
        Some(clocks) if incident.is_serious() => {
            text.push('\n');
            text.push_str(&clock_lines(incident, clocks));
        }
        _ => text.push_str("\nNo reporting deadline applies."),
    }
    match compliance {
        ComplianceNotice::Queued => {
            text.push_str("\nThe compliance channel will be told.");
        }
        ComplianceNotice::NoChannel => text.push_str(
            "\nNo compliance channel is configured for this server, so nobody else was told.",
        ),
        ComplianceNotice::NotAnnounced => {}
    }
    text
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
