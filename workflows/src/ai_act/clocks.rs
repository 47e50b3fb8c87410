//! The reporting clocks of a serious incident (EU AI Act Art. 73, Art. 26(5)), derived from the
//! incident's current facts every time they are shown, never stored: when the assessment is
//! confirmed or revised, or a fact changes, the deadlines follow.
//!
//! Clocks start at awareness and count calendar days: the Act says "days", not working days,
//! and there is no roll-over to a Monday. Each limit is the latest moment; the Act asks for a
//! report *immediately* once the causal link is established (Art. 73(2)), for a death once it
//! is suspected (73(4)), and at once for critical infrastructure or a widespread infringement
//! (73(3)).

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::application::{DateOfApplication, RiskScope, applies_from};
use super::{MemberState, OrganisationRole, SeriousCriterion};
use crate::Timestamp;

/// Who must be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The market surveillance authority of the Member State(s) where the incident occurred.
    MarketSurveillanceAuthority,
    /// The AI system's provider (a deployer's duty).
    Provider,
}

/// What "immediately" is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Immediately {
    /// From awareness (Art. 73(3), Art. 26(5)).
    OnAwareness,
    /// Once a causal link, or its reasonable likelihood, is established (Art. 73(2)).
    OnceLinkEstablished,
    /// Once a causal link is established or suspected (Art. 73(4), a death).
    OnceLinkSuspected,
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    article: &'static str,
    /// Applies when the incident meets any of these; empty = any serious incident.
    criteria: &'static [SeriousCriterion],
    /// Applies only to a widespread infringement (Art. 3(61)).
    widespread: bool,
    recipient: Recipient,
    /// Calendar days after awareness at the latest; 0 = immediately.
    days: i64,
    immediately: Immediately,
    summary: &'static str,
}

/// The provider's duty (Art. 73). Where several apply, the shortest limit wins.
const PROVIDER_RULES: &[Rule] = &[
    Rule {
        article: "Art. 73(2)",
        criteria: &[],
        widespread: false,
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 15,
        immediately: Immediately::OnceLinkEstablished,
        summary: "report the serious incident to the market surveillance authority",
    },
    Rule {
        article: "Art. 73(4)",
        criteria: &[SeriousCriterion::Death],
        widespread: false,
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 10,
        immediately: Immediately::OnceLinkSuspected,
        summary: "report the death of a person to the market surveillance authority",
    },
    Rule {
        article: "Art. 73(3)",
        criteria: &[SeriousCriterion::CriticalInfrastructure],
        widespread: false,
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 2,
        immediately: Immediately::OnAwareness,
        summary: "report the disruption of critical infrastructure to the market surveillance authority",
    },
    Rule {
        article: "Art. 73(3)",
        criteria: &[SeriousCriterion::FundamentalRights],
        widespread: true,
        recipient: Recipient::MarketSurveillanceAuthority,
        days: 2,
        immediately: Immediately::OnAwareness,
        summary: "report the widespread infringement (Art. 3(61)) to the market surveillance authorities",
    },
];

/// The deployer's duty (Art. 26(5)).
const INFORM_PROVIDER: Rule = Rule {
    article: "Art. 26(5)",
    criteria: &[],
    widespread: false,
    recipient: Recipient::Provider,
    days: 0,
    immediately: Immediately::OnAwareness,
    summary: "inform the provider immediately, then the importer or distributor and the market \
              surveillance authority",
};

/// At least this many Member States make an infringement of fundamental rights by one system
/// widespread. Art. 3(61)(b) needs three (the same practice, at the same time, by the same
/// operator); 3(61)(a) needs two other than the one where the act originated or the provider
/// or deployer is established. aimsbot does not record that Member State, so two count: the
/// shorter clock is the safe reading until compliance knows better.
pub const WIDESPREAD_MEMBER_STATES: usize = 2;

/// What the clocks depend on: the incident's current facts and the system's scope.
#[derive(Debug, Clone, Copy)]
pub struct IncidentFacts<'a> {
    /// The current assessment's criteria (the reporter's first, or the compliance role's).
    pub criteria: &'a [SeriousCriterion],
    /// The Member States affected.
    pub member_states: &'a [MemberState],
    pub role: OrganisationRole,
    pub aware_at: Timestamp,
    /// A deployer recorded that the provider cannot be reached.
    pub provider_unreachable: bool,
    pub scope: RiskScope,
}

/// A reporting duty with its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// "Art. 73(4)"; for a deployer standing in for an unreachable provider,
    /// "Art. 26(5), Art. 73(4)".
    pub article: String,
    pub recipient: Recipient,
    /// Calendar days from awareness; 0 means immediately.
    pub days: i64,
    /// The latest moment: awareness plus `days`.
    pub due_at: Timestamp,
    pub immediately: Immediately,
    pub summary: &'static str,
}

/// The deadlines an incident's facts give, and whether they are the law's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clocks {
    pub deadlines: Vec<Deadline>,
    /// `None`: legal deadlines. `Some(why)`: the Act's duties do not reach this incident (yet),
    /// and the deadlines are the organisation's internal targets, on the same day counts.
    pub internal_because: Option<String>,
    /// A fundamental-rights infringement in enough Member States to be widespread.
    pub widespread: bool,
}

impl Clocks {
    pub fn is_legal(&self) -> bool {
        self.internal_because.is_none()
    }
}

/// The deadlines for an incident with these facts, under these dates of application. Nothing is
/// due for an incident judged not serious.
pub fn clocks(facts: &IncidentFacts<'_>, dates: &[DateOfApplication]) -> Clocks {
    let serious: Vec<SeriousCriterion> = facts
        .criteria
        .iter()
        .copied()
        .filter(|c| *c != SeriousCriterion::NotSerious)
        .collect();
    let widespread = serious.contains(&SeriousCriterion::FundamentalRights)
        && facts.member_states.len() >= WIDESPREAD_MEMBER_STATES;
    if serious.is_empty() {
        return Clocks {
            deadlines: Vec::new(),
            internal_because: None,
            widespread: false,
        };
    }
    let applies = |rule: &&Rule| {
        (rule.criteria.is_empty() || rule.criteria.iter().any(|c| serious.contains(c)))
            && (!rule.widespread || widespread)
    };
    let deadline = |rule: &Rule, article: String| Deadline {
        article,
        recipient: rule.recipient,
        days: rule.days,
        due_at: facts.aware_at.plus(Duration::days(rule.days)),
        immediately: rule.immediately,
        summary: rule.summary,
    };
    let provider_rule = PROVIDER_RULES.iter().filter(applies).min_by_key(|r| r.days);
    let mut deadlines = Vec::new();
    match facts.role {
        // A deployer who is also the provider reports as the provider; it has nobody to inform.
        OrganisationRole::Provider | OrganisationRole::Both => {
            deadlines.extend(provider_rule.map(|r| deadline(r, r.article.to_owned())));
        }
        OrganisationRole::Deployer => {
            deadlines.push(deadline(
                &INFORM_PROVIDER,
                INFORM_PROVIDER.article.to_owned(),
            ));
            // Where the provider cannot be reached, Art. 73 applies to the deployer with the
            // same limits (Art. 26(5)).
            if facts.provider_unreachable {
                deadlines.extend(
                    provider_rule.map(|r| deadline(r, format!("Art. 26(5), {}", r.article))),
                );
            }
        }
    }
    deadlines.sort_by_key(|d| d.due_at);
    Clocks {
        deadlines,
        internal_because: internal_because(facts, dates),
        widespread,
    }
}

/// Why the Act's deadlines do not reach this incident, if they do not.
fn internal_because(facts: &IncidentFacts<'_>, dates: &[DateOfApplication]) -> Option<String> {
    if let RiskScope::NotHighRisk(class) = facts.scope {
        return Some(format!(
            "the AI system is classed \"{class}\": the reporting duties of Art. 73 and Art. \
             26(5) cover high-risk systems only"
        ));
    }
    let Some(date) = applies_from(facts.scope, dates) else {
        return Some("no date of application is known for this kind of system".to_owned());
    };
    let unclassified = if facts.scope == RiskScope::Unclassified {
        "; the AI system is not classified, so it is treated as high-risk"
    } else {
        ""
    };
    (facts.aware_at < date.starts_at()).then(|| {
        format!(
            "the reporting duties of Art. 73 and Art. 26(5) reach {} from {} ({}), and this \
             incident became known before{unclassified}",
            date.kind.label(),
            date.day(),
            date.source
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai_act::{DATES_OF_APPLICATION, HighRiskKind};
    use SeriousCriterion::*;

    /// A Friday evening after the Annex III date: calendar days must not roll over the weekend.
    fn aware() -> Timestamp {
        at("2028-11-24T18:30:00Z")
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn facts(criteria: &[SeriousCriterion], role: OrganisationRole) -> IncidentFacts<'_> {
        IncidentFacts {
            criteria,
            member_states: &[],
            role,
            aware_at: aware(),
            provider_unreachable: false,
            scope: RiskScope::HighRisk(HighRiskKind::AnnexIii),
        }
    }

    fn due(facts: &IncidentFacts<'_>) -> Vec<(String, i64, String)> {
        let clocks = clocks(facts, DATES_OF_APPLICATION);
        assert!(clocks.is_legal(), "{:?}", clocks.internal_because);
        clocks
            .deadlines
            .into_iter()
            .map(|d| (d.article, d.days, d.due_at.to_canonical()))
            .collect()
    }

    fn row(article: &str, days: i64, due_at: &str) -> (String, i64, String) {
        (article.to_owned(), days, due_at.to_owned())
    }

    #[test]
    fn art_73_2_serious_harm_to_health_is_fifteen_calendar_days_once_the_link_is_established() {
        let facts = facts(&[SeriousHealthHarm], OrganisationRole::Provider);
        assert_eq!(
            due(&facts),
            [row("Art. 73(2)", 15, "2028-12-09T18:30:00.000000Z")]
        );
        let deadline = &clocks(&facts, DATES_OF_APPLICATION).deadlines[0];
        assert_eq!(deadline.immediately, Immediately::OnceLinkEstablished);
    }

    #[test]
    fn art_73_4_a_death_is_ten_days_and_immediately_once_suspected() {
        let facts = facts(&[Death, SeriousHealthHarm], OrganisationRole::Provider);
        assert_eq!(
            due(&facts),
            [row("Art. 73(4)", 10, "2028-12-04T18:30:00.000000Z")]
        );
        let deadline = &clocks(&facts, DATES_OF_APPLICATION).deadlines[0];
        assert_eq!(deadline.immediately, Immediately::OnceLinkSuspected);
    }

    #[test]
    fn art_73_3_critical_infrastructure_is_two_days_and_wins_over_a_death() {
        assert_eq!(
            due(&facts(
                &[CriticalInfrastructure, Death],
                OrganisationRole::Provider
            )),
            [row("Art. 73(3)", 2, "2028-11-26T18:30:00.000000Z")]
        );
    }

    #[test]
    fn art_3_61_an_infringement_in_three_member_states_is_widespread_and_two_days() {
        let three = [MemberState::DE, MemberState::FR, MemberState::NL];
        let facts_three = IncidentFacts {
            member_states: &three,
            ..facts(&[FundamentalRights], OrganisationRole::Provider)
        };
        assert_eq!(
            due(&facts_three),
            [row("Art. 73(3)", 2, "2028-11-26T18:30:00.000000Z")]
        );
        assert!(clocks(&facts_three, DATES_OF_APPLICATION).widespread);

        // Two may be widespread under 3(61)(a): the shorter clock, as the safe reading.
        let two = [MemberState::DE, MemberState::FR];
        let facts_two = IncidentFacts {
            member_states: &two,
            ..facts(&[FundamentalRights], OrganisationRole::Provider)
        };
        assert_eq!(
            due(&facts_two),
            [row("Art. 73(3)", 2, "2028-11-26T18:30:00.000000Z")]
        );
        let one = [MemberState::DE];
        let facts_one = IncidentFacts {
            member_states: &one,
            ..facts(&[FundamentalRights], OrganisationRole::Provider)
        };
        assert_eq!(
            due(&facts_one),
            [row("Art. 73(2)", 15, "2028-12-09T18:30:00.000000Z")]
        );
    }

    #[test]
    fn property_or_environment_is_fifteen_days() {
        assert_eq!(
            due(&facts(&[PropertyOrEnvironment], OrganisationRole::Provider))[0].0,
            "Art. 73(2)"
        );
    }

    #[test]
    fn art_26_5_a_deployer_informs_the_provider_immediately() {
        assert_eq!(
            due(&facts(&[SeriousHealthHarm], OrganisationRole::Deployer)),
            [row("Art. 26(5)", 0, "2028-11-24T18:30:00.000000Z")]
        );
    }

    #[test]
    fn art_26_5_a_deployer_who_cannot_reach_the_provider_has_the_art_73_limits() {
        let facts = IncidentFacts {
            provider_unreachable: true,
            ..facts(&[Death], OrganisationRole::Deployer)
        };
        assert_eq!(
            due(&facts),
            [
                row("Art. 26(5)", 0, "2028-11-24T18:30:00.000000Z"),
                row("Art. 26(5), Art. 73(4)", 10, "2028-12-04T18:30:00.000000Z"),
            ]
        );
    }

    #[test]
    fn a_deployer_that_is_also_the_provider_is_not_told_to_inform_itself() {
        assert_eq!(
            due(&facts(&[Death], OrganisationRole::Both)),
            [row("Art. 73(4)", 10, "2028-12-04T18:30:00.000000Z")]
        );
    }

    #[test]
    fn nothing_is_due_when_judged_not_serious() {
        for criteria in [&[NotSerious][..], &[]] {
            let clocks = clocks(
                &facts(criteria, OrganisationRole::Both),
                DATES_OF_APPLICATION,
            );
            assert!(clocks.deadlines.is_empty());
        }
    }

    #[test]
    fn art_73_1_a_minimal_risk_system_gets_an_internal_target_and_no_legal_deadline() {
        let facts = IncidentFacts {
            scope: RiskScope::NotHighRisk("Minimal risk"),
            ..facts(&[SeriousHealthHarm], OrganisationRole::Provider)
        };
        let clocks = clocks(&facts, DATES_OF_APPLICATION);
        assert!(!clocks.is_legal());
        assert_eq!(clocks.deadlines.len(), 1, "the target keeps the day count");
        let why = clocks.internal_because.unwrap_or_default();
        assert!(
            why.contains("\"Minimal risk\"") && why.contains("high-risk systems only"),
            "{why}"
        );
    }

    #[test]
    fn art_113_before_the_date_of_application_there_is_no_legal_deadline_and_the_date_is_shown() {
        let facts = IncidentFacts {
            aware_at: at("2026-11-27T18:30:00Z"),
            ..facts(&[Death], OrganisationRole::Provider)
        };
        let clocks = clocks(&facts, DATES_OF_APPLICATION);
        let why = clocks.internal_because.unwrap_or_default();
        assert!(
            why.contains("from 2 December 2027") && why.contains("Digital Omnibus"),
            "{why}"
        );

        let annex_i = IncidentFacts {
            scope: RiskScope::HighRisk(HighRiskKind::AnnexI),
            aware_at: at("2028-01-10T00:00:00Z"),
            ..facts
        };
        let why = super::clocks(&annex_i, DATES_OF_APPLICATION)
            .internal_because
            .unwrap_or_default();
        assert!(why.contains("from 2 August 2028"), "{why}");
    }

    #[test]
    fn art_113_the_date_starts_at_midnight_brussels_time() {
        // 00:30 in Brussels on 2 December 2027 is 23:30 UTC the day before.
        let just_after = IncidentFacts {
            aware_at: at("2027-12-01T23:30:00Z"),
            ..facts(&[SeriousHealthHarm], OrganisationRole::Provider)
        };
        assert!(clocks(&just_after, DATES_OF_APPLICATION).is_legal());
        let just_before = IncidentFacts {
            aware_at: at("2027-12-01T22:59:00Z"),
            ..just_after
        };
        assert!(!clocks(&just_before, DATES_OF_APPLICATION).is_legal());
    }

    #[test]
    fn an_unclassified_system_is_treated_as_high_risk() {
        let facts = IncidentFacts {
            scope: RiskScope::Unclassified,
            ..facts(&[SeriousHealthHarm], OrganisationRole::Provider)
        };
        assert!(clocks(&facts, DATES_OF_APPLICATION).is_legal());
        let before = IncidentFacts {
            aware_at: at("2027-06-01T00:00:00Z"),
            ..facts
        };
        let why = clocks(&before, DATES_OF_APPLICATION)
            .internal_because
            .unwrap_or_default();
        assert!(why.contains("treated as high-risk"), "{why}");
    }
}
